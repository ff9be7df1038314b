/**
 * Seal and signature images made ready for many PDFs. pdfkit decodes a PNG with an alpha
 * channel and splits it into colour and mask in every document it embeds it in — for a
 * scanned seal that was most of a certificate's cost. Here it is done once per image (per
 * loaded template), and each document gets a small image object holding the compressed
 * colour and mask; other images (JPEG, PNG without alpha) pdfkit embeds cheaply as they are.
 */
import zlib from 'node:zlib';
import PDFDocument from 'pdfkit';

interface SplitPng {
  width: number;
  height: number;
  colors: 1 | 3;
  imgData: Buffer;
  alphaChannel: Buffer;
}

/** pdfkit's PNG as its image object exposes it (png-js). */
interface PngInternals {
  image: { hasAlphaChannel: boolean; colors: number; bits: number; transparency: { indexed?: unknown }; palette: unknown[]; decodePixels(fn: (pixels: Uint8Array) => void): void };
  width: number;
  height: number;
}

const prepared = new WeakMap<Buffer, Promise<SplitPng | null>>();

/** The colour and mask of a PNG with an alpha channel, split and compressed once; null for any other image. */
function split(bytes: Buffer): Promise<SplitPng | null> {
  const doc = new PDFDocument({ autoFirstPage: false });
  const opened = (doc as unknown as { openImage(src: Buffer): unknown }).openImage(bytes) as Partial<PngInternals>;
  const png = opened.image;
  if (!png || typeof png.decodePixels !== 'function' || !png.hasAlphaChannel || png.palette.length > 0 || png.transparency.indexed) return Promise.resolve(null);
  const colors = png.colors === 1 ? 1 : 3;
  const skip = png.bits === 16 ? 1 : 0;
  return new Promise((resolve) =>
    png.decodePixels((pixels) => {
      const count = opened.width! * opened.height!;
      const colour = new Uint8Array(count * colors);
      const alpha = new Uint8Array(count);
      for (let i = 0, p = 0, a = 0; i < pixels.length && a < count; ) {
        for (let c = 0; c < colors; c++, i += 1 + skip) colour[p++] = pixels[i]!;
        alpha[a++] = pixels[i]!;
        i += 1 + skip;
      }
      resolve({ width: opened.width!, height: opened.height!, colors, imgData: zlib.deflateSync(colour), alphaChannel: zlib.deflateSync(alpha) });
    }),
  );
}

interface PdfRef {
  data: Record<string, unknown>;
  end(data?: Buffer): void;
}

/** What pdfkit's `image()` needs of an image object: its size, a label, and `embed`. */
class SplitImage {
  obj: PdfRef | null = null;
  readonly width: number;
  readonly height: number;
  constructor(
    private readonly png: SplitPng,
    readonly label: string,
  ) {
    this.width = png.width;
    this.height = png.height;
  }
  embed(document: { ref(data?: Record<string, unknown>): PdfRef }): void {
    const common = { Type: 'XObject', Subtype: 'Image', BitsPerComponent: 8, Width: this.width, Height: this.height, Filter: 'FlateDecode' };
    const mask = document.ref({ ...common, ColorSpace: 'DeviceGray', Decode: [0, 1] });
    mask.end(this.png.alphaChannel);
    this.obj = document.ref({ ...common, ColorSpace: this.png.colors === 1 ? 'DeviceGray' : 'DeviceRGB', SMask: mask });
    this.obj.end(this.png.imgData);
  }
}

/** A function giving each document its own image object for `bytes` (or the bytes themselves, which pdfkit embeds fine). */
export async function reusableImage(bytes: Buffer | null, label: string): Promise<((doc: unknown) => Buffer) | null> {
  if (!bytes) return null;
  if (!prepared.has(bytes)) prepared.set(bytes, split(bytes).catch(() => null));
  const png = await prepared.get(bytes)!;
  // pdfkit takes an object with width and height as an opened image (its types only know bytes)
  return png ? () => new SplitImage(png, label) as unknown as Buffer : () => bytes;
}
