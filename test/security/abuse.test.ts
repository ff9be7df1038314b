/**
 * The table-driven abuse suite of issue #10: hostile inputs at every entry point — JSON and
 * form bodies, query strings, headers, uploads, and both origins (the platform and the
 * content origin). Every case asserts the status, the Vietnamese message the user (or the
 * script) gets — for the two runtime endpoints a package's script calls (/commit, /xapi)
 * that is the machine answer the SCORM / xAPI runtime reads, there is no person to read
 * a sentence — and that nothing was stored: the document count of every collection is
 * the same after the request as before it (the audit log, the sign-in counters and the job
 * queue excepted — refusals are recorded there on purpose).
 */
import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { startTestPlatform, type Client, type Reply, type TestPlatform } from '../http';
import { buildOfficer, buildUnit } from '../factories';
import { createAccount } from '../../server/users/service';
import { t, type MessageId } from '../../server/i18n';
import type { Unit } from '../../server/units/model';

const vi = (id: MessageId, params?: Record<string, unknown>) => t('vi', id, params);
const PASSWORD = 'mật khẩu thử';
/** Collections where a refusal leaves a trace by design. */
const TRACES = /audit|login_attempts|agenda|jobs|revocations/i;

type Who = 'api' | 'browser' | 'stranger' | 'content';
interface Case {
  name: string;
  who: Who;
  method?: string;
  url: string | (() => string);
  json?: unknown;
  raw?: { body: string | Uint8Array; type: string };
  form?: Record<string, string> | (() => Record<string, string>);
  /** the page whose CSRF token the form carries (browser only); null = no token at all */
  csrfFrom?: string | null;
  upload?: { field: string; name: string; bytes: Uint8Array; csrfFrom: string; extra?: Record<string, string> };
  headers?: Record<string, string>;
  status: number;
  message: string | RegExp;
}

describe('security #10: abuse suite (≥ 80 hostile inputs, every entry point)', function () {
  this.timeout(180_000);
  let tp: TestPlatform;
  let db: Connection;
  let api: Client;
  let browser: Client;
  let province: Unit;
  let other: Unit;
  let officerId = '';

  before(async () => {
    tp = await startTestPlatform('abuse');
    db = tp.platform.services.db;
    province = await buildUnit({ code: 'TINH-LAMDUNG', name: 'Tỉnh thử lạm dụng' });
    other = await buildUnit({ code: 'TINH-KHAC', name: 'Tỉnh khác' });
    officerId = (await buildOfficer({ unitId: province._id, code: 'LD-001' }))._id.toHexString();
    await createAccount(db, { username: 'dieu.phoi.ld', displayName: 'Điều phối', role: 'coordinator', unitId: province._id, password: PASSWORD }, 4);
    api = tp.client();
    api.bearer = (await api.request('POST', '/api/v1/auth/login', { json: { login: 'dieu.phoi.ld', password: PASSWORD } })).json().token;
    browser = tp.client();
    await browser.signIn('dieu.phoi.ld', PASSWORD);
  });
  after(() => tp?.close());

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const { name } of await db.db!.listCollections().toArray()) if (!TRACES.test(name)) {
        // a collection first touched by the request (created empty with its indexes) holds nothing
        const count = await db.db!.collection(name).countDocuments();
        if (count > 0) result[name] = count;
      }
    return result;
  }

  const unitUrl = () => `/api/v1/units/${province._id.toHexString()}`;
  // '@province' stands for the province's id, known once the suite has started
  const newOfficer = (fields: Record<string, unknown>) => ({ code: 'LD-MOI', fullName: 'Nguyễn Văn Mới', category: 'cong-chuc', unitId: '@province', ...fields });
  const newUnit = (fields: Record<string, unknown>) => ({ code: 'LD-DV', name: 'Phòng thử', kind: 'division', parentId: '@province', ...fields });
  const invalid = vi('validation_failed');
  const controls = vi('text_control_chars');
  const zipHead = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const cfb = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);

  const hostileText: Record<string, string> = {
    NUL: 'A\u0000B', ESC: 'A\u001b[2JB', BEL: 'A\u0007B', BS: 'A\u0008B', VT: 'A\u000bB', FF: 'A\u000cB', DEL: 'A\u007fB', C1_NEL: 'A\u0085B', C1_CSI: 'A\u009bB',
    LRE: 'A\u202aB', RLE: 'A\u202bB', PDF: 'A\u202cB', LRO: 'A\u202dB', RLO: 'A\u202eB', LRI: 'A\u2066B', RLI: 'A\u2067B', FSI: 'A\u2068B', PDI: 'A\u2069B',
  };

  const cases: Case[] = [
    // JSON bodies: officer names with every kind of control character and bidi override
    ...Object.entries(hostileText).map(([what, value]): Case => ({ name: `officer fullName with ${what}`, who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ fullName: `Nguyễn ${value}` }), status: 422, message: controls })),
    ...['NUL', 'RLO', 'ESC', 'LRI'].map((what): Case => ({ name: `officer position with ${what}`, who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ position: `Chuyên viên ${hostileText[what]}` }), status: 422, message: controls })),
    ...['NUL', 'RLO', 'C1_NEL', 'PDI'].map((what): Case => ({ name: `unit name with ${what}`, who: 'api', method: 'POST', url: '/api/v1/units', json: newUnit({ name: `Phòng ${hostileText[what]}` }), status: 422, message: controls })),
    { name: 'unit rename (PATCH) with RLO', who: 'api', method: 'PATCH', url: unitUrl, json: { name: 'Tỉnh \u202eđổi' }, status: 422, message: controls },
    // operators, prototypes and unknown keys
    { name: 'operator object as fullName', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ fullName: { $gt: '' } }), status: 422, message: invalid },
    { name: 'operator object as code', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ code: { $ne: null } }), status: 422, message: invalid },
    { name: 'operator object as unitId', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ unitId: { $where: 'sleep(1000)' } }), status: 422, message: invalid },
    { name: '__proto__ key', who: 'api', method: 'POST', url: '/api/v1/officers', raw: { body: JSON.stringify(newOfficer({})).replace(/^\{/, '{"__proto__":{"role":"admin"},'), type: 'application/json' }, status: 422, message: invalid },
    { name: 'constructor.prototype key', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ constructor: { prototype: { isAdmin: true } } }), status: 422, message: invalid },
    { name: 'unknown key (role) smuggled in', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ role: 'admin' }), status: 422, message: invalid },
    { name: 'array as the body', who: 'api', method: 'POST', url: '/api/v1/officers', json: [newOfficer({})], status: 422, message: invalid },
    { name: 'malformed JSON', who: 'api', method: 'POST', url: '/api/v1/officers', raw: { body: '{"code": "LD-MOI",', type: 'application/json' }, status: 400, message: vi('malformed_body') },
    { name: 'JSON body over the size limit', who: 'api', method: 'POST', url: '/api/v1/officers', raw: { body: JSON.stringify(newOfficer({ fullName: 'x'.repeat(2_000_000) })), type: 'application/json' }, status: 413, message: vi('payload_too_large') },
    // codes, choices, e-mails, phones, ids, lengths
    { name: 'code with a space', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ code: 'LD 01' }), status: 422, message: invalid },
    { name: 'code with markup', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ code: '<script>' }), status: 422, message: invalid },
    { name: 'code of 41 characters', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ code: 'A'.repeat(41) }), status: 422, message: invalid },
    { name: 'empty code', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ code: '   ' }), status: 422, message: invalid },
    { name: 'fullName of 10,000 characters', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ fullName: 'Ă'.repeat(10_000) }), status: 422, message: invalid },
    { name: 'category outside the list', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ category: 'vua' }), status: 422, message: invalid },
    { name: 'e-mail "a@"', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ email: 'a@' }), status: 422, message: invalid },
    { name: 'e-mail with two @', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ email: 'a@b@c.vn' }), status: 422, message: invalid },
    { name: 'e-mail with a line break (header injection)', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ email: 'a@b.vn\r\nBcc: x@y.vn' }), status: 422, message: invalid },
    { name: 'phone of letters', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ phone: 'gọi tôi' }), status: 422, message: invalid },
    { name: 'unitId not an id', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ unitId: 'khong-phai-id' }), status: 422, message: invalid },
    { name: 'unitId of a unit outside the scope', who: 'api', method: 'POST', url: '/api/v1/officers', json: () => newOfficer({ unitId: other._id.toHexString() }), status: 403, message: vi('forbidden') },
    { name: 'unit kind outside the list', who: 'api', method: 'POST', url: '/api/v1/units', json: newUnit({ kind: 'empire' }), status: 422, message: invalid },
    { name: 'unit code with unicode', who: 'api', method: 'POST', url: '/api/v1/units', json: newUnit({ code: 'PHÒNG-1' }), status: 422, message: invalid },
    { name: 'unit parent outside the scope', who: 'api', method: 'POST', url: '/api/v1/units', json: () => newUnit({ parentId: other._id.toHexString() }), status: 403, message: vi('forbidden') },
    // dates
    ...['+275760-09-13', '-000001-01-01', '1899-12-31', '2101-01-01'].map((d): Case => ({ name: `effective date ${d}`, who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ effectiveDate: d }), status: 422, message: invalid })),
    ...['2026-02-31', '2026-02-29', '31/04/2026', '2026-00-10', 'hôm qua', ''.padEnd(30, '9')].map((d): Case => ({ name: `impossible date "${d}"`, who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ effectiveDate: d }), status: 422, message: invalid })),
    { name: 'effective date as a huge number', who: 'api', method: 'POST', url: '/api/v1/officers', json: newOfficer({ effectiveDate: 8.64e15 + 1 }), status: 422, message: invalid },
    { name: 'transfer dated 31/02', who: 'api', method: 'POST', url: () => `/api/v1/officers/${officerId}/transfer`, json: () => ({ unitId: province._id.toHexString(), effectiveDate: '2026-02-31' }), status: 422, message: invalid },
    // sign-in
    { name: 'login as an operator object', who: 'stranger', method: 'POST', url: '/api/v1/auth/login', json: { login: { $ne: null }, password: 'x' }, status: 422, message: invalid },
    { name: 'password of 10,000 characters', who: 'stranger', method: 'POST', url: '/api/v1/auth/login', json: { login: 'dieu.phoi.ld', password: 'x'.repeat(10_000) }, status: 422, message: invalid },
    { name: 'login with NUL', who: 'stranger', method: 'POST', url: '/api/v1/auth/login', json: { login: 'dieu.phoi.ld\u0000', password: PASSWORD }, status: 401, message: vi('sign_in_failed') },
    // query strings
    { name: 'pageSize 100000', who: 'api', url: '/api/v1/officers?pageSize=100000', status: 422, message: invalid },
    { name: 'page -1', who: 'api', url: '/api/v1/officers?page=-1', status: 422, message: invalid },
    { name: 'q as an operator ($regex)', who: 'api', url: '/api/v1/officers?q[$regex]=.*', status: 422, message: invalid },
    { name: 'q of 1,000 characters', who: 'api', url: `/api/v1/officers?q=${'a'.repeat(1000)}`, status: 422, message: invalid },
    { name: 'unknown query key', who: 'api', url: '/api/v1/officers?sort=password', status: 422, message: invalid },
    { name: 'unitId query of another province', who: 'api', url: () => `/api/v1/officers?unitId=${other._id.toHexString()}`, status: 403, message: vi('forbidden') },
    { name: 'unit id not an id', who: 'api', url: '/api/v1/units/..%2F..%2Fadmin', status: 404, message: vi('page_not_found') },
    { name: 'officer id of 24 hex digits that is no officer', who: 'api', url: '/api/v1/officers/0123456789abcdef01234567', status: 404, message: vi('officer_not_found') },
    // headers
    { name: 'bearer token with alg none', who: 'stranger', url: '/api/v1/me', headers: { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"0123456789abcdef01234567"}').toString('base64url')}.` }, status: 401, message: vi('unauthenticated') },
    { name: 'bearer token of garbage', who: 'stranger', url: '/api/v1/me', headers: { authorization: 'Bearer !!!' }, status: 401, message: vi('unauthenticated') },
    { name: 'Basic authorization', who: 'stranger', url: '/api/v1/me', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' }, status: 401, message: vi('unauthenticated') },
    { name: 'cookie session with a wrong X-CSRF-Token', who: 'browser', method: 'POST', url: '/api/v1/officers', json: newOfficer({}), headers: { 'x-csrf-token': 'x'.repeat(43) }, status: 403, message: vi('csrf_invalid') },
    { name: 'cookie session without X-CSRF-Token', who: 'browser', method: 'POST', url: '/api/v1/units', json: newUnit({}), status: 403, message: vi('csrf_invalid') },
    { name: 'a stranger writing without a session', who: 'stranger', method: 'POST', url: '/api/v1/officers', json: newOfficer({}), status: 401, message: vi('unauthenticated') },
    // form bodies (pages)
    { name: 'officer form with RLO in the name', who: 'browser', method: 'POST', url: '/officers', csrfFrom: '/officers/new', form: () => ({ code: 'LD-FORM', fullName: 'Nguyễn \u202eA', category: 'cong-chuc', unitId: province._id.toHexString() }), status: 422, message: controls },
    { name: 'officer form with NUL in the rank', who: 'browser', method: 'POST', url: '/officers', csrfFrom: '/officers/new', form: () => ({ code: 'LD-FORM', fullName: 'Nguyễn Văn A', rank: 'Chuyên\u0000viên', category: 'cong-chuc', unitId: province._id.toHexString() }), status: 422, message: controls },
    { name: 'officer form dated 31/02', who: 'browser', method: 'POST', url: '/officers', csrfFrom: '/officers/new', form: () => ({ code: 'LD-FORM', fullName: 'Nguyễn Văn A', category: 'cong-chuc', unitId: province._id.toHexString(), effectiveDate: '2026-02-31' }), status: 422, message: vi('field_invalid_date') },
    { name: 'officer form with no CSRF token', who: 'browser', method: 'POST', url: '/officers', csrfFrom: null, form: () => ({ code: 'LD-FORM', fullName: 'Nguyễn Văn A', category: 'cong-chuc', unitId: province._id.toHexString() }), status: 403, message: vi('csrf_invalid') },
    { name: 'officer form with another browser’s token', who: 'browser', method: 'POST', url: '/officers', csrfFrom: 'stranger', form: () => ({ code: 'LD-FORM', fullName: 'Nguyễn Văn A', category: 'cong-chuc', unitId: province._id.toHexString() }), status: 403, message: vi('csrf_invalid') },
    { name: 'unit child form with ESC in the name', who: 'browser', method: 'POST', url: () => `/units/${province._id.toHexString()}/children`, csrfFrom: 'unit', form: { code: 'LD-CON', name: 'Phòng \u001b[31mđỏ', kind: 'division' }, status: 422, message: controls },
    { name: 'unit child form with a bad kind', who: 'browser', method: 'POST', url: () => `/units/${province._id.toHexString()}/children`, csrfFrom: 'unit', form: { code: 'LD-CON', name: 'Phòng con', kind: 'empire' }, status: 422, message: vi('field_invalid_choice') },
    { name: 'transfer form to a unit outside the scope', who: 'browser', method: 'POST', url: () => `/officers/${officerId}/transfer`, csrfFrom: 'officer', form: () => ({ unitId: other._id.toHexString(), effectiveDate: '2026-12-01' }), status: 403, message: vi('forbidden') },
    { name: 'sign-in form with an array login', who: 'stranger', method: 'POST', url: '/login', csrfFrom: '/login', form: { 'login[]': 'a', password: 'x' }, status: 400, message: vi('sign_in_failed') },
    // uploads
    { name: 'question import of random bytes named .xlsx', who: 'browser', method: 'POST', url: '/authoring/questions/import', upload: { field: 'file', name: 'cau-hoi.xlsx', bytes: zipHead, csrfFrom: '/authoring/questions/import' }, status: 422, message: vi('import_file_corrupt') },
    { name: 'question import of an Excel 97 file', who: 'browser', method: 'POST', url: '/authoring/questions/import', upload: { field: 'file', name: 'cau-hoi.xls', bytes: cfb, csrfFrom: '/authoring/questions/import' }, status: 422, message: vi('import_file_corrupt') },
    { name: 'question import of an empty file', who: 'browser', method: 'POST', url: '/authoring/questions/import', upload: { field: 'file', name: 'rong.xlsx', bytes: new Uint8Array(0), csrfFrom: '/authoring/questions/import' }, status: 422, message: vi('import_no_file') },
    { name: 'package upload that is no zip', who: 'browser', method: 'POST', url: '/authoring/packages', upload: { field: 'file', name: 'goi.zip', bytes: new TextEncoder().encode('<?php system($_GET["c"]); ?>'), csrfFrom: '/authoring/packages', extra: { title: 'Gói độc' } }, status: 422, message: vi('package_not_zip') },
    { name: 'package upload of a truncated zip', who: 'browser', method: 'POST', url: '/authoring/packages', upload: { field: 'file', name: 'goi.zip', bytes: zipHead, csrfFrom: '/authoring/packages', extra: { title: 'Gói hỏng' } }, status: 422, message: vi('package_zip_corrupt') },
    { name: 'officer import with a mode outside the list', who: 'browser', method: 'POST', url: '/officers/import', upload: { field: 'file', name: 'danh-sach.exe', bytes: new Uint8Array([0x4d, 0x5a, 0x90, 0]), csrfFrom: '/officers/import', extra: { mode: 'xoa-het' } }, status: 422, message: vi('field_invalid_choice') },
    // the content origin
    { name: 'content: player with a forged token', who: 'content', url: '/play/eyJhbGciOiJub25lIn0.e30.', status: 401, message: 'Phiên xem gói đã hết hạn' },
    { name: 'content: package file with a forged token', who: 'content', url: '/p/gia-mao/index.html', status: 401, message: 'Phiên xem gói đã hết hạn' },
    { name: 'content: path traversal under /p/', who: 'content', url: '/p/gia-mao/..%2F..%2F..%2Fetc%2Fpasswd', status: 401, message: 'Phiên xem gói đã hết hạn' },
    { name: 'content: commit with a forged token', who: 'content', method: 'POST', url: '/commit/gia-mao', raw: { body: '{"cmi":{}}', type: 'application/json' }, status: 401, message: /"result":false,"errorCode":391/ },
    { name: 'content: xAPI with a forged token', who: 'content', method: 'POST', url: '/xapi/gia-mao', raw: { body: '{"verb":{}}', type: 'application/json' }, status: 401, message: /"applied":false/ },
    { name: 'content: commit of malformed JSON', who: 'content', method: 'POST', url: '/commit/gia-mao', raw: { body: '{"cmi":', type: 'application/json' }, status: 400, message: 'Yêu cầu không hợp lệ' },
    { name: 'content: commit over 1 MB', who: 'content', method: 'POST', url: '/commit/gia-mao', raw: { body: JSON.stringify({ x: 'y'.repeat(1_200_000) }), type: 'application/json' }, status: 413, message: 'Yêu cầu không hợp lệ' },
    { name: 'content: a platform route is not there', who: 'content', method: 'POST', url: '/units/123/rename', raw: { body: 'name=x', type: 'application/x-www-form-urlencoded' }, status: 404, message: 'Không tìm thấy' },
  ];

  it('has at least 80 cases', () => {
    expect(cases.length).to.be.at.least(80);
  });

  async function csrfOf(from: string): Promise<string> {
    if (from === 'stranger') return tp.client().csrf('/login');
    if (from === 'unit') return browser.csrf(`/units/${province._id.toHexString()}`);
    if (from === 'officer') return browser.csrf(`/officers/${officerId}`);
    return browser.csrf(from);
  }

  async function send(c: Case): Promise<Reply> {
    const url = typeof c.url === 'function' ? c.url() : c.url;
    const method = c.method ?? 'GET';
    if (c.who === 'content') {
      const res = await fetch(tp.contentBase + url, { method, headers: { ...(c.raw ? { 'content-type': c.raw.type } : {}), ...c.headers }, body: c.raw?.body as RequestInit['body'] });
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text), location: res.headers.get('location') };
    }
    const client = c.who === 'api' ? api : c.who === 'browser' ? browser : tp.client();
    const headers = { accept: c.who === 'api' || c.json !== undefined ? 'application/json' : 'text/html', ...c.headers };
    if (c.upload) {
      const form = new FormData();
      form.set('_csrf', await csrfOf(c.upload.csrfFrom));
      for (const [k, v] of Object.entries(c.upload.extra ?? {})) form.set(k, v);
      form.set(c.upload.field, new Blob([c.upload.bytes as Uint8Array<ArrayBuffer>]), c.upload.name);
      return client.request(method, url, { body: form, headers });
    }
    if (c.form) {
      const fields = typeof c.form === 'function' ? c.form() : c.form;
      const token: Record<string, string> = c.csrfFrom === null || c.csrfFrom === undefined ? {} : { _csrf: await (c.who === 'stranger' ? client.csrf(c.csrfFrom) : csrfOf(c.csrfFrom)) };
      return client.request(method, url, { form: { ...token, ...fields }, headers });
    }
    const withIds = (body: string) => body.replaceAll('@province', province._id.toHexString());
    if (c.raw) return client.request(method, url, { body: typeof c.raw.body === 'string' ? withIds(c.raw.body) : (c.raw.body as RequestInit['body']), headers: { ...headers, 'content-type': c.raw.type } });
    if (c.json !== undefined) {
      const value: unknown = typeof c.json === 'function' ? (c.json as () => unknown)() : c.json;
      return client.request(method, url, { body: withIds(JSON.stringify(value)), headers: { ...headers, 'content-type': 'application/json' } });
    }
    return client.request(method, url, { headers });
  }

  for (const c of cases) {
    it(`${c.who}: ${c.name} → ${c.status}`, async () => {
      const before = await counts();
      const reply = await send(c);
      expect(reply.status, reply.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 1200)).to.equal(c.status);
      const shown = reply.text.normalize('NFC');
      const plain = shown.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 1500);
      if (typeof c.message === 'string') expect(shown, `the Vietnamese message in: ${plain}`).to.contain(c.message.normalize('NFC'));
      else expect(shown, `the Vietnamese message in: ${plain}`).to.match(c.message);
      expect(await counts(), 'nothing stored').to.deep.equal(before);
    });
  }
});
