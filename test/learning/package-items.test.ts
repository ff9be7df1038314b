/**
 * Packages as module items over HTTP: the completion rule, the learning item page (a
 * playback attempt with the module context), commits rolling the item into
 * module_progress once (duplicates and reordering count nothing twice; previews never
 * count; the package score stays out of the quiz score), and the authoring side (adding a
 * package the author may use, editing its title, the preview, the bundle export).
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { attemptModel, type PackageAttempt } from '../../server/playback/model';
import { verifyPlaybackToken } from '../../server/playback/tokens';
import { packageAttemptDone } from '../../server/progress/packages';
import { learningEventModel, progressModel, type ModuleProgress } from '../../server/progress/model';
import { moduleModel, type LearningModule, type PackageItem } from '../../server/modules/model';
import type { ContentPackage } from '../../server/packages/model';
import { buildUnit } from '../factories';
import { buildPeople, IN_HOUSE_H5P, IN_HOUSE_SCORM12, PASSWORD, storeBytes, storeFolder, type People } from '../playback/support';
import { scorm12Files, scorm2004Files, zipOf } from '../packages/fixtures/build';
import { buildPublishedModule, lesson } from './fixtures';

describe('packages as module items', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let people: People;
  let scorm12: ContentPackage;
  let h5p: ContentPackage;
  let moduleId: Types.ObjectId;
  let officer: Client;
  let coordinator: Client;

  const packageItem = (key: string, record: ContentPackage): PackageItem => ({ kind: 'package', key, title: `Gói ${key}`, packageId: record._id, sco: null });

  before(async () => {
    tp = await startTestPlatform('package-items');
    people = await buildPeople(tp);
    scorm12 = await storeFolder(tp, people, IN_HOUSE_SCORM12, false);
    h5p = await storeFolder(tp, people, IN_HOUSE_H5P, false);
    ({ moduleId } = await buildPublishedModule(tp.platform.services.db, { items: [lesson('bai-1'), packageItem('goi-scorm', scorm12)], ownerUnitId: people.unitId }));
    officer = tp.client();
    await officer.signIn('officer.a', PASSWORD);
    coordinator = tp.client();
    await coordinator.signIn('coord.play', PASSWORD);
  });
  after(async () => {
    await tp?.close();
  });

  const db = () => tp.platform.services.db;
  const progressOf = (officerId: Types.ObjectId) => progressModel(db()).findOne({ officerId, moduleId }).lean<ModuleProgress>();
  const itemPage = `/learn/modules/${'MODULE'}/items/goi-scorm`;
  const pageOf = () => itemPage.replace('MODULE', moduleId.toHexString());
  function commit(token: string, seq: number, status: string, raw = '') {
    const cmi = { core: { lesson_status: status, lesson_location: '', exit: 'suspend', session_time: '00:00:10', score: { raw, min: '0', max: '100' } }, suspend_data: '' };
    return fetch(`${tp.contentBase}/commit/${token}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: tp.platform.services.config.CONTENT_ORIGIN }, body: JSON.stringify({ cmi, commitSequence: seq }) });
  }
  const tokenOf = (html: string) => (/<iframe id="package-player" src="[^"]+\/play\/([^"]+)"/.exec(html) ?? [])[1] ?? '';

  it('the completion rule: SCORM 1.2 completed / passed, 2004 completed and not failed, H5P completed', () => {
    const cases: [PackageAttempt['kind'], PackageAttempt['completion'], PackageAttempt['success'], boolean][] = [
      ['scorm12', 'completed', 'unknown', true], // lesson_status completed
      ['scorm12', 'completed', 'passed', true], // passed
      ['scorm12', 'completed', 'failed', false], // failed
      ['scorm12', 'incomplete', 'unknown', false],
      ['scorm2004', 'completed', 'passed', true],
      ['scorm2004', 'completed', 'unknown', true],
      ['scorm2004', 'completed', 'failed', false],
      ['scorm2004', 'incomplete', 'passed', false],
      ['h5p', 'completed', 'failed', true],
      ['h5p', 'unknown', 'passed', false],
    ];
    for (const [kind, completion, success, done] of cases) expect(packageAttemptDone({ kind, completion, success }), `${kind} ${completion} ${success}`).to.equal(done);
  });

  it('the item page before the module is started leads to the module page', async () => {
    const reply = await officer.get(pageOf());
    expect(reply.status).to.equal(303);
    expect(reply.location).to.equal(`/learn/modules/${moduleId.toHexString()}`);
  });

  it('a package item: the player with a module-context attempt; completion counts once, score stays out of the quiz score', async () => {
    await officer.submit(`/learn/modules/${moduleId.toHexString()}/start`, {}, '/learn');
    const page = await officer.get(pageOf());
    expect(page.status, page.text.slice(0, 300)).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.contain(`frame-src ${tp.platform.services.config.CONTENT_ORIGIN}`);
    // the "done" notice waits hidden for public/js/package-item.js
    expect(page.text).to.match(/id="package-item-done" hidden>/);
    const token = tokenOf(page.text);
    const attempt = (await attemptModel(db()).findById(verifyPlaybackToken(token, tp.platform.services.secret)!.att).lean<PackageAttempt>())!;
    expect(attempt.preview).to.equal(false);
    expect(String(attempt.context?.moduleId)).to.equal(moduleId.toHexString());
    expect(attempt.context).to.include({ itemKey: 'goi-scorm' });

    expect((await commit(token, 1, 'incomplete')).status).to.equal(200);
    expect((await progressOf(people.officerId))!.doneItems).to.deep.equal([]);
    // failed is not done
    await commit(token, 2, 'failed', '30');
    expect((await progressOf(people.officerId))!.doneItems).to.deep.equal([]);
    await commit(token, 3, 'passed', '90');
    // a duplicate, a late older commit and a later one: nothing counts twice or undoes it
    await commit(token, 3, 'passed', '90');
    await commit(token, 2, 'incomplete');
    await commit(token, 4, 'passed', '100');
    const progress = (await progressOf(people.officerId))!;
    expect(progress.doneItems).to.deep.equal(['goi-scorm']);
    expect(progress.percent).to.equal(50);
    expect(progress.bestScore).to.equal(null);
    expect(progress.attempts).to.equal(0);
    const events = await learningEventModel(db()).find({ officerId: people.officerId, moduleId, type: 'package_completed' }).lean();
    expect(events).to.have.length(1);
    const again = await officer.get(pageOf());
    expect(again.text).to.match(/id="package-item-done"\s*>/);
    // the lesson finishes the module
    await officer.submit(`/learn/modules/${moduleId.toHexString()}/items/bai-1/done`, {}, `/learn/modules/${moduleId.toHexString()}/items/bai-1`);
    expect((await progressOf(people.officerId))!).to.include({ status: 'completed', percent: 100 });
  });

  it('a multi-SCO package item (no SCO named) is done when every SCO is completed', async () => {
    const two = await storeBytes(tp, people, await zipOf(scorm2004Files()), 'hai-phan.zip', false);
    const { moduleId: multi } = await buildPublishedModule(db(), { items: [packageItem('hai-phan', two)], ownerUnitId: people.unitId });
    const base = `/learn/modules/${multi.toHexString()}`;
    await officer.submit(`${base}/start`, {}, '/learn');
    const progress = () => progressModel(db()).findOne({ officerId: people.officerId, moduleId: multi }).lean<ModuleProgress>();
    const commit2004 = (token: string) =>
      fetch(`${tp.contentBase}/commit/${token}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: tp.platform.services.config.CONTENT_ORIGIN }, body: JSON.stringify({ cmi: { completion_status: 'completed', success_status: 'passed', exit: 'suspend', session_time: 'PT10S' }, commitSequence: 1 }) });
    const first = await officer.get(`${base}/items/hai-phan`);
    expect(first.text).to.contain('?sco=I2');
    expect((await commit2004(tokenOf(first.text))).status).to.equal(200);
    expect((await progress())!.doneItems).to.deep.equal([]);
    const second = await officer.get(`${base}/items/hai-phan?sco=I2`);
    expect((await commit2004(tokenOf(second.text))).status).to.equal(200);
    expect((await progress())!).to.deep.include({ doneItems: ['hai-phan'], status: 'completed' });
  });

  it("a coordinator's preview of the package counts for nobody", async () => {
    const page = await coordinator.get(`/packages/${scorm12._id.toHexString()}/play`);
    expect(page.status).to.equal(200);
    await commit(tokenOf(page.text), 1, 'passed', '100');
    expect(await progressModel(db()).countDocuments({ moduleId, status: 'completed' })).to.equal(1);
  });

  it('an officer opens /packages/:id/play only through a module they started: sent to its item, else 403', async () => {
    const sent = await officer.get(`/packages/${scorm12._id.toHexString()}/play`);
    expect(sent.status).to.equal(303);
    expect(sent.location).to.equal(pageOf());
    expect((await officer.get(`/packages/${h5p._id.toHexString()}/play`)).status).to.equal(403);
    const officerB = tp.client();
    await officerB.signIn('officer.b', PASSWORD);
    const refused = await officerB.get(`/packages/${scorm12._id.toHexString()}/play`);
    expect(refused.status).to.equal(403);
    expect(refused.text).to.contain('không thuộc học phần nào');
  });

  it('authoring: add a package the author may use, refuse another unit’s, edit the title, preview, bundle export with both packages', async () => {
    const id = moduleId.toHexString();
    const editor = await coordinator.get(`/authoring/modules/${id}`);
    expect(editor.text).to.contain('action="/authoring/modules/' + id + '/packages"').and.contain(h5p.title);
    const added = await coordinator.submit(`/authoring/modules/${id}/packages`, { packageId: h5p._id.toHexString(), title: 'Bài tập tương tác' }, `/authoring/modules/${id}`);
    expect(added.status, added.text.replace(/[\s\S]*<main/, '').slice(0, 800)).to.equal(303);
    let module = (await moduleModel(db()).findById(moduleId).lean<LearningModule>())!;
    const item = module.draft.items.at(-1) as PackageItem;
    expect(item).to.include({ kind: 'package', title: 'Bài tập tương tác', sco: null });
    expect(String(item.packageId)).to.equal(h5p._id.toHexString());

    const other = await buildUnit({ name: 'Sở khác' });
    const foreign = await storeBytes(tp, { ...people, unitId: other._id }, await zipOf(scorm12Files({ 'khac.txt': 'khác' })), 'khac.zip', false);
    const refused = await coordinator.submit(`/authoring/modules/${id}/packages`, { packageId: foreign._id.toHexString(), title: 'Gói của đơn vị khác' }, `/authoring/modules/${id}`);
    expect(refused.status).to.equal(422);
    module = (await moduleModel(db()).findById(moduleId).lean<LearningModule>())!;
    expect(module.draft.items).to.have.length(3);

    const saved = await coordinator.submit(`/authoring/modules/${id}/items/${item.key}`, { title: 'Bài tập H5P' }, `/authoring/modules/${id}/items/${item.key}`);
    expect(saved.status).to.equal(303);
    module = (await moduleModel(db()).findById(moduleId).lean<LearningModule>())!;
    expect(module.draft.items.at(-1)).to.include({ title: 'Bài tập H5P', kind: 'package' });

    const preview = await coordinator.get(`/authoring/modules/${id}/preview`);
    expect(preview.text).to.contain('Bài tập H5P').and.contain('Gói H5P');

    // moved up like any item, the package id kept
    expect((await coordinator.submit(`/authoring/modules/${id}/items/${item.key}/move`, { direction: 'up' }, `/authoring/modules/${id}`)).status).to.equal(303);
    module = (await moduleModel(db()).findById(moduleId).lean<LearningModule>())!;
    expect(module.draft.items.map((i) => i.key)).to.deep.equal(['bai-1', item.key, 'goi-scorm']);
    expect(String((module.draft.items[2] as PackageItem).packageId)).to.equal(scorm12._id.toHexString());

    // the bundle carries both packages (their import is tested in test/content/bundle.test.ts)
    const bundle = await coordinator.get(`/authoring/modules/${id}/bundle?draft=1`);
    expect(bundle.status).to.equal(200);
    expect(bundle.headers.get('content-type')).to.contain('zip');
    expect(new Set(bundle.text.match(/packages\/[0-9a-f]{64}/g)).size).to.equal(2);

    // removed like any item
    expect((await coordinator.submit(`/authoring/modules/${id}/items/${item.key}/remove`, {}, `/authoring/modules/${id}`)).status).to.equal(303);
    module = (await moduleModel(db()).findById(moduleId).lean<LearningModule>())!;
    expect(module.draft.items.map((i) => i.kind)).to.deep.equal(['lesson', 'package']);
  });
});
