/** The learner's attempts at one quiz in the progress record's year, oldest first. */
import type { Connection } from 'mongoose';
import type { ModuleProgress } from '../progress/model';
import { attemptModel, type Attempt } from '../quizzes/model';

export async function listAttempts(db: Connection, progress: ModuleProgress, itemKey: string): Promise<Attempt[]> {
  return attemptModel(db)
    .find({ officerId: progress.officerId, moduleId: progress.moduleId, itemKey, year: progress.year }, { questions: 0, answers: 0, results: 0 })
    .sort({ number: 1 })
    .lean<Attempt[]>();
}
