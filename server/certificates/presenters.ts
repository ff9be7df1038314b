/** Certificates as pages and JSON see them: allowlists, dates as dd/mm/yyyy, abilities as flags. */
import { formatDate } from '../http/views';
import { t, type Locale } from '../i18n';
import type { CertificateRef } from '../policies';
import type { Certificate } from './model';

export function certificateRef(certificate: Pick<Certificate, 'officerId' | 'unitId' | 'unitAncestors'>): CertificateRef {
  // unitAncestors ends with the unit itself (subtree lists query it)
  return { officerId: certificate.officerId, unit: { id: certificate.unitId, ancestors: certificate.unitAncestors.filter((id) => !id.equals(certificate.unitId)) } };
}

export interface CertificateView {
  id: string;
  registerNumber: string;
  officerName: string;
  officerCode: string;
  unitName: string;
  year: number;
  kindLabel: string;
  modules: string[];
  issuedOn: string;
  valid: boolean;
  statusLabel: string;
  /** shown to those who may revoke only */
  revokedReason: string | null;
  canRevoke: boolean;
}

export function presentCertificate(certificate: Certificate, locale: Locale, canRevoke = false): CertificateView {
  const revokedOn = formatDate(certificate.revokedAt);
  return {
    id: certificate._id.toHexString(),
    registerNumber: certificate.registerNumber,
    officerName: certificate.officerName,
    officerCode: certificate.officerCode,
    unitName: certificate.unitName,
    year: certificate.year,
    kindLabel: certificate.kind === 'plan' ? t(locale, 'certificate_kind_plan') : t(locale, 'certificate_kind_module', { title: certificate.modules[0]?.title ?? '' }),
    modules: certificate.modules.map((m) => m.title),
    issuedOn: formatDate(certificate.issuedAt),
    valid: certificate.status === 'valid',
    statusLabel: certificate.status === 'valid' ? t(locale, 'certificate_status_valid') : t(locale, 'certificate_status_revoked', { date: revokedOn }),
    revokedReason: canRevoke ? certificate.revokedReason : null,
    canRevoke: canRevoke && certificate.status === 'valid',
  };
}

/**
 * What the public verification page shows: the least that proves the paper (name, unit,
 * year, what was completed, number, dates). Never the officer's code, and never the reason
 * of a revocation (it may be sensitive: a disciplinary matter, a fraud): only its date.
 */
export interface VerificationView {
  status: 'valid' | 'revoked';
  officerName: string;
  unitName: string;
  year: number;
  completed: string[];
  registerNumber: string;
  issuedOn: string;
  revokedOn: string | null;
}

export function presentVerification(certificate: Certificate, locale: Locale): VerificationView {
  return {
    status: certificate.status,
    officerName: certificate.officerName,
    unitName: certificate.unitName,
    year: certificate.year,
    completed: certificate.kind === 'plan' ? [t(locale, 'verify_plan_text', { year: certificate.year }), ...certificate.modules.map((m) => m.title)] : certificate.modules.map((m) => m.title),
    registerNumber: certificate.registerNumber,
    issuedOn: formatDate(certificate.issuedAt),
    revokedOn: certificate.revokedAt ? formatDate(certificate.revokedAt) : null,
  };
}

/** "giay-chung-nhan-12-2026-CN-SNV.pdf" */
export const pdfFilename = (certificate: Pick<Certificate, 'registerNumber'>): string => `giay-chung-nhan-${certificate.registerNumber.replace(/[^A-Za-z0-9-]+/g, '-')}.pdf`;
