/**
 * The starter-content loader on the fixture tree: loads, is idempotent, publishes a new
 * version for a changed lesson (the old one intact), refuses bad content before writing
 * anything, and sanitises lesson HTML like the web editor does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { openTestDatabase, type TestDatabase } from '../database';
import { buildUnit } from '../factories';
import { ContentProblems, loadContent, readContent } from '../../server/content/loader';
import { problemText } from '../../server/content/format';
import { moduleModel, moduleVersionModel, type LessonItem } from '../../server/modules/model';
import { findVersion } from '../../server/modules/versions';
import { questionModel } from '../../server/questions/model';
import { FIXTURES, editJson, fixtureCopy } from './helpers';

async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ContentProblems) return error.problems.map((p) => problemText(p));
    throw error;
  }
  throw new Error('expected content problems');
}

describe('content: the starter-content loader', function () {
  this.timeout(30_000);
  let database: TestDatabase;
  beforeEach(async () => {
    database = await openTestDatabase('content-loader');
  });
  afterEach(() => database.close());

  it('loads the fixture modules and questions, published as version 1, owned by the only root unit', async () => {
    const root = await buildUnit({ name: 'Tỉnh thử' });
    const summary = await loadContent(database.connection, { dir: FIXTURES });
    expect(summary).to.include({ modulesCreated: 2, modulesUpdated: 0, modulesUnchanged: 0, questionsCreated: 6, questionsUpdated: 0 });
    const modules = await moduleModel(database.connection).find().sort({ code: 1 }).lean();
    expect(modules.map((m) => [m.code, m.publishedVersion, m.draftDirty])).to.deep.equal([
      ['TEST-GIAO-TIEP', 1, false],
      ['TEST-THAI-DO', 1, false],
    ]);
    expect(modules.every((m) => m.ownerUnitId?.equals(root._id))).to.equal(true);
    const questions = await questionModel(database.connection).find().lean();
    expect(questions).to.have.length(6);
    expect(questions.every((q) => q.ownerUnitId?.equals(root._id) && q.active)).to.equal(true);
    const quiz = modules[1]!.draft.items[1]!;
    expect(quiz).to.deep.include({ kind: 'quiz', passPercent: 80, timeLimitMinutes: 15 });
  });

  it('with two root units, the modules are province-wide (owner null)', async () => {
    await buildUnit();
    await buildUnit();
    await loadContent(database.connection, { dir: FIXTURES });
    const owners = await moduleModel(database.connection).distinct('ownerUnitId');
    expect(owners).to.deep.equal([null]);
  });

  it('sanitises the lesson HTML: no <script>, no on* handlers, no javascript: links, h1 becomes h2', async () => {
    await loadContent(database.connection, { dir: FIXTURES });
    const module = await moduleModel(database.connection).findOne({ code: 'TEST-THAI-DO' }).lean();
    const body = (module!.draft.items[0] as LessonItem).body;
    expect(body).to.contain('<h2>Sẵn sàng nhận việc</h2>').and.contain('Nhận nhiệm vụ');
    expect(body).not.to.match(/<script|alert|onerror|javascript:|<h1/i);
  });

  it('a second run changes nothing: all unchanged, no new version, no question written', async () => {
    await loadContent(database.connection, { dir: FIXTURES });
    const before = await questionModel(database.connection).find().lean();
    const again = await loadContent(database.connection, { dir: FIXTURES });
    expect(again).to.include({ modulesCreated: 0, modulesUpdated: 0, modulesUnchanged: 2, questionsCreated: 0, questionsUpdated: 0 });
    expect(await moduleVersionModel(database.connection).countDocuments()).to.equal(2);
    const after = await questionModel(database.connection).find().lean();
    expect(after.map((q) => q.updatedAt.getTime())).to.deep.equal(before.map((q) => q.updatedAt.getTime()));
  });

  it('a changed lesson publishes version 2 and leaves version 1 as it was; a changed question is updated, a removed one kept', async () => {
    const copy = fixtureCopy();
    try {
      await loadContent(database.connection, { dir: copy.dir });
      const lesson = path.join(copy.dir, 'modules/thai-do/lessons/bai-1.html');
      fs.appendFileSync(lesson, '<p>Đoạn bổ sung năm nay.</p>\n');
      editJson(path.join(copy.dir, 'modules/thai-do/questions.json'), (list) => {
        list[0].explanation = 'Giải thích mới (Mục II.1.a Kế hoạch).';
        list.pop();
      });
      const summary = await loadContent(database.connection, { dir: copy.dir });
      expect(summary).to.include({ modulesCreated: 0, modulesUpdated: 1, modulesUnchanged: 1, questionsCreated: 0, questionsUpdated: 1 });
      const module = await moduleModel(database.connection).findOne({ code: 'TEST-THAI-DO' }).lean();
      expect(module!.publishedVersion).to.equal(2);
      const v1 = await findVersion(database.connection, module!._id, 1);
      const v2 = await findVersion(database.connection, module!._id, 2);
      expect((v1!.content.items[0] as LessonItem).body).not.to.contain('Đoạn bổ sung');
      expect((v2!.content.items[0] as LessonItem).body).to.contain('Đoạn bổ sung năm nay.');
      const q = await questionModel(database.connection).findOne({ ref: 'test-thai-do-01' }).lean();
      expect(q!.explanation).to.equal('Giải thích mới (Mục II.1.a Kế hoạch).');
      expect(await questionModel(database.connection).countDocuments({ ref: 'test-thai-do-04' })).to.equal(1);
    } finally {
      copy.remove();
    }
  });

  it('bad content: every problem named by file and path, and nothing written', async () => {
    const copy = fixtureCopy();
    try {
      const questions = path.join(copy.dir, 'modules/giao-tiep/questions.json');
      editJson(questions, (list) => {
        list[0].options[1].correct = true; // single with two correct
        list[1].options.push({ key: 'c', text: 'Không biết', correct: false }); // true-false with three options
        list[1].colour = 'đỏ'; // unknown key
        list[0].prompt = 'Câu hỏi viết kiểu to\u0302\u0301 hợp'; // decomposed (NFD) text
      });
      editJson(path.join(copy.dir, 'modules/thai-do/questions.json'), (list) => {
        list[1].options.forEach((o: { correct: boolean }) => (o.correct = false)); // multiple with none correct
        list[3].scenario = null; // scenario without its situation
        list[2].kind = 'essay';
      });
      editJson(path.join(copy.dir, 'modules/thai-do/module.json'), (m) => {
        m.items[0].file = '../giao-tiep/lessons/bai-1.html';
      });
      editJson(path.join(copy.dir, 'modules/giao-tiep/module.json'), (m) => {
        m.items[0].file = 'lessons/khong-co.html';
      });
      const problems = await problemsOf(loadContent(database.connection, { dir: copy.dir }));
      const expected = [
        'giao-tiep/questions.json [0].options: Câu hỏi một lựa chọn phải có đúng một phương án đúng',
        'giao-tiep/questions.json [0].prompt: Văn bản chưa ở dạng Unicode dựng sẵn (NFC)',
        'giao-tiep/questions.json [1].colour: Trường này không được hỗ trợ',
        'giao-tiep/questions.json [1].options: Câu hỏi Đúng/Sai phải có đúng hai phương án và một phương án đúng',
        'giao-tiep/module.json items[0].file: Không tìm thấy tệp bài học lessons/khong-co.html',
        'thai-do/questions.json [1].options: Câu hỏi nhiều lựa chọn phải có ít nhất một phương án đúng',
        'thai-do/questions.json [2].kind: Giá trị không có trong danh sách cho phép',
        'thai-do/questions.json [3].scenario: Câu hỏi tình huống phải có phần mô tả tình huống',
        'thai-do/module.json items[0].file: Tệp bài học phải nằm trong thư mục của học phần',
      ];
      for (const line of expected) expect(problems, problems.join('\n')).to.include(line);
      expect(await moduleModel(database.connection).countDocuments()).to.equal(0);
      expect(await questionModel(database.connection).countDocuments()).to.equal(0);
    } finally {
      copy.remove();
    }
  });

  it('one bad file among good ones still writes nothing, even on a database that already has the content', async () => {
    const copy = fixtureCopy();
    try {
      await loadContent(database.connection, { dir: copy.dir });
      fs.appendFileSync(path.join(copy.dir, 'modules/thai-do/lessons/bai-1.html'), '<p>Thay đổi</p>');
      fs.writeFileSync(path.join(copy.dir, 'modules/giao-tiep/questions.json'), '[{"ref": ');
      const problems = await problemsOf(loadContent(database.connection, { dir: copy.dir }));
      expect(problems.join('\n')).to.contain('giao-tiep/questions.json');
      const module = await moduleModel(database.connection).findOne({ code: 'TEST-THAI-DO' }).lean();
      expect(module!.publishedVersion).to.equal(1);
    } finally {
      copy.remove();
    }
  });

  it('a package item: its folder must exist and stay inside the content folder (no "..", no symbolic link out)', async () => {
    const copy = fixtureCopy();
    try {
      const outside = fs.mkdtempSync(path.join(path.dirname(copy.dir), 'ngoai-'));
      fs.symlinkSync(outside, path.join(copy.dir, 'lien-ket'));
      editJson(path.join(copy.dir, 'modules/thai-do/module.json'), (m) => {
        m.items.push({ kind: 'package', key: 'goi-a', title: 'Gói ra ngoài', folder: '../../../etc' });
        m.items.push({ kind: 'package', key: 'goi-b', title: 'Gói không có', folder: '../../packages/khong-co' });
        m.items.push({ kind: 'package', key: 'goi-c', title: 'Gói qua liên kết', folder: '../../lien-ket' });
      });
      const problems = await problemsOf(loadContent(database.connection, { dir: copy.dir }));
      expect(problems).to.deep.equal([
        'thai-do/module.json items[2].folder: Thư mục gói phải nằm trong thư mục nội dung (content/packages)',
        'thai-do/module.json items[3].folder: Không tìm thấy thư mục gói ../../packages/khong-co',
        'thai-do/module.json items[4].folder: Thư mục gói phải nằm trong thư mục nội dung (content/packages)',
      ]);
      expect(await moduleModel(database.connection).countDocuments()).to.equal(0);
      fs.rmSync(outside, { recursive: true, force: true });
    } finally {
      copy.remove();
    }
  });

  it('readContent on a folder without modules finds nothing and no problem', () => {
    expect(readContent(path.join(FIXTURES, 'modules/thai-do/lessons'))).to.deep.equal({ modules: [], questions: [], problems: [] });
  });
});
