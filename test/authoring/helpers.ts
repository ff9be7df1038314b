/** Test data of the authoring area: modules, questions and question workbooks, built through the real models. */
import ExcelJS from 'exceljs';
import type { Connection, Types } from 'mongoose';
import { moduleModel, type LearningModule, type ModuleItem, type Topic } from '../../server/modules/model';
import { publishModule } from '../../server/modules/versions';
import { questionModel, type Question } from '../../server/questions/model';

let serial = 0;

/** A module owned by `ownerUnitId` (null: province-wide) with one lesson, published when asked. */
export async function buildModule(db: Connection, ownerUnitId: Types.ObjectId | null, options: { published?: boolean; items?: ModuleItem[]; topic?: Topic } = {}): Promise<LearningModule> {
  const n = ++serial;
  const items = options.items ?? [{ kind: 'lesson', key: 'bai-1', title: 'Bài 1', body: '<p>Nội dung</p>', attachments: [] }];
  const created = await moduleModel(db).create({ code: `T-MOD-${n}`, ownerUnitId, draft: { title: `Học phần thử ${n}`, topic: options.topic ?? 'thai-do', description: '', estimatedMinutes: 10, items } });
  if (options.published) await publishModule(db, created._id, null);
  return (await moduleModel(db).findById(created._id).lean<LearningModule>())!;
}

/** An active single-choice question of `topic`. */
export async function buildQuestion(db: Connection, ownerUnitId: Types.ObjectId | null, topic: Topic = 'thai-do'): Promise<Question> {
  const n = ++serial;
  const created = await questionModel(db).create({
    ref: `t-q-${n}`,
    topic,
    kind: 'single',
    prompt: `Câu hỏi thử ${n}?`,
    options: [
      { key: 'a', text: 'Đúng quy định', correct: true },
      { key: 'b', text: 'Không đúng', correct: false },
    ],
    explanation: 'Theo Kế hoạch.',
    ownerUnitId,
  });
  return created.toObject();
}

export const QUESTION_HEADER = ['Mã câu hỏi', 'Chủ đề', 'Loại câu hỏi', 'Tình huống', 'Câu hỏi', 'Phương án A', 'Phương án B', 'Phương án C', 'Phương án D', 'Phương án E', 'Phương án F', 'Đáp án đúng', 'Giải thích', 'Nguồn'];

/** A question row in the template's column order. */
export function questionRow(fields: { ref?: string; topic?: string; kind?: string; scenario?: string; prompt?: string; options?: string[]; correct?: string; explanation?: string; source?: string }): string[] {
  const options = fields.options ?? ['Chào hỏi công dân', 'Làm việc riêng'];
  return [fields.ref ?? '', fields.topic ?? 'giao-tiep', fields.kind ?? 'Một đáp án đúng', fields.scenario ?? '', fields.prompt ?? 'Khi tiếp công dân cần làm gì?', ...Array.from({ length: 6 }, (_v, i) => options[i] ?? ''), fields.correct ?? 'A', fields.explanation ?? 'Quy tắc 4 xin.', fields.source ?? 'Mục II.2.a'];
}

/** An .xlsx workbook with the header and `rows`. */
export async function questionWorkbook(rows: string[][], header = QUESTION_HEADER): Promise<Uint8Array<ArrayBuffer>> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Câu hỏi');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

export const nextSerial = () => ++serial;
