/**
 * The columns of the officer import file: which header names each field, which are
 * required, and how the spreadsheet words for category, status and "leader" map to the
 * stored values. Headers and choices match whatever the clerk's keyboard or Excel did to
 * them: case, diacritics, spacing and punctuation are ignored.
 */
import { locales, t, type Locale, type MessageId } from '../i18n';
import { foldForSearch } from '../i18n/vietnamese';
import { OFFICER_CATEGORIES, OFFICER_STATUSES, officerCategoryLabels, officerStatusLabels } from '../officers/model';
import { officerFieldLabels } from '../officers/presenters';
import type { OfficerInput } from '../officers/schema';

export type OfficerField = keyof OfficerInput & string;

/** Template order. Required = the upsert cannot create an officer without it. */
export const IMPORT_COLUMNS: ReadonlyArray<{ field: OfficerField; required: boolean; guide: MessageId }> = [
  { field: 'code', required: true, guide: 'import_guide_code' },
  { field: 'fullName', required: true, guide: 'import_guide_full_name' },
  { field: 'email', required: false, guide: 'import_guide_email' },
  { field: 'phone', required: false, guide: 'import_guide_phone' },
  { field: 'unitCode', required: true, guide: 'import_guide_unit_code' },
  { field: 'position', required: false, guide: 'import_guide_position' },
  { field: 'rank', required: false, guide: 'import_guide_rank' },
  { field: 'category', required: true, guide: 'import_guide_category' },
  { field: 'isLeader', required: false, guide: 'import_guide_is_leader' },
  { field: 'status', required: false, guide: 'import_guide_status' },
];

/** At most this many data rows per file: a province is ~60,000 officers. */
export const MAX_IMPORT_ROWS = 100_000;

/** Lower case, no diacritics (đ → d), letters and digits only: "Ngạch/Chức danh" → "ngachchucdanh". */
export function fold(value: string): string {
  return foldForSearch(value).replace(/[^a-z0-9]/g, '');
}

/** The column header of `field` as the template writes it. */
export function columnLabel(field: OfficerField, locale: Locale = 'vi'): string {
  return t(locale, officerFieldLabels[field] as MessageId);
}

// Other names HR sheets commonly use for a column, already folded. Kept short on purpose:
// a wrong guess would silently import a column into the wrong field.
const HEADER_ALIASES: Record<string, OfficerField> = { hoten: 'fullName', dienthoai: 'phone', sdt: 'phone', sodienthoai: 'phone', madv: 'unitCode', macb: 'code' };
// numbering columns ("STT", "TT") are in nearly every Vietnamese list and carry nothing
const IGNORED_HEADERS = new Set(['stt', 'tt']);

const headerFields = new Map<string, OfficerField>(Object.entries(HEADER_ALIASES));
for (const { field } of IMPORT_COLUMNS) {
  headerFields.set(fold(field), field);
  for (const locale of locales) headerFields.set(fold(columnLabel(field, locale)), field);
}

/** The field a header names, 'ignored' for a numbering column, undefined if unknown. */
export function fieldOfHeader(header: string): OfficerField | 'ignored' | undefined {
  const folded = fold(header);
  return IGNORED_HEADERS.has(folded) ? 'ignored' : headerFields.get(folded);
}

/** Choices keyed by folded key, Vietnamese label and English label. */
function choices<K extends string>(keys: readonly K[], labels: Record<K, MessageId>): Map<string, K> {
  const map = new Map<string, K>();
  for (const key of keys) for (const name of [key, ...locales.map((locale) => t(locale, labels[key]))]) map.set(fold(name), key);
  return map;
}

const categories = choices(OFFICER_CATEGORIES, officerCategoryLabels);
const statuses = choices(OFFICER_STATUSES, officerStatusLabels);
const LEADER_YES = new Set(['x', 'co', 'c', 'yes', 'y', '1', 'true']);
const LEADER_NO = new Set(['', 'khong', 'k', 'no', 'n', '0', 'false']);

/** The labels a clerk may write in a choice column, for the guide and problem messages. */
export function allowedLabels(field: 'category' | 'status' | 'isLeader', locale: Locale = 'vi'): string {
  if (field === 'category') return OFFICER_CATEGORIES.map((key) => t(locale, officerCategoryLabels[key])).join(', ');
  if (field === 'status') return OFFICER_STATUSES.map((key) => t(locale, officerStatusLabels[key])).join(', ');
  return t(locale, 'import_leader_choices');
}

/** A cell of a choice column as the stored value, or undefined when it is not one of the choices. */
export function choiceValue(field: 'category' | 'status' | 'isLeader', text: string): string | boolean | undefined {
  const folded = fold(text);
  if (field === 'category') return categories.get(folded);
  if (field === 'status') return statuses.get(folded);
  if (LEADER_YES.has(folded)) return true;
  return LEADER_NO.has(folded) ? false : undefined;
}

/**
 * A phone number as the clerk meant it. Excel stores "0912345678" typed into a number
 * cell as 912345678 and every CSV saved from it keeps that, so a Vietnamese number that
 * lost its leading 0 gets it back: 9 digits from a mobile prefix (3, 5, 7, 8, 9), or 10
 * digits from a landline area code (2).
 */
export function restoreLeadingZero(phone: string): string {
  return /^[35789]\d{8}$/.test(phone) || /^2\d{9}$/.test(phone) ? `0${phone}` : phone;
}

/** Spreadsheet column letters of a 0-based index: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}
