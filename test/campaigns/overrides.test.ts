/**
 * Overrides over HTTP, end to end: an officer locked out of a quiz (its one attempt
 * failed) is unlocked by a coordinator's extra attempt, given a later due date and a
 * reset — each with a reason, audited, visible to the officer; refused to a manager.
 * The same from the officer's plan page (`/officers/:id/plan`), as a coordinator uses it.
 */
import { expect } from 'chai';
import { t } from '../../server/i18n';
import { auditModel, type AuditEvent } from '../../server/audit/model';
import { enrolmentModel, type Enrolment } from '../../server/campaigns/model';
import type { Officer } from '../../server/officers/model';
import { attemptModel, type Attempt } from '../../server/quizzes/model';
import { buildPublishedModule, buildQuestions, learnerAccount, lesson, quiz, wrongAnswers } from '../learning/fixtures';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildCampaignWorld, PASSWORD, YEAR, type CampaignWorld } from './world';

describe('campaigns: overrides for one officer', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let w: CampaignWorld;
  let me: Officer;
  let learner: Client;
  let moduleId: string;
  let campaignId: string;
  const db = () => tp.platform.services.db;
  const formOf = (answers: Record<string, string[]>) => Object.fromEntries(Object.entries(answers).map(([id, keys]) => [`q_${id}`, keys[0]!]));
  const overrides = (c: Client, json: Record<string, unknown>) => c.request('POST', `/api/v1/officers/${me._id}/overrides`, { json: { moduleId, ...json } });
  const startAttempt = () => learner.submit(`/learn/modules/${moduleId}/items/kiem-tra/attempts`, {}, '/learn');

  /** Starts an attempt and fails it. */
  async function fail(): Promise<void> {
    const start = await startAttempt();
    expect(start.status, start.text).to.equal(303);
    const id = /\/learn\/attempts\/([0-9a-f]{24})$/.exec(start.location ?? '')![1]!;
    const attempt = (await attemptModel(db()).findById(id).lean<Attempt>())!;
    expect((await learner.submit(`/learn/attempts/${id}/submit`, formOf(wrongAnswers(attempt)), `/learn/attempts/${id}`)).status).to.equal(303);
  }

  before(async () => {
    tp = await startTestPlatform('campaign-overrides', { QUIZ_COOLDOWN_SECONDS: '0' });
    w = await buildCampaignWorld(tp);
    await buildQuestions(db(), 'thai-do', 4);
    // items in any order: the quiz is taken at once (the learning order has its own tests)
    moduleId = String((await buildPublishedModule(db(), { items: [lesson('bai-1'), quiz('kiem-tra', { attemptLimit: 1, review: 'never' })], title: 'Học phần một lượt', order: 'free' })).moduleId);
    me = await w.officer(w.units.A1);
    const reply = await w.clients.coordinator.request('POST', '/api/v1/campaigns', { json: { name: 'Một lượt', year: YEAR, modules: [{ moduleId, dueDate: `30/12/${YEAR}` }], audience: { officerIds: [String(me._id)] } } });
    campaignId = reply.json<{ campaign: { id: string } }>().campaign.id;
    expect((await w.clients.coordinator.request('POST', `/api/v1/campaigns/${campaignId}/status`, { json: { status: 'open' } })).status).to.equal(200);
    const account = await learnerAccount(db(), me, PASSWORD);
    learner = tp.client();
    await learner.signIn(account.username!, PASSWORD);
    await learner.submit(`/learn/modules/${moduleId}/start`, {}, '/learn');
  });
  after(async () => tp?.close());

  it('an extra attempt unlocks an officer who used up their attempts', async () => {
    await fail();
    const locked = await startAttempt();
    expect(locked.status).to.equal(409);
    expect((await overrides(w.clients.manager, { kind: 'extra-attempt', reason: 'Mất điện khi làm bài' })).status).to.equal(403);
    const noReason = await overrides(w.clients.coordinator, { kind: 'extra-attempt', reason: '' });
    expect(noReason.status).to.equal(422);
    const given = await overrides(w.clients.coordinator, { kind: 'extra-attempt', reason: 'Mất điện khi làm bài' });
    expect(given.status, given.text).to.equal(201);
    const audit = (await auditModel(db()).findOne({ action: 'override.create' }).sort({ at: -1 }).lean<AuditEvent>())!;
    expect(audit.details).to.include({ kind: 'extra-attempt', reason: 'Mất điện khi làm bài' });
    await fail();
    expect((await startAttempt()).status).to.equal(409);
  });

  it('a reset of the failed quiz lets the officer start again', async () => {
    expect((await overrides(w.clients.coordinator, { kind: 'quiz-reset', reason: 'Đề có câu sai, đã sửa' })).status).to.equal(201);
    expect((await startAttempt()).status).to.equal(303);
  });

  it('a later due date moves the officer’s enrolment only, and never earlier', async () => {
    const earlier = await overrides(w.clients.coordinator, { kind: 'later-due-date', reason: 'Nghỉ ốm', dueDate: `20/12/${YEAR}` });
    expect(earlier.status).to.equal(422);
    const later = await overrides(w.clients.coordinator, { kind: 'later-due-date', reason: 'Nghỉ ốm', dueDate: `31/12/${YEAR}` });
    expect(later.status, later.text).to.equal(201);
    const e = (await enrolmentModel(db()).findOne({ campaignId, officerId: me._id }).lean<Enrolment>())!;
    expect(e.dueDate.toISOString()).to.equal(new Date(`${YEAR}-12-31T23:59:59.999+07:00`).toISOString());
    // "Học phần của tôi" reads the enrolment
    const mine = (await learner.request('GET', `/api/v1/me/assignments?year=${YEAR}`)).json<{ items: { moduleId: string; dueDate: string }[] }>().items;
    expect(new Date(mine.find((m) => m.moduleId === moduleId)!.dueDate).toISOString()).to.equal(e.dueDate.toISOString());
  });

  it('the officer sees their overrides and a notice for each', async () => {
    const token = await learner.csrf('/learn');
    const list = await learner.request('GET', `/api/v1/officers/${me._id}/overrides`, { headers: { 'x-csrf-token': token } });
    expect(list.status, list.text).to.equal(200);
    expect(list.json<{ items: { kind: string }[] }>().items.map((o) => o.kind)).to.deep.equal(['later-due-date', 'quiz-reset', 'extra-attempt']);
    const notices = (await learner.request('GET', '/api/v1/me/notices')).json<{ items: { message: string; text: string }[] }>().items;
    expect(notices.map((n) => n.message)).to.include.members(['notice_override_extra_attempt', 'notice_override_quiz_reset', 'notice_override_due_date']);
    expect(notices.find((n) => n.message === 'notice_override_due_date')!.text).to.contain(`31/12/${YEAR}`).and.contain('Nghỉ ốm');
  });

  it('the plan page shows the officer\'s modules and overrides, and a coordinator grants one from it', async () => {
    const at = `/officers/${me._id}/plan`;
    const page = await w.clients.coordinator.get(at);
    expect(page.status, page.text.slice(0, 300)).to.equal(200);
    expect(page.text).to.include('Học phần một lượt').and.include(`31/12/${YEAR}`).and.include(t('vi', 'override_kind_extra_attempt')).and.include('Mất điện khi làm bài');
    expect(page.text).to.include(`action="/officers/${me._id}/overrides"`);
    expect((await w.clients.coordinator.get(`/officers/${me._id}`)).text).to.include(`href="${at}"`);

    // the manager sees the plan, not the form, and cannot post it
    const managerPage = await w.clients.manager.get(at);
    expect(managerPage.status).to.equal(200);
    expect(managerPage.text).to.include('Học phần một lượt').and.not.include(`action="/officers/${me._id}/overrides"`);
    expect((await w.clients.manager.submit(`/officers/${me._id}/overrides`, { year: String(YEAR), moduleId, kind: 'extra-attempt', reason: 'Thử' }, at)).status).to.equal(403);

    const count = () => auditModel(db()).countDocuments({ action: 'override.create', subjectId: String(me._id) });
    const before = await count();
    const noReason = await w.clients.coordinator.submit(`/officers/${me._id}/overrides`, { year: String(YEAR), moduleId, kind: 'later-due-date', reason: '', dueDate: '' }, at);
    expect(noReason.status).to.equal(422);
    expect(noReason.text).to.include('id="override-reason-error"');
    const notLater = await w.clients.coordinator.submit(`/officers/${me._id}/overrides`, { year: String(YEAR), moduleId, kind: 'later-due-date', reason: 'Đi công tác', dueDate: `01/01/${YEAR}` }, at);
    expect(notLater.status).to.equal(422);
    expect(notLater.text).to.include('id="override-due-error"').and.include('Đi công tác');
    expect(await count()).to.equal(before);

    const granted = await w.clients.coordinator.submit(`/officers/${me._id}/overrides`, { year: String(YEAR), moduleId, kind: 'extra-attempt', reason: 'Đường truyền chập chờn' }, at);
    expect(granted.status, granted.text.slice(0, 400)).to.equal(303);
    expect(granted.location).to.equal(`${at}?year=${YEAR}&done=override`);
    expect(await count()).to.equal(before + 1);
    const after = await w.clients.coordinator.get(granted.location!);
    expect(after.text).to.include(t('vi', 'override_done_created')).and.include('Đường truyền chập chờn');
  });
});
