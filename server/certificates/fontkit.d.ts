/** The one call of fontkit (pdfkit's own font parser) the certificates use; the package ships no types. */
declare module 'fontkit' {
  export function create(buffer: Uint8Array, postscriptName?: string): unknown;
}
