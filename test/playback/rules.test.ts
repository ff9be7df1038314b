/**
 * The SCORM rules the platform applies to what real exporters send (issue #14, defects 2,
 * 3 and 4), over HTTP with the packages of the exporter catalogue: an Adapt course that
 * leaves exit empty resumes; SCOs that only call LMSInitialize / LMSFinish complete, and
 * a multi-SCO package completes its module item when all of them have; the manifest's
 * mastery score is given to the SCO and decides passed / failed (SCORM 2004: the scaled
 * passing score and the completion threshold); package pages get the storage stand-in;
 * a popup SCO keeps its opener; the province's trusted media hosts reach the content CSP;
 * a package item is completed by its rule (viewed / completed / passed / score ≥ N, by
 * default per content type).
 */
import { expect } from 'chai';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { attemptModel, type PackageAttempt } from '../../server/playback/model';
import { verifyPlaybackToken } from '../../server/playback/tokens';
import { progressModel, type ModuleProgress } from '../../server/progress/model';
import type { ContentPackage } from '../../server/packages/model';
import { zipOf } from '../packages/fixtures/build';
import { adapt, h5pContent, h5pInScorm, ispring, minimumCalls, storyline } from '../packages/fixtures/exporters';
import { parseEnv } from '../../server/env';
import { moduleModel } from '../../server/modules/model';
import { buildPeople, open, PASSWORD, storeBytes, type People } from './support';

describe('package playback: rules for what exporters send', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let people: People;
  let officer: Client;
  let officerB: Client;

  before(async () => {
    tp = await startTestPlatform('playback-rules', { CONTENT_TRUSTED_MEDIA_HOSTS: 'https://video.tinh.gov.vn, https://*.youtube.com' });
    people = await buildPeople(tp);
    officer = tp.client();
    await officer.signIn('officer.a', PASSWORD);
    officerB = tp.client();
    await officerB.signIn('officer.b', PASSWORD);
  });
  after(() => tp?.close());

  const attemptOf = (token: string) => attemptModel(tp.platform.services.db).findById(verifyPlaybackToken(token, tp.platform.services.secret)!.att).lean<PackageAttempt>();
  function commit(token: string, body: unknown) {
    return fetch(`${tp.contentBase}/commit/${token}`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', origin: tp.platform.services.config.CONTENT_ORIGIN }, body: JSON.stringify(body) });
  }
  /** What the player page hands scorm-again (its data-player attribute). */
  async function launchOf(token: string): Promise<{ entry: string; mode: string; cmi: Record<string, unknown> }> {
    const html = await (await fetch(`${tp.contentBase}/play/${token}`)).text();
    const attribute = /data-player="([^"]*)"/.exec(html)![1]!.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
    return (JSON.parse(attribute) as { launch: { entry: string; mode: string; cmi: Record<string, unknown> } }).launch;
  }

  it('an Adapt course (SCORM 1.2) that finishes with exit "" while incomplete resumes at the next opening', async () => {
    const record = await storeBytes(tp, people, await zipOf(adapt()), 'adapt.zip');
    const first = await open(officer, record._id);
    expect((await launchOf(first.token)).entry).to.equal('ab-initio');
    const cmi = { core: { lesson_status: 'incomplete', lesson_location: 'co-05', exit: '', session_time: '00:02:00', score: { raw: '', min: '', max: '' } }, suspend_data: 'c:1,b:2,q:[1,0,1]' };
    expect((await commit(first.token, { cmi, commitSequence: 1, final: true })).status).to.equal(200);
    expect(await attemptOf(first.token)).to.include({ status: 'active', completion: 'incomplete', exit: '' });
    const second = await open(officer, record._id);
    expect(await attemptOf(second.token)).to.include({ number: 1, session: 2 });
    const launch = await launchOf(second.token);
    expect(launch.entry).to.equal('resume');
    expect(launch.cmi).to.deep.include({ suspend_data: 'c:1,b:2,q:[1,0,1]' });
    expect((launch.cmi['core'] as Record<string, unknown>)['lesson_location']).to.equal('co-05');
    // "logout" is the package saying the attempt is over
    await commit(second.token, { cmi: { ...cmi, core: { ...cmi.core, exit: 'logout' } }, commitSequence: 1, final: true });
    expect(await attemptOf(second.token)).to.include({ status: 'finished' });
  });

  it('issue #15 defect 6: reopening a completed SCORM item reviews that attempt; the results keep one row, no "Đang học"', async () => {
    // a package of its own (one more file: another sha256), so the results list only this test's attempts
    const record = await storeBytes(tp, people, await zipOf({ ...adapt(), 'review.txt': 'xem lại' }), 'adapt-review.zip');
    const first = await open(officerB, record._id);
    const cmi = { core: { lesson_status: 'completed', lesson_location: 'co-09', exit: '', session_time: '00:03:00', score: { raw: '90', min: '0', max: '100' } }, suspend_data: 'c:9' };
    // the commit that completes the item says so (the player tells the platform page: defect 6a)
    expect(await (await commit(first.token, { cmi, commitSequence: 1, final: true })).json()).to.deep.equal({ result: true, errorCode: 0, itemDone: true });
    const done = (await attemptOf(first.token))!;
    expect(done).to.include({ number: 1, status: 'finished', completion: 'completed' });
    for (let i = 0; i < 2; i++) {
      const again = await open(officerB, record._id);
      expect(again.status).to.equal(200);
      // the same attempt, untouched, shown read-only with its saved state
      expect(String((await attemptOf(again.token))!._id)).to.equal(String(done._id));
      const launch = await launchOf(again.token);
      expect(launch).to.deep.include({ entry: '', mode: 'review' });
      expect(launch.cmi).to.deep.include({ suspend_data: 'c:9' });
      expect(launch.cmi['core']).to.deep.include({ lesson_status: 'completed', lesson_location: 'co-09' });
      // what the SCO commits during the review is answered as success and not kept
      const reply = await commit(again.token, { cmi: { ...cmi, core: { ...cmi.core, lesson_status: 'incomplete', lesson_location: 'co-01' } }, commitSequence: 1, final: true });
      expect(await reply.json()).to.deep.equal({ result: true, errorCode: 0 });
    }
    const after = await attemptModel(tp.platform.services.db).find({ packageId: record._id }).lean<PackageAttempt[]>();
    expect(after.map((a) => ({ number: a.number, completion: a.completion, location: a.location, commits: a.commits }))).to.deep.equal([{ number: 1, completion: 'completed', location: 'co-09', commits: 1 }]);
    const coordinator = tp.client();
    await coordinator.signIn('coord.play', PASSWORD);
    const page = await coordinator.get(`/authoring/packages/${record._id.toHexString()}/results`);
    expect(page.status).to.equal(200);
    const rows = page.text.match(/<tr>\s*<th scope="row">[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).to.have.length(1);
    expect(rows[0]).to.contain('Trần Thị Bình').and.contain('Đã hoàn thành').and.not.contain('Đang học');
    // the review page offers a new attempt; asked for explicitly, attempt 2 starts from the beginning
    const review = await open(officerB, record._id);
    expect(review.text).to.contain('id="package-review"');
    const itemPage = `/learn/modules/${done.context!.moduleId.toHexString()}/items/${done.context!.itemKey}`;
    const started = await officerB.submit(`${itemPage}/new-attempt`, {}, itemPage);
    expect(started.status).to.equal(303);
    expect(started.location).to.equal(itemPage);
    const fresh = await open(officerB, record._id);
    expect(fresh.text).to.not.contain('id="package-review"');
    expect(await attemptOf(fresh.token)).to.include({ number: 2, status: 'active' });
    expect((await launchOf(fresh.token)).entry).to.equal('ab-initio');
    // and it is the one continued: no attempt 3
    const continued = await open(officerB, record._id);
    expect(await attemptOf(continued.token)).to.include({ number: 2 });
  });

  it('SCORM 2004 follows cmi.exit: "suspend" resumes, "" ends the attempt', async () => {
    const record = await storeBytes(tp, people, await zipOf(ispring()), 'ispring.zip');
    const first = await open(officerB, record._id);
    await commit(first.token, { cmi: { completion_status: 'incomplete', exit: 'suspend', suspend_data: 's1' }, commitSequence: 1, final: true });
    const second = await open(officerB, record._id);
    expect((await launchOf(second.token)).entry).to.equal('resume');
    await commit(second.token, { cmi: { completion_status: 'incomplete', exit: '', suspend_data: 's2' }, commitSequence: 1, final: true });
    expect(await attemptOf(second.token)).to.include({ status: 'finished' });
    const third = await open(officerB, record._id);
    expect(await attemptOf(third.token)).to.include({ number: 2 });
    expect((await launchOf(third.token)).entry).to.equal('ab-initio');
  });

  it('minimum-calls SCOs (LMSInitialize / LMSFinish only) complete; the 9-SCO package completes its item when all nine have', async () => {
    const record: ContentPackage = await storeBytes(tp, people, await zipOf(minimumCalls(9)), 'minimum-calls.zip');
    expect(record.scos).to.have.length(9);
    for (const [n, sco] of record.scos.entries()) {
      const opened = await open(officer, record._id, `?sco=${sco.identifier}`);
      expect(opened.status).to.equal(200);
      // what scorm-again sends when a SCO set nothing: the initial status, exit ""
      const cmi = { core: { lesson_status: 'not attempted', exit: '', lesson_location: '', session_time: '00:00:03', score: { raw: '', min: '', max: '' } }, suspend_data: '' };
      await commit(opened.token, { cmi, commitSequence: 1, final: true });
      const attempt = (await attemptOf(opened.token))!;
      expect(attempt, sco.identifier).to.include({ lessonStatus: 'completed', completion: 'completed', status: 'finished' });
      const progress = await progressModel(tp.platform.services.db).findOne({ officerId: people.officerId, moduleId: attempt.context!.moduleId }).lean<ModuleProgress>();
      expect(progress!.doneItems, `after SCO ${n + 1}`).to.deep.equal(n === 8 ? ['goi'] : []);
    }
  });

  it("the manifest's mastery score is given to the SCO and decides passed / failed from a score without a status", async () => {
    const record = await storeBytes(tp, people, await zipOf(h5pInScorm({ masteryScore: 80 })), 'h5p-scorm.zip');
    expect(record.scos[0]).to.include({ masteryScore: 80 });
    const cmi = (raw: string) => ({ core: { lesson_status: 'not attempted', exit: '', lesson_location: '', session_time: '00:00:30', score: { raw, min: '0', max: '100' } }, suspend_data: '' });
    const failing = await open(officer, record._id);
    expect((await launchOf(failing.token)).cmi).to.deep.include({ student_data: { mastery_score: '80' } });
    await commit(failing.token, { cmi: cmi('0'), commitSequence: 1, final: true });
    expect(await attemptOf(failing.token)).to.include({ lessonStatus: 'failed', success: 'failed', scoreRaw: 0 });
    const passing = await open(officerB, record._id);
    await commit(passing.token, { cmi: cmi('85'), commitSequence: 1, final: true });
    expect(await attemptOf(passing.token)).to.include({ lessonStatus: 'passed', success: 'passed', scoreRaw: 85 });
    // a package without a mastery score: a score alone passes nothing
    const plain = await storeBytes(tp, people, await zipOf(h5pInScorm()), 'h5p-scorm-plain.zip');
    const opened = await open(officer, plain._id);
    expect((await launchOf(opened.token)).cmi).to.not.have.property('student_data');
    await commit(opened.token, { cmi: cmi('0'), commitSequence: 1, final: true });
    expect(await attemptOf(opened.token)).to.include({ lessonStatus: 'completed', success: 'unknown' });
  });

  it('SCORM 2004: the scaled passing score and the completion threshold of the manifest decide the statuses', async () => {
    const files = ispring();
    files['imsmanifest.xml'] = String(files['imsmanifest.xml'])
      .replace('<imsss:deliveryControls', '<imsss:objectives><imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true"><imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives><imsss:deliveryControls')
      .replace('<title>Cải cách hành chính</title>', '<title>Cải cách hành chính</title><adlcp:completionThreshold>0.75</adlcp:completionThreshold>');
    const record = await storeBytes(tp, people, await zipOf(files), 'ispring-mastery.zip');
    expect(record.scos[0]).to.include({ scaledPassingScore: 0.6, completionThreshold: 0.75 });
    const opened = await open(officer, record._id);
    expect((await launchOf(opened.token)).cmi).to.include({ scaled_passing_score: '0.6', completion_threshold: '0.75' });
    await commit(opened.token, { cmi: { completion_status: 'completed', success_status: 'passed', progress_measure: '0.5', score: { scaled: '0.4' }, exit: 'suspend' }, commitSequence: 1 });
    expect(await attemptOf(opened.token)).to.include({ completion: 'incomplete', success: 'failed' });
    await commit(opened.token, { cmi: { completion_status: 'incomplete', success_status: 'unknown', progress_measure: '0.8', score: { scaled: '0.7' }, exit: 'suspend' }, commitSequence: 2 });
    expect(await attemptOf(opened.token)).to.include({ completion: 'completed', success: 'passed', scoreScaled: 0.7 });
  });

  it('package pages get the storage stand-in as their first script; other files are served as they are', async () => {
    const record = await storeBytes(tp, people, await zipOf(storyline()), 'storyline.zip');
    const { token } = await open(officer, record._id);
    const page = await fetch(`${tp.contentBase}/p/${token}/story.html`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
    const html = await page.text();
    expect(html.startsWith('<!doctype html><html lang="vi"><head><script src="/player/storage-shim.js"></script><meta charset="utf-8">'), html.slice(0, 200)).to.equal(true);
    const script = await fetch(`${tp.contentBase}/p/${token}/story_content/user.js`);
    expect(await script.text()).to.equal('function ExecuteScript(id) {}');
    expect((await fetch(`${tp.contentBase}/p/${token}/nowhere.html`)).status).to.equal(404);
    expect((await fetch(`${tp.contentBase}/player/storage-shim.js`)).status).to.equal(200);
  });

  it('a SCO that opens a popup keeps its opener: the player page allows popups, the content origin sends no opener policy', async () => {
    const record = await storeBytes(tp, people, await zipOf(storyline({ popup: true })), 'storyline-popup.zip');
    // the learning item page that frames the player (where the play page sends an officer)
    let item = await officer.get(`/packages/${record._id.toHexString()}/play`);
    if (item.status === 303 && item.location) item = await officer.get(item.location);
    expect(item.status).to.equal(200);
    expect(item.headers.get('cross-origin-opener-policy')).to.equal('same-origin-allow-popups');
    const opened = await open(officer, record._id);
    const home = await officer.get('/');
    expect(home.headers.get('cross-origin-opener-policy'), 'other platform pages keep same-origin').to.equal('same-origin');
    const popup = await fetch(`${tp.contentBase}/p/${opened.token}/story.html`);
    expect(popup.headers.get('cross-origin-opener-policy')).to.equal(null);
    expect((await fetch(`${tp.contentBase}/play/${opened.token}`)).headers.get('cross-origin-opener-policy')).to.equal(null);
  });

  it("the province's trusted media hosts are allowed on the content origin only, for media, fonts and embeds, never for connections", async () => {
    const record = await storeBytes(tp, people, await zipOf(adapt()), 'adapt-media.zip');
    const { token, csp: platformCsp } = await open(officerB, record._id);
    expect(platformCsp).to.not.contain('video.tinh.gov.vn');
    const csp = (await fetch(`${tp.contentBase}/p/${token}/index.html`)).headers.get('content-security-policy')!;
    const directive = (name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? '';
    for (const name of ['media-src', 'font-src', 'img-src', 'frame-src', 'script-src', 'style-src']) expect(directive(name), name).to.contain('https://video.tinh.gov.vn').and.contain('https://*.youtube.com');
    expect(directive('connect-src')).to.equal("connect-src 'self'");
    // empty by default; anything that is not an origin is refused at start-up
    expect(parseEnv({ NODE_ENV: 'test' }).CONTENT_TRUSTED_MEDIA_HOSTS).to.deep.equal([]);
    expect(() => parseEnv({ NODE_ENV: 'test', CONTENT_TRUSTED_MEDIA_HOSTS: "https://ok.vn, 'unsafe-inline'" })).to.throw(/CONTENT_TRUSTED_MEDIA_HOSTS/);
    expect(() => parseEnv({ NODE_ENV: 'test', CONTENT_TRUSTED_MEDIA_HOSTS: 'https://a.vn; script-src *' })).to.throw(/CONTENT_TRUSTED_MEDIA_HOSTS/);
  });

  /** Posts an xAPI statement of the whole content (no parent) as the H5P player does. */
  function xapi(token: string, seq: number, verb: string, result: Record<string, unknown>) {
    const statement = { verb: { id: `http://adlnet.gov/expapi/verbs/${verb}` }, object: { id: 'http://example/h5p' }, result };
    return fetch(`${tp.contentBase}/xapi/${token}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: tp.platform.services.config.CONTENT_ORIGIN }, body: JSON.stringify({ seq, statement, state: null }) });
  }
  async function doneItems(token: string): Promise<string[]> {
    const attempt = (await attemptOf(token))!;
    const progress = await progressModel(tp.platform.services.db).findOne({ officerId: attempt.officerId, moduleId: attempt.context!.moduleId }).lean<ModuleProgress>();
    return progress!.doneItems;
  }

  it('an unscored H5P item (Accordion, Dialogcards, GuessTheAnswer) is completed once opened, by default', async () => {
    for (const type of ['Accordion', 'Dialogcards', 'GuessTheAnswer'] as const) {
      const record = await storeBytes(tp, people, await zipOf(h5pContent(type)), `${type}.h5p`);
      const opened = await open(officer, record._id);
      expect(opened.status).to.equal(200);
      expect(await doneItems(opened.token), type).to.deep.equal(['goi']);
    }
    // a scored type is not done by being opened
    const quiz = await storeBytes(tp, people, await zipOf(h5pContent('MultiChoice')), 'MultiChoice.h5p');
    expect(await doneItems((await open(officer, quiz._id)).token)).to.deep.equal([]);
  });

  it('a scored H5P reporting completion without a pass mark follows the default (score ≥ 50 %), not "completed"', async () => {
    const record = await storeBytes(tp, people, await zipOf(h5pContent('CoursePresentation')), 'CoursePresentation.h5p');
    const { token } = await open(officer, record._id);
    await xapi(token, 1, 'completed', { completion: true, score: { raw: 1, max: 8, scaled: 0.125 } });
    expect(await attemptOf(token)).to.include({ completion: 'completed', scoreScaled: 0.125 });
    expect(await doneItems(token), '12.5 % is not done').to.deep.equal([]);
    await xapi(token, 2, 'completed', { completion: true, score: { raw: 5, max: 8, scaled: 0.625 } });
    expect(await doneItems(token)).to.deep.equal(['goi']);
  });

  it("the item's own rule: score ≥ N, passed, viewed — and the coordinator sets it on the item page", async () => {
    const scored = await storeBytes(tp, people, await zipOf(h5pContent('QuestionSet')), 'QuestionSet.h5p', true, { completion: 'score', minScore: 80 });
    const first = await open(officerB, scored._id);
    await xapi(first.token, 1, 'completed', { completion: true, success: true, score: { raw: 7, max: 10, scaled: 0.7 } });
    expect(await doneItems(first.token), 'passed at 70 % is below the item’s 80 %').to.deep.equal([]);
    await xapi(first.token, 2, 'answered', { completion: true, success: true, score: { raw: 9, max: 10, scaled: 0.9 } });
    expect(await doneItems(first.token)).to.deep.equal(['goi']);

    const passed = await storeBytes(tp, people, await zipOf(ispring()), 'ispring-passed.zip', true, { completion: 'passed' });
    const second = await open(officerB, passed._id);
    await commit(second.token, { cmi: { completion_status: 'completed', success_status: 'unknown', exit: 'suspend' }, commitSequence: 1 });
    expect(await doneItems(second.token)).to.deep.equal([]);
    await commit(second.token, { cmi: { completion_status: 'completed', success_status: 'passed', exit: 'suspend' }, commitSequence: 2 });
    expect(await doneItems(second.token)).to.deep.equal(['goi']);

    const viewed = await storeBytes(tp, people, await zipOf(adapt()), 'adapt-viewed.zip', true, { completion: 'viewed' });
    expect(await doneItems((await open(officerB, viewed._id)).token)).to.deep.equal(['goi']);

    // the coordinator's item page: the rule and N are saved; 'score' without N is refused
    const coordinator = tp.client();
    await coordinator.signIn('coord.play', PASSWORD);
    const attempt = (await attemptOf(first.token))!;
    const page = `/authoring/modules/${attempt.context!.moduleId.toHexString()}/items/goi`;
    const form = await coordinator.get(page);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('name="completion"').and.contain('Điểm đạt ít nhất N %');
    const refused = await coordinator.submit(page, { title: 'Bộ câu hỏi', completion: 'score', minScore: '' }, page);
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('aria-invalid="true"');
    const saved = await coordinator.submit(page, { title: 'Bộ câu hỏi', completion: 'passed', minScore: '' }, page);
    expect(saved.status).to.equal(303);
    const module = await moduleModel(tp.platform.services.db).findById(attempt.context!.moduleId).lean<{ draft: { items: Record<string, unknown>[] } }>();
    expect(module!.draft.items[0]).to.include({ completion: 'passed', title: 'Bộ câu hỏi' }).and.not.have.property('minScore');
  });
});
