/**
 * The report's commands: load (or default) a unit's report for a year, save the draft,
 * freeze the figures, re-open, submit. Each state change is one conditional update, so
 * two clicks cannot freeze twice or submit a draft.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { conflict } from '../errors';
import { unitModel, type Unit } from '../units/model';
import { computeFigures, DEFAULT_RULE, type CommendationRule, type ReportFigures } from './figures';
import { narrativeOf, type Narrative } from './presenters';
import { readyUnitReportModel, unitReportModel, type UnitReport } from './model';

/** The day after which a report is late (the plan: "trước ngày 15 tháng 11"). */
export const DUE_DAY = { month: 11, day: 15 };
export const dueMoment = (year: number) => new Date(`${year}-11-16T00:00:00+07:00`);

/** A report as it would be before anyone saved it: defaults from the unit. */
export async function defaultReport(db: Connection, unit: Unit, year: number): Promise<Omit<UnitReport, '_id' | 'createdAt' | 'updatedAt'>> {
  const root = unit.ancestors[0] ? await unitModel(db).findById(unit.ancestors[0], { name: 1 }).lean<Pick<Unit, 'name'>>() : unit;
  const place = (root?.name ?? '').replace(/^(Tỉnh|Thành phố|UBND tỉnh)\s+/i, '');
  return {
    unitId: unit._id, year, status: 'draft', number: `…/BC-${unit.code}`, place, signerTitle: 'THỦ TRƯỞNG ĐƠN VỊ', signerName: '',
    recipients: ['Sở Nội vụ (để tổng hợp)', 'Lưu: VT'], narrative: null, rule: DEFAULT_RULE,
    snapshot: null, frozenAt: null, frozenBy: null, submittedAt: null, submittedBy: null,
  };
}

export type ReportView = Omit<UnitReport, '_id' | 'createdAt' | 'updatedAt'> & { _id?: Types.ObjectId; updatedAt?: Date };

/** The saved report of `unit` for `year`, or its defaults. */
export async function loadReport(db: Connection, unit: Unit, year: number): Promise<ReportView> {
  return (await unitReportModel(db).findOne({ unitId: unit._id, year }).lean<UnitReport>()) ?? defaultReport(db, unit, year);
}

/** The figures the report shows: frozen ones, or computed now with its rule. */
export async function reportFigures(db: Connection, report: ReportView): Promise<ReportFigures> {
  return report.snapshot ?? computeFigures(db, report.unitId, report.year, report.rule);
}

/** The paragraphs: as edited, or generated from the figures. */
export const reportNarrative = (report: ReportView, figures: ReportFigures): Narrative => report.narrative ?? narrativeOf(figures);

export interface DraftInput {
  number: string;
  place: string;
  signerTitle: string;
  signerName: string;
  recipients: string[];
  narrative: Narrative | null;
  rule: CommendationRule;
}

/** Saves the draft's fields (refused once frozen: 409 report_frozen). */
export async function saveDraft(db: Connection, unit: Unit, year: number, input: DraftInput, now: Date): Promise<UnitReport> {
  const Reports = await readyUnitReportModel(db);
  const existing = await Reports.findOne({ unitId: unit._id, year }).lean<UnitReport>();
  if (existing && existing.status !== 'draft') throw conflict('report_frozen');
  if (!existing) {
    const base = await defaultReport(db, unit, year);
    await Reports.collection.insertOne({ ...base, ...input, createdAt: now, updatedAt: now }).catch((error: { code?: number }) => {
      if (error.code !== 11000) throw error;
    });
  }
  const saved = await Reports.findOneAndUpdate({ unitId: unit._id, year, status: 'draft' }, { $set: { ...input, updatedAt: now } }, { returnDocument: 'after' }).lean<UnitReport>();
  if (!saved) throw conflict('report_frozen');
  return saved;
}

type Who = { id: Types.ObjectId | null; name: string };

/** "Chốt số liệu": stores the figures of this moment (a draft is created if none was saved). */
export async function freezeReport(db: Connection, unit: Unit, year: number, by: Who, now: Date): Promise<UnitReport> {
  const report = await loadReport(db, unit, year);
  if (report.status !== 'draft') throw conflict('report_frozen');
  if (!report._id) await saveDraft(db, unit, year, pickDraft(report), now);
  const snapshot = await computeFigures(db, unit._id, year, report.rule, now);
  const frozen = await unitReportModel(db).findOneAndUpdate({ unitId: unit._id, year, status: 'draft' }, { $set: { status: 'frozen', snapshot, frozenAt: now, frozenBy: by, updatedAt: now } }, { returnDocument: 'after' }).lean<UnitReport>();
  if (!frozen) throw conflict('report_frozen');
  return frozen;
}

/** Back to a draft: the figures are live again; a submitted report is withdrawn. */
export async function reopenReport(db: Connection, unit: Unit, year: number, now: Date): Promise<UnitReport> {
  const reopened = await unitReportModel(db).findOneAndUpdate({ unitId: unit._id, year, status: trusted({ $in: ['frozen', 'submitted'] }) }, { $set: { status: 'draft', snapshot: null, frozenAt: null, frozenBy: null, submittedAt: null, submittedBy: null, updatedAt: now } }, { returnDocument: 'after' }).lean<UnitReport>();
  if (!reopened) throw conflict('report_not_frozen');
  return reopened;
}

/** "Gửi Sở Nội vụ": only a frozen report is sent. */
export async function submitReport(db: Connection, unit: Unit, year: number, by: Who, now: Date): Promise<UnitReport> {
  const submitted = await unitReportModel(db).findOneAndUpdate({ unitId: unit._id, year, status: 'frozen' }, { $set: { status: 'submitted', submittedAt: now, submittedBy: by, updatedAt: now } }, { returnDocument: 'after' }).lean<UnitReport>();
  if (submitted) return submitted;
  const current = await unitReportModel(db).findOne({ unitId: unit._id, year }, { status: 1 }).lean<Pick<UnitReport, 'status'>>();
  throw conflict(current?.status === 'submitted' ? 'report_already_submitted' : 'report_not_frozen');
}

export const pickDraft = (r: ReportView): DraftInput => ({ number: r.number, place: r.place, signerTitle: r.signerTitle, signerName: r.signerName, recipients: r.recipients, narrative: r.narrative, rule: r.rule });
