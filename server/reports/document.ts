/**
 * The report as a document, independent of the file format: the header blocks of Nghị
 * định 30/2020/NĐ-CP Phụ lục I (cơ quan chủ quản and unit, quốc hiệu and tiêu ngữ, số and
 * ký hiệu, place and date), title, "Kính gửi", body blocks (headings, paragraphs, tables),
 * signature and "Nơi nhận". docx.ts and pdf.ts lay the same blocks out.
 */
import { t, type MessageId } from '../i18n';
import type { ReportFigures } from './figures';
import { DOCUMENT_LOCALE, categoryLabel, countCells, percent, reasonLabel, score, type Narrative } from './presenters';

const vi = (id: MessageId, params?: Record<string, unknown>) => t(DOCUMENT_LOCALE, id, params);

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'caption'; text: string }
  | { kind: 'table'; columns: Array<{ title: string; width: number; align?: 'left' | 'center' | 'right' }>; rows: string[][]; totalRow?: string[] };

export interface ReportDocument {
  /** cơ quan chủ quản (upper case), empty for a root unit */
  parentAgency: string;
  agency: string;
  number: string;
  placeDate: string;
  title: string;
  subject: string;
  to: string;
  blocks: Block[];
  signer: { authority: string; title: string; name: string };
  recipients: string[];
  /** shown as a mark while the figures are not frozen */
  draft: boolean;
}

/** "Kiên Giang, ngày 07 tháng 12 năm 2026" in Vietnam's time zone. */
export function placeAndDate(place: string, date: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${place ? `${place}, ` : ''}ngày ${get('day')} tháng ${get('month')} năm ${get('year')}`;
}

const upper = (s: string) => s.toLocaleUpperCase('vi-VN');
/** Lists longer than this are cut in the document (the page shows them all). */
export const LIST_LIMIT = 100;

/** Body blocks of a unit's report. */
function unitBlocks(f: ReportFigures, n: Narrative): Block[] {
  const blocks: Block[] = [{ kind: 'heading', text: vi('report_doc_section_1') }];
  for (const p of n.results.split(/\n+/).filter(Boolean)) blocks.push({ kind: 'paragraph', text: p });
  if (f.exemptByReason.length) blocks.push({ kind: 'paragraph', text: vi('report_doc_exempt_reasons', { list: f.exemptByReason.map((r) => `${reasonLabel(r.reason)}: ${r.count}`).join('; ') }) });
  const countCols = ['report_col_enrolled', 'report_col_completed', 'report_col_exempt', 'report_col_not_completed', 'report_col_rate'] as const;
  const numCol = (id: MessageId) => ({ title: vi(id), width: 1.3, align: 'center' as const });
  blocks.push({ kind: 'caption', text: vi('report_doc_table_categories') });
  blocks.push({
    kind: 'table',
    columns: [{ title: vi('report_col_no'), width: 0.6, align: 'center' }, { title: vi('report_col_category'), width: 2.6 }, numCol('report_col_counted'), ...countCols.map(numCol)],
    rows: f.categories.filter((c) => c.counted > 0).map((c, i) => [String(i + 1), categoryLabel(c.category), String(c.counted), ...countCells(c)]),
    totalRow: ['', vi('report_doc_total'), String(f.totals.counted), ...countCells(f.totals)],
  });
  blocks.push({ kind: 'caption', text: vi('report_doc_table_modules') });
  blocks.push({
    kind: 'table',
    columns: [{ title: vi('report_col_no'), width: 0.6, align: 'center' }, { title: vi('report_col_module'), width: 3.4 }, numCol('report_col_enrolled'), numCol('report_col_completed'), numCol('report_col_exempt'), numCol('report_col_rate'), numCol('report_col_score')],
    rows: f.modules.map((m, i) => [String(i + 1), m.title, String(m.enrolled), String(m.completed), String(m.exempt), percent(m.rate), score(m.averageScore)]),
  });
  if (f.subUnits.length > 1) {
    blocks.push({ kind: 'caption', text: vi('report_doc_table_units') });
    blocks.push({
      kind: 'table',
      columns: [{ title: vi('report_col_no'), width: 0.6, align: 'center' }, { title: vi('report_col_unit'), width: 3.2 }, ...countCols.map(numCol)],
      rows: f.subUnits.map((u, i) => [String(i + 1), u.name, ...countCells(u)]),
      totalRow: ['', vi('report_doc_total'), ...countCells(f.totals)],
    });
  }
  const people = (rows: string[][], more: number) => (more > 0 ? [...rows, ['', vi('report_doc_more', { count: more }), '', '', '']] : rows);
  if (f.notCompleted.length) {
    blocks.push({ kind: 'caption', text: vi('report_doc_table_pending') });
    blocks.push({
      kind: 'table',
      columns: [{ title: vi('report_col_no'), width: 0.6, align: 'center' }, { title: vi('report_col_name'), width: 2.8 }, { title: vi('report_col_code'), width: 1.5, align: 'center' }, { title: vi('report_col_unit'), width: 2.8 }, { title: vi('report_col_progress'), width: 1.2, align: 'center' }],
      rows: people(f.notCompleted.slice(0, LIST_LIMIT).map((o, i) => [String(i + 1), o.fullName, o.code, o.unitName, `${o.done}/${o.total}`]), f.notCompleted.length - LIST_LIMIT),
    });
  }
  if (f.commendations.length) {
    blocks.push({ kind: 'caption', text: vi('report_doc_table_commend') });
    blocks.push({
      kind: 'table',
      columns: [{ title: vi('report_col_no'), width: 0.6, align: 'center' }, { title: vi('report_col_name'), width: 2.8 }, { title: vi('report_col_code'), width: 1.5, align: 'center' }, { title: vi('report_col_unit'), width: 2.8 }, { title: vi('report_col_score'), width: 1.2, align: 'center' }],
      rows: people(f.commendations.slice(0, LIST_LIMIT).map((o, i) => [String(i + 1), o.fullName, o.code, o.unitName, score(o.averageScore)]), f.commendations.length - LIST_LIMIT),
    });
  }
  blocks.push({ kind: 'heading', text: vi('report_doc_section_2') });
  blocks.push({ kind: 'heading', text: vi('report_doc_strengths') });
  for (const p of n.strengths.split(/\n+/).filter(Boolean)) blocks.push({ kind: 'paragraph', text: p });
  blocks.push({ kind: 'heading', text: vi('report_doc_shortcomings') });
  for (const p of n.shortcomings.split(/\n+/).filter(Boolean)) blocks.push({ kind: 'paragraph', text: p });
  blocks.push({ kind: 'heading', text: vi('report_doc_section_3') });
  for (const p of n.proposals.split(/\n+/).filter(Boolean)) blocks.push({ kind: 'paragraph', text: p });
  return blocks;
}

export interface ReportHead {
  number: string;
  place: string;
  signerTitle: string;
  signerName: string;
  recipients: string[];
  frozen: boolean;
  date: Date;
}

/** The document of a unit's report. */
export function unitReportDocument(head: ReportHead, f: ReportFigures, n: Narrative): ReportDocument {
  return {
    parentAgency: f.parentName ? upper(f.parentName) : '',
    agency: upper(f.unit.name),
    number: `Số: ${head.number}`,
    placeDate: placeAndDate(head.place, head.date),
    title: vi('report_doc_title'),
    subject: vi('report_doc_subject', { year: f.year }),
    to: vi('report_doc_to'),
    blocks: unitBlocks(f, n),
    signer: { authority: '', title: upper(head.signerTitle), name: head.signerName },
    recipients: head.recipients,
    draft: !head.frozen,
  };
}
