/**
 * The report's life over HTTP: live figures, an edited narrative, "Chốt số liệu" holding
 * while the data changes, submission, an audited re-opening that brings live figures back.
 */
import { expect } from 'chai';
import { auditModel } from '../../server/audit/model';
import { progressModel } from '../../server/progress/model';
import { startTestPlatform, type TestPlatform } from '../http';
import { buildReportWorld, EARLY, YEAR, type ReportWorld } from './world';

interface ReportJson { status: string; frozenBy: string | null; narrative: { results: string; proposals: string }; narrativeEdited: boolean; figures: { totals: { enrolled: number; completed: number; counted: number } } }

describe('reports: draft, freeze, submit, re-open over HTTP', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let w: ReportWorld;
  let path: string;
  const get = async () => {
    const reply = await w.clients.manager.request('GET', path);
    expect(reply.status, reply.text).to.equal(200);
    return reply.json<{ report: ReportJson }>().report;
  };
  const post = async (verb: string, status = 200) => {
    const reply = await w.clients.manager.request('POST', `${path}/${verb}`, { json: {} });
    expect(reply.status, reply.text).to.equal(status);
    return reply;
  };

  before(async () => {
    tp = await startTestPlatform('report-freeze');
    w = await buildReportWorld(tp);
    path = `/api/v1/reports/${w.units.A._id.toHexString()}/${YEAR}`;
  });
  after(async () => tp?.close());

  it('a draft shows live figures and the generated narrative with them', async () => {
    const r = await get();
    expect(r).to.include({ status: 'draft', narrativeEdited: false });
    expect(r.figures.totals).to.include({ counted: 8, enrolled: 6, completed: 3 });
    expect(r.narrative.results).to.contain('3/6');
  });

  it('the narrative is edited and kept; bad input is refused with a field problem', async () => {
    const edited = 'Năm nay đơn vị đã hoàn thành tốt kế hoạch bồi dưỡng.';
    const reply = await w.clients.manager.request('PUT', path, { json: { narrative: { results: edited }, signerName: 'Trần Thị Thủ Trưởng', recipients: ['Sở Nội vụ', 'Lưu: VT'] } });
    expect(reply.status, reply.text).to.equal(200);
    const r = await get();
    expect(r).to.include({ narrativeEdited: true });
    expect(r.narrative.results).to.equal(edited);
    const bad = await w.clients.manager.request('PUT', path, { json: { daysAhead: -3 } });
    expect(bad.status).to.equal(422);
    expect(bad.json<{ error: { id: string } }>().error.id).to.equal('validation_failed');
  });

  it('frozen figures hold while the data changes; editing is refused (409)', async () => {
    const frozen = (await post('freeze')).json<{ report: ReportJson }>().report;
    expect(frozen.status).to.equal('frozen');
    expect(frozen.frozenBy).to.match(/^Kế hoạch kh\.manager\.\d+$/);
    // o4 completes both modules after the freeze
    const db = tp.platform.services.db;
    for (const moduleId of [w.M1, w.M2]) await progressModel(db).create({ officerId: w.o.o4._id, moduleId, year: YEAR, version: 1, unitId: w.units.A2._id, itemCount: 1, status: 'completed', percent: 100, doneItems: ['bai-1'], bestScore: 90, attempts: 1, startedAt: EARLY, completedAt: new Date() });
    const r = await get();
    expect(r.figures.totals).to.include({ enrolled: 6, completed: 3 });
    const refused = await w.clients.manager.request('PUT', path, { json: { signerName: 'Ai đó' } });
    expect(refused.status).to.equal(409);
    expect(refused.json<{ error: { id: string } }>().error.id).to.equal('report_frozen');
    await post('freeze', 409);
  });

  it('submission needs a frozen report; re-opening is audited and brings live figures back', async () => {
    expect((await post('submit')).json<{ report: ReportJson }>().report.status).to.equal('submitted');
    expect((await post('submit', 409)).json<{ error: { id: string } }>().error.id).to.equal('report_already_submitted');
    expect((await post('reopen')).json<{ report: ReportJson }>().report.status).to.equal('draft');
    expect((await get()).figures.totals).to.include({ enrolled: 6, completed: 4 });
    const actions = (await auditModel(tp.platform.services.db).find({ 'subject.type': 'report' }).lean<{ action: string }[]>()).map((a) => a.action);
    expect(actions).to.include.members(['report.save', 'report.freeze', 'report.submit', 'report.reopen']);
    expect((await post('submit', 409)).json<{ error: { id: string } }>().error.id).to.equal('report_not_frozen');
  });

  it('an officer may not read the report; a manager of another unit neither', async () => {
    const other = await w.client('manager', w.units.B._id);
    expect((await other.request('GET', path)).status).to.equal(403);
  });
});
