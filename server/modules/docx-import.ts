/**
 * A lesson from a Word .docx (issue #15): the upload is hostile, so the zip is read once
 * with yauzl first — entry count capped, every entry inflated while counting its real
 * bytes (headers can lie: a zip bomb stops at the cap), encrypted or damaged zips
 * refused — and only then handed to mammoth, from memory, with external file access
 * off (a .docx may link "images" at file:///etc/passwd or an intranet URL). mammoth's
 * HTML (headings, lists, tables, images as data: URLs) goes through the lesson sanitiser
 * with its images checked by their bytes and kept inline: the result goes into the
 * editor for review, and the images become lesson media when the author saves.
 */
import mammoth from 'mammoth';
import yauzl from 'yauzl';
import { AppError } from '../errors';
import type { Env } from '../env';
import { LESSON_INLINE_IMAGES_MAX } from './lesson-body';
import { sanitizeLessonHtmlWithImages } from './sanitize';

const MB = 1024 * 1024;
/** Parts of a .docx: a few dozen usually; thousands only in a crafted file. */
const MAX_ENTRIES = 2000;

/** The caps of a .docx upload: its own size is MEDIA_DOC_MAX_MB, unpacked at most 5× that (≤ 100 MB). */
export function docxLimits(config: Pick<Env, 'MEDIA_DOC_MAX_MB'>): { maxBytes: number; maxUnpackedBytes: number } {
  return { maxBytes: config.MEDIA_DOC_MAX_MB * MB, maxUnpackedBytes: Math.min(100 * MB, 5 * config.MEDIA_DOC_MAX_MB * MB) };
}

const refused = () => new AppError(422, 'docx_import_refused');

/** Inflates every entry once, counting real bytes; throws a 413/422 AppError past the caps or on a damaged zip. */
async function checkZip(data: Buffer, maxUnpackedBytes: number, maxMb: number): Promise<void> {
  const tooLarge = new AppError(413, 'docx_import_too_large', { max: maxMb });
  if (data.length < 4 || data.readUInt32LE(0) !== 0x04034b50) throw refused();
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(data, { lazyEntries: true }, (error, file) => (error ? reject(refused()) : resolve(file))));
  let entries = 0;
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', () => reject(refused()));
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (++entries > MAX_ENTRIES || total + entry.uncompressedSize > maxUnpackedBytes) return reject(tooLarge);
        if (entry.isEncrypted()) return reject(refused());
        zip.openReadStream(entry, (error, stream) => {
          if (error) return reject(refused());
          stream.on('data', (chunk: Buffer) => {
            total += chunk.length;
            if (total > maxUnpackedBytes) {
              stream.destroy();
              reject(tooLarge);
            }
          });
          stream.on('error', () => reject(refused()));
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/**
 * The sanitised lesson HTML of a .docx (images inline, checked) and how many of mammoth's
 * warnings (unsupported formatting it left out) there were. Nothing is stored.
 */
export async function convertDocx(config: Pick<Env, 'MEDIA_DOC_MAX_MB'>, data: Buffer): Promise<{ html: string; warnings: number }> {
  const limits = docxLimits(config);
  if (data.length > limits.maxBytes) throw new AppError(413, 'docx_import_too_large', { max: config.MEDIA_DOC_MAX_MB });
  await checkZip(data, limits.maxUnpackedBytes, config.MEDIA_DOC_MAX_MB);
  let converted: { value: string; messages: unknown[] };
  try {
    converted = await mammoth.convertToHtml({ buffer: data }, { externalFileAccess: false });
  } catch {
    // not a Word document (an .xlsx, a zip of anything), or a damaged one
    throw refused();
  }
  const { html, refused: tooBig } = sanitizeLessonHtmlWithImages(converted.value, { maxBytes: limits.maxBytes, maxImages: LESSON_INLINE_IMAGES_MAX, keepInline: true });
  if (tooBig > 0) throw new AppError(422, 'lesson_inline_image_refused');
  return { html, warnings: converted.messages.length };
}
