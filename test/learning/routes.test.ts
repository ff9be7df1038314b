/**
 * The officer's learning over HTTP: "Học phần của tôi", starting a module, reading a
 * lesson, taking a quiz with autosave and the no-JavaScript submit, the JSON API, and
 * the refusals (a question not in the attempt, an answer after the deadline, another
 * officer's attempt id, a double submit) — each checked in the database too.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { learningEventModel, progressModel, type ModuleProgress } from '../../server/progress/model';
import { attemptModel, type Attempt } from '../../server/quizzes/model';
import { trainingYear } from '../../server/progress/year';
import { formatDate } from '../../server/http/views';
import { t } from '../../server/i18n';
import { createAccount } from '../../server/users/service';
import type { Officer } from '../../server/officers/model';
import type { Unit } from '../../server/units/model';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { buildOfficer, buildUnit } from '../factories';
import { assign, buildPublishedModule, buildQuestions, learnerAccount, lesson, quiz, republish, rightAnswers, wrongAnswers } from './fixtures';

const PASSWORD = 'mật khẩu học viên';
const YEAR = trainingYear();

describe('learning: pages and /api/v1/me over HTTP', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let A: Unit;
  let A1: Unit;
  let me: Officer;
  let other: Officer;
  let client: Client;
  let otherClient: Client;
  let assigned: Types.ObjectId;
  let overdue: Types.ObjectId;
  let voluntary: Types.ObjectId;
  const db = () => tp.platform.services.db;

  const progressOf = (officer: Officer, moduleId: Types.ObjectId) => progressModel(db()).findOne({ officerId: officer._id, moduleId, year: YEAR }).lean<ModuleProgress>();
  const attemptsOf = (officer: Officer, moduleId: Types.ObjectId) => attemptModel(db()).find({ officerId: officer._id, moduleId }).sort({ number: 1 }).lean<Attempt[]>();
  const idOf = (location: string | null) => /\/learn\/attempts\/([0-9a-f]{24})$/.exec(location ?? '')![1]!;

  async function signedIn(officer: Officer): Promise<Client> {
    const account = await learnerAccount(db(), officer, PASSWORD);
    const c = tp.client();
    await c.signIn(account.username!, PASSWORD);
    return c;
  }

  /** Autosaves like quiz.js: JSON with the page's CSRF token in X-CSRF-Token. */
  async function autosave(c: Client, attemptId: string, answers: Record<string, string[]>) {
    const token = await c.csrf('/learn');
    return c.request('POST', `/api/v1/me/attempts/${attemptId}/answers`, { json: { answers }, headers: { 'x-csrf-token': token } });
  }

  /** The submit form's fields for `answers`. */
  const formOf = (answers: Record<string, string[]>) => Object.fromEntries(Object.entries(answers).map(([id, keys]) => [`q_${id}`, keys[0]!]));

  before(async () => {
    tp = await startTestPlatform('learning-routes');
    const P = await buildUnit({ name: 'Tỉnh học' });
    A = await buildUnit({ parentId: P._id, name: 'Sở học', kind: 'department' });
    A1 = await buildUnit({ parentId: A._id, name: 'Phòng học' });
    me = await buildOfficer({ unitId: A1._id });
    other = await buildOfficer({ unitId: A1._id });
    await buildQuestions(db(), 'thai-do', 4, ['single', 'scenario', 'true-false', 'single']);
    assigned = (await buildPublishedModule(db(), { title: 'Thái độ làm việc', items: [lesson('bai-1'), quiz('kiem-tra', { timeLimitMinutes: 20 })] })).moduleId;
    overdue = (await buildPublishedModule(db(), { title: 'Kỷ luật công vụ', items: [lesson('bai-1')] })).moduleId;
    voluntary = (await buildPublishedModule(db(), { title: 'Học phần tự chọn', order: 'free', items: [lesson('bai-1'), quiz('kiem-tra', { review: 'never' })] })).moduleId;
    // to a unit above the officer's; and twice by name (the earliest due date counts), in the past
    await assign(db(), { moduleId: assigned, unitId: A._id, dueDate: new Date(Date.UTC(YEAR, 11, 30)) });
    await assign(db(), { moduleId: overdue, officerIds: [me._id], dueDate: new Date(Date.UTC(YEAR - 1, 11, 31)), year: YEAR });
    await assign(db(), { moduleId: overdue, officerIds: [me._id], dueDate: new Date(Date.UTC(YEAR - 1, 0, 15)), year: YEAR });
    // an inactive assignment and another year's: not listed this year
    await assign(db(), { moduleId: voluntary, unitId: A._id, active: false });
    client = await signedIn(me);
    otherClient = await signedIn(other);
  });
  after(() => tp.close());

  it('"Học phần của tôi" lists assigned modules with due date, status and progress; the home page too', async () => {
    const page = await client.get('/learn');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Thái độ làm việc').and.contain('Kỷ luật công vụ').and.not.contain('Học phần tự chọn');
    expect(page.text).to.contain(`Hạn hoàn thành: ${formatDate(new Date(Date.UTC(YEAR, 11, 30)))}`);
    // the earliest of two due dates, passed: quá hạn
    expect(page.text).to.contain(`Hạn hoàn thành: ${formatDate(new Date(Date.UTC(YEAR - 1, 0, 15)))}`);
    expect(page.text).to.contain('learn-status-overdue').and.contain('Quá hạn').and.contain('Chưa bắt đầu');
    expect(page.text).to.match(/<progress max="100" value="0"/);
    const home = await client.get('/');
    expect(home.text).to.contain('Thái độ làm việc').and.contain('href="/learn"');
  });

  it('starting twice at once makes one progress record pinned to the version and unit, and goes to the first item', async () => {
    const [one, two] = await Promise.all([client.submit(`/learn/modules/${assigned}/start`, {}, '/learn'), client.submit(`/learn/modules/${assigned}/start`, {}, '/learn')]);
    expect([one.status, two.status]).to.deep.equal([303, 303]);
    expect(one.location).to.equal(`/learn/modules/${assigned}/items/bai-1`);
    expect(await progressModel(db()).countDocuments({ officerId: me._id, moduleId: assigned })).to.equal(1);
    const progress = (await progressOf(me, assigned))!;
    expect(progress).to.include({ version: 1, status: 'in-progress', percent: 0 });
    expect(String(progress.unitId)).to.equal(String(A1._id));
  });

  it('a lesson shows its sanitised body; "Đã học xong bài này" counts it and leads to the quiz', async () => {
    const page = await client.get(`/learn/modules/${assigned}/items/bai-1`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<strong>lắng nghe</strong>').and.contain('Đã học xong bài này');
    const done = await client.submit(`/learn/modules/${assigned}/items/bai-1/done`, {}, `/learn/modules/${assigned}/items/bai-1`);
    expect(done.status).to.equal(303);
    expect(done.location).to.equal(`/learn/modules/${assigned}/items/kiem-tra`);
    expect(await progressOf(me, assigned)).to.include({ percent: 50, lastItemKey: 'bai-1' });
    const list = await client.get('/learn');
    expect(list.text).to.contain('Đang học').and.match(/value="50"/);
    // "Tiếp tục" leads back to where the officer left off
    expect(list.text).to.contain(`href="/learn/modules/${assigned}/items/bai-1">Tiếp tục`);
  });

  it('an item of a module not started yet sends the officer to the module page', async () => {
    const reply = await client.get(`/learn/modules/${voluntary}/items/bai-1`);
    expect(reply.status).to.equal(303);
    expect(reply.location).to.equal(`/learn/modules/${voluntary}`);
  });

  it('the quiz: start, autosave, answers kept on reload, refusals record nothing, double submit records one attempt', async () => {
    const start = await client.submit(`/learn/modules/${assigned}/items/kiem-tra/attempts`, {}, `/learn/modules/${assigned}/items/kiem-tra`);
    expect(start.status).to.equal(303);
    const attemptId = idOf(start.location);
    let attempt = (await attemptModel(db()).findById(attemptId).lean<Attempt>())!;
    const page = await client.get(`/learn/attempts/${attemptId}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('type="radio"').and.contain(attempt.questions[0]!.prompt);
    expect(page.text).not.to.contain(attempt.questions[0]!.explanation);

    const right = rightAnswers(attempt);
    const [firstId] = Object.keys(right);
    const saved = await autosave(client, attemptId, { [firstId!]: right[firstId!]! });
    expect(saved.status, saved.text).to.equal(200);
    expect(saved.json()).to.include({ saved: true });
    // reload: the answer is checked again; "start" again resumes the same attempt
    expect((await client.get(`/learn/attempts/${attemptId}`)).text).to.match(new RegExp(`name="q_${firstId}" value="${right[firstId!]![0]}" checked`));
    const again = await client.submit(`/learn/modules/${assigned}/items/kiem-tra/attempts`, {}, `/learn/modules/${assigned}/items/kiem-tra`);
    expect(idOf(again.location)).to.equal(attemptId);

    // a question that is not in this attempt
    const stranger = (await buildQuestions(db(), 'dao-duc', 1))[0]!;
    const notIn = await autosave(client, attemptId, { [stranger._id.toHexString()]: ['a'] });
    expect(notIn.status).to.equal(422);
    expect(notIn.json().error.id).to.equal('learn_answer_question_not_in_attempt');
    // another officer forging this attempt's id: 404 for the autosave, the page and the submit
    const forged = await autosave(otherClient, attemptId, { [firstId!]: ['b'] });
    expect(forged.status).to.equal(404);
    expect(forged.json().error.id).to.equal('learn_attempt_not_found');
    expect((await otherClient.get(`/learn/attempts/${attemptId}`)).status).to.equal(404);
    expect((await otherClient.submit(`/learn/attempts/${attemptId}/submit`, formOf(right), '/learn')).status).to.equal(404);
    attempt = (await attemptModel(db()).findById(attemptId).lean<Attempt>())!;
    expect(attempt.answers).to.deep.equal({ [firstId!]: right[firstId!] });
    expect(attempt.status).to.equal('open');
    expect(await attemptModel(db()).countDocuments({ officerId: other._id })).to.equal(0);

    // double submit: both end on the result page, one attempt is recorded
    const token = await client.csrf(`/learn/attempts/${attemptId}`);
    const post = () => client.request('POST', `/learn/attempts/${attemptId}/submit`, { form: { _csrf: token, ...formOf(right) } });
    const [s1, s2] = await Promise.all([post(), post()]);
    expect([s1.status, s2.status]).to.deep.equal([303, 303]);
    expect(s1.location).to.equal(`/learn/attempts/${attemptId}`);
    expect(s2.location).to.equal(`/learn/attempts/${attemptId}`);
    const attempts = await attemptsOf(me, assigned);
    expect(attempts).to.have.length(1);
    expect(attempts[0]).to.include({ status: 'submitted', score: 100, passed: true });
    expect(await learningEventModel(db()).countDocuments({ officerId: me._id, type: 'attempt_submitted' })).to.equal(1);
    expect(await progressOf(me, assigned)).to.include({ attempts: 1, bestScore: 100, status: 'completed', percent: 100 });

    // the result with review (after-submit): explanation and source shown
    const result = await client.get(`/learn/attempts/${attemptId}`);
    expect(result.text).to.contain('Chúc mừng, bạn đã đạt!').and.contain(attempts[0]!.questions[0]!.explanation).and.contain('Căn cứ: Mục II.1 Kế hoạch');
    // after the submit, the autosave is refused
    const closed = await autosave(client, attemptId, { [firstId!]: right[firstId!]! });
    expect(closed.status).to.equal(409);
    expect(closed.json().error.id).to.equal('learn_attempt_already_submitted');
  });

  it('an answer after the deadline (plus grace) is refused with a clear error and not saved', async () => {
    const { moduleId } = await buildPublishedModule(db(), { items: [quiz('kiem-tra', { timeLimitMinutes: 5 })] });
    await client.submit(`/learn/modules/${moduleId}/start`, {}, '/learn');
    const start = await client.submit(`/learn/modules/${moduleId}/items/kiem-tra/attempts`, {}, '/learn');
    const attemptId = idOf(start.location);
    // the clock cannot move over HTTP: the deadline moves instead, beyond the 30 s grace
    await attemptModel(db()).updateOne({ _id: attemptId }, { $set: { deadlineAt: new Date(Date.now() - 31_000) } });
    const attempt = (await attemptModel(db()).findById(attemptId).lean<Attempt>())!;
    const q = attempt.questions[0]!;
    const late = await autosave(client, attemptId, { [q.questionId.toHexString()]: [q.correct[0]!] });
    expect(late.status).to.equal(409);
    expect(late.json().error).to.include({ id: 'learn_quiz_time_over', message: 'Đã hết thời gian làm bài: câu trả lời này không được lưu.' });
    expect((await attemptModel(db()).findById(attemptId).lean<Attempt>())!.answers).to.deep.equal({});
    // a late submit with every right answer scores what was saved in time: nothing
    const submit = await client.submit(`/learn/attempts/${attemptId}/submit`, formOf(rightAnswers(attempt)), `/learn/attempts/${attemptId}`);
    expect(submit.status).to.equal(303);
    expect((await attemptModel(db()).findById(attemptId).lean<Attempt>())!).to.include({ status: 'submitted', score: 0, passed: false });
  });

  it('a phone that slept past the deadline: reopening the attempt shows its result, scored with the answers saved in time', async () => {
    const { moduleId } = await buildPublishedModule(db(), { items: [quiz('kiem-tra', { timeLimitMinutes: 5 })] });
    await client.submit(`/learn/modules/${moduleId}/start`, {}, '/learn');
    const attemptId = idOf((await client.submit(`/learn/modules/${moduleId}/items/kiem-tra/attempts`, {}, '/learn')).location);
    const attempt = (await attemptModel(db()).findById(attemptId).lean<Attempt>())!;
    const right = rightAnswers(attempt);
    const [firstId] = Object.keys(right);
    expect((await autosave(client, attemptId, { [firstId!]: right[firstId!]! })).status).to.equal(200);
    await attemptModel(db()).updateOne({ _id: attemptId }, { $set: { deadlineAt: new Date(Date.now() - 60_000) } });
    const page = await client.get(`/learn/attempts/${attemptId}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Bạn chưa đạt').and.contain('Đúng 1/4 câu');
    expect((await attemptModel(db()).findById(attemptId).lean<Attempt>())!).to.include({ status: 'submitted', correctCount: 1, score: 25 });
    expect((await progressModel(db()).findOne({ officerId: me._id, moduleId }).lean<ModuleProgress>())!.attempts).to.equal(1);
  });

  it('lessons first (the default order): a lesson counts only once opened, and the quiz opens once every lesson is read (issue #15 defect 10)', async () => {
    const { moduleId } = await buildPublishedModule(db(), { items: [lesson('bai-1'), lesson('bai-2'), quiz('kiem-tra')] });
    const reader = await buildOfficer({ unitId: A1._id });
    const c = await signedIn(reader);
    await c.submit(`/learn/modules/${moduleId}/start`, {}, '/learn');
    const progress = () => progressModel(db()).findOne({ officerId: reader._id, moduleId }).lean<ModuleProgress>();

    // "Đã học xong bài này" without opening the lesson: refused, nothing counted
    const unread = await c.submit(`/learn/modules/${moduleId}/items/bai-2/done`, {}, '/learn');
    expect(unread.status).to.equal(409);
    expect(unread.text).to.contain(t('vi', 'learn_lesson_not_opened'));
    expect((await progress())!.doneItems).to.deep.equal([]);

    // the quiz page lists the lessons left instead of a start button; starting is refused
    const quizPage = await c.get(`/learn/modules/${moduleId}/items/kiem-tra`);
    expect(quizPage.text).to.contain(t('vi', 'learn_lessons_first_intro', { n: 2 })).and.not.contain(t('vi', 'learn_start_attempt'));
    const early = await c.submit(`/learn/modules/${moduleId}/items/kiem-tra/attempts`, {}, '/learn');
    expect(early.status).to.equal(409);
    expect(await attemptsOf(reader, moduleId)).to.have.length(0);

    for (const key of ['bai-1', 'bai-2']) {
      expect((await c.get(`/learn/modules/${moduleId}/items/${key}`)).status).to.equal(200);
      expect((await c.submit(`/learn/modules/${moduleId}/items/${key}/done`, {}, '/learn')).status).to.equal(303);
    }
    expect((await progress())!.doneItems).to.have.members(['bai-1', 'bai-2']);
    expect((await c.get(`/learn/modules/${moduleId}/items/kiem-tra`)).text).to.contain(t('vi', 'learn_start_attempt'));
    expect((await c.submit(`/learn/modules/${moduleId}/items/kiem-tra/attempts`, {}, '/learn')).location).to.match(/\/learn\/attempts\/[0-9a-f]{24}$/);
  });

  it('review "never" shows no answers; a failed attempt shows the cooldown on the quiz page', async () => {
    await client.submit(`/learn/modules/${voluntary}/start`, {}, '/learn');
    const start = await client.submit(`/learn/modules/${voluntary}/items/kiem-tra/attempts`, {}, '/learn');
    const attemptId = idOf(start.location);
    const attempt = (await attemptModel(db()).findById(attemptId).lean<Attempt>())!;
    await client.submit(`/learn/attempts/${attemptId}/submit`, formOf(wrongAnswers(attempt)), `/learn/attempts/${attemptId}`);
    const result = await client.get(`/learn/attempts/${attemptId}`);
    expect(result.text).to.contain('Bạn chưa đạt').and.contain('không cho xem lại đáp án').and.not.contain(attempt.questions[0]!.explanation);
    // the fixture quiz has no cooldown: a new attempt may start at once
    const quizPage = await client.get(`/learn/modules/${voluntary}/items/kiem-tra`);
    expect(quizPage.text).to.contain('Làm lại bài kiểm tra');
    // started voluntarily: listed now, without a due date
    expect((await client.get('/learn')).text).to.contain('Học phần tự chọn').and.contain('Tự chọn (không có hạn)');
  });

  it('review "after-pass": answers hidden after a failed attempt, shown once passed', async () => {
    const { moduleId } = await buildPublishedModule(db(), { items: [quiz('kiem-tra', { review: 'after-pass' })] });
    await client.submit(`/learn/modules/${moduleId}/start`, {}, '/learn');
    const take = async (pick: (attempt: Attempt) => Record<string, string[]>) => {
      const start = await client.submit(`/learn/modules/${moduleId}/items/kiem-tra/attempts`, {}, '/learn');
      const id = idOf(start.location);
      const attempt = (await attemptModel(db()).findById(id).lean<Attempt>())!;
      await client.submit(`/learn/attempts/${id}/submit`, formOf(pick(attempt)), `/learn/attempts/${id}`);
      return { id, explanation: attempt.questions[0]!.explanation };
    };
    const failed = await take(wrongAnswers);
    const hidden = await client.get(`/learn/attempts/${failed.id}`);
    expect(hidden.text).to.contain('Đáp án và giải thích được hiện sau khi bạn đạt');
    expect(hidden.text).not.to.contain(failed.explanation);
    const passed = await take(rightAnswers);
    expect((await client.get(`/learn/attempts/${passed.id}`)).text).to.contain(passed.explanation);
    // once passed, the earlier failed attempt may be reviewed too
    expect((await client.get(`/learn/attempts/${failed.id}`)).text).to.contain(failed.explanation);
  });

  it('versioning: after a new publish the officer still sees the version they started', async () => {
    await republish(db(), assigned, [lesson('bai-1'), lesson('bai-moi', { title: 'Bài mới thêm' }), quiz('kiem-tra')]);
    const page = await client.get(`/learn/modules/${assigned}`);
    expect(page.text).to.contain('phiên bản 1');
    expect(page.text).not.to.contain('Bài mới thêm');
    expect((await client.get(`/learn/modules/${assigned}/items/bai-moi`)).status).to.equal(404);
    // a colleague starting now gets version 2
    await otherClient.submit(`/learn/modules/${assigned}/start`, {}, '/learn');
    expect((await progressOf(other, assigned))!.version).to.equal(2);
    expect((await otherClient.get(`/learn/modules/${assigned}`)).text).to.contain('Bài mới thêm');
  });

  it('GET /api/v1/me/assignments and /api/v1/me/progress', async () => {
    const assignments = await client.get('/api/v1/me/assignments');
    expect(assignments.status).to.equal(200);
    const body = assignments.json();
    expect(body.year).to.equal(YEAR);
    const byCode = Object.fromEntries(body.items.map((i: { title: string }) => [i.title, i]));
    expect(Object.keys(byCode)).to.have.members(['Thái độ làm việc', 'Kỷ luật công vụ']);
    expect(byCode['Thái độ làm việc']).to.include({ moduleId: String(assigned), topic: 'thai-do', status: 'completed', percent: 100, dueDate: new Date(Date.UTC(YEAR, 11, 30)).toISOString() });
    expect(byCode['Kỷ luật công vụ']).to.include({ status: 'overdue', percent: 0 });
    const progress = (await client.get('/api/v1/me/progress')).json();
    const row = progress.items.find((i: { moduleId: string }) => i.moduleId === String(assigned));
    expect(row).to.include({ version: 1, status: 'completed', percent: 100, bestScore: 100, lastScore: 100, attempts: 1 });
    expect(row.completedAt).to.be.a('string');
    expect(progress.items.map((i: { moduleId: string }) => i.moduleId)).not.to.include(String(overdue));
    // another year: nothing then
    expect((await client.get(`/api/v1/me/progress?year=${YEAR - 3}`)).json()).to.deep.equal({ year: YEAR - 3, items: [] });
    expect((await client.get('/api/v1/me/progress?year=abc')).status).to.equal(422);
  });

  it('past years: a record of last year is listed under that year', async () => {
    const last = YEAR - 1;
    await progressModel(db()).create({ officerId: me._id, moduleId: overdue, year: last, version: 1, unitId: A1._id, status: 'completed', doneItems: ['bai-1'], itemCount: 1, percent: 100, startedAt: new Date(Date.UTC(last, 2, 1)), completedAt: new Date(Date.UTC(last, 2, 2)) });
    const page = await client.get('/learn');
    expect(page.text).to.contain(`<option value="${last}"`);
    const history = await client.get(`/learn?year=${last}`);
    expect(history.text).to.contain('Kỷ luật công vụ').and.contain('Hoàn thành').and.not.contain('Thái độ làm việc');
    const module = await client.get(`/learn/modules/${overdue}?year=${last}`);
    expect(module.text).to.contain('Bạn đã hoàn thành học phần này');
  });

  it('an account without an officer record: empty lists over the API, an explanation on the page, 403 on actions', async () => {
    await createAccount(db(), { username: 'khong.ho.so', displayName: 'Không hồ sơ', role: 'coordinator', password: PASSWORD, unitId: A._id }, 4);
    const c = tp.client();
    await c.signIn('khong.ho.so', PASSWORD);
    const before = await progressModel(db()).countDocuments({});
    expect((await c.get('/api/v1/me/assignments')).json()).to.deep.equal({ year: YEAR, items: [] });
    expect((await c.get('/api/v1/me/progress')).json()).to.deep.equal({ year: YEAR, items: [] });
    expect((await c.get('/learn')).text).to.contain('chưa gắn với hồ sơ cán bộ');
    const refused = await c.get(`/learn/modules/${assigned}`);
    expect(refused.status).to.equal(403);
    expect(refused.text).to.contain('chưa gắn với hồ sơ cán bộ');
    expect((await c.submit(`/learn/modules/${assigned}/start`, {}, '/learn')).status).to.equal(403);
    expect(await progressModel(db()).countDocuments({})).to.equal(before);
  });

  it('a coordinator linked to an officer record learns like any officer', async () => {
    const self = await buildOfficer({ unitId: A._id });
    const account = await learnerAccount(db(), self, PASSWORD, 'coordinator');
    const c = tp.client();
    await c.signIn(account.username!, PASSWORD);
    expect((await c.get('/learn')).text).to.contain('Thái độ làm việc');
    expect((await c.submit(`/learn/modules/${assigned}/start`, {}, '/learn')).status).to.equal(303);
  });
});
