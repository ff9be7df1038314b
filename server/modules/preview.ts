/**
 * "Xem trước": the DRAFT as an officer would see it — lessons in order and, for each
 * quiz, one sample draw from the active bank. Read-only: nothing is recorded (no
 * attempt, no progress, no event), which the page says in a banner.
 */
import crypto from 'node:crypto';
import { trusted, type Connection } from 'mongoose';
import type { RouteContext } from '../http/route';
import { questionModel, type Question } from '../questions/model';
import { topicLabels, type LearningModule, type QuizDraw } from './model';
import { itemPackages, packageKindLabel } from './pages';

/** `count` distinct random picks of `values` (all of them when there are fewer). */
function sample<T>(values: readonly T[], count: number): T[] {
  const pool = [...values];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

/** One sample draw: ids per topic first (small), then only the drawn questions. */
async function sampleDraw(db: Connection, draws: readonly QuizDraw[]) {
  const Questions = questionModel(db);
  const picked = [];
  for (const draw of draws) {
    const ids = await Questions.find({ topic: draw.topic, active: true, ...(draw.pool ? { pools: draw.pool } : {}) }, { _id: 1 }).lean<Pick<Question, '_id'>[]>();
    picked.push(...sample(ids, draw.count).map((q) => q._id));
  }
  const questions = picked.length ? await Questions.find({ _id: trusted({ $in: picked }) }).lean<Question[]>() : [];
  return questions.map((q) => ({ ref: q.ref, kind: q.kind, scenario: q.scenario, prompt: q.prompt, options: q.options.map((o) => ({ key: o.key, text: o.text })) }));
}

export async function renderPreview(ctx: RouteContext<unknown>, module: LearningModule): Promise<void> {
  const db = ctx.services.db;
  const items = [];
  const packages = await itemPackages(db, module.draft.items);
  for (const item of module.draft.items) {
    if (item.kind === 'lesson') items.push({ kind: 'lesson', key: item.key, title: item.title, body: item.body, attachments: item.attachments });
    else if (item.kind === 'package') items.push({ kind: 'package', key: item.key, title: item.title, packageKind: packageKindLabel(packages.get(item.packageId.toHexString())), packageTitle: packages.get(item.packageId.toHexString())?.title ?? '' });
    else items.push({ kind: 'quiz', key: item.key, title: item.title, passPercent: item.passPercent, timeLimitMinutes: item.timeLimitMinutes, questions: await sampleDraw(db, item.draw) });
  }
  ctx.res.render('authoring/preview', {
    title: 'authoring_preview_title',
    module: { id: module._id.toHexString(), code: module.code, title: module.draft.title, topicLabel: topicLabels[module.draft.topic], description: module.draft.description, estimatedMinutes: module.draft.estimatedMinutes },
    items,
  });
}
