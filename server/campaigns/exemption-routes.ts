/**
 * Exemptions over the API. The proposal takes JSON or multipart (with an optional
 * `evidence` file): the file is hostile until proven otherwise — at most 5 MB, kept only
 * when its first bytes say PDF, PNG or JPEG (never trusting its name or declared type),
 * stored under a random name, served back only to deciders as an attachment with nosniff.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import { trusted } from 'mongoose';
import { AppError } from '../errors';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { sniffMedia } from '../modules/media-routes';
import { findOfficerOr404 } from '../officers/access';
import { trainingYear } from '../progress/year';
import { callerScope, skipUnlessObjectId } from '../units/scope';
import { unitModel, type Unit } from '../units/model';
import { decideExemption, exemptionModel, findExemptionOr404, proposeExemption, type Evidence, type Exemption } from './exemptions';
import { decisionInput, exemptionIdParam, exemptionInput, exemptionListQuery } from './schema';
import { FILE_TYPES } from '../apidocs/shapes';
import { exemptionAnswer, exemptionListAnswer } from './response-schemas';

const EVIDENCE_MAX_MB = 5;
const EVIDENCE_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg']);

const evidenceUpload = multer({ storage: multer.memoryStorage(), limits: { fileSize: EVIDENCE_MAX_MB * 1024 * 1024, files: 1, fields: 10, parts: 11 } }).single('evidence');
export function uploadEvidence(req: Request, res: Response, next: NextFunction): void {
  evidenceUpload(req, res, (error?: unknown) => {
    if (!error) return next();
    next((error as { code?: string }).code === 'LIMIT_FILE_SIZE' ? new AppError(413, 'exemption_evidence_too_large', { max: EVIDENCE_MAX_MB }) : new AppError(400, 'upload_invalid'));
  });
}

/** Checks and stores the uploaded evidence (null when none); 415 for anything but PDF / PNG / JPEG. */
export async function storeEvidence(dataDir: string, file: Express.Multer.File | undefined): Promise<Evidence | null> {
  if (!file || file.size === 0) return null;
  const kind = sniffMedia(file.buffer.subarray(0, 16));
  if (!kind || !EVIDENCE_TYPES.has(kind.mime)) throw new AppError(415, 'exemption_evidence_type');
  const dir = path.join(dataDir, 'evidence');
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const stored = randomBytes(16).toString('hex');
  await fs.promises.writeFile(path.join(dir, stored), file.buffer, { mode: 0o600, flag: 'wx' });
  const name = path.basename(Buffer.from(file.originalname, 'latin1').toString('utf8').normalize('NFC')).slice(0, 200) || 'minh-chung';
  return { file: stored, name, mime: kind.mime, size: file.size };
}

const presentExemption = (e: Exemption) => ({
  id: e._id.toHexString(),
  officerId: e.officerId.toHexString(),
  unitId: e.unitId.toHexString(),
  year: e.year,
  kind: e.kind,
  reason: e.reason,
  evidence: e.evidence ? { name: e.evidence.name, mime: e.evidence.mime, size: e.evidence.size } : null,
  status: e.status,
  decidedAt: e.decidedAt?.toISOString() ?? null,
  decisionNote: e.decisionNote,
  at: e.createdAt.toISOString(),
});

export function registerExemptionRoutes(router: Router, services: Services): void {
  const { db } = services;

  /** POST /api/v1/officers/:id/exemptions `{kind, reason, year?}` (+ `evidence` file) → 201 `{exemption}`. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/officers/:id/exemptions',
    access: 'signed-in',
    doc: { summary: 'Propose an exemption (optional evidence file, field `evidence`)', status: 201, response: exemptionAnswer, multipart: true },
    before: [skipUnlessObjectId, uploadEvidence],
    input: exemptionInput,
    handle: async (ctx) => {
      const { officer, ref } = await findOfficerOr404(db, ctx.input.id);
      ctx.authorize('exemption.propose', ref);
      const evidence = await storeEvidence(services.config.DATA_DIR, (ctx.req as Request & { file?: Express.Multer.File }).file);
      const input = { officerId: officer._id, unitId: officer.unitId, year: ctx.input.year ?? trainingYear(), kind: ctx.input.kind, reason: ctx.input.reason, evidence };
      const exemption = await proposeExemption(db, input, ctx.account._id, new Date()).catch(async (error: unknown) => {
        // nothing half-way: a refused proposal leaves no file behind
        if (evidence) await fs.promises.rm(path.join(services.config.DATA_DIR, 'evidence', evidence.file), { force: true });
        throw error;
      });
      await ctx.audit({ action: 'exemption.propose', subject: { type: 'exemption', id: exemption._id }, unitId: officer.unitId, details: { officer: officer.code, kind: exemption.kind, year: exemption.year, evidence: evidence !== null } });
      ctx.res.status(201).json({ exemption: presentExemption(exemption) });
    },
  });

  /** GET /api/v1/exemptions?status → `{items}`: the exemptions of the caller's subtree, newest first. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/exemptions',
    access: 'signed-in',
    doc: { summary: 'The exemptions the caller may decide or see', response: exemptionListAnswer },
    input: exemptionListQuery,
    handle: async (ctx) => {
      const scope = await callerScope(db, ctx.actor);
      ctx.authorize('exemption.list', scope.ref);
      const filter: Record<string, unknown> = ctx.input.status ? { status: ctx.input.status } : {};
      if (scope.root) filter.unitId = trusted({ $in: [scope.root._id, ...(await unitModel(db).find({ ancestors: scope.root._id }, { _id: 1 }).lean<Pick<Unit, '_id'>[]>()).map((u) => u._id)] });
      const items = await exemptionModel(db).find(filter).sort({ createdAt: -1 }).limit(500).lean<Exemption[]>();
      ctx.res.json({ items: items.map(presentExemption) });
    },
  });

  /** POST /api/v1/exemptions/:id/decision `{decision: approve | refuse, note?}` → `{exemption}`. */
  route(router, services, {
    method: 'post',
    path: '/api/v1/exemptions/:id/decision',
    access: 'signed-in',
    doc: { summary: 'Approve or refuse an exemption', response: exemptionAnswer },
    before: [skipUnlessObjectId],
    input: decisionInput,
    handle: async (ctx) => {
      const exemption = await findExemptionOr404(db, ctx.input.id);
      const { ref } = await findOfficerOr404(db, exemption.officerId);
      ctx.authorize('exemption.decide', ref);
      const decided = await decideExemption(db, exemption, ctx.input.decision, ctx.input.note || null, ctx.account._id, new Date());
      await ctx.audit({ action: decided.status === 'approved' ? 'exemption.approve' : 'exemption.refuse', subject: { type: 'exemption', id: decided._id }, unitId: decided.unitId, details: { kind: decided.kind, year: decided.year } });
      ctx.res.json({ exemption: presentExemption(decided) });
    },
  });

  /** GET /api/v1/exemptions/:id/evidence → the file, as an attachment, for whoever may decide. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/exemptions/:id/evidence',
    access: 'signed-in',
    doc: { summary: "An exemption's evidence file (attachment)", download: [FILE_TYPES.pdf, FILE_TYPES.png, FILE_TYPES.jpeg] },
    before: [skipUnlessObjectId],
    input: exemptionIdParam,
    handle: async (ctx) => {
      const exemption = await findExemptionOr404(db, ctx.input.id);
      const { ref } = await findOfficerOr404(db, exemption.officerId);
      ctx.authorize('exemption.decide', ref);
      if (!exemption.evidence) throw new AppError(404, 'exemption_no_evidence');
      ctx.res.set({ 'Content-Type': exemption.evidence.mime, 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; sandbox" });
      ctx.res.attachment(exemption.evidence.name);
      ctx.res.send(await fs.promises.readFile(path.join(services.config.DATA_DIR, 'evidence', exemption.evidence.file)));
    },
  });
}
