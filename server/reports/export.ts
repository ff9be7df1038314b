/** A unit's report as files: the document built from the report's figures and paragraphs, then DOCX or PDF. */
import type { Response } from 'express';
import type { Connection } from 'mongoose';
import type { Unit } from '../units/model';
import { foldForSearch } from '../i18n/vietnamese';
import { unitReportDocument, type ReportDocument } from './document';
import { reportDocx } from './docx';
import { reportPdf } from './pdf';
import { loadReport, reportFigures, reportNarrative } from './service';

export async function unitDocument(db: Connection, unit: Unit, year: number, now = new Date()): Promise<ReportDocument> {
  const report = await loadReport(db, unit, year);
  const figures = await reportFigures(db, report);
  const head = { number: report.number, place: report.place, signerTitle: report.signerTitle, signerName: report.signerName, recipients: report.recipients, frozen: report.status !== 'draft', date: report.submittedAt ?? report.frozenAt ?? now };
  return unitReportDocument(head, figures, reportNarrative(report, figures));
}

export const FORMATS = { docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', build: reportDocx }, pdf: { type: 'application/pdf', build: reportPdf } } as const;
export type Format = keyof typeof FORMATS;

/** bao-cao-bdvhcv-2026-SNV.pdf: ASCII, so every browser and mail client keeps it. */
export const fileName = (unitCode: string, year: number, format: Format) => `bao-cao-bdvhcv-${year}-${foldForSearch(unitCode).replace(/[^a-z0-9-]+/gi, '-')}.${format}`;

/** Sends the unit's report as a download. */
export async function sendReportFile(res: Response, db: Connection, unit: Unit, year: number, format: Format): Promise<void> {
  const file = await FORMATS[format].build(await unitDocument(db, unit, year));
  res.setHeader('Content-Type', FORMATS[format].type);
  res.setHeader('Content-Disposition', `attachment; filename="${fileName(unit.code, year, format)}"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(file);
}
