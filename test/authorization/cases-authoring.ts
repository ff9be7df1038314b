/**
 * Authorization matrix cases of the authoring routes (see cases.ts for the format).
 * "own" targets lie in A1 (inside the coordinator's subtree A), "other" ones in B1.
 * Commands that change or consume a record get a fresh one per request.
 */
import { Document, Packer, Paragraph } from 'docx';
import { storeMedia } from '../../server/media/store';
import { assignmentModel } from '../../server/assignments/model';
import type { LearningModule } from '../../server/modules/model';
import { buildModule, buildQuestion, nextSerial, questionRow, questionWorkbook } from '../authoring/helpers';
import type { Case } from './cases';
import type { Scope, World } from './fixture';

const BOTH = ['own', 'other'] as const;
const OWN = ['own'] as const;
const EVERY_ROLE = { admin: BOTH, coordinator: BOTH, manager: BOTH, officer: BOTH } as const;
/** Pages about the caller's own scope (lists, new forms): "other" makes no difference. */
const AUTHORS = { admin: BOTH, coordinator: BOTH } as const;
/** Acting on a record owned in A1 or B1. */
const OWNERS = { admin: BOTH, coordinator: OWN } as const;

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const PDF = '%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n';

const moduleIn = (w: World, s: Scope, published = false) => buildModule(w.services.db, w.unit(s)._id, { published });
const path = (m: LearningModule, rest = '') => `/authoring/modules/${m._id.toHexString()}${rest}`;
const quizForm = { title: 'Kiểm tra ma trận', 'draw_thai-do': '0', passPercent: '80', attemptLimit: '3', cooldownMinutes: '0', timeLimitMinutes: '0', review: 'after-submit', shuffleOptions: 'on' };
const questionForm = { topic: 'thai-do', kind: 'single', prompt: 'Câu hỏi ma trận?', option_a: 'Có', option_b: 'Không', correct_a: 'on', explanation: 'Vì quy định.' };

export const authoringCases: Case[] = [
  { route: 'GET /authoring', allow: AUTHORS, request: () => ({ method: 'GET', path: '/authoring' }) },
  { route: 'POST /authoring/modules', allow: OWNERS, request: (w, s) => ({ method: 'POST', path: '/authoring/modules', form: { code: `MX-NEW-${nextSerial()}`, title: 'Học phần mới', topic: 'dao-duc', description: '', estimatedMinutes: '20', ownerUnitId: w.unit(s)._id.toHexString() } }) },
  { route: 'GET /authoring/modules/:id', allow: OWNERS, request: async (w, s) => ({ method: 'GET', path: path(await moduleIn(w, s)) }) },
  { route: 'POST /authoring/modules/:id', allow: OWNERS, request: async (w, s) => ({ method: 'POST', path: path(await moduleIn(w, s)), form: { title: 'Tên mới', topic: 'ky-luat', description: 'Mô tả', estimatedMinutes: '15' } }) },
  { route: 'POST /authoring/modules/:id/lessons', allow: OWNERS, request: async (w, s) => ({ method: 'POST', path: path(await moduleIn(w, s), '/lessons'), form: { title: 'Bài mới', body: '<p>Nội dung</p>' } }) },
  { route: 'POST /authoring/modules/:id/quizzes', allow: OWNERS, request: async (w, s) => ({ method: 'POST', path: path(await moduleIn(w, s), '/quizzes'), form: quizForm }) },
  { route: 'GET /authoring/modules/:id/items/:key', allow: OWNERS, request: async (w, s) => ({ method: 'GET', path: path(await moduleIn(w, s), '/items/bai-1') }) },
  { route: 'POST /authoring/modules/:id/items/:key', allow: OWNERS, request: async (w, s) => ({ method: 'POST', path: path(await moduleIn(w, s), '/items/bai-1'), form: { title: 'Bài 1 sửa', body: '<p>Mới</p>' } }) },
  { route: 'POST /authoring/modules/:id/items/:key/move', allow: OWNERS, request: async (w, s) => ({ method: 'POST', path: path(await moduleIn(w, s), '/items/bai-1/move'), form: { direction: 'down' } }) },
  { route: 'POST /authoring/modules/:id/items/:key/remove', allow: OWNERS, request: async (w, s) => ({ method: 'POST', path: path(await moduleIn(w, s), '/items/bai-1/remove'), form: {} }) },
  {
    route: 'POST /authoring/modules/:id/items/:key/attachments',
    allow: OWNERS,
    request: async (w, s) => ({ method: 'POST', path: path(await moduleIn(w, s), '/items/bai-1/attachments'), multipart: {}, file: { name: 'tai-lieu.pdf', content: PDF } }),
  },
  {
    route: 'POST /authoring/modules/:id/items/:key/docx',
    allow: OWNERS,
    request: async (w, s) => ({ method: 'POST', path: path(await moduleIn(w, s), '/items/bai-1/docx'), multipart: {}, file: { name: 'bai.docx', content: new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Bài học từ Word')] }] }))) } }),
  },
  {
    route: 'POST /authoring/modules/:id/items/:key/attachments/:sha256/remove',
    allow: OWNERS,
    request: async (w, s) => {
      const sha256 = 'a'.repeat(64);
      const module = await buildModule(w.services.db, w.unit(s)._id, { items: [{ kind: 'lesson', key: 'bai-1', title: 'Bài 1', body: '', attachments: [{ sha256, name: 'x.pdf', mime: 'application/pdf', size: 10 }] }] });
      return { method: 'POST', path: path(module, `/items/bai-1/attachments/${sha256}/remove`), form: {} };
    },
  },
  { route: 'POST /authoring/modules/:id/publish', allow: OWNERS, request: async (w, s) => ({ method: 'POST', path: path(await moduleIn(w, s), '/publish'), form: {} }) },
  { route: 'POST /authoring/modules/:id/archive', allow: OWNERS, request: async (w, s) => ({ method: 'POST', path: path(await moduleIn(w, s), '/archive'), form: { archived: 'on' } }) },
  { route: 'GET /authoring/modules/:id/preview', allow: OWNERS, request: async (w, s) => ({ method: 'GET', path: path(await moduleIn(w, s), '/preview') }) },
  {
    route: 'POST /authoring/modules/:id/assignments',
    allow: OWNERS,
    request: async (w, s) => ({ method: 'POST', path: path(await moduleIn(w, s, true), '/assignments'), form: { target: 'unit', unitId: w.unit(s)._id.toHexString(), officerCodes: '', dueDate: tomorrow(), year: '' } }),
  },
  {
    route: 'POST /authoring/modules/:id/assignments/:assignmentId/deactivate',
    allow: OWNERS,
    request: async (w, s) => {
      const module = await moduleIn(w, s, true);
      const assignment = await assignmentModel(w.services.db).create({ moduleId: module._id, year: 2026, unitId: w.unit(s)._id, dueDate: new Date(Date.now() + 86_400_000) });
      return { method: 'POST', path: path(module, `/assignments/${assignment._id.toHexString()}/deactivate`), form: {} };
    },
  },
  { route: 'GET /api/v1/modules', allow: EVERY_ROLE, request: () => ({ method: 'GET', path: '/api/v1/modules' }) },
  {
    route: 'GET /media/:sha256',
    allow: EVERY_ROLE,
    request: async (w) => ({ method: 'GET', path: `/media/${await storeMedia(w.services.config.DATA_DIR, Buffer.from(PDF))}` }),
  },

  // the question bank
  { route: 'GET /authoring/questions', allow: AUTHORS, request: () => ({ method: 'GET', path: '/authoring/questions?topic=thai-do' }) },
  { route: 'GET /authoring/questions/new', allow: AUTHORS, request: () => ({ method: 'GET', path: '/authoring/questions/new' }) },
  { route: 'POST /authoring/questions', allow: AUTHORS, request: () => ({ method: 'POST', path: '/authoring/questions', form: questionForm }) },
  { route: 'GET /authoring/questions/:id', allow: OWNERS, request: async (w, s) => ({ method: 'GET', path: `/authoring/questions/${(await buildQuestion(w.services.db, w.unit(s)._id))._id.toHexString()}` }) },
  { route: 'POST /authoring/questions/:id', allow: OWNERS, request: async (w, s) => ({ method: 'POST', path: `/authoring/questions/${(await buildQuestion(w.services.db, w.unit(s)._id))._id.toHexString()}`, form: questionForm }) },
  { route: 'POST /authoring/questions/:id/active', allow: OWNERS, request: async (w, s) => ({ method: 'POST', path: `/authoring/questions/${(await buildQuestion(w.services.db, w.unit(s)._id))._id.toHexString()}/active`, form: { active: 'off' } }) },
  { route: 'GET /authoring/questions/import', allow: AUTHORS, request: () => ({ method: 'GET', path: '/authoring/questions/import' }) },
  { route: 'GET /authoring/questions/import/template.xlsx', allow: AUTHORS, request: () => ({ method: 'GET', path: '/authoring/questions/import/template.xlsx' }) },
  {
    route: 'POST /authoring/questions/import',
    allow: AUTHORS,
    request: async () => ({ method: 'POST', path: '/authoring/questions/import', multipart: {}, file: { name: 'cau-hoi.xlsx', content: await questionWorkbook([questionRow({ ref: `mx-import-${nextSerial()}` })]) } }),
  },
];
