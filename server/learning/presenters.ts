/** What learning pages and the /api/v1/me JSON see: allowlists, never documents. */
import type { MessageId } from '../i18n';
import { topicLabels, type ModuleItem, type QuizItem } from '../modules/model';
import type { ModuleProgress } from '../progress/model';
import type { MyModule, MyStatus } from '../progress/my-modules';
import type { Attempt } from '../quizzes/model';

export const statusLabels: Record<MyStatus, MessageId> = {
  'not-started': 'learn_status_not_started',
  'in-progress': 'learn_status_in_progress',
  completed: 'learn_status_completed',
  overdue: 'learn_status_overdue',
};

/** One row of "Học phần của tôi". */
export function presentMyModule(row: MyModule) {
  const id = row.moduleId.toHexString();
  const next = row.progress?.lastItemKey;
  return {
    id,
    code: row.code,
    title: row.title,
    topicLabel: topicLabels[row.topic],
    dueDate: row.dueDate,
    status: row.status,
    statusLabel: statusLabels[row.status],
    percent: row.percent,
    started: row.progress !== null,
    href: row.progress && next && row.status !== 'completed' ? `/learn/modules/${id}/items/${next}` : `/learn/modules/${id}`,
  };
}

/** GET /api/v1/me/assignments items. */
export const presentAssignmentJson = (row: MyModule) => ({
  moduleId: row.moduleId.toHexString(),
  code: row.code,
  title: row.title,
  topic: row.topic,
  dueDate: row.dueDate?.toISOString() ?? null,
  status: row.status,
  percent: row.percent,
});

/** GET /api/v1/me/progress items. */
export const presentProgressJson = (row: MyModule & { progress: ModuleProgress }) => ({
  moduleId: row.moduleId.toHexString(),
  code: row.code,
  title: row.title,
  version: row.progress.version,
  status: row.status,
  percent: row.progress.percent,
  bestScore: row.progress.bestScore,
  lastScore: row.progress.lastScore,
  attempts: row.progress.attempts,
  completedAt: row.progress.completedAt?.toISOString() ?? null,
});

/** An item in the module's table of contents. */
export const presentItem = (item: ModuleItem, moduleId: string, done: readonly string[]) => ({
  key: item.key,
  kind: item.kind,
  title: item.title,
  done: done.includes(item.key),
  href: `/learn/modules/${moduleId}/items/${item.key}`,
});

/** The rules of a quiz, as the intro page states them. */
export const presentQuizRules = (quiz: QuizItem, cooldownSeconds: number) => ({
  questions: quiz.draw.reduce((n, d) => n + d.count, 0),
  passPercent: quiz.passPercent,
  timeLimitMinutes: quiz.timeLimitMinutes,
  attemptLimit: quiz.attemptLimit,
  cooldownMinutes: Math.ceil(cooldownSeconds / 60),
});

/** An attempt for the answering page: no correct keys, no explanations. */
export function presentOpenAttempt(attempt: Attempt) {
  return {
    id: attempt._id.toHexString(),
    number: attempt.number,
    deadlineAt: attempt.deadlineAt,
    questions: attempt.questions.map((q, index) => {
      const id = q.questionId.toHexString();
      const chosen = attempt.answers?.[id] ?? [];
      return {
        id,
        number: index + 1,
        multiple: q.kind === 'multiple',
        scenario: q.scenario,
        prompt: q.prompt,
        options: q.options.map((o) => ({ key: o.key, text: o.text, checked: chosen.includes(o.key) })),
      };
    }),
  };
}

/** A submitted attempt; with `review`, each question's chosen and correct options, explanation and source. */
export function presentResult(attempt: Attempt, review: boolean) {
  const results = new Map(attempt.results.map((r) => [r.questionId.toHexString(), r]));
  return {
    id: attempt._id.toHexString(),
    number: attempt.number,
    score: attempt.score ?? 0,
    correctCount: attempt.correctCount ?? 0,
    total: attempt.questions.length,
    passed: attempt.passed === true,
    submittedAt: attempt.submittedAt,
    review: review
      ? attempt.questions.map((q, index) => {
          const result = results.get(q.questionId.toHexString());
          const chosen = result?.chosen ?? [];
          return {
            number: index + 1,
            scenario: q.scenario,
            prompt: q.prompt,
            correct: result?.correct === true,
            options: q.options.map((o) => ({ text: o.text, chosen: chosen.includes(o.key), correct: q.correct.includes(o.key) })),
            explanation: q.explanation,
            source: q.source,
          };
        })
      : null,
  };
}

/** A past attempt in the quiz page's list. */
export const presentAttemptLine = (attempt: Attempt) => ({
  id: attempt._id.toHexString(),
  number: attempt.number,
  status: attempt.status,
  score: attempt.score,
  passed: attempt.passed === true,
  submittedAt: attempt.submittedAt,
});
