/**
 * Opening a package in a platform page: the attempt (created or resumed), a playback
 * token for this opening, the CSP that lets this page alone frame the content origin, and
 * the player page. Shared by GET /packages/:id/play (no module context) and the learning
 * item page of a package item (context = module, item, year).
 */
import type { Types } from 'mongoose';
import { AppError } from '../errors';
import type { SignedInContext } from '../http/route';
import type { ContentPackage, PackageSco } from '../packages/model';
import { openAttempt } from './attempts';
import { announceResult } from './results';
import type { AttemptContext } from './model';
import { signPlaybackToken } from './tokens';

export interface PlayerOpening {
  record: ContentPackage;
  /** the SCO asked for; null = the first */
  sco: string | null;
  officerId: Types.ObjectId | null;
  context: AttemptContext | null;
  /** SCO links go here with ?sco=… (the play page or the learning item page) */
  pageHref: string;
  /** extra view locals (the learning trail) */
  locals?: Record<string, unknown>;
  view?: string;
}

/** The package's SCOs (an H5P package is one activity: its "SCO" is the whole content) and the one asked for (null = the first). */
function scosOf(record: ContentPackage, asked: string | null): { scos: PackageSco[]; sco: PackageSco } {
  const scos: PackageSco[] = record.kind === 'h5p' ? [{ identifier: 'h5p', title: record.title, launch: 'h5p.json' }] : record.scos;
  const sco = asked ? scos.find((s) => s.identifier === asked) : scos[0];
  if (!sco) throw new AppError(404, 'playback_sco_not_found');
  return { scos, sco };
}

/**
 * The learner asks for a new attempt of a SCO whose completed attempt would be reviewed
 * (docs/playback.md): attempt n+1 is created now, and the next opening continues it.
 * An unfinished attempt is simply kept (nothing to start).
 */
export async function startNewAttempt(ctx: SignedInContext<unknown>, opening: Pick<PlayerOpening, 'record' | 'sco' | 'officerId' | 'context'>): Promise<void> {
  const { record } = opening;
  const { sco } = scosOf(record, opening.sco);
  await openAttempt(ctx.services.db, { officerId: opening.officerId, accountId: ctx.account._id, packageId: record._id, kind: record.kind, scoIdentifier: sco.identifier, context: opening.context, preview: opening.officerId === null }, true);
}

export async function renderPlayer(ctx: SignedInContext<unknown>, opening: PlayerOpening): Promise<void> {
  const { db, config, secret } = ctx.services;
  const { record } = opening;
  const { scos, sco } = scosOf(record, opening.sco);
  const preview = opening.officerId === null;
  const { attempt, review } = await openAttempt(db, { officerId: opening.officerId, accountId: ctx.account._id, packageId: record._id, kind: record.kind, scoIdentifier: sco.identifier, context: opening.context, preview });
  // opened is "viewed": an item whose rule is that (an Accordion, a Dialogcards…) is done now
  if (opening.context && !preview) await announceResult(attempt, (error) => ctx.services.log.error({ err: error }, 'package progress listener failed'));
  // undefined rules are left out of the token's JSON
  const rules = { masteryScore: sco.masteryScore, scaledPassingScore: sco.scaledPassingScore, completionThreshold: sco.completionThreshold };
  const token = signPlaybackToken({ att: attempt._id.toHexString(), ses: attempt.session, pkg: record.sha256, kind: record.kind, launch: sco.launch, rules, ...(review ? { review: true as const } : {}) }, secret, config.PLAYBACK_TOKEN_MINUTES);
  // this page alone may frame the content origin; every other platform page keeps frame-src 'self'
  const policy = String(ctx.res.getHeader('Content-Security-Policy') ?? '');
  ctx.res.setHeader('Content-Security-Policy', `${policy};frame-src ${config.CONTENT_ORIGIN}`);
  // a SCO that opens its course in a popup (Storyline) reaches the player's API through
  // window.opener; "same-origin" would cut the popup off. Only this page relaxes it.
  ctx.res.setHeader('Cross-Origin-Opener-Policy', 'same-origin-allow-popups');
  ctx.res.setHeader('Cache-Control', 'no-store');
  ctx.res.render(opening.view ?? 'playback/play', {
    title: 'playback_page_title',
    packageTitle: record.title,
    scos: scos.length > 1 ? scos.map((s) => ({ identifier: s.identifier, title: s.title, current: s.identifier === sco.identifier, href: `${opening.pageHref}?sco=${encodeURIComponent(s.identifier)}` })) : [],
    packageId: record._id.toHexString(),
    preview,
    playerUrl: `${config.CONTENT_ORIGIN}/play/${token}`,
    review,
    contentOrigin: config.CONTENT_ORIGIN,
    ...opening.locals,
  });
}
