/**
 * Certificates as the platform starts them: a listener on learning events issues what a
 * completed module earns (server/progress/events.ts), and a backfill gives their
 * certificates to officers who completed before this feature existed — once per
 * installation at start (a scan of every enrolment is too slow to repeat at each start;
 * `npm run certificates -- --backfill` runs it again on demand).
 */
import type { Connection } from 'mongoose';
import { onLearningEvent, type LearningListener } from '../progress/events';
import { backfillCertificates, certifyOfficerYear } from './issue';
import { readyCertificateModel } from './model';
import { readSettings, saveSettings } from './settings';

// one listener for the whole process, whatever the database: the connection comes with each call
const certifyOnCompletion: LearningListener = async (db, event) => {
  if (event.type === 'module_completed') await certifyOfficerYear(db, event.officerId, event.year, event.at);
};

/** Hooks issuing to completions and runs the first backfill; returns how many certificates it issued (0 after the first start). */
export async function startCertificates(db: Connection, now = new Date()): Promise<number> {
  await readyCertificateModel(db);
  onLearningEvent(certifyOnCompletion);
  if ((await readSettings(db)).backfilledAt) return 0;
  const issued = await backfillCertificates(db, now);
  await saveSettings(db, { backfilledAt: now });
  return issued;
}
