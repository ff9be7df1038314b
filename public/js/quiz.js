// The quiz page, enhanced: every change is autosaved (fetch, JSON, X-CSRF-Token) and a
// countdown shows the time left. Without JavaScript the form still posts all answers on
// submit. The server is the authority on time: the countdown only informs, and answers
// after the deadline are refused there.
'use strict';
(function () {
  var form = document.getElementById('quiz-form');
  if (!form) return;
  var status = document.getElementById('quiz-save-status');
  var token = form.querySelector('input[name=_csrf]').value;

  function answersOf(name) {
    var keys = [];
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (input) {
      if (input.checked) keys.push(input.value);
    });
    return keys;
  }

  function save(name) {
    var body = { answers: {} };
    body.answers[name.slice(2)] = answersOf(name);
    fetch(form.dataset.autosave, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        return response.json().then(function (json) {
          if (response.ok) status.textContent = form.dataset.saved;
          else status.textContent = form.dataset.saveFailed + ' ' + ((json && json.error && json.error.message) || response.status);
        });
      })
      .catch(function () {
        status.textContent = form.dataset.saveFailed + (navigator.onLine ? '' : ' offline');
      });
  }

  form.addEventListener('change', function (event) {
    var input = event.target;
    if (input && input.name && input.name.indexOf('q_') === 0) save(input.name);
  });

  // one submit only: a second tap while the first is on its way does nothing
  form.addEventListener('submit', function (event) {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = '1';
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
        if (!form.dataset.sent) { form.dataset.sent = '1'; form.submit(); }
      }
    };
    var handle = setInterval(tick, 1000);
    tick();
  }
})();
