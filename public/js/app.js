// Progressive enhancement only: every page works without this file.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  // focus the first field that has an error, so keyboard and screen-reader users land on it
  var invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid) invalid.focus();
});

// installable app: the service worker keeps the shell and the lessons already opened for offline reading
if ('serviceWorker' in navigator) {
  window.addEventListener('load', function () {
    navigator.serviceWorker.register('/sw.js').catch(function () { /* a browser without it works as before */ });
  });
}
