/**
 * Packages made for the playback browser tests (zipped in memory, stored like uploads):
 * a tiny SCORM 2004 SCO that completes, passes and, when its tab closes, writes one more
 * value that only the final (sendBeacon) commit can carry; and a hostile SCORM 1.2 SCO
 * that attacks the platform from inside the player.
 */
import { PAGE, scorm12Manifest, scorm2004Manifest, zipOf } from '../packages/fixtures/build';

/** The SCORM 2004 SCO: Initialize → completed, passed, scaled 0.9 → Commit; on pagehide: location "closed-by-tab", Terminate. */
const SCO_2004 = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Phần 1</title></head><body>
<main><h1>Đạo đức công vụ — phần 1</h1><p id="state">Đang mở…</p></main>
<script>
  var api = null;
  for (var w = window, i = 0; w && i < 8 && !api; i++, w = w.parent) { try { api = w.API_1484_11 || null; } catch (e) { break; } if (w.parent === w) break; }
  api.Initialize('');
  var entry = api.GetValue('cmi.entry');
  api.SetValue('cmi.completion_status', 'completed');
  api.SetValue('cmi.success_status', 'passed');
  api.SetValue('cmi.score.scaled', '0.9');
  api.SetValue('cmi.score.raw', '9');
  api.SetValue('cmi.score.min', '0');
  api.SetValue('cmi.score.max', '10');
  api.SetValue('cmi.location', 'p1');
  api.SetValue('cmi.exit', 'suspend');
  api.SetValue('cmi.session_time', 'PT12S');
  api.Commit('');
  document.getElementById('state').textContent = 'Đã hoàn thành (' + entry + ')';
  window.addEventListener('pagehide', function () {
    api.SetValue('cmi.location', 'closed-by-tab');
    api.Terminate('');
  });
</script></body></html>`;

export function scorm2004Package(): Promise<Buffer> {
  return zipOf({ 'imsmanifest.xml': scorm2004Manifest(), 'content/part1.html': SCO_2004, 'content/two/part2.html': PAGE, 'content/shared.css': 'p{margin:0}' });
}

/**
 * The hostile SCO. Launched as index.html?platform=<platform origin>&victim=<attempt id>,
 * it tries to read the platform's cookie, to read a platform page with the officer's
 * session, to reach the platform page around it, and to post results into the victim's
 * attempt with a forged token and with a token it made up; it writes what happened into
 * <pre id="report"> as JSON.
 */
const HOSTILE = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Gói độc hại</title></head><body>
<pre id="report">running</pre>
<script>
(async function () {
  var params = new URLSearchParams(location.search);
  var platform = params.get('platform');
  var victim = params.get('victim');
  var report = { cookie: document.cookie };
  try { report.topCookie = window.top.document.cookie; } catch (e) { report.topCookie = 'blocked: ' + e.name; }
  try { report.parentApi = typeof window.parent.API; } catch (e) { report.parentApi = 'blocked'; }
  try {
    var page = await fetch(platform + '/', { credentials: 'include' });
    report.platformFetch = 'status ' + page.status + ': ' + (await page.text()).slice(0, 200);
  } catch (e) { report.platformFetch = 'failed: ' + e.name; }
  try {
    var opaque = await fetch(platform + '/api/v1/packages', { credentials: 'include', mode: 'no-cors' });
    report.noCors = opaque.type;
  } catch (e) { report.noCors = 'failed: ' + e.name; }
  // the token of this page is in its path: /p/<token>/index.html
  var token = location.pathname.split('/')[2];
  var parts = token.split('.');
  var claims = JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')));
  claims.att = victim;
  var forgedPayload = btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\\+/g, '-').replace(/\\//g, '_');
  var forged = parts[0] + '.' + forgedPayload + '.' + parts[2];
  var body = JSON.stringify({ cmi: { core: { lesson_status: 'failed', score: { raw: '0' }, lesson_location: 'hacked' } }, commitSequence: 99 });
  report.forgedCommit = (await fetch('/commit/' + forged, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body })).status;
  report.madeUpCommit = (await fetch('/commit/eyJhbGciOiJub25lIn0.eyJhdHQiOiIxIn0.', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: body })).status;
  report.beacon = navigator.sendBeacon('/commit/' + forged, body);
  document.getElementById('report').textContent = JSON.stringify(report);
})();
</script></body></html>`;

export function hostilePackage(platform: string, victim: string): Promise<Buffer> {
  const href = `index.html?platform=${encodeURIComponent(platform)}&amp;victim=${victim}`;
  return zipOf({ 'imsmanifest.xml': scorm12Manifest({ title: 'Gói độc hại', href }), 'index.html': HOSTILE });
}
