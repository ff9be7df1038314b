// The quiz page, enhanced: every change is autosaved (fetch, JSON, X-CSRF-Token) and a
// countdown shows the time left. On a weak network the answers are kept on the device and
// sent when the connection returns, an offline banner says so, and a submit that cannot
// reach the server is stopped in the page with an explanation. Without JavaScript the form
// still posts all answers on submit. The server is the authority on time: the countdown
// only informs, and answers after the deadline are refused there.
'use strict';
(function () {
  var form = document.getElementById('quiz-form');
  if (!form) return;
  var status = document.getElementById('quiz-save-status');
  var token = form.querySelector('input[name=_csrf]').value;

  var banner = document.getElementById('quiz-offline');
  var refused = document.getElementById('quiz-submit-refused');

  // Answers not yet acknowledged by the server, by question id, kept on the device
  // (localStorage, per attempt) so that a weak network or a reload loses none. The autosave
  // API stores the latest answers of each question it is sent, so resending is harmless;
  // still, one request at a time carries everything pending, and an acknowledged answer
  // leaves the store, so each answer typed offline reaches the server once.
  var storeKey = 'quiz-answers:' + form.dataset.attempt;
  var pending = readStore();
  var inFlight = false;
  var waiting = []; // callbacks told whether the next request reached the server
  var again = false;
  var retryDelay = 0;
  var retryHandle = null;

  function readStore() {
    try { return JSON.parse(localStorage.getItem(storeKey) || '{}') || {}; } catch (e) { return {}; }
  }
  function writeStore() {
    try {
      if (Object.keys(pending).length) localStorage.setItem(storeKey, JSON.stringify(pending));
      else localStorage.removeItem(storeKey);
    } catch (e) { /* storage full or refused (private mode): the answers stay in memory */ }
  }

  function answersOf(name) {
    var keys = [];
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (input) {
      if (input.checked) keys.push(input.value);
    });
    return keys;
  }

  function showBanner(offline) {
    banner.hidden = !offline;
    banner.textContent = offline ? banner.dataset.message : '';
  }

  /**
   * Sends every pending answer in one request. `done(reached)`, if given, learns whether the
   * server answered; with nothing pending the request is an empty autosave, a probe.
   */
  function flush(done) {
    if (done) waiting.push(done);
    if (inFlight) { again = true; return; }
    if (!navigator.onLine) { showBanner(true); settle(false); return; }
    if (!Object.keys(pending).length && !waiting.length) return;
    clearTimeout(retryHandle);
    var sent = pending;
    inFlight = true;
    fetch(form.dataset.autosave, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({ answers: sent }),
    })
      .then(function (response) {
        // a gateway's 5xx on a weak network is no answer from the platform: keep and retry
        if (response.status >= 500) return unreached();
        return response.json().catch(function () { return null; }).then(function (json) {
          // saved, or refused for good (time over, submitted): either way these are done;
          // an answer changed again while this request travelled stays pending
          Object.keys(sent).forEach(function (id) {
            if (JSON.stringify(pending[id]) === JSON.stringify(sent[id])) delete pending[id];
          });
          writeStore();
          retryDelay = 0;
          if (response.ok) status.textContent = form.dataset.saved;
          else status.textContent = form.dataset.saveFailed + ' ' + ((json && json.error && json.error.message) || response.status);
          return true;
        });
      }, unreached)
      .then(function (reached) {
        inFlight = false;
        // answers chosen meanwhile go in the next request; whoever waits learns its outcome
        if (again) { again = false; flush(); } else settle(reached);
      });
  }
  // no answer at all: offline, or a connection too weak to carry the request
  function unreached() {
    status.textContent = navigator.onLine ? form.dataset.saveRetry : form.dataset.kept;
    if (navigator.onLine) scheduleRetry();
    else showBanner(true);
    return false;
  }

  function settle(reached) {
    waiting.splice(0).forEach(function (done) { done(reached); });
  }

  // a weak connection that drops requests without going offline: try again, a little later each time
  function scheduleRetry() {
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 30000);
    clearTimeout(retryHandle);
    retryHandle = setTimeout(function () { if (Object.keys(pending).length) flush(); }, retryDelay);
  }

  form.addEventListener('change', function (event) {
    var input = event.target;
    if (!input || !input.name || input.name.indexOf('q_') !== 0) return;
    pending[input.name.slice(2)] = answersOf(input.name);
    writeStore();
    refused.hidden = true;
    if (navigator.onLine) flush();
    else { status.textContent = form.dataset.kept; showBanner(true); }
  });

  window.addEventListener('offline', function () { showBanner(true); });
  window.addEventListener('online', function () {
    showBanner(false);
    refused.hidden = true;
    if (Object.keys(pending).length) { status.textContent = form.dataset.sendingKept; flush(); }
    if (form.dataset.submitWhenOnline) submitNow();
  });

  // answers kept on this device from before a reload win over the page's (older) saved ones
  Object.keys(pending).forEach(function (id) {
    form.querySelectorAll('input[name="q_' + id + '"]').forEach(function (input) {
      input.checked = pending[id].indexOf(input.value) !== -1;
    });
  });
  if (!navigator.onLine) showBanner(true);
  else if (Object.keys(pending).length) flush();

  function refuseSubmit() {
    form.dataset.sent = '';
    refused.textContent = refused.dataset.message;
    refused.hidden = false;
    showBanner(!navigator.onLine);
  }

  /** Hands the paper in once the server is reachable: the pending answers first (or an empty autosave as a probe). */
  function submitNow() {
    form.dataset.submitWhenOnline = '';
    if (!navigator.onLine) { refuseSubmit(); return; }
    form.dataset.sent = '1';
    flush(function (reached) {
      if (!reached) { refuseSubmit(); return; }
      // the form still carries every answer, so the submit counts them even if a save was refused
      form.submit();
    });
  }

  // one submit only: a second tap while the first is on its way does nothing; offline, the
  // page explains instead of leaving for the browser's error page
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (form.dataset.sent) return;
    submitNow();
  });

  var timer = document.getElementById('quiz-timer');
  if (timer) {
    // the server's clock, not the phone's: shift by the difference seen at page load
    var skew = new Date(timer.dataset.serverNow).getTime() - Date.now();
    var deadline = new Date(timer.dataset.deadline).getTime();
    var tick = function () {
      var left = Math.max(0, Math.floor((deadline - (Date.now() + skew)) / 1000));
      var m = Math.floor(left / 60);
      var s = left % 60;
      timer.textContent = left > 0 ? timer.dataset.label + ': ' + m + ':' + (s < 10 ? '0' : '') + s : timer.dataset.over;
      if (left === 0) {
        clearInterval(handle);
        timer.classList.add('learn-timer-over');
        // hand the paper in: within the server's grace the answers on the form still count
        if (form.dataset.sent) return;
        if (navigator.onLine) submitNow();
        else { form.dataset.submitWhenOnline = '1'; timer.textContent = form.dataset.timeOverOffline; }
      }
    };
    var handle = setInterval(tick, 1000);
    tick();
  }
})();
