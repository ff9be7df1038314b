/**
 * The worker thread of a certificate ZIP (./renderer.ts): renders the PDFs one by one under
 * the heap limit its parent sets. pdfkit and fontkit allocate fast, and a heap that grows
 * with them — the process's RSS went to 380–590 MB for 2,000 certificates — is bounded here
 * without capping the rest of the process (the app, the embedded engine's own worker).
 * Gets the art once (workerData), then `{ id, certificate }` messages; answers
 * `{ id, pdf }` (the bytes transferred, not copied) or `{ id, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { renderCertificatePdf, type CertificateArt, type PrintedCertificate } from './pdf';

export interface RenderRequest {
  id: number;
  certificate: PrintedCertificate;
}
export type RenderReply = { id: number; pdf: Uint8Array } | { id: number; error: string };

/** The art as structured clone gives it (Buffers arrive as Uint8Arrays). */
const given = workerData as CertificateArt;
const bytes = (image: Uint8Array | null) => (image ? Buffer.from(image.buffer, image.byteOffset, image.byteLength) : null);
const art: CertificateArt = { ...given, seal: bytes(given.seal), signature: bytes(given.signature) };

const port = parentPort!;
port.on('message', ({ id, certificate }: RenderRequest) => {
  renderCertificatePdf(certificate, art).then(
    (pdf) => {
      // a fresh ArrayBuffer of its own, so that transferring it detaches nothing else (Buffer.concat may use the pool)
      const own = new Uint8Array(pdf.length);
      own.set(pdf);
      port.postMessage({ id, pdf: own } satisfies RenderReply, [own.buffer]);
    },
    (error: unknown) => port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies RenderReply),
  );
});
