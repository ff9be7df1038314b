/* global window, document */
/*
 * The in-house SCORM 1.2 lesson “4 xin, 4 luôn” (written for this project; no third-party
 * SCORM code). Three pages: the “4 xin”, the “4 luôn”, a quiz of three questions.
 * Talks to the LMS through the SCORM 1.2 API found in a parent window:
 *   LMSInitialize → cmi.core.lesson_location (the page), cmi.suspend_data (answers so far,
 *   JSON), cmi.core.session_time, cmi.core.exit = "suspend" while unfinished → on submit cmi.core.score.* and
 *   cmi.core.lesson_status passed / failed (2 of 3 correct to pass) → LMSFinish.
 * Reopened with cmi.core.entry = "resume", it goes back to the saved page and answers.
 */
(function () {
  'use strict';
  var PAGES = ['trang-1', 'trang-2', 'trang-3'];
  var KEY = { q1: 'a', q2: 'c', q3: 'b' };
  var PASS = 2;

  /** The standard SCORM 1.2 API discovery: up the parents (at most 7), then the opener's. */
  function findApi(win) {
    for (var tries = 0; win && tries < 8; tries++) {
      try {
        if (win.API) return win.API;
      } catch {
        return null; // another origin: stop
      }
      if (win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  var api = findApi(window) || (window.opener ? findApi(window.opener) : null);
  var finished = false;
  var page = 0;
  var answers = {};
  var startedAt = Date.now();

  /** The time of this session as a SCORM 1.2 CMITimespan (HHHH:MM:SS). */
  function sessionTime() {
    var seconds = Math.floor((Date.now() - startedAt) / 1000);
    var pad = function (n, width) {
      return String(n).padStart(width, '0');
    };
    return pad(Math.floor(seconds / 3600), 4) + ':' + pad(Math.floor((seconds % 3600) / 60), 2) + ':' + pad(seconds % 60, 2);
  }

  function get(name) {
    return api ? String(api.LMSGetValue(name)) : '';
  }
  function set(name, value) {
    if (api) api.LMSSetValue(name, String(value));
  }
  function save() {
    set('cmi.core.lesson_location', PAGES[page]);
    set('cmi.suspend_data', JSON.stringify({ answers: answers }));
    set('cmi.core.session_time', sessionTime());
    if (api) api.LMSCommit('');
  }

  function show(index) {
    page = Math.max(0, Math.min(PAGES.length - 1, index));
    for (var i = 0; i < PAGES.length; i++) document.getElementById(PAGES[i]).hidden = i !== page;
    document.getElementById('progress').textContent = 'Trang ' + (page + 1) + '/' + PAGES.length;
    document.getElementById('back').disabled = page === 0;
    document.getElementById('next').disabled = page === PAGES.length - 1;
  }

  function restore() {
    var location = get('cmi.core.lesson_location');
    var at = PAGES.indexOf(location);
    if (at >= 0) page = at;
    try {
      var saved = JSON.parse(get('cmi.suspend_data') || '{}');
      if (saved && saved.answers) answers = saved.answers;
    } catch {
      answers = {};
    }
    Object.keys(answers).forEach(function (q) {
      var input = document.querySelector('input[name="' + q + '"][value="' + answers[q] + '"]');
      if (input) input.checked = true;
    });
  }

  function finish() {
    if (finished || !api) return;
    finished = true;
    set('cmi.core.session_time', sessionTime());
    api.LMSFinish('');
  }

  function submit(event) {
    event.preventDefault();
    var correct = 0;
    Object.keys(KEY).forEach(function (q) {
      if (answers[q] === KEY[q]) correct++;
    });
    var score = Math.round((correct * 100) / 3);
    var passed = correct >= PASS;
    set('cmi.core.score.min', 0);
    set('cmi.core.score.max', 100);
    set('cmi.core.score.raw', score);
    set('cmi.core.lesson_status', passed ? 'passed' : 'failed');
    set('cmi.core.exit', '');
    save();
    var result = document.getElementById('result');
    result.textContent = (passed ? 'Đạt' : 'Chưa đạt') + ': ' + correct + '/3 câu đúng (' + score + ' điểm).';
    result.hidden = false;
    document.getElementById('submit').disabled = true;
    finish();
  }

  function start() {
    if (api) {
      api.LMSInitialize('');
      if (get('cmi.core.entry') === 'resume') restore();
      var status = get('cmi.core.lesson_status');
      if (status === 'not attempted' || status === '') set('cmi.core.lesson_status', 'incomplete');
      // until the quiz is submitted, leaving means coming back here later
      set('cmi.core.exit', 'suspend');
    }
    show(page);
    save();
    document.getElementById('back').addEventListener('click', function () {
      show(page - 1);
      save();
    });
    document.getElementById('next').addEventListener('click', function () {
      show(page + 1);
      save();
    });
    document.getElementById('quiz').addEventListener('change', function (event) {
      answers[event.target.name] = event.target.value;
      save();
    });
    document.getElementById('quiz').addEventListener('submit', submit);
    window.addEventListener('pagehide', finish);
  }

  start();
})();
