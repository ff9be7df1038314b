/**
 * Exemptions over HTTP: a manager proposes one with a reason and a PDF as evidence
 * (hostile files refused and nothing stored), a coordinator approves or refuses it (never
 * the proposer), and an approved officer is out of the completion rate, shown exempt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { auditModel } from '../../server/audit/model';
import { enrolmentModel, type Enrolment } from '../../server/campaigns/model';
import { exemptionModel } from '../../server/campaigns/exemptions';
import type { Officer } from '../../server/officers/model';
import { progressModel } from '../../server/progress/model';
import { startTestPlatform, type Client, type Reply, type TestPlatform } from '../http';
import { buildCampaignWorld, YEAR, type CampaignWorld } from './world';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('campaigns: exemptions', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let w: CampaignWorld;
  let campaignId: string;
  let done: Officer;
  let pending: Officer;
  let exempt: Officer;
  let refused: Officer;
  const db = () => tp.platform.services.db;

  function propose(c: Client, officer: Officer, fields: Record<string, string>, file?: { name: string; type: string; content: Buffer }): Promise<Reply> {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    if (file) body.append('evidence', new Blob([file.content], { type: file.type }), file.name);
    return c.request('POST', `/api/v1/officers/${officer._id}/exemptions`, { body });
  }
  const decide = (c: Client, id: string, decision: string, note?: string) => c.request('POST', `/api/v1/exemptions/${id}/decision`, { json: { decision, ...(note ? { note } : {}) } });
  const figures = async () => (await w.clients.coordinator.request('GET', `/api/v1/campaigns/${campaignId}`)).json<{ campaign: { modules: { enrolled: number; completed: number; exempt: number; rate: number }[] } }>().campaign.modules[0]!;
  const evidenceFiles = () => (fs.existsSync(path.join(tp.dataDir, 'evidence')) ? fs.readdirSync(path.join(tp.dataDir, 'evidence')) : []);

  before(async () => {
    tp = await startTestPlatform('campaign-exemptions');
    w = await buildCampaignWorld(tp);
    [done, pending, exempt, refused] = [await w.officer(w.units.A1), await w.officer(w.units.A1), await w.officer(w.units.A1), await w.officer(w.units.A2)];
    const reply = await w.clients.coordinator.request('POST', '/api/v1/campaigns', { json: { name: 'Miễn', year: YEAR, modules: [{ moduleId: String(w.modules[0]), dueDate: `31/12/${YEAR}` }], audience: { officerIds: [done, pending, exempt, refused].map((o) => String(o._id)) } } });
    campaignId = reply.json<{ campaign: { id: string } }>().campaign.id;
    await w.clients.coordinator.request('POST', `/api/v1/campaigns/${campaignId}/status`, { json: { status: 'open' } });
    await progressModel(db()).create({ officerId: done._id, moduleId: w.modules[0], year: YEAR, version: 1, unitId: done.unitId, itemCount: 1, status: 'completed', percent: 100, doneItems: ['bai-1'], startedAt: new Date(), completedAt: new Date() });
  });
  after(async () => tp?.close());

  it('refuses evidence that is not a PDF / PNG / JPEG by its content, storing nothing', async () => {
    const html = await propose(w.clients.manager, exempt, { kind: 'thai-san', reason: 'Nghỉ thai sản từ tháng 3' }, { name: 'giay-to.pdf', type: 'application/pdf', content: Buffer.from('<html><script>alert(1)</script></html>') });
    expect(html.status).to.equal(415);
    expect(evidenceFiles()).to.deep.equal([]);
    expect(await exemptionModel(db()).countDocuments()).to.equal(0);
    const unknownKind = await propose(w.clients.manager, exempt, { kind: 'du-lich', reason: 'Đi du lịch' });
    expect(unknownKind.status).to.equal(422);
  });

  it('approved: the officer is exempt, out of the rate, told; the proposer cannot decide their own proposal', async () => {
    expect((await figures())).to.include({ enrolled: 4, completed: 1, exempt: 0, rate: 0.25 });
    const proposed = await propose(w.clients.manager, exempt, { kind: 'thai-san', reason: 'Nghỉ thai sản từ tháng 3' }, { name: 'Quyết định nghỉ.pdf', type: 'application/pdf', content: PDF });
    expect(proposed.status, proposed.text).to.equal(201);
    const { id, evidence } = proposed.json<{ exemption: { id: string; evidence: { name: string; mime: string } } }>().exemption;
    expect(evidence).to.include({ name: 'Quyết định nghỉ.pdf', mime: 'application/pdf' });
    expect((await propose(w.clients.manager, exempt, { kind: 'khac', reason: 'Lần nữa' })).status).to.equal(409);
    expect((await decide(w.clients.manager, id, 'approve')).status).to.equal(403);
    const file = await w.clients.coordinator.request('GET', `/api/v1/exemptions/${id}/evidence`);
    expect(file.status).to.equal(200);
    expect(file.headers.get('content-disposition')).to.match(/^attachment/);
    expect(file.headers.get('x-content-type-options')).to.equal('nosniff');
    const approved = await decide(w.clients.coordinator, id, 'approve', 'Đủ hồ sơ');
    expect(approved.status, approved.text).to.equal(200);
    expect((await decide(w.clients.coordinator, id, 'refuse')).status).to.equal(409);
    const e = (await enrolmentModel(db()).findOne({ campaignId, officerId: exempt._id }).lean<Enrolment>())!;
    expect(e).to.include({ state: 'exempt', exemptReason: 'thai-san' });
    expect(await figures()).to.include({ enrolled: 3, completed: 1, exempt: 1 });
    expect((await figures()).rate).to.be.closeTo(1 / 3, 1e-9);
    expect(await auditModel(db()).countDocuments({ action: 'exemption.approve', subjectId: id })).to.equal(1);
  });

  it('a coordinator cannot decide what they proposed themselves', async () => {
    const proposed = await propose(w.clients.coordinator, pending, { kind: 'om-dai-ngay', reason: 'Điều trị dài ngày' });
    expect(proposed.status, proposed.text).to.equal(201);
    const own = await decide(w.clients.coordinator, proposed.json<{ exemption: { id: string } }>().exemption.id, 'approve');
    expect(own.status).to.equal(409);
    expect(own.json<{ error: { id: string } }>().error.id).to.equal('exemption_own_proposal');
  });

  it('refused: nothing changes for the officer, who is told', async () => {
    const proposed = await propose(w.clients.manager, refused, { kind: 'hoc-tap-trung', reason: 'Học lớp trung cấp lý luận chính trị' });
    const id = proposed.json<{ exemption: { id: string } }>().exemption.id;
    expect((await decide(w.clients.coordinator, id, 'refuse', 'Lớp học buổi tối, vẫn học được')).status).to.equal(200);
    expect((await enrolmentModel(db()).findOne({ campaignId, officerId: refused._id }).lean<Enrolment>())!.state).to.equal('enrolled');
    const listed = (await w.clients.manager.request('GET', '/api/v1/exemptions?status=refused')).json<{ items: { id: string }[] }>().items;
    expect(listed.map((e) => e.id)).to.deep.equal([id]);
  });
});
