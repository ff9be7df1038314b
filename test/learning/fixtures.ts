/**
 * Test data for learning: published modules, question banks and assignments made
 * directly through the models (authoring has its own pages and tests), a learner
 * account, and a seeded random source so draws and shuffles can be checked exactly.
 */
import type { Connection, Types } from 'mongoose';
import { assignmentModel, type Assignment } from '../../server/assignments/model';
import { moduleModel, type LessonItem, type ModuleContent, type ModuleItem, type ModuleVersion, type QuizItem, type Topic, type ModuleOrder } from '../../server/modules/model';
import { publishModule } from '../../server/modules/versions';
import { findLearner, type Learner } from '../../server/progress/learner';
import { questionModel, type Question, type QuestionKind } from '../../server/questions/model';
import { createAccount } from '../../server/users/service';
import type { Officer } from '../../server/officers/model';
import type { User } from '../../server/users/model';
import { actorOf } from '../../server/auth/session';
import { trainingYear } from '../../server/progress/year';

let serial = 0;

/** A deterministic random source (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const lesson = (key: string, overrides: Partial<LessonItem> = {}): LessonItem => ({
  kind: 'lesson',
  key,
  title: `Bài học ${key}`,
  body: '<h2>Tiếp công dân</h2><p>Cán bộ chào hỏi, <strong>lắng nghe</strong> và hướng dẫn tận tình.</p>',
  attachments: [],
  ...overrides,
});

export const quiz = (key: string, overrides: Partial<QuizItem> = {}): QuizItem => ({
  kind: 'quiz',
  key,
  title: `Kiểm tra ${key}`,
  draw: [{ topic: 'thai-do', count: 4 }],
  passPercent: 75,
  attemptLimit: 0,
  cooldownMinutes: 0,
  timeLimitMinutes: 0,
  review: 'after-submit',
  shuffleOptions: true,
  ...overrides,
});

/** Makes a module with `items` and publishes it; returns the module id and its first version. */
export async function buildPublishedModule(db: Connection, options: { items: ModuleItem[]; topic?: Topic; title?: string; code?: string; ownerUnitId?: Types.ObjectId | null; order?: ModuleOrder }): Promise<{ moduleId: Types.ObjectId; version: ModuleVersion }> {
  const n = ++serial;
  const draft: ModuleContent = { title: options.title ?? `Học phần thử ${n}`, topic: options.topic ?? 'thai-do', description: 'Mô tả học phần thử', estimatedMinutes: 20, items: options.items, ...(options.order ? { order: options.order } : {}) };
  const module = await moduleModel(db).create({ code: options.code ?? `HP-THU-${n}`, ownerUnitId: options.ownerUnitId ?? null, draft, draftDirty: true });
  const version = await publishModule(db, module._id, null);
  return { moduleId: module._id, version };
}

/** Changes the draft's items and publishes a new version. */
export async function republish(db: Connection, moduleId: Types.ObjectId, items: ModuleItem[]): Promise<ModuleVersion> {
  await moduleModel(db).updateOne({ _id: moduleId }, { $set: { 'draft.items': items, draftDirty: true } });
  return publishModule(db, moduleId, null);
}

/**
 * `count` active questions of `topic`. Options a–d, the right one is "a" (single,
 * scenario), "true" (true-false) or "a"+"c" (multiple); `kinds` cycles over the questions.
 */
export async function buildQuestions(db: Connection, topic: Topic, count: number, kinds: QuestionKind[] = ['single']): Promise<Question[]> {
  const made: Question[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length]!;
    const n = ++serial;
    const options =
      kind === 'true-false'
        ? [{ key: 'true', text: 'Đúng', correct: true }, { key: 'false', text: 'Sai', correct: false }]
        : ['a', 'b', 'c', 'd'].map((key) => ({ key, text: `Phương án ${key.toUpperCase()} của câu ${n}`, correct: key === 'a' || (kind === 'multiple' && key === 'c') }));
    const created = await questionModel(db).create({
      ref: `${topic}-q${n}`,
      topic,
      kind,
      scenario: kind === 'scenario' ? 'Một người dân đến bộ phận một cửa khi sắp hết giờ làm việc.' : null,
      prompt: `Câu hỏi ${n}: cán bộ nên làm gì?`,
      options,
      explanation: `Giải thích câu ${n}`,
      source: 'Mục II.1 Kế hoạch',
    });
    made.push(created.toObject());
  }
  return made;
}

/** Assigns a module to a unit subtree and/or named officers, due on `dueDate` (default: end of this year). */
export async function assign(db: Connection, options: { moduleId: Types.ObjectId; unitId?: Types.ObjectId | null; officerIds?: Types.ObjectId[]; dueDate?: Date; year?: number; active?: boolean }): Promise<Assignment> {
  const year = options.year ?? trainingYear();
  const created = await assignmentModel(db).create({
    moduleId: options.moduleId,
    year,
    unitId: options.unitId ?? null,
    officerIds: options.officerIds ?? [],
    dueDate: options.dueDate ?? new Date(Date.UTC(year, 11, 31)),
    active: options.active ?? true,
  });
  return created.toObject();
}

/** An officer account for `officer`, with `password`. */
export async function learnerAccount(db: Connection, officer: Officer, password: string, role: User['role'] = 'officer'): Promise<User> {
  return createAccount(db, { username: `hoc.vien.${++serial}`, displayName: officer.fullName, role, password, unitId: officer.unitId, officerId: officer._id, officerCode: officer.code }, 4);
}

/** The learner record of an account (as the routes see it). */
export async function learnerOf(db: Connection, account: User): Promise<Learner> {
  return (await findLearner(db, actorOf(account)))!;
}

/** The correct keys of each question of an attempt, by question id (hex). */
export const rightAnswers = (attempt: { questions: Array<{ questionId: Types.ObjectId; correct: string[] }> }): Record<string, string[]> =>
  Object.fromEntries(attempt.questions.map((q) => [q.questionId.toHexString(), q.correct]));

/** A wrong choice for each question (a key that is not the correct set). */
export const wrongAnswers = (attempt: { questions: Array<{ questionId: Types.ObjectId; correct: string[]; options: Array<{ key: string }> }> }): Record<string, string[]> =>
  Object.fromEntries(attempt.questions.map((q) => [q.questionId.toHexString(), [q.options.find((o) => !q.correct.includes(o.key))!.key]]));

