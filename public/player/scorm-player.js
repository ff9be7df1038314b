/*
 * The SCORM player on the content origin (server/playback/player.ts renders its page).
 * Creates the scorm-again API the SCO looks for in its parent window, restores the saved
 * state before the SCO starts, then frames the SCO. Commits go to /commit/<token> with a
 * sequence number (includeCommitSequence) so the server ignores duplicates and late
 * arrivals; the final commit (LMSFinish / Terminate) is sent by sendBeacon and marked
 * `final: true`.
 */
(function () {
  'use strict';
  var body = document.body;
  var config = JSON.parse(body.getAttribute('data-player'));
  var review = config.launch.mode === 'review';
  /**
   * Tells the platform page around the player that the package reported progress, so it
   * shows the item done without a reload; `finished`: the final commit went by sendBeacon,
   * whose reply nobody reads, so the page asks the platform a few times.
   */
  function tellPlatform(finished) {
    if (review || window.parent === window) return;
    window.parent.postMessage({ type: 'vhcv-package-progress', finished: finished }, config.platformOrigin);
  }
  var settings = {
    lmsCommitUrl: config.commitUrl,
    autocommit: true,
    autocommitSeconds: 10,
    dataCommitFormat: 'json',
    includeCommitSequence: true,
    terminateCommitPayloadField: 'final',
    // SCORM 1.2: a SCO still "not attempted" at LMSFinish is completed (the server applies the
    // same rule); passed / failed by the mastery score is decided by the server (docs/playback.md)
    autoCompleteLessonStatus: true,
    logLevel: 5,
    // scorm-again's own reading of a commit reply, plus the platform's itemDone
    xhrResponseHandler: function (xhr) {
      var reply = null;
      try {
        reply = JSON.parse(xhr.responseText);
      } catch (e) {
        reply = null;
      }
      if (xhr.status < 200 || xhr.status > 299) return { result: 'false', errorCode: 101 };
      if (reply && reply.itemDone === true) tellPlatform(false);
      return { result: 'true', errorCode: 0 };
    },
  };
  var api;
  if (config.kind === 'scorm12') {
    api = new window.Scorm12API(settings);
    api.loadFromJSON(config.launch.cmi);
    api.cmi.core.entry = config.launch.entry;
    // a completed attempt reopened for review (the server keeps nothing it commits)
    if (review) {
      api.cmi.core.lesson_mode = 'review';
      api.cmi.core.credit = 'no-credit';
    }
    window.API = api;
  } else {
    api = new window.Scorm2004API(settings);
    api.loadFromJSON(config.launch.cmi);
    api.cmi.entry = config.launch.entry;
    if (review) {
      api.cmi.mode = 'review';
      api.cmi.credit = 'no-credit';
    }
    window.API_1484_11 = api;
  }
  api.on(config.kind === 'scorm12' ? 'LMSFinish' : 'Terminate', function () {
    tellPlatform(true);
  });

  // A SCO that never calls LMSFinish / Terminate still gets its final commit when the page
  // goes — but only after the SCO's own pagehide handlers, which often set the last values
  // and finish themselves. Chromium fires pagehide on this page before the SCO's frame, so
  // this page only notes that it is closing; the SCO window's pagehide (our listener is
  // added after the SCO's own) then finishes. Whichever of the two comes second finishes,
  // and a SCO merely moving to its next page (its pagehide alone) is not finished.
  var closing = false;
  var scoLeaving = false;
  function finishIfOpen() {
    try {
      if (api.isInitialized() && !api.isTerminated()) {
        if (config.kind === 'scorm12') api.LMSFinish('');
        else api.Terminate('');
      }
    } catch (e) {
      /* the page is going away: nothing left to report to */
    }
  }

  var frame = document.createElement('iframe');
  frame.id = 'sco';
  frame.title = 'Nội dung bài học';
  frame.src = config.scoUrl;
  frame.addEventListener('load', function () {
    var status = document.getElementById('player-status');
    if (status) status.hidden = true;
    scoLeaving = false;
    frame.contentWindow.addEventListener('pagehide', function () {
      scoLeaving = true;
      if (closing) finishIfOpen();
    });
  });
  window.addEventListener('pagehide', function () {
    closing = true;
    if (scoLeaving) finishIfOpen();
  });
  // a phone switching to another app may never fire pagehide: save what there is now
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState !== 'hidden') return;
    try {
      if (api.isInitialized() && !api.isTerminated()) {
        if (config.kind === 'scorm12') api.LMSCommit('');
        else api.Commit('');
      }
    } catch (e) {
      /* the next autocommit or the final commit carries the data */
    }
  });
  body.appendChild(frame);
})();
