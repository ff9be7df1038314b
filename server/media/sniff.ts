/**
 * What a stored or uploaded file is, judged by its first bytes only — never by its name
 * or the MIME a browser claims. Lesson media, exemption evidence and images pasted into
 * lessons all go through here.
 */

export interface MediaKind {
  mime: string;
  /** 'video' kinds have the larger limit (MEDIA_MAX_MB), documents and images MEDIA_DOC_MAX_MB */
  size: 'video' | 'document';
}

/** The kind of a file from its first bytes, or null when it is none we accept. */
export function sniffMedia(head: Buffer): MediaKind | null {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return { mime: 'application/pdf', size: 'document' };
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: 'image/png', size: 'document' };
  if (starts([0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', size: 'document' };
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return { mime: 'image/webp', size: 'document' };
  if (starts([0x66, 0x74, 0x79, 0x70], 4)) return { mime: 'video/mp4', size: 'video' };
  if (starts([0x1a, 0x45, 0xdf, 0xa3])) return { mime: 'video/webm', size: 'video' };
  return null;
}

/** The MIME of a PNG, JPEG or WebP image, or null for anything else. */
export function sniffImage(bytes: Buffer): string | null {
  const kind = sniffMedia(bytes.subarray(0, 16));
  return kind?.mime.startsWith('image/') ? kind.mime : null;
}
