/*
 * The lesson editor's formatting toolbar: each button wraps the selected text of its
 * textarea in a tag (a list makes one item per line). The server sanitises whatever is
 * posted, so this is only a convenience; without JavaScript the toolbar stays hidden.
 */
(function () {
  'use strict';
  function escapeAttribute(value) {
    return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  }
  function wrap(tag, text) {
    if (tag === 'ul') {
      var lines = text.split(/\r?\n/).filter(function (line) { return line.trim() !== ''; });
      return '<ul>\n' + (lines.length ? lines : ['']).map(function (line) { return '  <li>' + line.trim() + '</li>'; }).join('\n') + '\n</ul>';
    }
    if (tag === 'a') {
      var href = /^https?:\/\//.test(text.trim()) ? text.trim() : 'https://';
      return '<a href="' + escapeAttribute(href) + '">' + text + '</a>';
    }
    return '<' + tag + '>' + text + '</' + tag + '>';
  }
  document.querySelectorAll('.rich-toolbar[data-target]').forEach(function (toolbar) {
    var area = document.getElementById(toolbar.getAttribute('data-target'));
    if (!area) return;
    toolbar.hidden = false;
    toolbar.addEventListener('click', function (event) {
      var button = event.target.closest('button[data-wrap]');
      if (!button) return;
      var start = area.selectionStart;
      var end = area.selectionEnd;
      var replacement = wrap(button.getAttribute('data-wrap'), area.value.slice(start, end));
      area.setRangeText(replacement, start, end, 'end');
      area.focus();
    });
  });
})();
