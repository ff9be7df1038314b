/** The fontkit calls (pdfkit's own font parser) server/fonts uses; the package ships no types. */
declare module 'fontkit' {
  export interface Font {
    glyphsForString(text: string): unknown[];
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
