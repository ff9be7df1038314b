// The activation sheet's "Print" button; without JavaScript the browser's own print command does the same.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var button = document.querySelector('[data-print]');
  if (!button) return;
  button.hidden = false;
  button.addEventListener('click', function () { window.print(); });
});
