/**
 * Bulk import of questions from an .xlsx sheet (template: questionTemplate). All or
 * nothing: every row is read and checked first; any problem — a bad cell, a ref twice
 * in the file, a ref that belongs to a question the caller may not edit — is reported by
 * line and column and nothing is written. A clean file is upserted by ref in one
 * transaction. Reuses the officer import's XLSX reader (server/imports/xlsx.ts).
 */
import ExcelJS from 'exceljs';
import { trusted, type Connection, type Types } from 'mongoose';
import { inTransaction } from '../db/transaction';
import { locales, t, type Locale, type MessageId } from '../i18n';
import { fold } from '../imports/columns';
import { FileProblemError, type FileProblem, type GridRow } from '../imports/grid';
import { readXlsx } from '../imports/xlsx';
import { can, type Actor } from '../policies';
import { TOPICS, topicLabels, type Topic } from '../modules/model';
import { ownedRef } from '../modules/service';
import { check } from '../validation';
import { QUESTION_KINDS, questionModel, readyQuestionModel, type Question, type QuestionKind } from './model';
import { OPTION_KEYS, questionSchema, type QuestionInput } from './schema';
import { nextRef, questionFields } from './service';

/** The template's columns in order; `label` is the header the template writes. */
const COLUMNS = [
  { field: 'ref', label: 'question_col_ref' },
  { field: 'topic', label: 'question_col_topic' },
  { field: 'kind', label: 'question_col_kind' },
  { field: 'scenario', label: 'question_col_scenario' },
  { field: 'prompt', label: 'question_col_prompt' },
  { field: 'option_a', label: 'question_col_option_a' },
  { field: 'option_b', label: 'question_col_option_b' },
  { field: 'option_c', label: 'question_col_option_c' },
  { field: 'option_d', label: 'question_col_option_d' },
  { field: 'option_e', label: 'question_col_option_e' },
  { field: 'option_f', label: 'question_col_option_f' },
  { field: 'correct', label: 'question_col_correct' },
  { field: 'explanation', label: 'question_col_explanation' },
  { field: 'source', label: 'question_col_source' },
  { field: 'pools', label: 'question_col_pools' },
] as const satisfies readonly { field: string; label: MessageId }[];
type Column = (typeof COLUMNS)[number]['field'];
const REQUIRED_COLUMNS: readonly Column[] = ['topic', 'kind', 'prompt', 'option_a', 'option_b', 'correct', 'explanation'];

export const kindLabels: Record<QuestionKind, MessageId> = { single: 'question_kind_single', multiple: 'question_kind_multiple', 'true-false': 'question_kind_true_false', scenario: 'question_kind_scenario' };

/** A header in either language, or the field name itself, folded (case, accents, spaces). */
const HEADERS = new Map<string, Column>(COLUMNS.flatMap(({ field, label }) => [[fold(field), field], ...locales.map((locale): [string, Column] => [fold(t(locale, label)), field])]));
/** A topic or kind cell: its code or its label in either language. */
const TOPIC_NAMES = new Map<string, Topic>(TOPICS.flatMap((topic) => [[fold(topic), topic], ...locales.map((locale): [string, Topic] => [fold(t(locale, topicLabels[topic])), topic])]));
const KIND_NAMES = new Map<string, QuestionKind>(QUESTION_KINDS.flatMap((kind) => [[fold(kind), kind], ...locales.map((locale): [string, QuestionKind] => [fold(t(locale, kindLabels[kind])), kind])]));

export interface ParsedQuestion {
  line: number;
  input: QuestionInput;
}

export type ImportOutcome = { ok: true; created: number; updated: number } | { ok: false; problems: FileProblem[] };

const text = (cell: GridRow['cells'][number] | undefined) => (typeof cell === 'string' ? cell : '');

/** Reads and checks every row; returns the questions or every problem found. */
export async function parseQuestionFile(data: Buffer, locale: Locale, owner?: string): Promise<{ questions: ParsedQuestion[]; problems: FileProblem[] }> {
  const problems: FileProblem[] = [];
  const questions: ParsedQuestion[] = [];
  let header: Map<number, Column> | null = null;
  const headerText = new Map<Column, string>();
  const columnName = (field: string) => headerText.get(field as Column) ?? field;
  try {
    for await (const row of readXlsx(data, undefined, owner)) {
      if (!header) {
        header = new Map();
        row.cells.forEach((cell, i) => {
          const field = HEADERS.get(fold(text(cell)));
          if (field) {
            header!.set(i, field);
            headerText.set(field, text(cell));
          }
        });
        const missing = REQUIRED_COLUMNS.filter((c) => !headerText.has(c));
        if (missing.length) return { questions, problems: [{ line: row.line, column: '', id: 'question_import_missing_columns', params: { columns: missing.map((c) => t(locale, COLUMNS.find((x) => x.field === c)!.label)).join(', ') } }] };
        continue;
      }
      const cells: Partial<Record<Column, string>> = {};
      for (const [i, field] of header) {
        const cell = row.cells[i];
        if (typeof cell === 'object' && cell !== undefined) problems.push({ line: row.line, column: columnName(field), id: 'question_import_cell_error' });
        cells[field] = text(cell).trim();
      }
      const parsed = rowToQuestion(cells, row.line, columnName, problems);
      if (parsed) questions.push(parsed);
    }
  } catch (error) {
    if (error instanceof FileProblemError) return { questions: [], problems: [error.problem] };
    throw error;
  }
  if (!header) problems.push({ line: 0, column: '', id: 'question_import_empty' });
  else if (questions.length === 0 && problems.length === 0) problems.push({ line: 0, column: '', id: 'question_import_empty' });
  const seen = new Map<string, number>();
  for (const q of questions) {
    if (!q.input.ref) continue;
    const first = seen.get(q.input.ref);
    if (first !== undefined) problems.push({ line: q.line, column: columnName('ref'), id: 'question_import_ref_repeated', params: { line: first } });
    else seen.set(q.input.ref, q.line);
  }
  return { questions, problems };
}

function rowToQuestion(cells: Partial<Record<Column, string>>, line: number, columnName: (field: string) => string, problems: FileProblem[]): ParsedQuestion | null {
  const before = problems.length;
  const topic = TOPIC_NAMES.get(fold(cells.topic ?? ''));
  if (!topic) problems.push({ line, column: columnName('topic'), id: cells.topic ? 'field_invalid_choice' : 'field_required' });
  const kind = KIND_NAMES.get(fold(cells.kind ?? ''));
  if (!kind) problems.push({ line, column: columnName('kind'), id: cells.kind ? 'field_invalid_choice' : 'field_required' });
  const correct = new Set((cells.correct ?? '').toLowerCase().split(/[\s,;]+/).filter(Boolean));
  if ([...correct].some((c) => !(OPTION_KEYS as readonly string[]).includes(c))) problems.push({ line, column: columnName('correct'), id: 'question_import_correct_invalid' });
  const options = OPTION_KEYS.map((k) => ({ key: k, text: cells[`option_${k}`] ?? '' }))
    .filter((o) => o.text !== '')
    .map((o) => ({ text: o.text, correct: correct.has(o.key) }));
  if ([...correct].some((c) => !cells[`option_${c}` as Column])) problems.push({ line, column: columnName('correct'), id: 'question_import_correct_blank_option' });
  if (problems.length > before) return null;
  const result = check(questionSchema, { ref: cells.ref ?? '', topic, kind, scenario: cells.scenario ?? '', prompt: cells.prompt ?? '', options, explanation: cells.explanation ?? '', source: cells.source ?? '', pools: cells.pools ?? '' });
  if (!result.ok) {
    for (const p of result.problems) {
      const field = p.field.startsWith('options') ? 'option_a' : p.field;
      problems.push({ line, column: columnName(field), id: p.id });
    }
    return null;
  }
  return { line, input: result.value };
}

/**
 * Imports `data` for `actor`: new questions are owned by `ownerUnitId`; an existing ref is
 * updated only when the actor may author that question. Nothing is written unless every
 * row is clean.
 */
export async function importQuestions(db: Connection, actor: Actor, ownerUnitId: Types.ObjectId | null, data: Buffer, locale: Locale): Promise<ImportOutcome> {
  const { questions, problems } = await parseQuestionFile(data, locale, actor.id);
  if (problems.length) return { ok: false, problems };
  const refs = questions.flatMap((q) => (q.input.ref ? [q.input.ref] : []));
  const existing = refs.length ? await questionModel(db).find({ ref: trusted({ $in: refs }) }).lean<Question[]>() : [];
  const byRef = new Map(existing.map((q) => [q.ref, q]));
  for (const q of questions) {
    const old = q.input.ref ? byRef.get(q.input.ref) : undefined;
    if (old && !can(actor, 'content.author', await ownedRef(db, old))) problems.push({ line: q.line, column: t(locale, 'question_col_ref'), id: 'question_import_ref_not_yours', params: { ref: old.ref } });
  }
  if (problems.length) return { ok: false, problems };
  const Questions = await readyQuestionModel(db);
  const reserved = new Set(refs);
  const writes: { ref: string; fields: ReturnType<typeof questionFields>; isNew: boolean }[] = [];
  for (const q of questions) {
    const ref = q.input.ref || (await nextRef(db, q.input.topic, reserved));
    reserved.add(ref);
    writes.push({ ref, fields: questionFields(q.input), isNew: !byRef.has(ref) });
  }
  await inTransaction(db, async (session) => {
    for (const w of writes) {
      if (w.isNew) await Questions.create([{ ref: w.ref, ...w.fields, ownerUnitId, active: true }], { session });
      else await Questions.updateOne({ ref: w.ref }, { $set: { ...w.fields, active: true } }, { session });
    }
  });
  const created = writes.filter((w) => w.isNew).length;
  return { ok: true, created, updated: writes.length - created };
}

/** The template: the header row, one example per kind, and a guide sheet. */
export async function questionTemplate(locale: Locale): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'vhcv-elearning';
  const sheet = workbook.addWorksheet(t(locale, 'question_template_sheet'), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map(({ field, label }) => ({ header: t(locale, label), key: field, width: field === 'prompt' || field === 'scenario' || field === 'explanation' ? 50 : field.startsWith('option') ? 30 : 16 }));
  sheet.getRow(1).font = { bold: true };
  const topic = t(locale, topicLabels['giao-tiep']);
  // sample content, not interface text: what a coordinator would write
  sheet.addRow({ ref: 'giao-tiep-mau-1', topic, kind: t(locale, kindLabels.single), prompt: 'Khi tiếp công dân tại bộ phận một cửa, công chức cần làm gì đầu tiên?', option_a: 'Chào hỏi, mời ngồi và hỏi nhu cầu', option_b: 'Yêu cầu đưa hồ sơ ngay', option_c: 'Chỉ tay về phía quầy khác', correct: 'A', explanation: 'Quy tắc "4 xin": xin chào khi gặp gỡ công dân.', source: 'Mục II.2.a' });
  sheet.addRow({ ref: 'giao-tiep-mau-2', topic, kind: t(locale, kindLabels['true-false']), prompt: 'Công chức được dùng điện thoại việc riêng khi đang tiếp công dân.', option_a: 'Đúng', option_b: 'Sai', correct: 'B', explanation: 'Khi giao tiếp với người dân, công chức phải tôn trọng, lắng nghe, tận tình hướng dẫn: tập trung vào công việc của công dân.', source: 'Mục II.2.a' });
  const guide = workbook.addWorksheet(t(locale, 'question_template_guide_sheet'));
  guide.columns = [{ width: 110 }];
  for (const id of ['question_template_guide_1', 'question_template_guide_2', 'question_template_guide_3', 'question_template_guide_4'] as const) guide.addRow([t(locale, id, { topics: TOPICS.map((x) => t(locale, topicLabels[x])).join('; '), kinds: QUESTION_KINDS.map((k) => t(locale, kindLabels[k])).join('; ') })]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
