/**
 * The question bank over HTTP: the form's validation rules, NFC text, generated refs,
 * the coordinator's scope, deactivating, and the all-or-nothing XLSX import.
 */
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { expect } from 'chai';
import { t } from '../../server/i18n';
import { questionModel, type Question } from '../../server/questions/model';
import { buildQuestion, QUESTION_HEADER, questionRow, questionWorkbook } from './helpers';
import { buildAuthoringWorld, expectMessage, type AuthoringWorld } from './world';

const single = { topic: 'giao-tiep', kind: 'single', prompt: 'Công chức chào công dân thế nào?', option_a: 'Chủ động chào', option_b: 'Chờ công dân chào trước', correct_a: 'on', explanation: 'Quy tắc 4 xin: xin chào.', source: 'Mục II.2.a' };

describe('authoring: the question bank', function () {
  this.timeout(60_000);
  let w: AuthoringWorld;
  const db = () => w.tp.platform.services.db;
  const count = () => questionModel(db()).countDocuments();
  const byRef = (ref: string) => questionModel(db()).findOne({ ref }).lean<Question>();

  before(async () => {
    w = await buildAuthoringWorld('authoring-questions');
  });
  after(() => w.tp.close());

  it('a coordinator adds a question owned by their unit, with a generated ref and NFC text', async () => {
    const decomposed = 'Công chức chào công dân thế nào?'.normalize('NFD');
    const reply = await w.post(w.as.coordA, '/authoring/questions', { ...single, prompt: `  ${decomposed}  ` });
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    const stored = (await questionModel(db()).findOne({ topic: 'giao-tiep' }).sort({ createdAt: -1 }).lean<Question>())!;
    expect(stored.ref).to.match(/^giao-tiep-\d+$/);
    expect(stored.prompt).to.equal('Công chức chào công dân thế nào?'.normalize('NFC'));
    expect(stored.ownerUnitId!.equals(w.units.A._id)).to.equal(true);
    expect(stored.options).to.deep.equal([
      { key: 'a', text: 'Chủ động chào', correct: true },
      { key: 'b', text: 'Chờ công dân chào trước', correct: false },
    ]);
    expect((await w.as.coordA.get('/authoring/questions?topic=giao-tiep')).text).to.include(stored.ref);
    expect((await w.as.coordB.get('/authoring/questions?topic=giao-tiep')).text).not.to.include(stored.ref);
  });

  it('refuses a single-choice question with two correct options, a multiple-choice with none, a true/false with other options, a scenario without its situation, a missing explanation', async () => {
    const before = await count();
    const cases: [Record<string, string>, string][] = [
      [{ ...single, correct_b: 'on' }, 'question_one_correct'],
      [{ ...single, kind: 'multiple', correct_a: '' }, 'question_some_correct'],
      [{ ...single, kind: 'true-false', option_a: 'Có', option_b: 'Không' }, 'question_true_false_options'],
      [{ ...single, kind: 'scenario' }, 'question_scenario_required'],
      [{ ...single, explanation: '  ' }, 'field_required'],
      [{ ...single, option_b: '' }, 'question_options_count'],
    ];
    for (const [form, id] of cases) {
      const reply = await w.post(w.as.coordA, '/authoring/questions', form);
      expect(reply.status, id).to.equal(422);
      expectMessage(reply, t('vi', id as 'question_one_correct'));
    }
    expect(await count()).to.equal(before);
  });

  it('a true/false question left without options gets "Đúng" and "Sai"; a multiple-choice question may have several correct', async () => {
    const tf = await w.post(w.as.coordA, '/authoring/questions', { topic: 'ky-luat', kind: 'true-false', ref: 'kl-dung-sai', prompt: 'Được đi muộn nếu trời mưa.', correct_b: 'on', explanation: 'Phải đúng giờ.' });
    expect(tf.status, tf.text.slice(0, 300)).to.equal(303);
    expect((await byRef('kl-dung-sai'))!.options.map((o) => [o.text, o.correct])).to.deep.equal([['Đúng', false], ['Sai', true]]);
    const multiple = await w.post(w.as.coordA, '/authoring/questions', { ...single, ref: 'gt-nhieu', kind: 'multiple', correct_b: 'on' });
    expect(multiple.status).to.equal(303);
    const taken = await w.post(w.as.coordA, '/authoring/questions', { ...single, ref: 'gt-nhieu' });
    expect(taken.status).to.equal(409);
  });

  it("edits and deactivation need the question's owner in scope", async () => {
    const mine = await buildQuestion(db(), w.units.A1._id);
    const theirs = await buildQuestion(db(), w.units.B1._id);
    expect((await w.as.coordA.get(`/authoring/questions/${mine._id.toHexString()}`)).status).to.equal(200);
    expect((await w.as.coordA.get(`/authoring/questions/${theirs._id.toHexString()}`)).status).to.equal(403);
    expect((await w.post(w.as.coordA, `/authoring/questions/${theirs._id.toHexString()}`, single)).status).to.equal(403);
    expect((await w.post(w.as.coordA, `/authoring/questions/${theirs._id.toHexString()}/active`, { active: 'off' })).status).to.equal(403);
    expect((await byRef(theirs.ref))!).to.deep.include({ prompt: theirs.prompt, active: true });
    expect((await w.post(w.as.coordA, `/authoring/questions/${mine._id.toHexString()}`, { ...single, ref: mine.ref })).status).to.equal(303);
    expect((await byRef(mine.ref))!.prompt).to.equal(single.prompt);
    expect((await w.post(w.as.coordA, `/authoring/questions/${mine._id.toHexString()}/active`, { active: 'off' })).status).to.equal(303);
    expect((await byRef(mine.ref))!.active).to.equal(false);
    for (const client of [w.as.manager, w.as.officer]) {
      expect((await client.get('/authoring/questions')).status).to.equal(403);
      expect((await w.post(client, '/authoring/questions', single)).status).to.equal(403);
    }
  });

  it('admins add province-wide questions (no owner)', async () => {
    expect((await w.post(w.as.admin, '/authoring/questions', { ...single, ref: 'tinh-1' })).status).to.equal(303);
    expect((await byRef('tinh-1'))!.ownerUnitId).to.equal(null);
  });

  describe('XLSX import', () => {
    const upload = (content: Uint8Array<ArrayBuffer>, client = w.as.coordA) => w.upload(client, '/authoring/questions/import', { name: 'cau-hoi.xlsx', content });

    it('the template downloads and imports as it is', async () => {
      const template = await w.as.coordA.get('/authoring/questions/import/template.xlsx');
      expect(template.status).to.equal(200);
      expect(template.headers.get('content-type')).to.match(/spreadsheetml/);
      const bytes = new Uint8Array(await (await fetch(`${w.tp.base}/authoring/questions/import/template.xlsx`, { headers: { cookie: [...w.as.coordA.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })).arrayBuffer());
      const reply = await upload(bytes);
      expect(reply.status, reply.text.slice(0, 2000)).to.equal(200);
      expectMessage(reply, t('vi', 'question_import_done', { created: 2, updated: 0 }));
      expect((await byRef('giao-tiep-mau-2'))!.kind).to.equal('true-false');
      // both examples are about receiving citizens: section II.2.a of the plan (II.2.b is about colleagues)
      expect((await byRef('giao-tiep-mau-2'))!.source).to.equal('Mục II.2.a');
    });

    it('a good file creates new questions and updates existing ones by ref', async () => {
      await upload(await questionWorkbook([questionRow({ ref: 'nhap-1', prompt: 'Câu một?' })]));
      const rows = [
        questionRow({ ref: 'nhap-1', prompt: 'Câu một đã sửa?' }),
        questionRow({ ref: 'nhap-2', kind: 'Nhiều đáp án đúng', topic: 'Đạo đức, lối sống', options: ['A đúng', 'B sai', 'C đúng'], correct: 'A, C' }),
        questionRow({ ref: '', kind: 'tình huống', scenario: 'Một người dân mang quà đến cảm ơn khi hồ sơ đang chờ xử lý.', topic: 'dao-duc', options: ['Nhận', 'Từ chối lịch sự'], correct: 'b' }),
      ];
      const before = await count();
      const reply = await upload(await questionWorkbook(rows));
      expect(reply.status, reply.text.slice(0, 2000)).to.equal(200);
      expectMessage(reply, t('vi', 'question_import_done', { created: 2, updated: 1 }));
      expect(await count()).to.equal(before + 2);
      expect((await byRef('nhap-1'))!.prompt).to.equal('Câu một đã sửa?');
      expect((await byRef('nhap-2'))!.options.filter((o) => o.correct).map((o) => o.key)).to.deep.equal(['a', 'c']);
      const scenario = (await questionModel(db()).findOne({ kind: 'scenario', topic: 'dao-duc' }).lean<Question>())!;
      expect(scenario.ref).to.match(/^dao-duc-\d+$/);
      expect(scenario.ownerUnitId!.equals(w.units.A._id)).to.equal(true);
    });

    it('a file with bad rows lists every problem by line and column and writes nothing', async () => {
      const rows = [
        questionRow({ ref: 'tot-1' }),
        questionRow({ ref: 'xau-1', correct: 'A,B' }),
        questionRow({ ref: 'xau-2', topic: 'am-nhac' }),
        questionRow({ ref: 'xau-3', explanation: '' }),
        questionRow({ ref: 'tot-1' }),
        questionRow({ ref: 'xau-4', correct: 'E' }),
      ];
      const before = await count();
      const reply = await upload(await questionWorkbook(rows));
      expect(reply.status).to.equal(422);
      expect(await count()).to.equal(before);
      expect(await byRef('tot-1')).to.equal(null);
      const problems = [...reply.text.matchAll(/<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [Number(m[1]), m[2], m[3]]);
      expect(problems).to.deep.equal([
        [3, 'Đáp án đúng', t('vi', 'question_one_correct')],
        [4, 'Chủ đề', t('vi', 'field_invalid_choice')],
        [5, 'Giải thích', t('vi', 'field_required')],
        [7, 'Đáp án đúng', t('vi', 'question_import_correct_blank_option')],
        [6, 'Mã câu hỏi', t('vi', 'question_import_ref_repeated', { line: 2 })],
      ]);
    });

    it("a row may not take over another unit's question", async () => {
      const theirs = await buildQuestion(db(), w.units.B1._id);
      const reply = await upload(await questionWorkbook([questionRow({ ref: theirs.ref, prompt: 'Chiếm?' })]));
      expect(reply.status).to.equal(422);
      expectMessage(reply, t('vi', 'question_import_ref_not_yours', { ref: theirs.ref }));
      expect((await byRef(theirs.ref))!.prompt).to.equal(theirs.prompt);
    });

    it('a malformed file (random bytes named .xlsx, a sheet without the header) is refused with a clear error, nothing written', async () => {
      const before = await count();
      const random = await upload(new Uint8Array(crypto.randomBytes(4096)));
      expect(random.status).to.equal(422);
      expectMessage(random, t('vi', 'import_file_corrupt'));
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet('Trang 1').addRow(['Tên', 'Tuổi']);
      const headless = await upload(new Uint8Array(await workbook.xlsx.writeBuffer()));
      expect(headless.status).to.equal(422);
      expect(headless.text).to.include('Thiếu cột');
      const onlyHeader = await upload(await questionWorkbook([], QUESTION_HEADER));
      expect(onlyHeader.status).to.equal(422);
      expectMessage(onlyHeader, t('vi', 'question_import_empty'));
      expect(await count()).to.equal(before);
    });

    it('managers and officers cannot import', async () => {
      const before = await count();
      for (const client of [w.as.manager, w.as.officer]) expect((await upload(await questionWorkbook([questionRow({ ref: 'cam-1' })]), client)).status).to.equal(403);
      expect(await count()).to.equal(before);
    });
  });
});
