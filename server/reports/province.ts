/**
 * Sở Nội vụ's consolidation: every unit below the province (its direct children: sở, ban,
 * ngành, UBND xã/phường) with where its report stands, and the submitted reports' frozen
 * figures in one table with totals. Reminders go to the managers of units that have not
 * submitted: an in-app notice to their officer record and a mail through the mailer.
 */
import type { Connection } from 'mongoose';
import { trusted } from 'mongoose';
import { notifyOfficers } from '../campaigns/notices';
import { t } from '../i18n';
import type { Services } from '../http/context';
import type { Actor } from '../policies';
import { unitModel, type Unit } from '../units/model';
import { userModel, type User } from '../users/model';
import { placeAndDate, type Block, type ReportDocument } from './document';
import type { ReportFigures } from './figures';
import { countCells, DOCUMENT_LOCALE, percent } from './presenters';
import { trackUnits, type TrackedUnit } from './tracking';

/** The province the actor consolidates: the root above their unit; for an admin without a unit, the first root. */
export async function provinceRoot(db: Connection, actor: Actor): Promise<Unit | null> {
  if (actor.unitId) {
    const unit = await unitModel(db).findById(actor.unitId).lean<Unit>();
    if (!unit) return null;
    return unit.ancestors[0] ? unitModel(db).findById(unit.ancestors[0]).lean<Unit>() : unit;
  }
  return unitModel(db).findOne({ parentId: null, active: true }).sort({ code: 1 }).lean<Unit>();
}

export interface Consolidation {
  province: Unit;
  year: number;
  units: TrackedUnit[];
  /** the submitted units' frozen totals */
  rows: Array<{ unit: TrackedUnit['unit']; totals: ReportFigures['totals'] }>;
  totals: ReportFigures['totals'];
}

export async function consolidate(db: Connection, province: Unit, year: number, now: Date): Promise<Consolidation> {
  const units = await trackUnits(db, { parentId: province._id }, year, now);
  const rows = units.filter((u) => (u.tracking === 'submitted' || u.tracking === 'late') && u.report?.snapshot).map((u) => ({ unit: u.unit, totals: u.report!.snapshot!.totals }));
  const sum = (key: 'counted' | 'enrolled' | 'completed' | 'exempt' | 'notCompleted') => rows.reduce((s, r) => s + r.totals[key], 0);
  const enrolled = sum('enrolled');
  const completed = sum('completed');
  return { province, year, units, rows, totals: { counted: sum('counted'), enrolled, completed, exempt: sum('exempt'), notCompleted: sum('notCompleted'), rate: enrolled ? completed / enrolled : null } };
}

const vi = (id: Parameters<typeof t>[1], params?: Record<string, unknown>) => t(DOCUMENT_LOCALE, id, params);

/** The consolidation as a document of Sở Nội vụ to the provincial People's Committee. */
export function provinceDocument(c: Consolidation, now: Date): ReportDocument {
  const numCol = (id: Parameters<typeof t>[1]) => ({ title: vi(id), width: 1.2, align: 'center' as const });
  const blocks: Block[] = [
    { kind: 'paragraph', text: `Đến ngày ${placeAndDate('', now).replace(/^ngày /, '')}, ${c.rows.length}/${c.units.length} cơ quan, đơn vị đã gửi báo cáo kết quả bồi dưỡng văn hóa công vụ năm ${c.year}. Tổng số người phải hoàn thành chương trình là ${c.totals.enrolled}, đã hoàn thành ${c.totals.completed}, đạt tỷ lệ ${percent(c.totals.rate)}; được miễn ${c.totals.exempt} người.` },
    { kind: 'caption', text: vi('report_doc_province_title', { year: c.year }) },
    {
      kind: 'table',
      columns: [{ title: vi('report_col_no'), width: 0.6, align: 'center' }, { title: vi('report_col_unit'), width: 3.4 }, numCol('report_col_enrolled'), numCol('report_col_completed'), numCol('report_col_exempt'), numCol('report_col_not_completed'), numCol('report_col_rate')],
      rows: c.rows.map((r, i) => [String(i + 1), r.unit.name, ...countCells(r.totals)]),
      totalRow: ['', vi('report_doc_total'), ...countCells(c.totals)],
    },
  ];
  const missing = c.units.filter((u) => u.tracking !== 'submitted' && u.tracking !== 'late');
  if (missing.length) blocks.push({ kind: 'paragraph', text: `Các cơ quan, đơn vị chưa gửi báo cáo: ${missing.map((u) => u.unit.name).join(', ')}.` });
  const upper = (s: string) => s.toLocaleUpperCase('vi-VN');
  return {
    parentAgency: upper(`UBND ${c.province.name}`),
    agency: 'SỞ NỘI VỤ',
    number: 'Số: …/BC-SNV',
    placeDate: placeAndDate(c.province.name.replace(/^(Tỉnh|Thành phố)\s+/i, ''), now),
    title: vi('report_doc_title'),
    subject: vi('report_doc_subject', { year: c.year }),
    to: `Kính gửi: Ủy ban nhân dân ${c.province.name.replace(/^Tỉnh/, 'tỉnh')}`,
    blocks,
    signer: { authority: '', title: 'GIÁM ĐỐC', name: '' },
    recipients: ['Như trên', 'Lưu: VT, CCVC'],
    draft: false,
  };
}

/** Reminds the managers of `units`: a notice to each one's officer record and a mail when they have an address. Returns the number of units reached. */
export async function remindUnits(services: Services, units: TrackedUnit[], year: number, now: Date): Promise<number> {
  const managers = await userModel(services.db).find({ role: 'manager', active: true, unitId: trusted({ $in: units.map((u) => u.unit._id) }) }, { unitId: 1, officerId: 1, email: 1 }).lean<Pick<User, 'unitId' | 'officerId' | 'email'>[]>();
  let reached = 0;
  for (const u of units) {
    const mine = managers.filter((m) => m.unitId?.equals(u.unit._id));
    if (!mine.length) continue;
    reached++;
    const params = { unit: u.unit.name, year: String(year) };
    await notifyOfficers(services.db, mine.flatMap((m) => (m.officerId ? [m.officerId] : [])), 'report_reminder_notice', params, now);
    for (const m of mine) {
      if (!m.email) continue;
      // a mail that cannot go now stays in the outbox / log; the notice is already there
      await services.mailer.send({ to: m.email, subject: vi('report_reminder_subject', params), text: vi('report_reminder_notice', params) }).catch((error: unknown) => services.log.warn({ err: error }, 'report reminder mail failed'));
    }
  }
  return reached;
}
