/**
 * Package playback over HTTP: the platform page opens an attempt and frames the content
 * origin; the content origin serves the package's files (and nothing outside them) and
 * takes commits — duplicates and reordering change nothing, session time counts once,
 * another attempt's or a forged / expired token is refused with nothing written.
 */
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import { startTestPlatform, type Client, type TestPlatform } from '../http';
import { attemptModel, attemptSeconds, type PackageAttempt } from '../../server/playback/model';
import { xapiStatementModel, type XapiStatementRecord } from '../../server/playback/xapi-model';
import { onPackageProgress, type PackageResult } from '../../server/playback/results';
import { signPlaybackToken, verifyPlaybackToken } from '../../server/playback/tokens';
import { redactToken } from '../../server/playback/content-app';
import { signSession } from '../../server/auth/tokens';
import type { ContentPackage } from '../../server/packages/model';
import { scorm2004Files, zipOf } from '../packages/fixtures/build';
import { buildPeople, IN_HOUSE_H5P, IN_HOUSE_SCORM12, open, PASSWORD, storeBytes, storeFolder, type People } from './support';

describe('package playback: content origin, tokens, commits', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let people: People;
  let scorm12: ContentPackage;
  let scorm2004: ContentPackage;
  let h5p: ContentPackage;
  let officer: Client;
  let officerB: Client;
  const heard: PackageResult[] = [];
  let stopListening: () => void;

  before(async () => {
    tp = await startTestPlatform('playback');
    people = await buildPeople(tp);
    scorm12 = await storeFolder(tp, people, IN_HOUSE_SCORM12);
    scorm2004 = await storeBytes(tp, people, await zipOf(scorm2004Files()), 'hai-phan.zip');
    officer = tp.client();
    await officer.signIn('officer.a', PASSWORD);
    officerB = tp.client();
    await officerB.signIn('officer.b', PASSWORD);
    stopListening = onPackageProgress((result) => void heard.push(result));
  });
  after(async () => {
    stopListening?.();
    await tp?.close();
  });

  const attempts = () => attemptModel(tp.platform.services.db);
  const attemptOf = (token: string) => attempts().findById(verifyPlaybackToken(token, tp.platform.services.secret)!.att).lean<PackageAttempt>();
  /** POSTs to the content origin as the player would (Origin: the content origin). */
  function commit(token: string, body: unknown, options: { contentType?: string; origin?: string | null } = {}) {
    const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
    if (options.origin !== null) headers['origin'] = options.origin ?? tp.platform.services.config.CONTENT_ORIGIN;
    return fetch(`${tp.contentBase}/commit/${token}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  }
  const cmi12 = (values: { status?: string; location?: string; raw?: string; exit?: string; session?: string; suspend?: string }) => ({
    core: { lesson_status: values.status ?? 'incomplete', lesson_location: values.location ?? '', exit: values.exit ?? 'suspend', session_time: values.session ?? '00:00:00', score: { raw: values.raw ?? '', min: '0', max: '100' } },
    suspend_data: values.suspend ?? '',
  });

  it('the play page opens an attempt and frames the content origin; only this page may frame it', async () => {
    const page = await open(officer, scorm12._id);
    expect(page.status, page.text.slice(0, 300)).to.equal(200);
    const contentOrigin = tp.platform.services.config.CONTENT_ORIGIN;
    expect(contentOrigin).to.match(/^http:\/\/content\.localhost:\d+$/);
    expect(page.playerUrl.startsWith(`${contentOrigin}/play/`)).to.equal(true);
    expect(page.csp).to.contain(`frame-src ${contentOrigin}`).and.contain("script-src 'self'").and.not.contain('unsafe');
    const home = await officer.get('/');
    expect(home.headers.get('content-security-policy')).to.not.contain('content.localhost');
    const attempt = (await attemptOf(page.token))!;
    expect(attempt).to.include({ kind: 'scorm12', scoIdentifier: 'vhcv-4xin4luon', number: 1, session: 1, status: 'active', preview: false });
    expect(String(attempt.officerId)).to.equal(String(people.officerId));
  });

  it('the player page: loads scorm-again, framed only by the platform, no cookies', async () => {
    const { token } = await open(officer, scorm12._id);
    const reply = await fetch(`${tp.contentBase}/play/${token}`);
    const html = await reply.text();
    expect(reply.status).to.equal(200);
    // the players' scripts travel under content-hashed, immutable URLs (/player/h/<hash>/…)
    expect(html).to.match(/\/player\/h\/[\w-]+\/scorm-again\/scorm12\.min\.js/).and.match(/\/player\/h\/[\w-]+\/scorm-player\.js/);
    const csp = reply.headers.get('content-security-policy')!;
    expect(csp).to.contain(`frame-ancestors ${tp.base}`).and.contain("'unsafe-eval'");
    expect(reply.headers.get('x-frame-options')).to.equal(null);
    expect(reply.headers.get('set-cookie')).to.equal(null);
    expect(reply.headers.get('referrer-policy')).to.equal('no-referrer');
    const library = await fetch(`${tp.contentBase}/player/scorm-again/scorm12.min.js`);
    expect(library.status).to.equal(200);
    expect(library.headers.get('content-type')).to.match(/javascript/);
    expect((await fetch(`${tp.contentBase}/player/scorm-again/scorm12.js.map`)).status).to.equal(404);
    expect((await fetch(`${tp.contentBase}/play/not-a-token`)).status).to.equal(401);
  });

  it('serves the package files with their type and nosniff, and nothing outside the tree', async () => {
    const { token } = await open(officer, scorm12._id);
    const index = await fetch(`${tp.contentBase}/p/${token}/index.html`);
    expect(index.status).to.equal(200);
    expect(index.headers.get('content-type')).to.match(/^text\/html/);
    expect(index.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(index.headers.get('content-security-policy')).to.contain(`frame-ancestors 'self' ${tp.base}`);
    expect(await index.text()).to.contain('4 xin');
    expect((await fetch(`${tp.contentBase}/p/${token}/vhcv.js`)).headers.get('content-type')).to.match(/javascript/);
    for (const hostile of ['..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e/%2e%2e/etc/passwd', 'a/../../imsmanifest.xml', '..%5c..%5cetc%5cpasswd', 'missing.html', '%00.html']) {
      const reply = await fetch(`${tp.contentBase}/p/${token}/${hostile}`);
      expect(reply.status, hostile).to.be.oneOf([400, 404]);
      expect(await reply.text(), hostile).to.not.contain('root:');
    }
    expect((await fetch(`${tp.contentBase}/p/forged.token.here/index.html`)).status).to.equal(401);
  });

  it('applies commits in order: duplicates and late arrivals change nothing; the result is reported', async () => {
    const { token } = await open(officerB, scorm12._id);
    heard.length = 0;
    let reply = await commit(token, { cmi: cmi12({ location: 'trang-2', session: '00:01:00', suspend: '{"answers":{}}' }), commitSequence: 1 });
    expect(reply.status).to.equal(200);
    expect(await reply.json()).to.deep.equal({ result: true, errorCode: 0 });
    reply = await commit(token, { cmi: cmi12({ status: 'passed', raw: '100', location: 'trang-3', session: '00:03:00' }), commitSequence: 3 });
    // the package is a module item: the commit that completes it says so (the page updates, issue #15 defect 6)
    expect(await reply.json()).to.deep.equal({ result: true, errorCode: 0, itemDone: true });
    const afterThree = (await attemptOf(token))!;
    // the late seq 2 and a repeated seq 3 are answered as success, and ignored
    for (const [seq, values] of [[2, { status: 'failed', raw: '0', location: 'trang-1', session: '00:02:00' }], [3, { status: 'failed', raw: '0', location: 'trang-1', session: '00:09:00' }]] as const) {
      reply = await commit(token, { cmi: cmi12(values), commitSequence: seq });
      expect(await reply.json()).to.deep.equal({ result: true, errorCode: 0 });
    }
    const attempt = (await attemptOf(token))!;
    expect({ ...attempt, seconds: attemptSeconds(attempt) }).to.deep.include({ lessonStatus: 'passed', completion: 'completed', success: 'passed', scoreRaw: 100, scoreScaled: 1, location: 'trang-3', lastCommitSeq: 3, commits: 2, seconds: 180 });
    expect(attempt.updatedAt.getTime()).to.equal(afterThree.updatedAt.getTime());
    expect(heard.map((r) => [r.completion, r.success, r.scoreRaw])).to.deep.equal([['incomplete', 'unknown', null], ['completed', 'passed', 100]]);
    expect(String(heard[1]!.officerId)).to.not.equal(String(people.officerId));
  });

  it('the final commit comes as text/plain (sendBeacon) and ends the attempt unless suspended; time counts once per session', async () => {
    const first = await open(officer, scorm2004._id);
    const cmi = (session: string, extra: Record<string, unknown> = {}) => ({ completion_status: 'incomplete', success_status: 'unknown', location: 'p2', exit: 'suspend', session_time: session, suspend_data: 'abc', ...extra });
    await commit(first.token, { cmi: cmi('PT30S'), commitSequence: 1 });
    await commit(first.token, { cmi: cmi('PT1M'), commitSequence: 2, final: true }, { contentType: 'text/plain;charset=UTF-8' });
    let attempt = (await attemptOf(first.token))!;
    expect({ ...attempt, seconds: attemptSeconds(attempt) }).to.include({ status: 'active', exit: 'suspend', seconds: 60, location: 'p2', suspendData: 'abc' });
    // reopening: the same attempt, a new session; the first session's minute is folded in once
    const second = await open(officer, scorm2004._id);
    attempt = (await attemptOf(second.token))!;
    expect({ ...attempt, seconds: attemptSeconds(attempt) }).to.include({ session: 2, number: 1, priorSeconds: 60, seconds: 60, lastCommitSeq: 0 });
    // the old session's token may still post: ignored
    await commit(first.token, { cmi: cmi('PT5M', { completion_status: 'completed' }), commitSequence: 9 });
    await commit(second.token, { cmi: cmi('PT20S'), commitSequence: 1 });
    await commit(second.token, { cmi: cmi('PT45S', { completion_status: 'completed', success_status: 'passed', exit: 'normal', score: { scaled: '0.8', raw: '8', min: '0', max: '10' } }), commitSequence: 2, final: true }, { contentType: 'text/plain;charset=UTF-8' });
    attempt = (await attemptOf(second.token))!;
    expect({ ...attempt, seconds: attemptSeconds(attempt) }).to.deep.include({ status: 'finished', completion: 'completed', success: 'passed', scoreScaled: 0.8, scoreRaw: 8, seconds: 105, priorSeconds: 60 });
    // the next opening reviews the completed attempt (issue #15 defect 6): no attempt 2
    const third = await open(officer, scorm2004._id);
    expect((await attemptOf(third.token))!).to.include({ number: 1, status: 'finished', completion: 'completed' });
    expect(verifyPlaybackToken(third.token, tp.platform.services.secret)).to.include({ review: true });
  });

  it('refuses a forged, expired, other-kind or cross-origin commit, writing nothing', async () => {
    const { token } = await open(officerB, scorm2004._id);
    const target = (await attemptOf(token))!;
    const secret = tp.platform.services.secret;
    const claims = verifyPlaybackToken(token, secret)!;
    const otherId = new Types.ObjectId().toHexString();
    const forged = [
      // another attempt, signed with the wrong key (the session secret itself)
      jwt.sign({ ...claims, att: target._id.toHexString() }, secret, { algorithm: 'HS256', audience: 'vhcv-playback', issuer: 'vhcv' }),
      // alg none
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 1000 })).toString('base64url')}.`,
      // a session token is not a playback token
      signSession({ id: target.accountId.toHexString(), tokenVersion: 0 }, secret, 5).token,
      // the payload of this token changed to another attempt, the signature kept
      (() => {
        const [h, , s] = token.split('.');
        return `${h}.${Buffer.from(JSON.stringify({ ...claims, att: otherId })).toString('base64url')}.${s}`;
      })(),
    ];
    for (const bad of forged) {
      const reply = await commit(bad, { cmi: { completion_status: 'completed', success_status: 'passed' }, commitSequence: 5 });
      expect(reply.status).to.equal(401);
    }
    // expired: the real (derived) key, an hour in the past
    const realKey = createHmac('sha256', secret).update('vhcv playback tokens v1').digest();
    const { exp: _exp, ...live } = claims;
    const stale = jwt.sign({ ...live, exp: Math.floor(Date.now() / 1000) - 3600 }, realKey, { algorithm: 'HS256', audience: 'vhcv-playback', issuer: 'vhcv' });
    const fresh = jwt.sign({ ...live, exp: Math.floor(Date.now() / 1000) + 3600 }, realKey, { algorithm: 'HS256', audience: 'vhcv-playback', issuer: 'vhcv' });
    expect(verifyPlaybackToken(fresh, secret), 'the same key, not expired: valid (so the refusal below is the expiry)').to.not.equal(null);
    expect((await commit(stale, { cmi: {}, commitSequence: 5 })).status).to.equal(401);
    // the right token from another site's page
    expect((await commit(token, { cmi: { completion_status: 'completed' }, commitSequence: 5 }, { origin: 'https://evil.example' })).status).to.equal(403);
    expect((await commit(token, { cmi: { completion_status: 'completed' }, commitSequence: 5 }, { origin: tp.base })).status).to.equal(403);
    // a 1.2 token cannot write a 2004 attempt
    const wrongKind = signPlaybackToken({ ...live, kind: 'scorm12' }, secret, 5);
    expect((await commit(wrongKind, { cmi: { core: { lesson_status: 'passed' } }, commitSequence: 5 })).status).to.equal(404);
    // malformed bodies
    expect((await commit(token, 'not json', { contentType: 'text/plain' })).status).to.equal(400);
    expect((await commit(token, { cmi: {} })).status).to.equal(400);
    const after = (await attemptOf(token))!;
    expect(after.updatedAt.getTime()).to.equal(target.updatedAt.getTime());
    expect(after).to.include({ commits: 0, completion: 'not_attempted' });
  });

  it('H5P: xAPI posts are stored once; only top-level completed / answered statements decide the result', async () => {
    h5p = await storeFolder(tp, people, IN_HOUSE_H5P);
    const { token } = await open(officer, h5p._id);
    const post = (body: unknown, contentType = 'application/json') =>
      fetch(`${tp.contentBase}/xapi/${token}`, { method: 'POST', headers: { 'content-type': contentType, origin: tp.platform.services.config.CONTENT_ORIGIN }, body: JSON.stringify(body) });
    const answered = (raw: number, success: boolean, parent = false) => ({
      actor: { name: 'Kẻ mạo danh', mbox: 'mailto:someone@else.vn' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: { id: 'http://content.localhost/x' },
      context: { contextActivities: parent ? { parent: [{ id: 'http://content.localhost/parent' }] } : { category: [{ id: 'http://h5p.org/libraries/H5P.VHCVQuestion-1.0' }] } },
      result: { score: { raw, max: 3, min: 0, scaled: raw / 3 }, success, completion: true, duration: 'PT40S' },
    });
    expect((await post({ seq: 1, statement: answered(3, true, true), state: '{"answers":{"0":0}}' })).status).to.equal(200);
    const attemptId = verifyPlaybackToken(token, tp.platform.services.secret)!.att;
    let attempt = (await attempts().findById(attemptId).lean<PackageAttempt>())!;
    expect(attempt, 'a sub-content statement decides nothing').to.include({ completion: 'not_attempted', suspendData: '{"answers":{"0":0}}' });
    const scored = { ...answered(2, true), id: '3f0c2a4e-8b1d-4c7a-9e2f-1a2b3c4d5e6f' };
    expect((await (await post({ seq: 3, statement: scored }, 'text/plain;charset=UTF-8')).json())).to.deep.equal({ applied: true });
    // arriving late: seq 2 changes nothing on the attempt, but its statement is kept
    expect((await (await post({ seq: 2, statement: answered(0, false) })).json()), 'a late seq').to.deep.equal({ applied: false });
    // the same statement again (a retry): stored once
    expect((await (await post({ seq: 3, statement: scored })).json())).to.deep.equal({ applied: false });
    attempt = (await attempts().findById(attemptId).lean<PackageAttempt>())!;
    expect({ ...attempt, seconds: attemptSeconds(attempt) }).to.deep.include({ completion: 'completed', success: 'passed', scoreRaw: 2, seconds: 40, lastCommitSeq: 3 });
    expect(attempt.scoreScaled).to.be.closeTo(2 / 3, 0.001);
    const stored = await xapiStatementModel(tp.platform.services.db).find({ attemptId: attempt._id }).sort({ storedAt: 1 }).lean<XapiStatementRecord[]>();
    expect(stored.map((r) => r.topLevel)).to.deep.equal([false, true, true]);
    expect(stored.map((r) => r.statementId)).to.include('3f0c2a4e-8b1d-4c7a-9e2f-1a2b3c4d5e6f');
    expect((JSON.parse(stored[1]!.statement) as { actor: { account: { name: string } } }).actor.account.name).to.equal('officer.a');
    // tokens of the other kind are refused on each endpoint
    const scormToken = (await open(officer, scorm12._id)).token;
    expect((await fetch(`${tp.contentBase}/xapi/${scormToken}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: 9, statement: answered(0, false) }) })).status).to.equal(401);
    expect((await commit(token, { cmi: {}, commitSequence: 9 })).status).to.equal(401);
  });

  it("the package's coordinator sees attempts, average score, per-question results and exports the statements", async () => {
    // officer A answers two questions inside the SCORM 1.2 package (cmi.interactions)
    const { token } = await open(officer, scorm12._id);
    const interactions = { '0': { id: 'cau-1', type: 'choice', student_response: 'a', result: 'correct' }, '1': { id: 'cau-2', type: 'choice', student_response: 'b', result: 'wrong' } };
    await commit(token, { cmi: { ...cmi12({ status: 'failed', raw: '33', location: 'trang-3' }), interactions }, commitSequence: 1 });
    const coordinator = tp.client();
    await coordinator.signIn('coord.play', PASSWORD);
    const page = await coordinator.get(`/authoring/packages/${scorm12._id.toHexString()}/results`);
    expect(page.status).to.equal(200);
    const text = page.text.replace(/\s+/g, ' ');
    expect(text).to.contain('Trần Thị Bình').and.contain('Nguyễn Văn An');
    // B passed with 100 (test above), A scored 33: the average of the scored attempts
    expect(text).to.contain('66,5%');
    expect(text).to.match(/cau-1<\/th><td class="num">1<\/td><td class="num">1 \(100%\)/);
    expect(text).to.match(/cau-2<\/th><td class="num">1<\/td><td class="num">0 \(0%\)/);
    const exported = await coordinator.get(`/api/v1/packages/${h5p._id.toHexString()}/statements`);
    expect(exported.status).to.equal(200);
    expect(exported.headers.get('content-disposition')).to.contain('attachment');
    const body = exported.json<{ items: { officerId: string; statement: { verb: { id: string } } }[] }>();
    expect(body.items.map((i) => i.statement.verb.id.split('/').pop())).to.deep.equal(['answered', 'answered', 'answered']);
    expect(body.items.every((i) => i.officerId === String(people.officerId))).to.equal(true);
    // an officer may not read them
    expect((await officer.get(`/api/v1/packages/${h5p._id.toHexString()}/statements`)).status).to.equal(403);
  });

  it('a multi-SCO package: each SCO is its own attempt, listed on the page; an unknown SCO is 404', async () => {
    const first = await open(officerB, scorm2004._id, '?sco=I2');
    expect(first.status).to.equal(200);
    expect(first.text).to.contain('?sco=I1').and.contain('?sco=I2').and.contain('aria-current="page"');
    const claims = verifyPlaybackToken(first.token, tp.platform.services.secret)!;
    expect(claims.launch).to.equal('content/two/part2.html?part=2');
    expect((await attemptOf(first.token))!.scoIdentifier).to.equal('I2');
    const file = await fetch(`${tp.contentBase}/p/${first.token}/content/two/part2.html`);
    expect(file.status).to.equal(200);
    // (the officer is sent to the module item, which answers 404)
    expect((await open(officerB, scorm2004._id, '?sco=NOPE')).status).to.equal(404);
  });

  it('the content origin logs paths without the token', () => {
    expect(redactToken('/p/eyJhbGciOi.abc.def/index.html')).to.equal('/p/…/index.html');
    expect(redactToken('/commit/eyJhbGciOi.abc.def')).to.equal('/commit/…');
    expect(redactToken('/player/scorm-player.js')).to.equal('/player/scorm-player.js');
  });

  it('another officer cannot open an attempt as someone else; a manager without an officer record cannot play', async () => {
    // officer B opening the same package gets B's own attempt, never A's
    const a = await open(officer, scorm12._id);
    const b = await open(officerB, scorm12._id);
    expect(verifyPlaybackToken(a.token, tp.platform.services.secret)!.att).to.not.equal(verifyPlaybackToken(b.token, tp.platform.services.secret)!.att);
    const stranger = tp.client();
    const reply = await stranger.get(`/packages/${scorm12._id.toHexString()}/play`);
    expect(reply.status).to.equal(303);
    expect(reply.location).to.match(/^\/login/);
  });
});
