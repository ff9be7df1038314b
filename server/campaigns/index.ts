/**
 * The yearly plan, as the platform starts it: enrolments follow officer changes (every
 * officer command and import tells `refreshOfficers`), and the old assignments migrate
 * into campaigns at each start (idempotent).
 */
import type { Connection } from 'mongoose';
import { onOfficersChanged, type OfficersListener } from '../officers/events';
import { refreshOfficers } from './materialise';
import { migrateAssignments } from './migrate';

// one listener for the whole process, whatever the database: the connection comes with each call
const keepEnrolmentsCurrent: OfficersListener = async (db, officerIds) => {
  await refreshOfficers(db, officerIds, new Date());
};

/** Hooks enrolments to officer changes and migrates the old assignments; returns what the migration did. */
export async function startCampaigns(db: Connection, now = new Date()): Promise<{ campaigns: number; modules: number }> {
  onOfficersChanged(keepEnrolmentsCurrent);
  return migrateAssignments(db, now);
}
