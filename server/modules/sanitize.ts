/**
 * Lesson bodies are rich text written by coordinators or imported from another
 * province's bundle: both are treated as hostile. Only a small allow-list of tags and
 * attributes survives — headings, paragraphs, lists, quotes, tables, images, links —
 * and links and images keep only http(s), mailto and same-site URLs, so `<script>`,
 * `on*=` handlers, `style`, and `javascript:` / `data:` URLs never reach a page.
 */
import sanitizeHtml from 'sanitize-html';

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['h2', 'h3', 'h4', 'p', 'br', 'hr', 'strong', 'b', 'em', 'i', 'u', 's', 'sub', 'sup', 'mark', 'small', 'blockquote', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'figure', 'figcaption', 'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'code', 'pre', 'abbr', 'span', 'div'],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'width', 'height'],
    th: ['scope', 'colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    ol: ['start', 'type'],
    abbr: ['title'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  // a heading level 1 is the page's own title: lessons start at h2
  transformTags: {
    h1: 'h2',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, ...(attribs['href']?.startsWith('http') ? { rel: 'noopener noreferrer', target: '_blank' } : {}) } }),
  },
  // <script>/<style> lose their text as well as their tags
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'template'],
  disallowedTagsMode: 'discard',
};
OPTIONS.allowedAttributes = { ...(OPTIONS.allowedAttributes as Record<string, string[]>), a: ['href', 'title', 'rel', 'target'] };

/** The lesson body as it may be stored and shown: allow-listed HTML, Unicode NFC. */
export function sanitizeLessonHtml(html: string): string {
  return sanitizeHtml(html.normalize('NFC'), OPTIONS).trim();
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const BULLET = /^\s*[-•*–]\s+/;
const NUMBERED = /^\s*\d{1,3}[.)]\s+/;

// tag names that make a body HTML; "<khi chậm trễ>" in pasted text is not one
const HTML_TAGS = new Set([...(OPTIONS.allowedTags as string[]), ...(OPTIONS.nonTextTags ?? []), 'h1', 'h5', 'h6', 'html', 'head', 'body', 'meta', 'link', 'font', 'o:p', 'svg', 'math', 'input', 'button', 'form', 'frame', 'embed', 'base', 'video', 'audio', 'source', 'picture', 'section', 'article', 'header', 'footer', 'nav', 'main', 'label', 'select', 'center', 'col', 'colgroup']);

/** A body with no HTML tag at all is plain text (pasted from a document or typed), not HTML. */
export function isPlainText(body: string): boolean {
  for (const match of body.matchAll(/<\/?([a-z][a-z0-9:]*)[\s/>]/gi)) if (HTML_TAGS.has(match[1]!.toLowerCase())) return false;
  return true;
}

/**
 * Plain text as lesson HTML, keeping its shape: blank lines separate paragraphs, lines
 * starting with "- ", "• " or "* " become a bulleted list and "1. " / "1) " a numbered one,
 * other line breaks stay line breaks — so a lesson pasted as text is not one run-on paragraph.
 */
export function plainTextToHtml(text: string): string {
  const html: string[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    // runs of consecutive lines of one kind: paragraph lines, bullets or numbered items
    const runs: Array<{ kind: 'p' | 'ul' | 'ol'; lines: string[] }> = [];
    for (const line of block.split('\n').filter((l) => l.trim() !== '')) {
      const kind = BULLET.test(line) ? 'ul' : NUMBERED.test(line) ? 'ol' : 'p';
      const content = kind === 'p' ? line.trim() : line.replace(kind === 'ul' ? BULLET : NUMBERED, '').trim();
      const last = runs[runs.length - 1];
      if (last?.kind === kind) last.lines.push(content);
      else runs.push({ kind, lines: [content] });
    }
    html.push(
      runs
        .map(({ kind, lines }) => (kind === 'p' ? `<p>${lines.map(escapeText).join('<br>')}</p>` : `<${kind}>${lines.map((line) => `<li>${escapeText(line)}</li>`).join('')}</${kind}>`))
        .join(''),
    );
  }
  return html.filter(Boolean).join('\n');
}
