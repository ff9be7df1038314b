/** "Học phần của tôi" on the officer's home page: this year's modules, the same rows as /learn. */
import type { Connection } from 'mongoose';
import type { Learner } from '../progress/learner';
import { myModules, type OfficerYearRows } from '../progress/my-modules';
import { trainingYear } from '../progress/year';
import { presentMyModule } from './presenters';

/** The learner's modules of this year (empty without an officer record); the home route has authorized the account. */
export async function myModulesSummary(db: Connection, learner: Learner | null, now: Date, rows?: OfficerYearRows): Promise<ReturnType<typeof presentMyModule>[]> {
  if (!learner) return [];
  return (await myModules(db, learner, trainingYear(now), now, rows)).map(presentMyModule);
}
