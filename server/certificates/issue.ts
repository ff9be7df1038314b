/**
 * Issuing certificates. An officer's plan of a year is their 'enrolled' enrolments of that
 * year (exempt, left and stopped ones do not count); once every one of those modules is
 * completed, the plan certificate is issued — and, for modules of a campaign with
 * `certificatePerModule`, one certificate per completed module. Issuing is idempotent:
 * a unique index keeps one valid certificate per officer, year and module/plan.
 *
 * Register numbers are gapless per unit and year: the counter's increment and the
 * certificate's insert happen in one transaction, so a failed insert gives its number
 * back, and two issuers racing on one counter get a write conflict that the driver
 * retries (server/db/transaction.ts).
 */
import { randomBytes } from 'node:crypto';
import { trusted, type ClientSession, type Connection, type Types } from 'mongoose';
import { inTransaction } from '../db/transaction';
import { campaignModel, enrolmentModel, type Campaign, type Enrolment } from '../campaigns/model';
import { progressModel } from '../progress/model';
import { officerModel, type Officer } from '../officers/model';
import { unitModel, type Unit } from '../units/model';
import { moduleVersionModel } from '../modules/model';
import { activeKeyOf, certificateModel, counterModel, readyCertificateModel, type Certificate, type CertificateKind, type CertifiedModule } from './model';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A verification code: 20 base32 characters, 100 random bits (not guessable, short enough to type from paper). */
export function newVerificationCode(): string {
  const bytes = randomBytes(20);
  let code = '';
  for (const byte of bytes) code += BASE32[byte & 31];
  return code;
}

/** "12/2026/CN-SNV": the register number as written on the certificate. */
export const registerNumberOf = (serial: number, year: number, unitCode: string): string => `${serial}/${year}/CN-${unitCode}`;

const isDuplicateKey = (error: unknown) => (error as { code?: number } | null)?.code === 11000;

/** The latest published title of each module (a module renamed later keeps its certificates' old title). */
async function moduleTitles(db: Connection, moduleIds: readonly Types.ObjectId[]): Promise<Map<string, string>> {
  const versions = await moduleVersionModel(db)
    .find({ moduleId: trusted({ $in: moduleIds }) }, { moduleId: 1, version: 1, 'content.title': 1 })
    .sort({ version: 1 })
    .lean<{ moduleId: Types.ObjectId; content: { title: string } }[]>();
  const titles = new Map<string, string>();
  for (const v of versions) titles.set(v.moduleId.toHexString(), v.content.title);
  return titles;
}

export interface IssueRequest {
  kind: CertificateKind;
  year: number;
  moduleId: Types.ObjectId | null;
  officer: Pick<Officer, '_id' | 'fullName' | 'code'>;
  unit: Pick<Unit, '_id' | 'code' | 'name' | 'ancestors'>;
  modules: CertifiedModule[];
  replaces?: Types.ObjectId | null;
}

/** Makes sure the unit's counter for `year` exists (outside any transaction: two upserts at once would fail one of them). */
async function ensureCounter(db: Connection, key: string): Promise<void> {
  try {
    await counterModel(db).updateOne({ _id: key }, { $setOnInsert: { last: 0 } }, { upsert: true });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

/**
 * Issues one certificate with the unit's next register number; `before` runs in the same
 * transaction (a re-issue revokes the old one there). Returns null when a valid
 * certificate for the same officer, year and module/plan exists (a concurrent issuer won).
 */
export async function issueCertificate(db: Connection, request: IssueRequest, now: Date, before?: (session: ClientSession) => Promise<void>): Promise<Certificate | null> {
  const Certificates = await readyCertificateModel(db);
  const counterKey = `${request.unit._id.toHexString()}:${request.year}`;
  await ensureCounter(db, counterKey);
  try {
    return await inTransaction(db, async (session) => {
      if (before) await before(session);
      const counter = await counterModel(db).findOneAndUpdate({ _id: counterKey }, { $inc: { last: 1 } }, { returnDocument: 'after', session }).lean<{ last: number }>();
      if (!counter) throw new Error(`certificate counter ${counterKey} vanished`);
      const certificate: Omit<Certificate, '_id'> & { _id?: Types.ObjectId } = {
        code: newVerificationCode(),
        kind: request.kind,
        year: request.year,
        moduleId: request.moduleId,
        officerId: request.officer._id,
        officerName: request.officer.fullName.normalize('NFC'),
        officerCode: request.officer.code,
        unitId: request.unit._id,
        unitAncestors: [...request.unit.ancestors, request.unit._id],
        unitCode: request.unit.code,
        unitName: request.unit.name.normalize('NFC'),
        serial: counter.last,
        registerNumber: registerNumberOf(counter.last, request.year, request.unit.code),
        modules: request.modules,
        issuedAt: now,
        status: 'valid',
        revokedAt: null,
        revokedReason: null,
        revokedBy: null,
        replaces: request.replaces ?? null,
        activeKey: activeKeyOf(request.officer._id, request.year, request.moduleId),
      };
      const [created] = await Certificates.create([certificate], { session });
      return created!.toObject() as Certificate;
    });
  } catch (error) {
    // the other issuer's certificate stands; this transaction (and its number) rolled back
    if (isDuplicateKey(error) && (await Certificates.exists({ activeKey: activeKeyOf(request.officer._id, request.year, request.moduleId) }))) return null;
    throw error;
  }
}

/** What an officer has completed in `year` among `moduleIds`. */
async function completedModules(db: Connection, officerId: Types.ObjectId, year: number, moduleIds: readonly Types.ObjectId[]): Promise<Set<string>> {
  const done = await progressModel(db)
    .find({ officerId, year, moduleId: trusted({ $in: moduleIds }), status: 'completed' }, { moduleId: 1 })
    .lean<{ moduleId: Types.ObjectId }[]>();
  return new Set(done.map((p) => p.moduleId.toHexString()));
}

/**
 * Issues what an officer's completions of `year` earn and they do not have yet: the plan
 * certificate when every enrolled module is completed, and a module certificate for each
 * completed module of a campaign with `certificatePerModule`. Returns the new ones.
 */
export async function certifyOfficerYear(db: Connection, officerId: Types.ObjectId, year: number, now: Date): Promise<Certificate[]> {
  const enrolments = await enrolmentModel(db).find({ officerId, year, state: 'enrolled' }, { moduleId: 1, campaignId: 1, unitId: 1 }).lean<Pick<Enrolment, 'moduleId' | 'campaignId' | 'unitId'>[]>();
  if (enrolments.length === 0) return [];
  const moduleIds = [...new Map(enrolments.map((e) => [e.moduleId.toHexString(), e.moduleId])).values()];
  const completed = await completedModules(db, officerId, year, moduleIds);
  if (completed.size === 0) return [];
  const existing = await certificateModel(db).find({ officerId, year, status: 'valid' }, { moduleId: 1, kind: 1 }).lean<Pick<Certificate, 'moduleId' | 'kind'>[]>();
  const has = new Set(existing.map((c) => (c.kind === 'plan' ? 'plan' : c.moduleId!.toHexString())));
  const planDone = completed.size === moduleIds.length;
  const perModuleCampaigns = await campaignModel(db)
    .find({ _id: trusted({ $in: [...new Set(enrolments.map((e) => e.campaignId.toHexString()))] }), certificatePerModule: true }, { _id: 1 })
    .lean<Pick<Campaign, '_id'>[]>();
  const perModule = new Set(perModuleCampaigns.map((c) => c._id.toHexString()));
  const moduleWanted = moduleIds.filter((id) => completed.has(id.toHexString()) && !has.has(id.toHexString()) && enrolments.some((e) => e.moduleId.equals(id) && perModule.has(e.campaignId.toHexString())));
  if ((!planDone || has.has('plan')) && moduleWanted.length === 0) return [];

  const officer = await officerModel(db).findById(officerId, { fullName: 1, code: 1, unitId: 1 }).lean<Pick<Officer, '_id' | 'fullName' | 'code' | 'unitId'>>();
  if (!officer) return [];
  // the unit the report counts the officer in (the enrolment's), which numbers the certificate
  const unit = await unitModel(db).findById(enrolments[0]!.unitId, { code: 1, name: 1, ancestors: 1 }).lean<Pick<Unit, '_id' | 'code' | 'name' | 'ancestors'>>();
  if (!unit) return [];
  const titles = await moduleTitles(db, moduleIds);
  const line = (id: Types.ObjectId): CertifiedModule => ({ moduleId: id, title: titles.get(id.toHexString()) ?? id.toHexString() });
  const issued: Certificate[] = [];
  for (const id of moduleWanted) {
    const made = await issueCertificate(db, { kind: 'module', year, moduleId: id, officer, unit, modules: [line(id)] }, now);
    if (made) issued.push(made);
  }
  if (planDone && !has.has('plan')) {
    const made = await issueCertificate(db, { kind: 'plan', year, moduleId: null, officer, unit, modules: moduleIds.map(line) }, now);
    if (made) issued.push(made);
  }
  return issued;
}

/**
 * Certificates for completions from before this feature (or missed while it failed):
 * every officer × year with enrolled enrolments is looked at once. Idempotent; returns how
 * many were issued.
 */
export async function backfillCertificates(db: Connection, now: Date, filter: { year?: number } = {}): Promise<number> {
  const pairs = enrolmentModel(db)
    .aggregate<{ _id: { officerId: Types.ObjectId; year: number } }>([{ $match: { state: 'enrolled', ...(filter.year ? { year: filter.year } : {}) } }, { $group: { _id: { officerId: '$officerId', year: '$year' } } }])
    .cursor();
  let issued = 0;
  for await (const pair of pairs) issued += (await certifyOfficerYear(db, pair._id.officerId, pair._id.year, now)).length;
  return issued;
}
