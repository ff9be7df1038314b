// The import pages, enhanced: the upload shows its own progress bar (XHR upload events),
// then the job page polls its status instead of reloading every 2 seconds.
'use strict';
(function () {
  function show(el, text) {
    el.textContent = text;
    el.hidden = false;
  }

  var form = document.getElementById('import-form');
  if (form) {
    form.addEventListener('submit', function (event) {
      var input = form.querySelector('input[type=file]');
      var error = document.getElementById('import-error');
      var file = input.files && input.files[0];
      event.preventDefault();
      if (!file) return show(error, form.dataset.noFile);
      if (file.size > Number(form.dataset.maxBytes)) return show(error, form.dataset.tooLarge);
      error.hidden = true;
      var block = document.getElementById('upload-progress');
      var bar = document.getElementById('upload-bar');
      block.hidden = false;
      form.querySelector('button[type=submit]').disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener('load', function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (ignored) { /* not JSON: a proxy error page */ }
        if (xhr.status === 202 && body && body.url) { window.location.assign(body.url); return; }
        block.hidden = true;
        form.querySelector('button[type=submit]').disabled = false;
        show(error, (body && body.error && body.error.message) || xhr.status + ' ' + xhr.statusText);
      });
      xhr.addEventListener('error', function () {
        block.hidden = true;
        form.querySelector('button[type=submit]').disabled = false;
        show(error, form.dataset.noFile);
      });
      xhr.send(new FormData(form));
    });
  }

  var job = document.getElementById('import-job');
  if (job && job.dataset.status === 'running') {
    var poll = function () {
      fetch(job.dataset.statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (res) { return res.json(); })
        .then(function (body) {
          var j = body.job;
          document.getElementById('job-progress').value = j.percent;
          document.getElementById('job-progress').textContent = j.percent + '%';
          document.getElementById('job-percent').textContent = j.percent;
          document.getElementById('job-phase').textContent = j.phaseLabel;
          document.getElementById('job-rows').textContent = j.rowsLabel;
          // finished: the server renders the report (and the "import for real" form)
          if (j.status !== 'running') window.location.reload();
          else setTimeout(poll, 700);
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 500);
  }
})();
