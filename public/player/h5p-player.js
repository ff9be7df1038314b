/*
 * The H5P player on the content origin (server/playback/player.ts renders its page):
 * h5p-standalone renders the package with the saved state given back as contentUserData
 * (its own AJAX restore arrives too late), and every xAPI statement is posted to
 * /xapi/<token> with the content's current state and a sequence number (the server
 * ignores repeats and late arrivals). The state is also saved every 10 s when it changed,
 * when the page is hidden, and by sendBeacon when the page goes — from inside the
 * content's own frame as well: leaving through a platform link removes that frame before
 * this page's pagehide runs, so this page alone would find no content to ask (issue #14).
 * The last state read is kept for the same reason.
 */
(function () {
  'use strict';
  var body = document.body;
  var config = JSON.parse(body.getAttribute('data-player'));
  // taken once: the global disappears after the first player renders
  var Player = window.H5PStandalone.H5P;
  var seq = 0;
  var lastState = config.state;

  /** The H5P of `win`, else of the frame h5p-standalone renders into (same origin), else this page's. */
  function contentH5P(win) {
    try {
      if (win && win.H5P) return win.H5P;
    } catch (e) {
      /* gone: look for the frame */
    }
    var frame = document.querySelector('#h5p-container iframe');
    try {
      if (frame && frame.contentWindow && frame.contentWindow.H5P) return frame.contentWindow.H5P;
    } catch (e) {
      /* not reachable: fall back to this page's */
    }
    return window.H5P;
  }

  var lastRead = null;
  function currentState(win) {
    try {
      var h5p = contentH5P(win);
      var instance = h5p && h5p.instances && h5p.instances[0];
      if (instance && typeof instance.getCurrentState === 'function') {
        var state = instance.getCurrentState();
        if (state !== undefined) lastRead = JSON.stringify(state);
      }
    } catch (e) {
      /* a content type without state, or its frame already gone: the last state read stands */
    }
    return lastRead;
  }

  /** A random UUID (crypto.randomUUID exists only in secure contexts). */
  function uuid() {
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  /** Posts the statement (if any) and the state; `beacon`: the window whose sendBeacon (and H5P) to use. */
  function post(statement, beacon) {
    // an id per statement: the server stores each once, whatever order the posts arrive in
    if (statement && !statement.id) statement.id = uuid();
    var state = currentState(beacon || null);
    if (!statement && (state === null || state === lastState)) return;
    lastState = state;
    var payload = JSON.stringify({ seq: ++seq, statement: statement || null, state: state });
    if (beacon) {
      // the window whose page is still alive sends it (the content frame's, when it goes first)
      var sender = beacon.navigator || navigator;
      sender.sendBeacon(config.xapiUrl, new Blob([payload], { type: 'text/plain;charset=UTF-8' }));
      return;
    }
    fetch(config.xapiUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload, keepalive: true })
      .then(function (reply) {
        // a result (completed / answered) was stored: the platform page shows the item done without a reload
        var verb = statement && statement.verb && String(statement.verb.id);
        if (reply.ok && verb && /\/(completed|answered)$/.test(verb) && window.parent !== window) {
          window.parent.postMessage({ type: 'vhcv-package-progress', finished: true }, config.platformOrigin);
        }
      })
      .catch(function () {
        /* the next post carries the state again */
      });
  }

  var options = {
    id: config.id,
    h5pJsonPath: config.h5pJsonPath,
    frameJs: config.frameJs,
    frameCss: config.frameCss,
    frame: false,
    copyright: false,
    export: false,
    embed: false,
    icon: false,
    fullScreen: false,
    // H5P hands previousState to the content only when saveFreq is set; with no `user` it never
    // calls an AJAX endpoint itself (this script posts the state)
    saveFreq: 30,
    // always given (an empty state when new): without it H5P asks an AJAX endpoint there is no need for.
    // No `user` either: the server puts the account into each statement itself.
    contentUserData: [{ state: config.state || '{}' }],
  };

  new Player(document.getElementById('h5p-container'), options).then(function () {
    var status = document.getElementById('player-status');
    if (status) status.hidden = true;
    window.H5P.externalDispatcher.on('xAPI', function (event) {
      post(event.data.statement, false);
    });
    setInterval(function () {
      post(null, false);
    }, 10000);
    window.addEventListener('pagehide', function () {
      post(null, window);
    });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') post(null, window);
    });
    // the content's own frame (iframe embedding): its pagehide comes while its H5P is still
    // there, even when the frame is taken out of this page before this page's pagehide
    var frame = document.querySelector('#h5p-container iframe');
    var contentWindow = frame && frame.contentWindow;
    if (contentWindow) {
      contentWindow.addEventListener('pagehide', function () {
        post(null, contentWindow);
      });
    }
  });
})();
