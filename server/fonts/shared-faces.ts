/**
 * The Tinos faces of the PDFs (certificates, reports), shared by every PDF of the process
 * (measured on the bench: parsing, laying out words and subsetting the fonts were two thirds
 * of a certificate, and most of a report's PDF).
 *
 * - Each face is parsed once (../fonts/tinos.ts).
 * - Words are laid out once: pdfkit keeps the shaped words of a document in
 *   `layoutCache`; here a document reads through to a process-wide cache (bounded) and
 *   adds its new words to it when it ends. A word's shape depends only on the face.
 * - The embedded font is always the same subset, every printable character (ASCII and the
 *   Vietnamese letters with all their tones, ~260 glyphs, ~17 KB a face), put first in a
 *   fixed order; its file, widths and ToUnicode map are encoded and compressed once. A
 *   document that prints a character outside the set (a ligature, a rare symbol) gets that
 *   glyph appended and pdfkit's own subsetting, as before. The price: ~50 KB of fonts in
 *   every certificate instead of ~25 KB.
 *
 * This reaches into pdfkit 0.20's EmbeddedFont (named fields below); test/certificates
 * checks the text layer and the fonts of the PDFs, so an upgrade that changes them fails there.
 */
import zlib from 'node:zlib';
import { PRINTABLE, tinos, type TinosStyle } from './tinos';

/** Words kept per face: a unit's names and places repeat; codes and numbers do not, hence a bound. */
const MAX_WORDS = 5_000;

interface Glyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}
interface Ref {
  data: Record<string, unknown>;
  end(chunk?: Uint8Array | string): void;
}
/** pdfkit's EmbeddedFont, the fields this module reads and sets. */
interface PdfkitFont {
  document: { ref(data?: Record<string, unknown>): Ref };
  id: string;
  scale: number;
  ascender: number;
  descender: number;
  subset: { glyphs: number[]; includeGlyph(id: number): number };
  widths: number[];
  unicode: number[][];
  layoutCache?: Record<string, unknown>;
  dictionary: Ref;
  embed(): void;
}
interface FontkitFont {
  glyphsForString(text: string): Glyph[];
  createSubset(): { includeGlyph(id: number): number; encode(): Uint8Array };
  postscriptName: string;
  unitsPerEm: number;
  italicAngle: number;
  capHeight: number;
  ascent: number;
  xHeight: number;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
  'OS/2'?: { sFamilyClass?: number };
  post: { isFixedPitch: boolean };
  head: { macStyle: { italic: boolean } };
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** The ToUnicode CMap of a subset (as pdfkit writes it): glyph `i` of the subset → `unicode[i]`. */
function toUnicodeCmap(unicode: number[][]): string {
  const entries = unicode.map((codePoints) => `<${codePoints.flatMap((v) => (v > 0xffff ? [0xd800 | (((v - 0x10000) >>> 10) & 0x3ff), 0xdc00 | ((v - 0x10000) & 0x3ff)] : [v])).map(hex4).join(' ')}>`);
  const ranges: string[] = [];
  for (let start = 0; start < entries.length; start += 256) {
    const end = Math.min(start + 256, entries.length);
    ranges.push(`<${hex4(start)}> <${hex4(end - 1)}> [${entries.slice(start, end).join(' ')}]`);
  }
  return [
    '/CIDInit /ProcSet findresource begin', '12 dict begin', 'begincmap', '/CIDSystemInfo <<', '  /Registry (Adobe)', '  /Ordering (UCS)', '  /Supplement 0', '>> def',
    '/CMapName /Adobe-Identity-UCS def', '/CMapType 2 def', '1 begincodespacerange', '<0000><ffff>', 'endcodespacerange',
    `${ranges.length} beginbfrange`, ...ranges, 'endbfrange', 'endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end',
  ].join('\n');
}

/** One face: the parsed font, its shaped words, and the printable subset ready to embed. */
class SharedFace {
  readonly font: FontkitFont;
  private readonly glyphs: Glyph[];
  private readonly words: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  private wordCount = 0;
  private prepared: { file: Buffer; cmap: Buffer; widths: number[]; descriptor: Record<string, unknown> } | null = null;

  constructor(style: TinosStyle) {
    // parsed once and primed with every printable character (see ../fonts/tinos.ts)
    this.font = tinos(style) as unknown as FontkitFont;
    const seen = new Set<number>([0]);
    this.glyphs = this.font.glyphsForString(PRINTABLE).filter((g) => !seen.has(g.id) && seen.add(g.id));
  }

  /** Makes pdfkit's font object of one document use the shared words and subset. */
  attach(pdfFont: PdfkitFont): void {
    for (const glyph of this.glyphs) {
      const gid = pdfFont.subset.includeGlyph(glyph.id);
      pdfFont.widths[gid] = glyph.advanceWidth * pdfFont.scale;
      pdfFont.unicode[gid] = glyph.codePoints;
    }
    const own = Object.create(this.words) as Record<string, unknown>;
    pdfFont.layoutCache = own;
    const preset = this.glyphs.length + 1;
    const pdfkitEmbed = Object.getPrototypeOf(pdfFont).embed as () => void;
    pdfFont.embed = () => {
      this.keepWords(own);
      if (pdfFont.subset.glyphs.length === preset) this.embedPrepared(pdfFont);
      else pdfkitEmbed.call(pdfFont);
    };
  }

  private keepWords(own: Record<string, unknown>): void {
    for (const word of Object.keys(own)) {
      if (this.wordCount >= MAX_WORDS) return;
      this.words[word] = own[word];
      this.wordCount++;
    }
  }

  /** The objects pdfkit writes for an embedded TrueType subset, from bytes prepared once. */
  private embedPrepared(pdfFont: PdfkitFont): void {
    const p = (this.prepared ??= this.prepare(pdfFont));
    const doc = pdfFont.document;
    // already compressed: a Filter given up front keeps pdfkit from deflating again
    const fontFile = doc.ref({ Filter: 'FlateDecode' });
    fontFile.end(p.file);
    const name = `${[1, 2, 3, 4, 5, 6].map((i) => String.fromCharCode((pdfFont.id.charCodeAt(i) || 73) + 17)).join('')}+${this.font.postscriptName.replaceAll(' ', '_')}`;
    const descriptor = doc.ref({ ...p.descriptor, FontName: name, FontFile2: fontFile });
    descriptor.end();
    // String objects are how pdfkit tells a PDF string "(Adobe)" from a name "/Adobe"
    const registry = { Registry: new String('Adobe'), Ordering: new String('Identity'), Supplement: 0 };
    const descendant = doc.ref({ Type: 'Font', Subtype: 'CIDFontType2', BaseFont: name, CIDSystemInfo: registry, FontDescriptor: descriptor, W: [0, p.widths], CIDToGIDMap: 'Identity' });
    descendant.end();
    const cmap = doc.ref({ Filter: 'FlateDecode' });
    cmap.end(p.cmap);
    pdfFont.dictionary.data = { Type: 'Font', Subtype: 'Type0', BaseFont: name, Encoding: 'Identity-H', DescendantFonts: [descendant], ToUnicode: cmap };
    pdfFont.dictionary.end();
  }

  private prepare(pdfFont: PdfkitFont) {
    const subset = this.font.createSubset();
    for (const glyph of this.glyphs) subset.includeGlyph(glyph.id);
    const font = this.font;
    const scale = pdfFont.scale;
    const familyClass = (font['OS/2']?.sFamilyClass ?? 0) >> 8;
    // pdfkit's flags: fixed pitch, serif, symbolic, script, italic
    const flags = (font.post.isFixedPitch ? 1 : 0) | (familyClass >= 1 && familyClass <= 7 ? 2 : 0) | 4 | (familyClass === 10 ? 8 : 0) | (font.head.macStyle.italic ? 64 : 0);
    return {
      file: zlib.deflateSync(subset.encode()),
      widths: pdfFont.widths.slice(),
      cmap: zlib.deflateSync(toUnicodeCmap(pdfFont.unicode)),
      descriptor: {
        Type: 'FontDescriptor',
        Flags: flags,
        FontBBox: [font.bbox.minX * scale, font.bbox.minY * scale, font.bbox.maxX * scale, font.bbox.maxY * scale],
        ItalicAngle: font.italicAngle,
        Ascent: pdfFont.ascender,
        Descent: pdfFont.descender,
        CapHeight: (font.capHeight || font.ascent) * scale,
        XHeight: (font.xHeight || 0) * scale,
        StemV: 0,
      },
    };
  }
}

const faces = new Map<TinosStyle, SharedFace>();
const shared = (style: TinosStyle): SharedFace => {
  let face = faces.get(style);
  if (!face) faces.set(style, (face = new SharedFace(style)));
  return face;
};

/**
 * Registers the faces on `doc` (pdfkit) under the given names (name → style) and attaches
 * the shared words and subsets (pdfkit embeds only the faces a page printed with).
 */
export function useSharedFaces(doc: PDFKit.PDFDocument, names: Record<string, TinosStyle>): void {
  for (const [name, style] of Object.entries(names)) {
    const f = shared(style);
    // (pdfkit's types know only file names and bytes; its code takes a parsed font too)
    doc.registerFont(name, f.font as unknown as Buffer);
    doc.font(name);
    f.attach((doc as unknown as { _font: PdfkitFont })._font);
  }
}
