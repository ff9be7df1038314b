/**
 * Question bank commands. A question belongs to the unit of the coordinator who wrote it
 * (admins: the province, owner null); `ref` is unique across the bank and is what
 * imports and starter content upsert by.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { conflict, notFound } from '../errors';
import { can, type Actor } from '../policies';
import { TOPICS, type Topic } from '../modules/model';
import { ownedRef } from '../modules/service';
import { subtreeIds } from '../units/service';
import { questionModel, readyQuestionModel, type Question, type QuestionOption } from './model';
import { OPTION_KEYS, type QuestionInput } from './schema';

const HEX_ID = /^[0-9a-fA-F]{24}$/;

export async function findQuestionOr404(db: Connection, id: Types.ObjectId | string): Promise<Question> {
  if (typeof id === 'string' && !HEX_ID.test(id)) throw notFound('question_not_found');
  const question = await questionModel(db).findById(id).lean<Question>();
  if (!question) throw notFound('question_not_found');
  return question;
}

/** Options with their stable keys a, b, c… in the order given. */
export function keyedOptions(options: QuestionInput['options']): QuestionOption[] {
  return options.map((o, i) => ({ key: OPTION_KEYS[i]!, text: o.text, correct: o.correct }));
}

/** The stored fields of a validated question (not its owner or ref). */
export function questionFields(input: QuestionInput) {
  return { topic: input.topic, kind: input.kind, scenario: input.scenario || null, prompt: input.prompt, options: keyedOptions(input.options), explanation: input.explanation, source: input.source || null, pools: input.pools };
}

/** The next free generated ref of `topic` ("thai-do-7"), skipping any in `reserved`. */
export async function nextRef(db: Connection, topic: Topic, reserved: ReadonlySet<string> = new Set()): Promise<string> {
  const pattern = new RegExp(`^${topic}-(\\d+)$`);
  const taken = await questionModel(db).find({ ref: trusted({ $regex: `^${topic}-\\d+$` }) }, { ref: 1 }).lean<Pick<Question, 'ref'>[]>();
  let n = 0;
  for (const { ref } of [...taken, ...[...reserved].map((ref) => ({ ref }))]) n = Math.max(n, Number(pattern.exec(ref)?.[1] ?? 0));
  return `${topic}-${n + 1}`;
}

export async function createQuestion(db: Connection, input: QuestionInput, ownerUnitId: Types.ObjectId | null): Promise<Question> {
  const Questions = await readyQuestionModel(db);
  const ref = input.ref || (await nextRef(db, input.topic));
  if (await Questions.exists({ ref })) throw conflict('question_ref_taken', { ref });
  const created = await Questions.create({ ref, ...questionFields(input), ownerUnitId, active: true });
  return created.toObject();
}

export async function updateQuestion(db: Connection, question: Question, input: QuestionInput): Promise<void> {
  const ref = input.ref || question.ref;
  if (ref !== question.ref && (await questionModel(db).exists({ ref }))) throw conflict('question_ref_taken', { ref });
  await questionModel(db).updateOne({ _id: question._id }, { $set: { ref, ...questionFields(input) } });
}

/** The questions `actor` may author (admins all), of one topic or all, active or not. */
export async function authorableQuestions(db: Connection, actor: Actor, filter: { topic?: Topic | undefined; active: boolean }): Promise<Question[]> {
  const query: Record<string, unknown> = { active: filter.active };
  if (filter.topic) query['topic'] = filter.topic;
  if (actor.role !== 'admin') {
    if (!actor.unitId) return [];
    query['ownerUnitId'] = trusted({ $in: await subtreeIds(db, actor.unitId) });
  }
  const questions = await questionModel(db).find(query).sort({ ref: 1 }).limit(1000).lean<Question[]>();
  const refs = await Promise.all(questions.map((q) => ownedRef(db, q)));
  return questions.filter((_q, i) => can(actor, 'content.author', refs[i]!));
}

/** Counts per topic of the questions `actor` may author (active ones). */
export async function topicCounts(db: Connection, actor: Actor): Promise<Record<Topic, number>> {
  const all = await authorableQuestions(db, actor, { active: true });
  const counts = Object.fromEntries(TOPICS.map((t) => [t, 0])) as Record<Topic, number>;
  for (const q of all) counts[q.topic]++;
  return counts;
}
