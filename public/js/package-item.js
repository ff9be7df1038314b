/*
 * A package item's page (views/learn/package.ejs): the player on the content origin posts
 * a message when the package reported progress (a commit whose reply says the item is
 * done, or a final commit sent by sendBeacon whose reply nobody reads); this page then
 * asks the platform for the item's state and shows the progress bar and the "done"
 * notice without a reload. Messages from any other origin are ignored, and the message
 * itself decides nothing: only the platform's answer does.
 */
(function () {
  'use strict';
  var article = document.querySelector('[data-item-state]');
  if (!article) return;
  var stateUrl = article.getAttribute('data-item-state');
  var contentOrigin = article.getAttribute('data-content-origin');
  var notice = document.getElementById('package-item-done');
  var done = !!notice && !notice.hidden;
  var busy = false;
  var queued = 0;

  function show(state) {
    var percent = Math.max(0, Math.min(100, Number(state.percent) || 0));
    document.querySelectorAll('.learn-progress progress').forEach(function (bar) {
      bar.value = percent;
      bar.textContent = percent + '%';
    });
    document.querySelectorAll('.learn-progress .learn-percent').forEach(function (label) {
      label.textContent = percent + '%';
    });
    if (state.done === true && notice) {
      notice.hidden = false;
      done = true;
    }
  }

  /** Asks for the state; `tries` > 1: ask again a little later while the item is not done yet (a beacon may still be on its way). */
  function refresh(tries) {
    if (done) return;
    if (busy) {
      queued = Math.max(queued, tries);
      return;
    }
    busy = true;
    fetch(stateUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (reply) {
        return reply.ok ? reply.json() : null;
      })
      .then(function (state) {
        if (state) show(state);
        return state;
      })
      .catch(function () {
        return null;
      })
      .then(function (state) {
        busy = false;
        var again = Math.max(queued, state && !state.done ? tries - 1 : 0);
        queued = 0;
        if (again > 0 && !done) setTimeout(function () {
          refresh(again);
        }, 700);
      });
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== contentOrigin || !event.data || event.data.type !== 'vhcv-package-progress') return;
    refresh(event.data.finished === true ? 6 : 1);
  });
  // an item done by being opened (the "viewed" rule) became done after this page was made
  refresh(1);
})();
