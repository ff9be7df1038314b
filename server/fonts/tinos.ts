/**
 * Tinos (metric-compatible with Times New Roman, shipped through npm by
 * @expo-google-fonts/tinos): each face parsed once per process and shared by every PDF
 * (pdfkit takes a parsed fontkit font as well as a file; parsing a ~550 KB face cost more than
 * drawing a certificate, and a report parsed four of them per PDF).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';

export const TINOS_STYLES = { regular: '400Regular', bold: '700Bold', italic: '400Regular_Italic', boldItalic: '700Bold_Italic' } as const;
export type TinosStyle = keyof typeof TINOS_STYLES;

const FONT_DIR = path.dirname(require.resolve('@expo-google-fonts/tinos/package.json'));

/** Every character our documents print: ASCII, the Vietnamese letters with all their tones, some punctuation. */
export const PRINTABLE = (() => {
  const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
  const tones = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
  const vowels = 'aăâeêioôơuưy';
  const vietnamese = [...vowels].flatMap((v) => tones.map((mark) => (v + mark).normalize('NFC'))).join('') + 'đ';
  return ascii + vietnamese + vietnamese.toUpperCase() + '–—“”‘’…«»·•°№';
})();

const parsed = new Map<TinosStyle, fontkit.Font>();

/**
 * The face, parsed once. fontkit caches each glyph with the characters it was first reached
 * by: a glyph first reached as a component of another one ("I" inside "Ỉ", when a document's
 * subset is written) would be cached without its character, and every later document would
 * lose that letter from its text layer (search, copy, screen readers). Reaching every
 * printable character first, by its character, keeps the text layer exact whatever was
 * printed before.
 */
export function tinos(style: TinosStyle): fontkit.Font {
  let font = parsed.get(style);
  if (!font) {
    const file = TINOS_STYLES[style];
    font = fontkit.create(fs.readFileSync(path.join(FONT_DIR, file, `Tinos_${file}.ttf`)));
    font.glyphsForString(PRINTABLE);
    parsed.set(style, font);
  }
  return font;
}
