// A background job's page (invitations to a whole unit), enhanced: instead of reloading
// every 2 seconds (the <noscript> fallback), poll the job's status and move the progress
// bar; once the job has ended, reload to show its result.
'use strict';
(function () {
  var job = document.getElementById('job');
  if (!job || job.dataset.status !== 'running') return;
  var bar = document.getElementById('job-progress');
  var poll = function () {
    fetch(job.dataset.statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) { return res.json(); })
      .then(function (body) {
        if (body.job.status !== 'running') { window.location.reload(); return; }
        bar.value = body.job.percent;
        bar.textContent = body.job.percent + '%';
        document.getElementById('job-handled').textContent = body.job.handledLabel;
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  };
  setTimeout(poll, 1000);
})();
