/**
 * Question pools in the authoring pages: a question tagged with module codes on the form
 * and in the Excel import; a quiz set to draw only its module's questions, refused at
 * publishing while that pool is too small, whatever the topic bank holds.
 */
import { expect } from 'chai';
import { trusted } from 'mongoose';
import { t } from '../../server/i18n';
import { moduleModel, type LearningModule } from '../../server/modules/model';
import { questionModel, type Question } from '../../server/questions/model';
import { buildModule, buildQuestion, QUESTION_HEADER, questionRow, questionWorkbook } from './helpers';
import { buildAuthoringWorld, expectMessage, type AuthoringWorld } from './world';

const single = { topic: 'giao-tiep', kind: 'single', prompt: 'Công chức xưng hô với công dân thế nào?', option_a: 'Lịch sự, đúng mực', option_b: 'Tùy hứng', correct_a: 'on', explanation: 'Quy tắc 4 xin, 4 luôn.', source: 'Mục II.2.a' };

describe('authoring: question pools per module', function () {
  this.timeout(60_000);
  let w: AuthoringWorld;
  const db = () => w.tp.platform.services.db;
  const page = (m: LearningModule, rest = '') => `/authoring/modules/${m._id.toHexString()}${rest}`;
  const reload = async (m: LearningModule) => (await moduleModel(db()).findById(m._id).lean<LearningModule>())!;

  before(async () => {
    w = await buildAuthoringWorld('authoring-pools');
  });
  after(() => w.tp.close());

  it('the question form takes the module codes a question belongs to, and refuses malformed ones', async () => {
    const reply = await w.post(w.as.coordA, '/authoring/questions', { ...single, ref: 'pool-form-1', pools: 'gt-a1, KHAC;gt-a1' });
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    expect((await questionModel(db()).findOne({ ref: 'pool-form-1' }).lean<Question>())!.pools).to.deep.equal(['GT-A1', 'KHAC']);
    const edit = await w.as.coordA.get(reply.location!);
    expect(edit.text).to.contain('value="GT-A1, KHAC"');
    const bad = await w.post(w.as.coordA, '/authoring/questions', { ...single, ref: 'pool-form-2', pools: 'mã có dấu' });
    expect(bad.status).to.equal(422);
    expectMessage(bad, t('vi', 'question_pools_invalid'));
    expect(await questionModel(db()).countDocuments({ ref: 'pool-form-2' })).to.equal(0);
  });

  it('the Excel import reads the column «Thuộc học phần»', async () => {
    const rows = [[...questionRow({ ref: 'pool-xlsx-1' }), 'GT-A1'], [...questionRow({ ref: 'pool-xlsx-2' }), '']];
    const reply = await w.upload(w.as.coordA, '/authoring/questions/import', { name: 'cau-hoi.xlsx', content: await questionWorkbook(rows, [...QUESTION_HEADER, 'Thuộc học phần']) });
    expect(reply.status, reply.text.slice(0, 1000)).to.equal(200);
    const stored = await questionModel(db()).find({ ref: trusted({ $in: ['pool-xlsx-1', 'pool-xlsx-2'] }) }).sort({ ref: 1 }).lean<Question[]>();
    expect(stored.map((q) => q.pools)).to.deep.equal([['GT-A1'], []]);
  });

  it("a quiz drawing only its module's questions is refused at publishing until the pool holds enough", async () => {
    const module = await buildModule(db(), w.units.A1._id, { items: [], topic: 'ky-luat' });
    // the topic bank is large; the module's own pool is not
    for (let i = 0; i < 5; i++) await buildQuestion(db(), w.units.A._id, 'ky-luat');
    const own = await buildQuestion(db(), w.units.A._id, 'ky-luat');
    await questionModel(db()).updateOne({ _id: own._id }, { $set: { pools: [module.code] } });
    const quiz = { title: 'Kiểm tra kỷ luật', 'draw_ky-luat': '2', passPercent: '80', attemptLimit: '3', cooldownMinutes: '10', timeLimitMinutes: '15', review: 'after-pass', shuffleOptions: 'on', ownPool: 'on' };
    expect((await w.post(w.as.coordA, page(module, '/quizzes'), quiz)).status).to.equal(303);
    const item = (await reload(module)).draft.items[0]!;
    expect(item).to.deep.include({ kind: 'quiz', review: 'after-pass', draw: [{ topic: 'ky-luat', count: 2, pool: module.code }] });
    const editor = await w.as.coordA.get(page(module));
    expect(editor.text).to.contain(t('vi', 'quiz_pool_has', { n: 1 }));
    const short = await w.post(w.as.coordA, page(module, '/publish'), {});
    expect(short.status).to.equal(409);
    expectMessage(short, t('vi', 'module_publish_pool_short', { quiz: 'Kiểm tra kỷ luật', count: 2, available: 1, pool: module.code, topic: t('vi', 'topic_ky_luat') }));
    const another = await buildQuestion(db(), w.units.A._id, 'ky-luat');
    await questionModel(db()).updateOne({ _id: another._id }, { $set: { pools: [module.code] } });
    expect((await w.post(w.as.coordA, page(module, '/publish'), {})).status).to.equal(303);
    expect((await reload(module)).publishedVersion).to.equal(1);
  });
});
