/**
 * The demo's yearly plan, beyond the campaign the starter modules' assignment becomes at
 * start: two exemptions in phường Bình Minh — one approved (nghỉ thai sản), one waiting
 * for the coordinator's decision (ốm dài ngày) — and a third officer there who failed the
 * three attempts the "Kỷ luật, kỷ cương" test allows, so the coordinator has someone to
 * grant an extra attempt (`/officers/:id/plan`). Runs once: nothing is added when any
 * exemption exists.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { decideExemption, exemptionModel, proposeExemption } from '../campaigns/exemptions';
import { enrolmentModel } from '../campaigns/model';
import { moduleModel, type LearningModule, type QuizItem } from '../modules/model';
import { officerModel, type Officer } from '../officers/model';
import { learnerOf } from '../progress/learner';
import { completeLesson, findProgress, pinnedVersion, startModule, touchItem } from '../progress/service';
import { startAttempt, submitAttempt } from '../quizzes/service';
import { trainingYear } from '../progress/year';
import { unitModel, type Unit } from '../units/model';
import { userModel, type User } from '../users/model';
import { DEMO_WARD_CODE } from './accounts';

/** the starter module whose final test allows three attempts */
const LOCKED_MODULE = 'VHCV-KY-LUAT';

export async function seedDemoPlan(db: Connection, now = new Date()): Promise<number> {
  if (await exemptionModel(db).exists({})) return 0;
  const ward = await unitModel(db).findOne({ code: DEMO_WARD_CODE }).lean<Unit>();
  const accounts = await userModel(db).find({ username: trusted({ $in: ['demo.ward.manager', 'demo.coordinator'] }) }).lean<User[]>();
  const manager = accounts.find((a) => a.username === 'demo.ward.manager');
  const coordinator = accounts.find((a) => a.username === 'demo.coordinator');
  if (!ward || !manager || !coordinator) return 0;
  const year = trainingYear(now);
  const units = [ward._id, ...(await unitModel(db).find({ ancestors: ward._id }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>()).map((u) => u._id)];
  const enrolled = await enrolmentModel(db).distinct('officerId', { year, state: 'enrolled', unitId: trusted({ $in: units }) });
  const officers = await officerModel(db).find({ _id: trusted({ $in: enrolled }), isLeader: false }).sort({ sortName: 1 }).limit(3).lean<Officer[]>();
  if (officers.length < 3) return 0;
  const [first, second, third] = officers as [Officer, Officer, Officer];
  const approved = await proposeExemption(db, { officerId: first._id, unitId: first.unitId, year, kind: 'thai-san', reason: 'Nghỉ thai sản 6 tháng theo quyết định của Chủ tịch UBND phường', evidence: null }, manager._id, now);
  await decideExemption(db, approved, 'approve', 'Đủ căn cứ theo quyết định nghỉ thai sản.', coordinator._id, now);
  await proposeExemption(db, { officerId: second._id, unitId: second.unitId, year, kind: 'om-dai-ngay', reason: 'Điều trị bệnh dài ngày tại bệnh viện tỉnh', evidence: null }, manager._id, now);
  await failEveryAttempt(db, third, year, now);
  return 3;
}

/**
 * `officer` reads the lessons of the module whose test has an attempt limit and fails
 * every attempt, a day apart, through the same services as the pages — so the roll-up,
 * the events and the quiz state are what a real failure leaves.
 */
async function failEveryAttempt(db: Connection, officer: Officer, year: number, now: Date): Promise<void> {
  const module = await moduleModel(db).findOne({ code: LOCKED_MODULE }).lean<LearningModule>();
  if (!module || module.publishedVersion === 0) return;
  const enrolled = await enrolmentModel(db).exists({ officerId: officer._id, moduleId: module._id, year, state: 'enrolled' });
  if (!enrolled) return;
  const learner = await learnerOf(db, officer);
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
  let progress = await startModule(db, learner, module._id, year, daysAgo(5));
  const version = await pinnedVersion(db, progress);
  for (const item of version.content.items.filter((i) => i.kind === 'lesson')) {
    await touchItem(db, progress, item.key);
    progress = await completeLesson(db, (await findProgress(db, officer._id, module._id, year))!, version, item.key, daysAgo(5));
  }
  const quiz = version.content.items.find((i): i is QuizItem => i.kind === 'quiz' && i.attemptLimit > 0);
  if (!quiz) return;
  const settings = { graceSeconds: 60 };
  for (let n = 0; n < quiz.attemptLimit; n++) {
    const startedAt = daysAgo(4 - n);
    const { attempt } = await startAttempt(db, (await findProgress(db, officer._id, module._id, year))!, quiz, startedAt, settings);
    const wrong = Object.fromEntries(attempt.questions.map((q) => [q.questionId.toHexString(), [q.options.find((o) => !q.correct.includes(o.key))!.key]]));
    await submitAttempt(db, attempt._id, officer._id, wrong, quiz, new Date(startedAt.getTime() + 5 * 60_000), settings);
  }
}
