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
