/**
 * Lesson bodies are rich text written by coordinators or imported from another
 * province's bundle: both are treated as hostile. Only a small allow-list of tags and
 * attributes survives — headings, paragraphs, lists, quotes, tables, images, links —
 * and links and images keep only http(s), mailto and same-site URLs, so `<script>`,
 * `on*=` handlers, `style`, and `javascript:` / `data:` URLs never reach a page.
 */
import crypto from 'node:crypto';
import sanitizeHtml from 'sanitize-html';
import { sniffImage } from '../media/sniff';

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

/** An image that arrived inside the HTML as a data: URL, decoded and checked by its bytes. */
export interface InlineImage {
  sha256: string;
  mime: string;
  bytes: Buffer;
}

const DATA_IMAGE = /^data:image\/[a-z0-9.+-]+;base64,([a-z0-9+/=\s]*)$/i;

/**
 * Like sanitizeLessonHtml, but images pasted inline (`<img src="data:image/…;base64,…">`,
 * as LibreOffice, Word online and the editor's own image paste produce them) are decoded
 * and pointed at /media/<sha256>; the caller stores `images` before saving the HTML.
 * Inline data that is not a PNG/JPEG/WebP image by its bytes loses its src, like any
 * other data: URL; a real image larger than `maxBytes` or past the `maxImages`-th is
 * counted in `refused`, so the caller can refuse the save rather than drop it silently.
 * With `keepInline` the checked images stay data: URLs (re-encoded from their bytes), for
 * HTML shown in the editor before it is saved.
 */
export function sanitizeLessonHtmlWithImages(html: string, limits: { maxBytes: number; maxImages: number; keepInline?: boolean }): { html: string; images: InlineImage[]; refused: number } {
  const images = new Map<string, InlineImage>();
  let refused = 0;
  const refuse = () => {
    refused += 1;
    return null;
  };
  const accept = (src: string): string | null => {
    const match = DATA_IMAGE.exec(src);
    // any other data: URL goes (with keepInline, data: passes the scheme check below)
    if (!match) return /^data:/i.test(src) ? null : src;
    // base64 is 4 characters per 3 bytes: reject before decoding anything too big
    if ((match[1]!.length * 3) / 4 > limits.maxBytes + 3) return refuse();
    const bytes = Buffer.from(match[1]!, 'base64');
    const mime = sniffImage(bytes);
    if (!mime) return null;
    if (bytes.length > limits.maxBytes) return refuse();
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    if (!images.has(sha256) && images.size >= limits.maxImages) return refuse();
    images.set(sha256, { sha256, mime, bytes });
    // re-encoded from the checked bytes, never the submitted text
    return limits.keepInline ? `data:${mime};base64,${bytes.toString('base64')}` : `/media/${sha256}`;
  };
  const options: sanitizeHtml.IOptions = {
    ...OPTIONS,
    ...(limits.keepInline ? { allowedSchemesByTag: { img: ['http', 'https', 'data'] } } : {}),
    transformTags: {
      ...OPTIONS.transformTags,
      img: (tagName, attribs) => {
        const { src, ...rest } = attribs;
        const kept = src === undefined ? null : accept(src.trim());
        return { tagName, attribs: kept === null ? rest : { ...rest, src: kept } };
      },
    },
  };
  const clean = sanitizeHtml(html.normalize('NFC'), options).trim();
  return { html: clean, images: [...images.values()], refused };
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
