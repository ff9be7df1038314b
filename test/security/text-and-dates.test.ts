/**
 * Finding 8 of issue #10: names with NUL, an RTL override (U+202E) or ESC were stored, and
 * an effective date of +275760-09-13. Every human-entered text field now refuses control
 * characters and bidi overrides (one schema helper, server/validation.ts), and dates are
 * bounded (01/01/1900 – 31/12/2100) with impossible days such as 31/02 refused.
 */
import { expect } from 'chai';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { createAccount } from '../../server/users/service';
import { officerModel } from '../../server/officers/model';
import { unitModel } from '../../server/units/model';
import type { Unit } from '../../server/units/model';

describe('security #10.8: control characters, bidi overrides and absurd dates are refused', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let api: Client;
  let province: Unit;

  before(async () => {
    tp = await startTestPlatform('text-and-dates');
    province = await buildUnit({ code: 'TINH-KYTU', name: 'Tỉnh thử ký tự' });
    await createAccount(tp.platform.services.db, { username: 'dieu.phoi.kytu', displayName: 'Điều phối', role: 'coordinator', unitId: province._id, password: 'mật khẩu thử' }, 4);
    api = tp.client();
    api.bearer = (await api.request('POST', '/api/v1/auth/login', { json: { login: 'dieu.phoi.kytu', password: 'mật khẩu thử' } })).json().token;
  });
  after(() => tp?.close());

  const names = { NUL: 'Nguyễn\u0000Văn A', ESC: 'Nguyễn \u001b[31mVăn A', RLO: 'Nguyễn \u202eA năV', LRI: 'Nguyễn \u2066Văn A', C1: 'Nguyễn\u0085Văn A', DEL: 'Nguyễn\u007fVăn A' };
  for (const [what, fullName] of Object.entries(names)) {
    it(`an officer name with ${what} is refused, nothing stored`, async () => {
      const reply = await api.request('POST', '/api/v1/officers', { json: { code: `KT-${what}`, fullName, category: 'cong-chuc', unitId: province._id.toHexString() } });
      expect(reply.status, reply.text).to.equal(422);
      const problem = reply.json().error.details.find((d: { field: string }) => d.field === 'fullName');
      expect(problem).to.include({ id: 'text_control_chars', message: 'Không được chứa ký tự điều khiển hoặc ký tự đảo chiều văn bản' });
      expect(await officerModel(tp.platform.services.db).countDocuments({ code: `KT-${what}` })).to.equal(0);
    });
  }

  it('a unit name with an RTL override is refused', async () => {
    const reply = await api.request('POST', '/api/v1/units', { json: { code: 'KT-DONVI', name: 'Sở \u202eNội vụ', kind: 'division', parentId: province._id.toHexString() } });
    expect(reply.status, reply.text).to.equal(422);
    expect(reply.json().error.details[0]).to.include({ field: 'name', id: 'text_control_chars' });
    expect(await unitModel(tp.platform.services.db).countDocuments({ code: 'KT-DONVI' })).to.equal(0);
  });

  const dates = { '+275760-09-13': 'date_out_of_range', '1800-01-01': 'date_out_of_range', '2026-02-31': 'field_invalid_date', '31/02/2026': 'field_invalid_date', '2026-13-01': 'field_invalid_date' };
  for (const [effectiveDate, id] of Object.entries(dates)) {
    it(`an effective date ${effectiveDate} is refused (${id}), nothing stored`, async () => {
      const code = `KT-D${Object.keys(dates).indexOf(effectiveDate)}`;
      const reply = await api.request('POST', '/api/v1/officers', { json: { code, fullName: 'Trần Thị Ngày', category: 'cong-chuc', unitId: province._id.toHexString(), effectiveDate } });
      expect(reply.status, reply.text).to.equal(422);
      expect(reply.json().error.details[0]).to.include({ field: 'effectiveDate', id });
      expect(reply.json().error.message).to.equal('Dữ liệu nhập chưa hợp lệ');
      expect(await officerModel(tp.platform.services.db).countDocuments({ code })).to.equal(0);
    });
  }

  it('ordinary Vietnamese names, line breaks in long text and a dd/mm/yyyy date are accepted', async () => {
    const reply = await api.request('POST', '/api/v1/officers', { json: { code: 'KT-OK', fullName: 'Nguyễn Thị Ánh Tuyết', position: 'Chuyên viên\tchính', category: 'cong-chuc', unitId: province._id.toHexString(), effectiveDate: '28/02/2026' } });
    expect(reply.status, reply.text).to.equal(201);
    const stored = await officerModel(tp.platform.services.db).findOne({ code: 'KT-OK' }).lean();
    expect(stored!.memberships[0]!.from.toISOString().slice(0, 10)).to.equal('2026-02-28');
  });
});
