/**
 * Authoring modules over HTTP: creating, editing lessons (sanitised), item keys and
 * order, publishing as versions, publish checks against the question bank, preview,
 * archiving, and the coordinator's scope.
 */
import { expect } from 'chai';
import { auditModel } from '../../server/audit/model';
import { t } from '../../server/i18n';
import { moduleModel, type LearningModule, type LessonItem } from '../../server/modules/model';
import { findVersion } from '../../server/modules/versions';
import { questionModel } from '../../server/questions/model';
import { attemptModel } from '../../server/quizzes/model';
import { learningEventModel, progressModel } from '../../server/progress/model';
import { buildModule, buildQuestion } from './helpers';
import { buildAuthoringWorld, expectMessage, type AuthoringWorld } from './world';

const HOSTILE = '<h1>Tiêu đề</h1><script>alert(1)</script><img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">bấm</a><img src="data:image/png;base64,AAAA" alt="d"><p style="color:red" onclick="x()">Chữ đẹp</p>';

describe('authoring: modules', function () {
  this.timeout(60_000);
  let w: AuthoringWorld;
  const db = () => w.tp.platform.services.db;
  const reload = async (m: LearningModule) => (await moduleModel(db()).findById(m._id).lean<LearningModule>())!;
  const page = (m: LearningModule, rest = '') => `/authoring/modules/${m._id.toHexString()}${rest}`;

  before(async () => {
    w = await buildAuthoringWorld('authoring-modules');
  });
  after(() => w.tp.close());

  it('a coordinator creates a module in a unit of their subtree (audited) and sees it listed', async () => {
    const reply = await w.post(w.as.coordA, '/authoring/modules', { code: 'gt-a1', title: 'Giao tiếp ở Phòng A1', topic: 'giao-tiep', description: '', estimatedMinutes: '30', ownerUnitId: w.units.A1._id.toHexString() });
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    const module = (await moduleModel(db()).findOne({ code: 'GT-A1' }).lean<LearningModule>())!;
    expect(module.ownerUnitId!.equals(w.units.A1._id)).to.equal(true);
    expect(reply.location).to.equal(page(module, '?done=created'));
    expect(await auditModel(db()).countDocuments({ action: 'module.create', subjectId: module._id.toHexString() })).to.equal(1);
    expect((await w.as.coordA.get('/authoring')).text).to.include('GT-A1');
    expect((await w.as.coordB.get('/authoring')).text).not.to.include('GT-A1');
  });

  it('a coordinator cannot create a module in another subtree, nor a province-wide one; a taken code is refused on the form', async () => {
    const before = await moduleModel(db()).countDocuments();
    expect((await w.post(w.as.coordA, '/authoring/modules', { code: 'x-b1', title: 'Của B', topic: 'giao-tiep', estimatedMinutes: '30', ownerUnitId: w.units.B1._id.toHexString() })).status).to.equal(403);
    expect((await w.post(w.as.coordA, '/authoring/modules', { code: 'x-tinh', title: 'Toàn tỉnh', topic: 'giao-tiep', estimatedMinutes: '30', ownerUnitId: '' })).status).to.equal(403);
    const taken = await w.post(w.as.coordA, '/authoring/modules', { code: 'GT-A1', title: 'Trùng', topic: 'giao-tiep', estimatedMinutes: '30', ownerUnitId: w.units.A._id.toHexString() });
    expect(taken.status).to.equal(409);
    expectMessage(taken, t('vi', 'module_code_taken', { code: 'GT-A1' }));
    expect(await moduleModel(db()).countDocuments()).to.equal(before);
  });

  it('lesson bodies lose scripts, event handlers, javascript: and data: URLs and styles, when added and when edited', async () => {
    const module = await buildModule(db(), w.units.A1._id, { items: [] });
    expect((await w.post(w.as.coordA, page(module, '/lessons'), { title: 'Bài nguy hiểm', body: HOSTILE })).status).to.equal(303);
    const check = (body: string) => {
      for (const bad of ['<script', 'alert(1)', 'onerror', 'onclick', 'javascript:', 'data:', 'style=', '<h1']) expect(body, bad).not.to.include(bad);
      expect(body).to.include('<p>Chữ đẹp</p>');
      expect(body).to.include('<h2>Tiêu đề</h2>');
    };
    const added = (await reload(module)).draft.items[0] as LessonItem;
    check(added.body);
    const shown = await w.as.coordA.get(page(module, `/items/${added.key}`));
    expect(shown.status).to.equal(200);
    expect(shown.text).to.include('<div class="lesson-body"><h2>Tiêu đề</h2>');
    expect((await w.post(w.as.coordA, page(module, `/items/${added.key}`), { title: 'Bài sửa', body: `${HOSTILE}<p>Thêm</p>` })).status).to.equal(303);
    const edited = (await reload(module)).draft.items[0] as LessonItem;
    check(edited.body);
    expect(edited.body).to.include('<p>Thêm</p>');
    expect(edited.key, 'the key stays when the title changes').to.equal(added.key);
  });

  it('plain text pasted into a lesson keeps its paragraphs and its "- " and "1. " lists (issue #15 defect 3)', async () => {
    const module = await buildModule(db(), w.units.A1._id, { items: [] });
    const pasted = 'Thực hiện "4 xin, 4 luôn" khi tiếp dân.\r\n\r\n4 xin:\r\n- Xin chào\r\n- Xin lỗi <khi chậm trễ>\r\n\r\nThứ tự:\n1. Chào hỏi\n2) Lắng nghe\n\nDòng một\ndòng hai';
    expect((await w.post(w.as.coordA, page(module, '/lessons'), { title: 'Bài dán', body: pasted })).status).to.equal(303);
    const body = ((await reload(module)).draft.items[0] as LessonItem).body;
    expect(body).to.equal(
      [
        '<p>Thực hiện "4 xin, 4 luôn" khi tiếp dân.</p>',
        '<p>4 xin:</p><ul><li>Xin chào</li><li>Xin lỗi &lt;khi chậm trễ&gt;</li></ul>',
        '<p>Thứ tự:</p><ol><li>Chào hỏi</li><li>Lắng nghe</li></ol>',
        '<p>Dòng một<br />dòng hai</p>',
      ].join('\n'),
    );
    // HTML is taken as HTML: its own paragraphs, not wrapped again
    expect((await w.post(w.as.coordA, page(module, '/lessons'), { title: 'Bài HTML', body: '<p>Một</p>\n\n<p>Hai</p>' })).status).to.equal(303);
    expect(((await reload(module)).draft.items[1] as LessonItem).body).to.equal('<p>Một</p>\n\n<p>Hai</p>');
  });

  it('item keys are unique slugs of titles; items move up and down and are removed', async () => {
    const module = await buildModule(db(), w.units.A1._id, { items: [] });
    for (const title of ['Bài học Ứng xử', 'Bài học Ứng xử', '!!!']) expect((await w.post(w.as.coordA, page(module, '/lessons'), { title, body: '<p>x</p>' })).status).to.equal(303);
    expect((await reload(module)).draft.items.map((i) => i.key)).to.deep.equal(['bai-hoc-ung-xu', 'bai-hoc-ung-xu-2', 'bai-3']);
    await w.post(w.as.coordA, page(module, '/items/bai-3/move'), { direction: 'up' });
    expect((await reload(module)).draft.items.map((i) => i.key)).to.deep.equal(['bai-hoc-ung-xu', 'bai-3', 'bai-hoc-ung-xu-2']);
    await w.post(w.as.coordA, page(module, '/items/bai-hoc-ung-xu/remove'), {});
    expect((await reload(module)).draft.items.map((i) => i.key)).to.deep.equal(['bai-3', 'bai-hoc-ung-xu-2']);
    expect((await w.post(w.as.coordA, page(module, '/items/khong-co/remove'), {})).status).to.equal(404);
  });

  it('the learning order is a module setting: lessons first unless the coordinator chooses free; anything else is refused', async () => {
    const module = await buildModule(db(), w.units.A1._id);
    const form = { title: module.draft.title, topic: 'thai-do', description: '', estimatedMinutes: '20' };
    const editor = await w.as.coordA.get(page(module, ''));
    expect(editor.text).to.match(/<option value="lessons-first"[^>]*selected/).and.contain(t('vi', 'module_order_free'));
    expect((await w.post(w.as.coordA, page(module, ''), { ...form, order: 'free' })).status).to.equal(303);
    expect((await reload(module)).draft.order).to.equal('free');
    expect((await w.as.coordA.get(page(module, ''))).text).to.match(/<option value="free"[^>]*selected/);
    expect((await w.post(w.as.coordA, page(module, ''), { ...form, order: 'quiz-first' })).status).to.equal(422);
    expect((await reload(module)).draft.order).to.equal('free');
  });

  it('publishing makes versions: an edit after publishing marks the draft dirty, publishing again makes version 2, version 1 is unchanged', async () => {
    const module = await buildModule(db(), w.units.A1._id);
    expect((await w.post(w.as.coordA, page(module, '/publish'), {})).status).to.equal(303);
    expect(await reload(module)).to.include({ publishedVersion: 1, draftDirty: false });
    const title = module.draft.title;
    expect((await w.post(w.as.coordA, page(module, ''), { title: 'Tên mới sau xuất bản', topic: 'ky-luat', description: 'Mô tả mới', estimatedMinutes: '25' })).status).to.equal(303);
    expect(await reload(module)).to.include({ publishedVersion: 1, draftDirty: true });
    expect((await w.as.coordA.get('/authoring')).text).to.include(t('vi', 'module_draft_dirty'));
    expect((await w.post(w.as.coordA, page(module, '/publish'), {})).status).to.equal(303);
    expect(await reload(module)).to.include({ publishedVersion: 2, draftDirty: false });
    expect((await findVersion(db(), module._id, 1))!.content).to.include({ title, topic: 'thai-do' });
    expect((await findVersion(db(), module._id, 2))!.content).to.include({ title: 'Tên mới sau xuất bản', topic: 'ky-luat' });
    expect(await auditModel(db()).countDocuments({ action: 'module.publish', subjectId: module._id.toHexString() })).to.equal(2);
  });

  it('publishing is refused, listing the problems, with no items or a draw the active bank cannot satisfy', async () => {
    const empty = await buildModule(db(), w.units.A1._id, { items: [] });
    const refused = await w.post(w.as.coordA, page(empty, '/publish'), {});
    expect(refused.status).to.equal(409);
    expectMessage(refused, t('vi', 'module_publish_no_items'));
    await questionModel(db()).deleteMany({ topic: 'dao-duc' });
    await buildQuestion(db(), w.units.A._id, 'dao-duc');
    const retired = await buildQuestion(db(), w.units.A._id, 'dao-duc');
    await questionModel(db()).updateOne({ _id: retired._id }, { $set: { active: false } });
    const module = await buildModule(db(), w.units.A1._id, { items: [] });
    const quiz = { title: 'Kiểm tra đạo đức', 'draw_dao-duc': '2', passPercent: '80', attemptLimit: '3', cooldownMinutes: '10', timeLimitMinutes: '15', review: 'after-submit', shuffleOptions: 'on' };
    expect((await w.post(w.as.coordA, page(module, '/quizzes'), quiz)).status).to.equal(303);
    expect((await reload(module)).draft.items[0]).to.deep.include({ kind: 'quiz', key: 'kiem-tra-dao-duc', draw: [{ topic: 'dao-duc', count: 2 }], passPercent: 80, shuffleOptions: true });
    const short = await w.post(w.as.coordA, page(module, '/publish'), {});
    expect(short.status).to.equal(409);
    expectMessage(short, t('vi', 'module_publish_draw_short', { quiz: 'Kiểm tra đạo đức', count: 2, available: 1, topic: t('vi', 'topic_dao_duc') }));
    expect((await reload(module)).publishedVersion).to.equal(0);
    await buildQuestion(db(), w.units.A._id, 'dao-duc');
    expect((await w.post(w.as.coordA, page(module, '/publish'), {})).status).to.equal(303);
    expect((await reload(module)).publishedVersion).to.equal(1);
  });

  it('the preview shows the draft as an officer would, with a sample draw, and records nothing', async () => {
    await buildQuestion(db(), w.units.A._id, 'trang-phuc');
    const items = [
      { kind: 'lesson' as const, key: 'bai-1', title: 'Trang phục nơi công sở', body: '<p>Mặc lịch sự</p>', attachments: [] },
      { kind: 'quiz' as const, key: 'kiem-tra', title: 'Kiểm tra trang phục', draw: [{ topic: 'trang-phuc' as const, count: 1 }], passPercent: 80, attemptLimit: 0, cooldownMinutes: 0, timeLimitMinutes: 0, review: 'after-submit' as const, shuffleOptions: true },
    ];
    const module = await buildModule(db(), w.units.A1._id, { items });
    const recorded = async () => [await attemptModel(db()).countDocuments(), await progressModel(db()).countDocuments(), await learningEventModel(db()).countDocuments()];
    const before = await recorded();
    const reply = await w.as.coordA.get(page(module, '/preview'));
    expect(reply.status).to.equal(200);
    expectMessage(reply, t('vi', 'preview_banner'));
    expect(reply.text).to.include('<p>Mặc lịch sự</p>');
    expect(reply.text).to.match(/Câu hỏi thử \d+\?/);
    expect(await recorded()).to.deep.equal(before);
    expect((await w.as.coordB.get(page(module, '/preview'))).status).to.equal(403);
  });

  it('archiving hides a module from the current list and is audited; unarchiving brings it back', async () => {
    const module = await buildModule(db(), w.units.A1._id);
    expect((await w.post(w.as.coordA, page(module, '/archive'), { archived: 'on' })).status).to.equal(303);
    expect((await reload(module)).archived).to.equal(true);
    expect((await w.as.coordA.get('/authoring')).text).not.to.include(module.code);
    expect((await w.as.coordA.get('/authoring?archived=1')).text).to.include(module.code);
    expect(await auditModel(db()).countDocuments({ action: 'module.archive', subjectId: module._id.toHexString() })).to.equal(1);
    await w.post(w.as.coordA, page(module, '/archive'), { archived: 'off' });
    expect((await reload(module)).archived).to.equal(false);
  });

  it("a coordinator cannot see, edit or publish another subtree's module; managers and officers cannot author at all", async () => {
    const module = await buildModule(db(), w.units.A1._id);
    for (const client of [w.as.coordB, w.as.manager, w.as.officer]) {
      expect((await client.get(page(module))).status).to.equal(403);
      expect((await w.post(client, page(module), { title: 'Chiếm quyền', topic: 'thai-do', description: '', estimatedMinutes: '5' })).status).to.equal(403);
      expect((await w.post(client, page(module, '/publish'), {})).status).to.equal(403);
      expect((await w.post(client, page(module, '/lessons'), { title: 'Chen', body: '<p>x</p>' })).status).to.equal(403);
    }
    expect(await reload(module)).to.deep.include({ publishedVersion: 0, draft: module.draft });
    expect((await w.as.manager.get('/authoring')).status).to.equal(403);
    expect((await w.as.officer.get('/authoring')).status).to.equal(403);
    expect((await w.as.admin.get(page(module))).status).to.equal(200);
  });
});
