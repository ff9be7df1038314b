/**
 * "Invite everyone" as a background job (see ../jobs/registry): a province has tens of
 * thousands of officers and each invitation is an SMTP delivery, far longer than any
 * proxy waits for a page. The request starts the job and the page follows its progress.
 * Running it again is safe: officers who received an invitation have an account and are
 * skipped.
 */
import type { Types } from 'mongoose';
import { recordAudit } from '../audit/service';
import { AppError, isAppError } from '../errors';
import type { Services } from '../http/context';
import { JobRegistry, type BaseJob } from '../jobs/registry';
import type { Unit } from '../units/model';
import { inviteAll, type Inviter, type InviteAllResult } from './invitations';

export interface InvitationJob extends BaseJob {
  unit: { id: Types.ObjectId; name: string; ancestors: Types.ObjectId[] };
  /** serving officers of the subtree */
  officers: number;
  /** counts so far; final once the job is done */
  result: InviteAllResult;
}

const jobs = new JobRegistry<InvitationJob>({ maxPerOwner: 1, maxRunning: 3, retentionMs: 60 * 60 * 1000, tooMany: () => new AppError(429, 'invite_too_many_jobs') });

/** Officers handled so far (sent, skipped or failed). */
export function handled(result: InviteAllResult): number {
  return result.sent + result.skippedNoEmail + result.alreadyHaveAccount + result.failed;
}

/** Starts inviting the subtree of `unit`; 429 'invite_too_many_jobs' while the same user's previous one runs. */
export function startInvitationJob(services: Services, unit: Pick<Unit, '_id' | 'name' | 'ancestors'>, actor: Inviter): InvitationJob {
  const job = jobs.add(actor.id.toHexString(), {
    unit: { id: unit._id, name: unit.name, ancestors: unit.ancestors },
    officers: 0,
    result: { sent: 0, skippedNoEmail: 0, alreadyHaveAccount: 0, failed: 0 },
  });
  inviteAll(services, unit._id, actor, (result, officers) => Object.assign(job, { result, officers })).then(
    async (result) => {
      jobs.finish(job, 'done', { result });
      // each invitation is audited on its own; this records who started them all and what came of it
      await recordAudit(services.db, {
        action: 'account.invited_unit',
        actor: { id: actor.id, name: actor.name },
        subject: { type: 'unit', id: unit._id },
        unitId: unit._id,
        ip: actor.ip,
        requestId: actor.requestId,
        details: { ...result },
      }).catch((error: unknown) => services.log.error({ err: error, requestId: actor.requestId }, 'audit of an invitation job failed'));
    },
    (error: unknown) => {
      services.log.error({ err: error, requestId: actor.requestId }, 'invitation job failed');
      jobs.finish(job, 'failed', { errorId: isAppError(error) ? error.id : 'invite_job_failed' });
    },
  );
  return { ...job };
}

/** The job, or undefined when unknown or forgotten (an hour after it ended). Routes check the owner. */
export function getInvitationJob(id: string): InvitationJob | undefined {
  return jobs.get(id);
}
