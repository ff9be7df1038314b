/**
 * Certificate PDFs rendered in a worker thread with a heap limit, for the ZIP of a unit
 * (./zip.ts, used by the job and the CLI): the thread that streams the ZIP keeps a small
 * heap, and the renderer's is capped (RENDER_HEAP). A process-wide flag
 * (--max-old-space-size) would cap the app, or the embedded engine's worker when the CLI
 * starts its own engine, as well. Each ZIP has its own worker, ended with it (`close`);
 * a failed render rejects, and so does every render once the worker is gone (out of memory,
 * crashed).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CertificateArt, PrintedCertificate } from './pdf';
import type { RenderReply, RenderRequest } from './render-worker';

/**
 * The renderer's heap, MB. One certificate at a time needs little (the fonts, parsed once,
 * ~20 MB); a small young generation is collected often, so the garbage of a PDF does not
 * pile up before it goes.
 */
const RENDER_HEAP = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

let live = 0;
/** How many renderer workers are running (tests check that a ZIP leaves none behind). */
export const liveRenderers = (): number => live;

export interface Renderer {
  render(certificate: PrintedCertificate): Promise<Buffer>;
  /** Ends the worker; resolves once it has exited. */
  close(): Promise<void>;
}

export function startRenderer(art: CertificateArt): Renderer {
  const worker = new Worker(path.join(__dirname, 'render-worker.js'), { workerData: art, resourceLimits: RENDER_HEAP });
  live++;
  const pending = new Map<number, { resolve: (pdf: Buffer) => void; reject: (error: Error) => void }>();
  let gone: Error | null = null;
  let nextId = 0;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      live--;
      resolve();
    }),
  );
  const failAll = (error: Error) => {
    gone ??= error;
    for (const p of pending.values()) p.reject(gone);
    pending.clear();
  };
  worker.on('message', (reply: RenderReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if ('error' in reply) p.reject(new Error(`certificate PDF: ${reply.error}`));
    else p.resolve(Buffer.from(reply.pdf.buffer, reply.pdf.byteOffset, reply.pdf.byteLength));
  });
  worker.on('error', (error) => failAll(error));
  void exited.then(() => failAll(new Error('certificate PDF: the renderer exited')));
  return {
    render(certificate) {
      if (gone) return Promise.reject(gone);
      const id = nextId++;
      // only what the PDF prints (ids and other fields of the stored document stay here)
      const { kind, year, officerName, unitName, registerNumber, issuedAt, code } = certificate;
      const request: RenderRequest = { id, certificate: { kind, year, officerName, unitName, registerNumber, issuedAt, code, modules: certificate.modules.map((m) => ({ title: m.title })) } };
      return new Promise<Buffer>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage(request);
      });
    },
    async close() {
      await worker.terminate();
      await exited;
    },
  };
}
