/**
 * A lesson body as submitted by the editor, pasted from Word/LibreOffice or converted from
 * a .docx: plain text gets its paragraphs and lists, HTML goes through the sanitiser, and
 * images that came inline as data: URLs are stored as lesson media (content-addressed,
 * checked by their bytes, size-limited) and listed among the lesson's attachments — so a
 * bundle export carries them like any other attachment. Nothing is stored when the body
 * is refused.
 */
import type { Env } from '../env';
import { invalid } from '../errors';
import { storeMedia } from '../media/store';
import type { Attachment } from './model';
import { isPlainText, plainTextToHtml, sanitizeLessonHtmlWithImages } from './sanitize';

/** The longest stored lesson body, in characters (images are links to /media, not inside it). */
export const LESSON_BODY_MAX = 200_000;
/** The largest lesson form (a body with its pasted images as base64), in MB: the body parser's limit on the lesson routes. */
export const LESSON_FORM_MAX_MB = 40;
/** Inline images one save may bring. */
export const LESSON_INLINE_IMAGES_MAX = 50;

const EXTENSION: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/**
 * The stored body and the attachments its inline images became. Throws a 422 on the
 * `body` field when an inline image is too large, there are too many, or the result is
 * too long.
 */
export async function prepareLessonBody(config: Pick<Env, 'DATA_DIR' | 'MEDIA_DOC_MAX_MB'>, raw: string): Promise<{ body: string; images: Attachment[] }> {
  const source = isPlainText(raw) ? plainTextToHtml(raw) : raw;
  const { html, images, refused } = sanitizeLessonHtmlWithImages(source, { maxBytes: config.MEDIA_DOC_MAX_MB * 1024 * 1024, maxImages: LESSON_INLINE_IMAGES_MAX });
  if (refused > 0) throw invalid([{ field: 'body', id: 'lesson_inline_image_refused' }]);  // too large or too many
  if (html.length > LESSON_BODY_MAX) throw invalid([{ field: 'body', id: 'field_too_long' }]);
  const attachments: Attachment[] = [];
  for (const image of images) {
    await storeMedia(config.DATA_DIR, image.bytes);
    attachments.push({ sha256: image.sha256, name: `hinh-anh-${image.sha256.slice(0, 8)}.${EXTENSION[image.mime] ?? 'img'}`, mime: image.mime, size: image.bytes.length });
  }
  return { body: html, images: attachments };
}

/** `existing` plus the `added` attachments it does not have yet. */
export function withAttachments(existing: readonly Attachment[], added: readonly Attachment[]): Attachment[] {
  return [...existing, ...added.filter((a) => !existing.some((e) => e.sha256 === a.sha256))];
}
