/**
 * "Invite everyone" as a persistent background job (see ../jobs): a province has tens of
 * thousands of officers and each invitation is an SMTP delivery, far longer than any
 * proxy waits for a page. The request enqueues the job and the page follows its progress.
 * Running it again is safe — officers who received an invitation have an account and are
 * skipped — which is also how a job cut short by a crash resumes on another instance.
 */
import { Types } from 'mongoose';
import { recordAudit } from '../audit/service';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { defineJobKind, type Jobs, type JobView } from '../jobs';
import type { Unit } from '../units/model';
import { inviteAll, type Inviter, type InviteAllResult } from './invitations';

interface InvitationJobData {
  unit: { id: Types.ObjectId; name: string; ancestors: Types.ObjectId[] };
  actor: Inviter;
}

interface InvitationProgress {
  /** serving officers of the subtree */
  officers: number;
  /** counts so far */
  result: InviteAllResult;
}

/** An invitation job as its page sees it. */
export interface InvitationJob {
  id: string;
  ownerId: string | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  unit: InvitationJobData['unit'];
  officers: number;
  /** counts so far; final once the job is done */
  result: InviteAllResult;
  errorId?: AppError['id'];
}

const NO_COUNTS: InviteAllResult = { sent: 0, skippedNoEmail: 0, alreadyHaveAccount: 0, failed: 0 };

export const invitationJob = defineJobKind<InvitationJobData, InvitationProgress, InvitationProgress>({
  name: 'invite-unit',
  failureId: 'invite_job_failed',
  attempts: 2,
  concurrency: 1,
  limits: { perOwner: 1, global: 3, refusal: () => new AppError(429, 'invite_too_many_jobs') },
  // the page says its result is kept a day
  retentionMs: 24 * 3600_000,
  async handle(run, services) {
    const { unit, actor } = run.data;
    let officers = 0;
    const result = await inviteAll(services, unit.id, actor, (counts, total) => {
      officers = total;
      run.progress({ officers: total, result: counts });
    });
    // each invitation is audited on its own; this records who started them all and what came of it
    await recordAudit(services.db, {
      action: 'account.invited_unit',
      actor: { id: actor.id, name: actor.name },
      subject: { type: 'unit', id: unit.id },
      unitId: unit.id,
      ip: actor.ip,
      requestId: actor.requestId,
      details: { ...result },
    }).catch((error: unknown) => services.log.error({ err: error, requestId: actor.requestId }, 'audit of an invitation job failed'));
    return { officers, result };
  },
});

/** Officers handled so far (sent, skipped or failed). */
export function handled(result: InviteAllResult): number {
  return result.sent + result.skippedNoEmail + result.alreadyHaveAccount + result.failed;
}

function present(view: JobView<InvitationJobData, InvitationProgress, InvitationProgress>): InvitationJob {
  const counts = view.result ?? view.progress ?? { officers: 0, result: NO_COUNTS };
  return {
    id: view.id,
    ownerId: view.ownerId,
    status: view.status,
    unit: view.data.unit,
    officers: counts.officers,
    result: counts.result,
    ...(view.errorId ? { errorId: view.errorId } : {}),
  };
}

/** Enqueues inviting the subtree of `unit`; 429 'invite_too_many_jobs' while the same user's previous one is queued or runs. */
export async function startInvitationJob(services: Pick<Services, 'jobs'>, unit: Pick<Unit, '_id' | 'name' | 'ancestors'>, actor: Inviter): Promise<InvitationJob> {
  const data = { unit: { id: unit._id, name: unit.name, ancestors: unit.ancestors }, actor };
  return present(await services.jobs.enqueue(invitationJob, data, { ownerId: actor.id.toHexString() }));
}

/** The job if `ownerId` started it; undefined otherwise, or once forgotten. Routes still authorize on its unit. */
export async function getInvitationJob(jobs: Jobs, id: string, ownerId: string): Promise<InvitationJob | undefined> {
  const view = await jobs.get(invitationJob, id, ownerId);
  return view && present(view);
}
