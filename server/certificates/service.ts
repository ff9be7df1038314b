/**
 * Revocation and re-issue, and the reads the pages need. A revoked certificate keeps its
 * register number (the register has no gaps, and a revoked line stays in it); re-issuing
 * revokes the old one and issues a new number from the officer's current record (a name
 * corrected after issue) in one transaction.
 */
import { trusted, Types, type Connection } from 'mongoose';
import { conflict, notFound } from '../errors';
import { officerModel, type Officer } from '../officers/model';
import { unitModel, type Unit } from '../units/model';
import { certificateModel, type Certificate } from './model';
import { issueCertificate } from './issue';

/** The certificate `id`, or 404. */
export async function findCertificate(db: Connection, id: string): Promise<Certificate> {
  const found = Types.ObjectId.isValid(id) ? await certificateModel(db).findById(id).lean<Certificate>() : null;
  if (!found) throw notFound('certificate_not_found');
  return found;
}

/** The certificate a verification code names; null for an unknown code. */
export async function findByCode(db: Connection, code: string): Promise<Certificate | null> {
  return certificateModel(db).findOne({ code }).lean<Certificate>();
}

/** An officer's certificates, newest year first. */
export async function certificatesOf(db: Connection, officerId: Types.ObjectId): Promise<Certificate[]> {
  return certificateModel(db).find({ officerId }).sort({ year: -1, issuedAt: -1 }).lean<Certificate[]>();
}

/** The certificates of a unit's subtree for `year`, by register order (unit code, serial). */
export async function certificatesOfUnit(db: Connection, unitId: Types.ObjectId, year: number, options: { limit?: number } = {}): Promise<Certificate[]> {
  const query = certificateModel(db).find({ unitAncestors: unitId, year }).sort({ unitCode: 1, serial: 1 });
  if (options.limit) query.limit(options.limit);
  return query.lean<Certificate[]>();
}

const REVOCABLE = (id: Types.ObjectId) => ({ _id: id, status: 'valid' as const });
const revocation = (reason: string, by: Types.ObjectId | null, now: Date) => ({ $set: { status: 'revoked', revokedAt: now, revokedReason: reason.normalize('NFC'), revokedBy: by, activeKey: null } });

/** Revokes a valid certificate; 409 'certificate_already_revoked' otherwise. */
export async function revokeCertificate(db: Connection, certificate: Certificate, reason: string, by: Types.ObjectId | null, now: Date): Promise<Certificate> {
  const updated = await certificateModel(db).findOneAndUpdate(REVOCABLE(certificate._id), revocation(reason, by, now), { returnDocument: 'after' }).lean<Certificate>();
  if (!updated) throw conflict('certificate_already_revoked');
  return updated;
}

/**
 * Revokes `certificate` (if still valid) and issues its replacement from the officer's
 * current name and the same unit, in one transaction. 409 'certificate_superseded' when a
 * valid one for the same officer, year and module already exists (re-issued before).
 */
export async function reissueCertificate(db: Connection, certificate: Certificate, reason: string, by: Types.ObjectId | null, now: Date): Promise<Certificate> {
  const officer = await officerModel(db).findById(certificate.officerId, { fullName: 1, code: 1 }).lean<Pick<Officer, '_id' | 'fullName' | 'code'>>();
  const unit = await unitModel(db).findById(certificate.unitId, { code: 1, name: 1, ancestors: 1 }).lean<Pick<Unit, '_id' | 'code' | 'name' | 'ancestors'>>();
  if (!officer || !unit) throw notFound('certificate_not_found');
  const made = await issueCertificate(
    db,
    { kind: certificate.kind, year: certificate.year, moduleId: certificate.moduleId, officer, unit, modules: certificate.modules, replaces: certificate._id },
    now,
    async (session) => {
      if (certificate.status === 'valid') {
        const result = await certificateModel(db).updateOne(REVOCABLE(certificate._id), revocation(reason, by, now), { session });
        if (result.modifiedCount !== 1) throw conflict('certificate_superseded');
      }
    },
  );
  if (!made) throw conflict('certificate_superseded');
  return made;
}

/** Counts per year of a unit's subtree (the list page's year choice). */
export async function certificateYears(db: Connection, unitId: Types.ObjectId): Promise<number[]> {
  const years = await certificateModel(db).distinct('year', { unitAncestors: trusted({ $in: [unitId] }) });
  return (years as number[]).sort((a, b) => b - a);
}
