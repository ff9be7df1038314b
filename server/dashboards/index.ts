/**
 * The dashboards as the platform starts them: the roll-up follows learning events, enrolment
 * changes and officer changes (a new staff category moves the officer's counters), and is
 * rebuilt at start when missing.
 */
import type { Connection } from 'mongoose';
import { onEnrolmentsChanged, type EnrolmentsListener } from '../campaigns/events';
import { onOfficersChanged } from '../officers/events';
import { onLearningEvent, type LearningListener } from '../progress/events';
import { readyEntryModel } from './model';
import { ensureDashboards, syncCreatedEnrolments, syncOfficers } from './rollup';

// one listener each for the whole process, whatever the database: the connection comes with each call
const followEnrolments: EnrolmentsListener = async (db, officerIds, created = []) => {
  // new enrolments (a campaign's materialisation) have their entries made from the documents as written
  if (created.length) await syncCreatedEnrolments(db, created);
  if (officerIds.length) await syncOfficers(db, officerIds);
};
// an entry counts the progress's status, best score and completion: opening a quiz attempt
// changes none of them, and it is the busiest event of an exam period (4 reads for nothing)
const followLearning: LearningListener = async (db, event) => {
  if (event.type === 'attempt_started') return;
  await syncOfficers(db, [event.officerId], { year: event.year, moduleId: event.moduleId });
};

/** Hooks the roll-up to its events; rebuilds it if missing. Call after the campaigns started. */
export async function startDashboards(db: Connection): Promise<void> {
  onLearningEvent(followLearning);
  onEnrolmentsChanged(followEnrolments);
  // registered after the campaigns' listener, so the enrolments are current when this runs
  onOfficersChanged(followEnrolments);
  await dropReplacedIndex(db);
  await ensureDashboards(db);
}

/**
 * The entries' (campaignId, unitId) index became (campaignId, unitId, state, status, dueDate)
 * (the overdue list's buckets); the old one, still on databases from before, only costs writes.
 */
async function dropReplacedIndex(db: Connection): Promise<void> {
  const Entries = await readyEntryModel(db);
  const names = (await Entries.collection.indexes()).map((ix) => ix.name);
  if (!names.includes('campaignId_1_unitId_1')) return;
  // another instance starting at the same time may drop it first (IndexNotFound, 27)
  await Entries.collection.dropIndex('campaignId_1_unitId_1').catch((error: { code?: number }) => {
    if (error.code !== 27) throw error;
  });
}
