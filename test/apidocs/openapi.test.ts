/**
 * The API description (issue #16): every /api/v1 route the router holds is in
 * /api/v1/openapi.json, every operation documents its success body and the error
 * envelope, real answers of (nearly) every route validate against the document's response
 * schemas (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses; objects closed, so a leaked field
 * fails), and /api/docs renders it without scripts.
 */
import { expect } from 'chai';
import Ajv2020 from 'ajv/dist/2020';
import { startTestPlatform, type Client, type Reply, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { collectRoutes } from '../authorization/routes';
import { createAccount } from '../../server/users/service';
import type { Unit } from '../../server/units/model';
import { attemptModel, type Attempt } from '../../server/quizzes/model';
import { certificateModel, type Certificate } from '../../server/certificates/model';
import { buildCampaignWorld, PASSWORD as WORLD_PASSWORD, YEAR, type CampaignWorld } from '../campaigns/world';
import { completeModule } from '../certificates/world';
import { buildPublishedModule, buildQuestions, learnerAccount, lesson, quiz } from '../learning/fixtures';
import { scorm12Files, zipOf } from '../packages/fixtures/build';
import { bundleJson, makeZip } from '../content/helpers';

const PASSWORD = 'mật khẩu mô tả api';

type Doc = { openapi: string; paths: Record<string, Record<string, any>> };

describe('apidocs: OpenAPI 3.1 for /api/v1 and the docs page', function () {
  // the walk through every route builds a whole province: slow on a loaded machine
  this.timeout(240_000);
  let tp: TestPlatform;
  let doc: Doc;
  let unit: Unit;

  before(async () => {
    tp = await startTestPlatform('openapi');
    unit = await buildUnit({ name: 'Sở Mô Tả' });
    await createAccount(tp.platform.services.db, { username: 'api.mo.ta', displayName: 'Người Mô Tả', role: 'coordinator', password: PASSWORD, unitId: unit._id }, 4);
    const reply = await tp.client().request('GET', '/api/v1/openapi.json');
    expect(reply.status).to.equal(200);
    doc = reply.json<Doc>();
  });
  after(async () => tp?.close());

  /** Checks `reply` against the schema the document gives for this operation and status (or `default` for errors). */
  function validate(method: string, path: string, reply: Reply): string[] {
    const op = doc.paths[path]?.[method];
    expect(op, `${method} ${path} in the document`).to.not.equal(undefined);
    const response = op.responses[String(reply.status)] ?? op.responses['default'];
    const schema = response?.content?.['application/json']?.schema;
    expect(schema, `${method} ${path} ${reply.status}: a response schema`).to.not.equal(undefined);
    return check(schema, reply.json());
  }

  /** The problems ajv finds in `value` against a JSON Schema of the document. */
  function check(schema: object, value: unknown): string[] {
    const validator = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    return validator(value) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }

  it('is OpenAPI 3.1 and holds every /api/v1 route of the router, with its method', () => {
    expect(doc.openapi).to.match(/^3\.1\./);
    const routes = collectRoutes(tp.platform.app).filter((r) => r.key.split(' ')[1]!.startsWith('/api/v1/'));
    expect(routes.length).to.be.greaterThan(30);
    const missing = routes
      .map((r) => r.key.split(' ') as [string, string])
      .filter(([method, path]) => !doc.paths[path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[method.toLowerCase()])
      .map((pair) => pair.join(' '));
    expect(missing).to.deep.equal([]);
  });

  it('describes a route without doc metadata from its zod input: path parameters, body fields, access', () => {
    const create = doc.paths['/api/v1/units']!['post'];
    const body = create.requestBody.content['application/json'].schema;
    expect(body.properties).to.include.keys('code', 'name', 'kind', 'parentId');
    expect(body.required).to.include.members(['code', 'name', 'kind']);
    expect(body.properties.kind.enum).to.include('department');
    expect(create['x-access']).to.equal('signed-in');
    const transfer = doc.paths['/api/v1/officers/{id}/transfer']!['post'];
    expect(transfer.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).to.include('path:id');
    expect(transfer.parameters.find((p: { name: string }) => p.name === 'id').schema.pattern).to.equal('^[0-9a-fA-F]{24}$');
    const list = doc.paths['/api/v1/units']!['get'];
    expect(list.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).to.include('query:includeInactive');
    expect(doc.paths['/api/v1/auth/login']!['post']['x-access']).to.equal('public');
  });

  it('real answers validate against the response schemas; a leaked field or a wrong type does not', async () => {
    const client: Client = tp.client();
    const login = await client.request('POST', '/api/v1/auth/login', { json: { login: 'api.mo.ta', password: PASSWORD } });
    expect(login.status).to.equal(200);
    expect(validate('post', '/api/v1/auth/login', login)).to.deep.equal([]);
    client.bearer = login.json<{ token: string }>().token;

    const calls: Array<[string, string, string]> = [
      ['get', '/api/v1/me', '/api/v1/me'],
      ['get', '/api/v1/units', '/api/v1/units'],
      ['get', '/api/v1/units/{id}', `/api/v1/units/${unit._id.toHexString()}`],
      // failures answer the shared error body
      ['get', '/api/v1/units/{id}', '/api/v1/units/0123456789abcdef01234567'],
      ['post', '/api/v1/units', '/api/v1/units'],
    ];
    for (const [method, path, url] of calls) {
      const reply = await client.request(method.toUpperCase(), url, method === 'post' ? { json: { code: '' } } : {});
      expect(reply.status, `${url}: ${reply.text}`).to.be.oneOf([200, 404, 422]);
      expect(validate(method, path, reply), `${method} ${url}`).to.deep.equal([]);
    }
    const failed = await tp.client().request('POST', '/api/v1/auth/login', { json: { login: 'api.mo.ta', password: 'sai mật khẩu' } });
    expect(failed.status).to.equal(401);
    expect(validate('post', '/api/v1/auth/login', failed)).to.deep.equal([]);

    // the schemas are allowlists: a presenter that leaked a field, or sent a wrong type, would fail here
    const me = await client.request('GET', '/api/v1/me');
    const leaked = { ...me, json: () => ({ user: { ...me.json<{ user: object }>().user, passwordHash: 'x' } }) } as Reply;
    expect(validate('get', '/api/v1/me', leaked)).to.not.deep.equal([]);
    const wrong = { ...me, json: () => ({ user: { ...me.json<{ user: object }>().user, role: 'emperor' } }) } as Reply;
    expect(validate('get', '/api/v1/me', wrong)).to.not.deep.equal([]);
  });

  it('every operation documents its success body (a schema, a file type, or 204) and the error envelope as default', () => {
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        const successes = Object.entries(op.responses as Record<string, any>).filter(([status]) => /^2\d\d$/.test(status));
        if (!successes.length) problems.push(`${name}: no 2xx answer`);
        for (const [status, answer] of successes) {
          const types = Object.keys(answer.content ?? {});
          if (status === '204') continue;
          if (!types.length) problems.push(`${name} ${status}: no body documented`);
          for (const type of types) if (!answer.content[type].schema) problems.push(`${name} ${status} ${type}: no schema`);
        }
        const fallback = op.responses['default']?.content?.['application/json']?.schema;
        if (!fallback?.properties?.error) problems.push(`${name}: no error envelope as default`);
      }
    }
    expect(problems).to.deep.equal([]);
    expect(JSON.stringify(doc)).to.not.contain('not documented yet');
  });

  it('success bodies are closed: every object with fixed fields refuses others (the document itself excepted)', () => {
    const open: string[] = [];
    const walk = (schema: unknown, where: string): void => {
      if (!schema || typeof schema !== 'object') return;
      const node = schema as Record<string, unknown>;
      if (node['properties'] && node['additionalProperties'] !== false) open.push(where);
      for (const [key, value] of Object.entries(node)) walk(value, `${where}/${key}`);
    };
    for (const [path, item] of Object.entries(doc.paths)) {
      if (path === '/api/v1/openapi.json') continue;
      for (const [method, op] of Object.entries(item)) walk(op.responses, `${method.toUpperCase()} ${path}`);
    }
    expect(open).to.deep.equal([]);
  });

  /**
   * Routes this test does not call with a success, and why ("METHOD /path": reason). None
   * today: every /api/v1 operation is called below with real data and its answer checked
   * against the document. A route added later fails the test until it is called or listed.
   */
  const NOT_CALLED: Record<string, string> = {};

  it('real answers of every route validate against the document (closed objects), files have a documented type', async () => {
    const db = tp.platform.services.db;
    const w: CampaignWorld = await buildCampaignWorld(tp);
    const { A, A1, A2, P } = w.units;
    const coordinator = w.clients.coordinator;
    const admin = w.clients.admin;
    const manager = w.clients.manager;
    const provincial = await w.client('coordinator', P._id);
    const problems: string[] = [];
    const called = new Set<string>();
    const hex = (id: { toString(): string }) => String(id);

    /** Calls `url` (an instance of `template`), expects `status`, checks the answer against the document. */
    async function call(client: Client, method: string, template: string, url: string, status: number, options: { json?: unknown; body?: FormData } = {}): Promise<Reply> {
      const reply = await client.request(method, url, options);
      const name = `${method} ${template}`;
      if (reply.status !== status) {
        problems.push(`${name}: ${reply.status} (expected ${status}): ${reply.text.slice(0, 300)}`);
        return reply;
      }
      const op = doc.paths[template]?.[method.toLowerCase()];
      if (!op) {
        problems.push(`${name}: not in the document`);
        return reply;
      }
      if (status >= 200 && status < 300) called.add(name);
      // a success must be documented by its own status; only failures fall back to `default`
      const answer = op.responses[String(status)] ?? (status >= 400 ? op.responses['default'] : undefined);
      if (!answer) {
        problems.push(`${name}: status ${status} not documented`);
        return reply;
      }
      if (status === 204) {
        if (reply.text !== '') problems.push(`${name}: 204 with a body`);
        return reply;
      }
      const type = (reply.headers.get('content-type') ?? '').split(';')[0]!.trim();
      const content = answer.content?.[type];
      if (!content) {
        problems.push(`${name}: answered ${type}, documented ${Object.keys(answer.content ?? {}).join(', ')}`);
        return reply;
      }
      if (type === 'application/json') problems.push(...check(content.schema, reply.json()).map((e) => `${name}: ${e}`));
      else if (reply.text.length === 0) problems.push(`${name}: an empty ${type}`);
      return reply;
    }

    // who signs in: an officer of A1 with an account (learning, notices), a coordinator of the province (consolidation)
    await buildQuestions(db, 'thai-do', 4);
    const quizModule = hex((await buildPublishedModule(db, { items: [lesson('bai-1'), quiz('kiem-tra')], title: 'Học phần có bài kiểm tra', order: 'free' })).moduleId);
    const me = await w.officer(A1, { email: 'can.bo.api@example.vn' });
    const other = await w.officer(A2, { email: 'can.bo.khac@example.vn' });
    const account = await learnerAccount(db, me, WORLD_PASSWORD);
    const officer = tp.client();
    const login = await call(officer, 'POST', '/api/v1/auth/login', '/api/v1/auth/login', 200, { json: { login: account.username, password: WORLD_PASSWORD } });
    officer.bearer = login.json<{ token: string }>().token;
    await call(officer, 'GET', '/api/v1/me', '/api/v1/me', 200);
    await call(tp.client(), 'GET', '/api/v1/openapi.json', '/api/v1/openapi.json', 200);

    // units
    const unit = (await call(admin, 'POST', '/api/v1/units', '/api/v1/units', 201, { json: { code: 'API-DV-1', name: 'Phòng Mô Tả', kind: 'division', parentId: hex(A._id) } })).json<{ unit: { id: string } }>().unit;
    await call(admin, 'PATCH', '/api/v1/units/{id}', `/api/v1/units/${unit.id}`, 200, { json: { name: 'Phòng Mô Tả API' } });
    await call(coordinator, 'GET', '/api/v1/units', '/api/v1/units', 200);
    await call(coordinator, 'GET', '/api/v1/units/{id}', `/api/v1/units/${hex(A1._id)}`, 200);

    // officers
    const created = (await call(coordinator, 'POST', '/api/v1/officers', '/api/v1/officers', 201, { json: { code: 'API-CB-1', fullName: 'Trần Thị Mô Tả', category: 'vien-chuc', unitId: hex(A2._id), email: 'tran.mo.ta@example.vn', effectiveDate: new Date().toISOString() } })).json<{ officer: { id: string } }>().officer;
    await call(coordinator, 'GET', '/api/v1/officers', '/api/v1/officers?pageSize=5', 200);
    await call(coordinator, 'GET', '/api/v1/officers/{id}', `/api/v1/officers/${created.id}`, 200);
    await call(coordinator, 'PATCH', '/api/v1/officers/{id}', `/api/v1/officers/${created.id}`, 200, { json: { position: 'Chuyên viên' } });
    await call(coordinator, 'POST', '/api/v1/officers/{id}/transfer', `/api/v1/officers/${created.id}/transfer`, 200, { json: { unitId: hex(A1._id), effectiveDate: new Date().toISOString() } });

    // a campaign for A's subtree: the quiz module and a lesson module (a certificate per module)
    await call(coordinator, 'GET', '/api/v1/modules', '/api/v1/modules', 200);
    const due = `31/12/${YEAR}`;
    const campaign = (await call(coordinator, 'POST', '/api/v1/campaigns', '/api/v1/campaigns', 201, { json: { name: 'Kế hoạch mô tả API', year: YEAR, ownerUnitId: hex(A._id), modules: [{ moduleId: quizModule, dueDate: due }, { moduleId: hex(w.modules[0]!), dueDate: due }], audience: { unitIds: [hex(A._id)] }, certificatePerModule: true } })).json<{ campaign: { id: string } }>().campaign;
    const c = `/api/v1/campaigns/${campaign.id}`;
    await call(coordinator, 'POST', '/api/v1/campaigns/{id}/status', `${c}/status`, 200, { json: { status: 'open' } });
    await call(coordinator, 'POST', '/api/v1/campaigns/{id}/modules', `${c}/modules`, 200, { json: { moduleId: hex(w.modules[1]!), dueDate: due } });
    await call(coordinator, 'POST', '/api/v1/campaigns/{id}/modules/{moduleId}/due-date', `${c}/modules/${hex(w.modules[0]!)}/due-date`, 200, { json: { dueDate: `30/12/${YEAR}` } });
    await call(coordinator, 'POST', '/api/v1/campaigns/{id}/modules/{moduleId}/stop', `${c}/modules/${hex(w.modules[1]!)}/stop`, 200, { json: { confirm: true } });
    await call(coordinator, 'POST', '/api/v1/campaigns/{id}/modules/{moduleId}/restart', `${c}/modules/${hex(w.modules[1]!)}/restart`, 200, { json: {} });
    await call(coordinator, 'PUT', '/api/v1/campaigns/{id}/audience', `${c}/audience`, 200, { json: { audience: { unitIds: [hex(A._id)], categories: ['cong-chuc', 'vien-chuc'] } } });
    await call(coordinator, 'PUT', '/api/v1/campaigns/{id}/reminders', `${c}/reminders`, 200, { json: { daysBefore: [7, 1], onDueDate: true, overdueEveryDays: 3 } });
    await call(coordinator, 'POST', '/api/v1/campaigns/{id}/reminders', `${c}/reminders`, 200, { json: { officerIds: [hex(me._id)] } });
    await call(coordinator, 'GET', '/api/v1/campaigns', '/api/v1/campaigns', 200);
    await call(coordinator, 'GET', '/api/v1/campaigns/{id}', c, 200);
    await call(coordinator, 'POST', '/api/v1/campaigns/{id}/clone', `${c}/clone`, 201, { json: { year: YEAR + 1 } });

    // the officer learns: a quiz attempt autosaved, a lesson module completed (a certificate)
    const learner = tp.client();
    await learner.signIn(account.username!, WORLD_PASSWORD);
    await learner.submit(`/learn/modules/${quizModule}/start`, {}, '/learn');
    const started = await learner.submit(`/learn/modules/${quizModule}/items/kiem-tra/attempts`, {}, '/learn');
    expect(started.status, started.text).to.equal(303);
    const attemptId = /\/learn\/attempts\/([0-9a-f]{24})$/.exec(started.location ?? '')![1]!;
    const attempt = (await attemptModel(db).findById(attemptId).lean<Attempt>())!;
    const answers = { [hex(attempt.questions[0]!.questionId)]: [attempt.questions[0]!.options[0]!.key] };
    await call(officer, 'POST', '/api/v1/me/attempts/{attemptId}/answers', `/api/v1/me/attempts/${attemptId}/answers`, 200, { json: { answers } });
    await completeModule(db, me, w.modules[0]!);
    await call(officer, 'GET', '/api/v1/me/assignments', `/api/v1/me/assignments?year=${YEAR}`, 200);
    await call(officer, 'GET', '/api/v1/me/progress', `/api/v1/me/progress?year=${YEAR}`, 200);
    await call(officer, 'GET', '/api/v1/me/notices', '/api/v1/me/notices', 200);
    const certificate = await certificateModel(db).findOne({ officerId: me._id }).lean<Certificate>();
    expect(certificate, 'a certificate for the completed module').to.not.equal(null);
    await call(tp.client(), 'GET', '/api/v1/verify/{code}', `/api/v1/verify/${certificate!.code}`, 200);
    await call(tp.client(), 'GET', '/api/v1/verify/{code}', '/api/v1/verify/aaaaaaaaaaaaaaaaaaaa', 404);

    // overrides and exemptions (with a PDF as evidence)
    await call(coordinator, 'POST', '/api/v1/officers/{id}/overrides', `/api/v1/officers/${hex(me._id)}/overrides`, 201, { json: { moduleId: quizModule, kind: 'extra-attempt', reason: 'Mất điện khi làm bài' } });
    await call(coordinator, 'GET', '/api/v1/officers/{id}/overrides', `/api/v1/officers/${hex(me._id)}/overrides`, 200);
    const form = new FormData();
    form.append('kind', 'thai-san');
    form.append('reason', 'Nghỉ thai sản 6 tháng');
    form.append('year', String(YEAR));
    form.append('evidence', new Blob([Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n')], { type: 'application/pdf' }), 'quyet-dinh.pdf');
    const exemption = (await call(coordinator, 'POST', '/api/v1/officers/{id}/exemptions', `/api/v1/officers/${hex(other._id)}/exemptions`, 201, { body: form })).json<{ exemption: { id: string } }>().exemption;
    await call(admin, 'GET', '/api/v1/exemptions', '/api/v1/exemptions', 200);
    await call(admin, 'POST', '/api/v1/exemptions/{id}/decision', `/api/v1/exemptions/${exemption.id}/decision`, 200, { json: { decision: 'approve', note: 'Đủ hồ sơ' } });
    await call(admin, 'GET', '/api/v1/exemptions/{id}/evidence', `/api/v1/exemptions/${exemption.id}/evidence`, 200);

    // dashboards and exports
    await call(coordinator, 'GET', '/api/v1/dashboards/units/{unitId}', `/api/v1/dashboards/units/${hex(A._id)}?year=${YEAR}`, 200);
    await call(coordinator, 'GET', '/api/v1/dashboards/campaigns/{id}', `/api/v1/dashboards/campaigns/${campaign.id}`, 200);
    for (const format of ['json', 'csv', 'xlsx']) await call(coordinator, 'GET', '/api/v1/dashboards/units/{unitId}/export', `/api/v1/dashboards/units/${hex(A._id)}/export?format=${format}&level=officer&year=${YEAR}`, 200);

    // the annual report of A: draft, frozen, documents, reopened, submitted; the province's consolidation
    const r = `/api/v1/reports/${hex(A._id)}/${YEAR}`;
    await call(manager, 'GET', '/api/v1/reports', `/api/v1/reports?year=${YEAR}`, 200);
    await call(manager, 'GET', '/api/v1/reports/{unitId}/{year}', r, 200);
    await call(manager, 'PUT', '/api/v1/reports/{unitId}/{year}', r, 200, { json: { number: '12/BC-SNV', signerName: 'Lê Văn Ký' } });
    await call(manager, 'POST', '/api/v1/reports/{unitId}/{year}/freeze', `${r}/freeze`, 200, { json: {} });
    for (const format of ['docx', 'pdf']) await call(manager, 'GET', '/api/v1/reports/{unitId}/{year}/{format}', `${r}/${format}`, 200);
    await call(manager, 'POST', '/api/v1/reports/{unitId}/{year}/reopen', `${r}/reopen`, 200, { json: {} });
    await call(manager, 'POST', '/api/v1/reports/{unitId}/{year}/freeze', `${r}/freeze`, 200, { json: {} });
    await call(manager, 'POST', '/api/v1/reports/{unitId}/{year}/submit', `${r}/submit`, 200, { json: {} });
    await call(provincial, 'GET', '/api/v1/reports/province/{year}', `/api/v1/reports/province/${YEAR}`, 200);
    await call(provincial, 'POST', '/api/v1/reports/province/{year}/remind', `/api/v1/reports/province/${YEAR}/remind`, 200, { json: {} });

    // accounts: appoint the new officer as a manager, change, the four commands, an activation sheet
    await call(coordinator, 'GET', '/api/v1/accounts', '/api/v1/accounts?pageSize=50', 200);
    const appointed = (await call(coordinator, 'POST', '/api/v1/accounts', '/api/v1/accounts', 201, { json: { source: 'officer', officerId: created.id, role: 'manager', unitId: hex(A2._id) } })).json<{ account: { id: string } }>().account;
    const a = `/api/v1/accounts/${appointed.id}`;
    await call(coordinator, 'GET', '/api/v1/accounts/{id}', a, 200);
    await call(coordinator, 'PATCH', '/api/v1/accounts/{id}', a, 200, { json: { unitId: hex(A1._id) } });
    for (const command of ['send-link', 'unlock', 'deactivate', 'reactivate']) await call(coordinator, 'POST', `/api/v1/accounts/{id}/${command}`, `${a}/${command}`, 200, { json: {} });
    await call(coordinator, 'POST', '/api/v1/units/{id}/activation-codes', `/api/v1/units/${hex(A2._id)}/activation-codes`, 201, { json: {} });

    // packages (the same file twice: 201 then 200), their statements, a module bundle
    // the very same bytes twice (a zip built again may differ in its timestamps)
    const zip = new Uint8Array(await zipOf(scorm12Files()));
    const upload = () => {
      const body = new FormData();
      body.append('file', new Blob([zip]), 'goi.zip');
      return { body };
    };
    const pkg = (await call(coordinator, 'POST', '/api/v1/packages', '/api/v1/packages', 201, upload())).json<{ id: string }>();
    await call(coordinator, 'POST', '/api/v1/packages', '/api/v1/packages', 200, upload());
    await call(coordinator, 'GET', '/api/v1/packages', '/api/v1/packages', 200);
    await call(coordinator, 'GET', '/api/v1/packages/{id}', `/api/v1/packages/${pkg.id}`, 200);
    await call(coordinator, 'GET', '/api/v1/packages/{id}/statements', `/api/v1/packages/${pkg.id}/statements`, 200);
    const bundle = new FormData();
    bundle.append('file', new Blob([new Uint8Array(await makeZip([['bundle.json', bundleJson('API-GOI-1')]]))]), 'goi.zip');
    await call(coordinator, 'POST', '/api/v1/bundles', '/api/v1/bundles', 201, { body: bundle });

    // failures answer the envelope, and signing out answers 204 without a body
    await call(coordinator, 'GET', '/api/v1/units/{id}', '/api/v1/units/0123456789abcdef01234567', 404);
    await call(coordinator, 'POST', '/api/v1/units', '/api/v1/units', 422, { json: { code: '' } });
    await call(tp.client(), 'GET', '/api/v1/me', '/api/v1/me', 401);
    await call(officer, 'POST', '/api/v1/auth/logout', '/api/v1/auth/logout', 204, { json: {} });

    expect(problems).to.deep.equal([]);
    // every operation was called with a success, but for the few listed (and the list names only real routes)
    const all = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(Object.keys(NOT_CALLED).filter((name) => !all.includes(name))).to.deep.equal([]);
    expect(all.filter((name) => !called.has(name) && !(name in NOT_CALLED))).to.deep.equal([]);
    expect([...called].filter((name) => name in NOT_CALLED), 'called, so no longer in NOT_CALLED').to.deep.equal([]);
  });

  it('GET /api/docs lists every operation server-side, scripts only from self', async () => {
    const reply = await tp.client().request('GET', '/api/docs');
    expect(reply.status).to.equal(200);
    expect(reply.headers.get('content-security-policy')).to.match(/script-src 'self'/);
    expect(reply.text).to.not.match(/<script[^>]+src="https?:/);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) expect(reply.text, `${method} ${path}`).to.contain(`${method.toUpperCase()} ${path}`);
    }
    expect(reply.text).to.contain('Mô tả API');
    // file answers name their types; no operation is left without its answer described
    expect(reply.text).to.contain('<code>application/pdf</code>');
    expect(reply.text).to.contain('<code>application/vnd.openxmlformats-officedocument.spreadsheetml.sheet</code>');
    expect(reply.text).to.not.contain('api_docs_');
  });
});
