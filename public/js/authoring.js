/*
 * The lesson editor: a WYSIWYG area (Squire, served from /static/vendor, MIT) laid over the
 * lesson's HTML textarea. Without JavaScript the textarea and its form work as before;
 * with it, the textarea is hidden, the editor shows the same HTML, and the editor's HTML
 * goes back into the textarea when the form is submitted. The server sanitises whatever
 * is posted and stores images pasted inline (data: URLs) as lesson media, so the cleaning
 * here only makes what the author sees close to what will be saved.
 *
 * Paste from Word: Word's clipboard HTML has no <ul>/<ol>; list items are paragraphs
 * (class MsoListParagraph…, style "mso-list:l0 level2 lfo1") whose bullet or number is
 * a span marked "mso-list:Ignore". They are rebuilt as nested lists before Squire sees them.
 */
(function () {
  'use strict';
  var Squire = window.Squire;
  if (!Squire) return;

  var DROP = 'script,style,meta,link,title,xml,iframe,object,embed,noscript,template,form,input,button,select,textarea';
  var KEEP_ATTRIBUTES = { href: 1, src: 1, alt: 1, title: 1, colspan: 1, rowspan: 1, scope: 1, start: 1 };
  var LIST_LEVEL = /mso-list:\s*l(\d+)\s+level(\d+)/i;
  var ORDERED_MARKER = /^\s*(\d+|[a-z]{1,3})[.)]/i;

  // Chromium gives a parsed document the page's CSP, so Word's style attributes are renamed
  // before parsing (they are read for list levels, never applied)
  function styleOf(el) {
    return el.getAttribute('data-word-style') || '';
  }
  function renameStyles(html) {
    return html.replace(/<style[\s\S]*?<\/style\s*>/gi, '').replace(/<[a-z][^>]*>/gi, function (tag) { return tag.replace(/\sstyle\s*=/gi, ' data-word-style='); });
  }

  /** Word's list paragraphs as nested <ul>/<ol>, in place. */
  function rebuildWordLists(body) {
    var doc = body.ownerDocument;
    var stack = [];
    Array.prototype.slice.call(body.querySelectorAll('p')).forEach(function (p) {
      var match = LIST_LEVEL.exec(styleOf(p));
      if (!match) return;
      var level = Number(match[2]);
      var marker = p.querySelector('[data-word-style*="mso-list"]');
      var ordered = marker ? ORDERED_MARKER.test(marker.textContent) : false;
      // a list paragraph not right after the previous one starts a new list
      var previous = p.previousElementSibling;
      if (!previous || !previous.hasAttribute('data-word-list')) stack = [];
      while (stack.length && stack[stack.length - 1].level > level) stack.pop();
      var top = stack[stack.length - 1];
      if (!top || top.level < level) {
        var list = doc.createElement(ordered ? 'ol' : 'ul');
        if (top && top.list.lastElementChild) top.list.lastElementChild.appendChild(list);
        else p.parentNode.insertBefore(list, p);
        top = { level: level, list: list };
        stack.push(top);
      }
      var item = doc.createElement('li');
      while (p.firstChild) item.appendChild(p.firstChild);
      top.list.appendChild(item);
      // a marker element keeps the run going until the next non-list element
      p.setAttribute('data-word-list', '');
      p.textContent = '';
    });
    Array.prototype.slice.call(body.querySelectorAll('p[data-word-list]')).forEach(function (p) {
      p.remove();
    });
  }

  function unwrap(el) {
    while (el.firstChild) el.parentNode.insertBefore(el.firstChild, el);
    el.remove();
  }

  /** Pasted or loaded HTML as a clean fragment: parsed inertly (nothing runs or loads), Word's markup undone. */
  function toFragment(html) {
    var doc = new DOMParser().parseFromString(renameStyles(html), 'text/html');
    var body = doc.body;
    Array.prototype.slice.call(body.querySelectorAll(DROP)).forEach(function (el) { el.remove(); });
    // the list markers Word draws itself ("·", "1.") are read by rebuildWordLists, then go
    rebuildWordLists(body);
    Array.prototype.slice.call(body.querySelectorAll('*')).forEach(function (el) {
      if (/mso-list:\s*ignore/i.test(styleOf(el))) el.remove();
    });
    var walker = doc.createTreeWalker(body, NodeFilter.SHOW_COMMENT);
    var comments = [];
    while (walker.nextNode()) comments.push(walker.currentNode);
    comments.forEach(function (c) { c.remove(); });
    Array.prototype.slice.call(body.querySelectorAll('*')).forEach(function (el) {
      var name = el.localName;
      // Word's o:p, v:shape…, spans and fonts carry no structure
      if (name.indexOf(':') > 0 || name === 'span' || name === 'font') return unwrap(el);
      if (name === 'img' && !/^(data:image\/|https?:|\/media\/)/i.test(el.getAttribute('src') || '')) return el.remove();
      Array.prototype.slice.call(el.attributes).forEach(function (attribute) {
        if (!KEEP_ATTRIBUTES[attribute.name]) el.removeAttribute(attribute.name);
      });
    });
    var fragment = document.createDocumentFragment();
    while (body.firstChild) fragment.appendChild(document.adoptNode(body.firstChild));
    return fragment;
  }

  function renameBlock(block, tag) {
    if (block.localName === tag || block.localName === 'li') return block;
    var renamed = document.createElement(tag);
    while (block.firstChild) renamed.appendChild(block.firstChild);
    block.parentNode.replaceChild(renamed, block);
    return renamed;
  }

  function readImageFiles(editor, clipboardData) {
    Array.prototype.forEach.call(clipboardData.items || [], function (item) {
      if (!/^image\/(png|jpeg|webp)$/.test(item.type)) return;
      var reader = new FileReader();
      reader.onload = function () { editor.insertImage(reader.result, { alt: '' }); };
      reader.readAsDataURL(item.getAsFile());
    });
  }

  function enhance(area) {
    var root = document.getElementById(area.getAttribute('data-editor'));
    var toolbar = document.querySelector('[data-editor-toolbar="' + area.id + '"]');
    if (!root || !toolbar) return;
    var editor = new Squire(root, { blockTag: 'P', sanitizeToDOMFragment: toFragment });
    editor.setHTML(area.value);
    editor.addEventListener('pasteImage', function (event) { readImageFiles(editor, event.detail.clipboardData); });
    var commands = {
      h2: function () { editor.forEachBlock(function (b) { renameBlock(b, 'h2'); }, true); },
      h3: function () { editor.forEachBlock(function (b) { renameBlock(b, 'h3'); }, true); },
      p: function () { editor.forEachBlock(function (b) { renameBlock(b, 'p'); }, true); },
      bold: function () { if (editor.hasFormat('b')) editor.removeBold(); else editor.bold(); },
      italic: function () { if (editor.hasFormat('i')) editor.removeItalic(); else editor.italic(); },
      ul: function () { editor.makeUnorderedList(); },
      ol: function () { editor.makeOrderedList(); },
      link: function () {
        var href = window.prompt(toolbar.getAttribute('data-link-prompt'), 'https://');
        if (href && /^(https?:|mailto:)/i.test(href)) editor.makeLink(href);
      },
      undo: function () { editor.undo(); },
      redo: function () { editor.redo(); },
      source: function (button) {
        var showing = area.hidden;
        if (showing) area.value = editor.getHTML();
        else editor.setHTML(area.value);
        area.hidden = !showing;
        root.hidden = showing;
        button.setAttribute('aria-pressed', String(showing));
      },
    };
    toolbar.addEventListener('click', function (event) {
      var button = event.target.closest('button[data-command]');
      if (!button) return;
      commands[button.getAttribute('data-command')](button);
      if (!root.hidden) editor.focus();
    });
    area.form.addEventListener('submit', function () {
      if (!root.hidden) area.value = editor.getHTML();
    });
    area.hidden = true;
    root.hidden = false;
    toolbar.hidden = false;
    area.setAttribute('data-editor-ready', '');
  }

  document.querySelectorAll('textarea[data-editor]').forEach(enhance);
})();
