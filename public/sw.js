/*
 * The service worker (served as /sw.js by server/http/offline.ts, which fills in the
 * three constants below at start). What it does, and only this:
 * - keeps the shell — styles, scripts, icons under their content-hashed URLs — and
 *   answers them from its cache (they never change under the same URL);
 * - keeps each lesson page the officer opens (the server marks them with the
 *   X-Offline-Reading header), fetched from the network first, so that a lesson already
 *   read can be read again without a connection;
 * - offline, a page it does not have is answered with a short Vietnamese notice instead
 *   of the browser's error page.
 * Nothing else is ever kept: quiz pages and every other page come from the network each
 * time (only the offline notice stands in when it is unreachable), and form posts, the
 * API and autosaved answers are not touched at all — no quiz data can be stale.
 * Signing out empties the kept pages.
 */
'use strict';

var VERSION = '';
var SHELL = [];
var OFFLINE_HTML = '';

var SHELL_CACHE = 'vhcv-shell-' + VERSION;
var PAGES_CACHE = 'vhcv-pages-' + VERSION;
var LESSON_PAGE = /^\/learn\/modules\/[0-9a-f]{24}\/items\/[a-z0-9-]+$/;

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      // one missing file must not stop the rest from being kept
      return Promise.all(SHELL.map(function (url) { return cache.add(url).catch(function () { return undefined; }); }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener('activate', function (event) {
  // a new release: the old shell and the pages that named it go
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf('vhcv-') === 0 && name !== SHELL_CACHE && name !== PAGES_CACHE; }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// 200, not 503: the notice is a page for the officer, and a 503 would only add a console error
function offlinePage() {
  return new Response(OFFLINE_HTML, { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } });
}

function lessonPage(request) {
  return fetch(request).then(function (response) {
    if (response.ok && response.headers.get('X-Offline-Reading') === 'lesson') {
      var copy = response.clone();
      caches.open(PAGES_CACHE).then(function (cache) { return cache.put(request.url, copy); });
    }
    return response;
  }, function () {
    return caches.open(PAGES_CACHE).then(function (cache) { return cache.match(request.url); }).then(function (kept) { return kept || offlinePage(); });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== 'GET') {
    if (url.pathname === '/logout') event.waitUntil(caches.delete(PAGES_CACHE));
    return;
  }
  if (url.pathname.indexOf('/static/h/') === 0) {
    event.respondWith(caches.match(request).then(function (kept) { return kept || fetch(request); }));
    return;
  }
  if (request.mode !== 'navigate') return;
  if (LESSON_PAGE.test(url.pathname) && !url.search) {
    event.respondWith(lessonPage(request));
    return;
  }
  // any other page: the network as usual, and only when it is unreachable, the notice
  event.respondWith(fetch(request).catch(offlinePage));
});
