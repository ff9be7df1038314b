/**
 * POST /commit/<token>: one SCORM commit from the player. Body: scorm-again's JSON
 * ({cmi, commitSequence, final?}), as application/json (normal commits, synchronous XHR)
 * or text/plain (the final commit by sendBeacon). Answers `{"result":true,"errorCode":0}`
 * for every commit of a valid token — applied or ignored as a duplicate / older one —
 * so a retry never makes the SCO report an error; a bad token is refused (401) and a
 * request from another origin (403) before anything is read from the database.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../http/context';
import { userModel, type User } from '../users/model';
import { applyCommit } from './attempts';
import { progressModel } from '../progress/model';
import { attemptModel, type PackageAttempt } from './model';
import { verifyPlaybackToken } from './tokens';
import { applyXapi } from './xapi';

const OK = { result: true, errorCode: 0 } as const;
/** scorm-again's "general commit failure" */
const FAILED = (status: number) => ({ result: false, errorCode: 391, status });

function bodyOf(req: Request): Record<string, unknown> | null {
  let body: unknown = req.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return null;
    }
  }
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
}

export function commitHandler(services: Services) {
  const { db, secret, config, log } = services;
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    // only the player on this origin commits; browsers always send Origin on a POST
    const origin = req.get('origin');
    if (origin !== undefined && origin !== config.CONTENT_ORIGIN) return void res.status(403).json(FAILED(403));
    const claims = verifyPlaybackToken(String(req.params['token']), secret);
    if (!claims || claims.kind === 'h5p') return void res.status(401).json(FAILED(401));
    const body = bodyOf(req);
    const seq = body?.['commitSequence'];
    if (!body || typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1 || typeof body['cmi'] !== 'object') return void res.status(400).json(FAILED(400));
    // a review of a completed attempt changes nothing (the SCO is told all went well)
    if (claims.review) return void res.json(OK);
    const kind = claims.kind;
    (async () => {
      const { outcome, changed } = await applyCommit(db, { attemptId: claims.att, session: claims.ses, seq, kind, cmi: body['cmi'], final: body['final'] === true, rules: claims.rules }, (error) => log.error({ err: error }, 'package progress listener failed'));
      if (outcome === 'unknown_attempt') return void res.status(404).json(FAILED(404));
      // the player tells the platform page, which then shows the item done without a reload
      res.json((await itemDoneBy(db, changed)) ? { ...OK, itemDone: true } : OK);
    })().catch(next);
  };
}

/** Whether a commit that changed an attempt's result left its module item done (only asked then: commits stay one update). */
async function itemDoneBy(db: Services['db'], changed: PackageAttempt | null): Promise<boolean> {
  const context = changed?.context;
  if (!context || !changed.officerId || changed.preview) return false;
  return !!(await progressModel(db).exists({ officerId: changed.officerId, moduleId: context.moduleId, year: context.year, doneItems: context.itemKey }));
}

/**
 * POST /xapi/<token>: one post of the H5P player: `{seq, statement?, state?}` (JSON, or
 * text/plain from sendBeacon when the page goes) → `{applied}`. Same rules as commits:
 * the content origin only, a valid H5P token; the statement is stored once per id, the
 * state and result of an older or repeated post are ignored (answered 200).
 */
export function xapiHandler(services: Services) {
  const { db, secret, config, log } = services;
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    const origin = req.get('origin');
    if (origin !== undefined && origin !== config.CONTENT_ORIGIN) return void res.status(403).json({ applied: false });
    const claims = verifyPlaybackToken(String(req.params['token']), secret);
    if (!claims || claims.kind !== 'h5p') return void res.status(401).json({ applied: false });
    const body = bodyOf(req);
    const seq = body?.['seq'];
    const state = body?.['state'];
    if (!body || typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1 || (state !== undefined && state !== null && typeof state !== 'string')) return void res.status(400).json({ applied: false });
    (async () => {
      const attempt = await attemptModel(db).findById(claims.att, { accountId: 1 }).lean<PackageAttempt>();
      const account = attempt ? await userModel(db).findById(attempt.accountId, { username: 1, displayName: 1 }).lean<User>() : null;
      const actor = { objectType: 'Agent', name: account?.displayName ?? '', account: { homePage: config.PUBLIC_URL, name: account?.username ?? String(attempt?.accountId ?? '') } };
      const outcome = await applyXapi(db, { attemptId: claims.att, session: claims.ses, seq, statement: body['statement'] ?? null, state: typeof state === 'string' ? state : null, actor }, (error) => log.error({ err: error }, 'package progress listener failed'));
      if (outcome === 'unknown_attempt') res.status(404).json({ applied: false });
      else res.json({ applied: outcome === 'applied' });
    })().catch(next);
  };
}
