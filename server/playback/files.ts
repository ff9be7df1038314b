/**
 * GET /p/<token>/<path>: a file of the package named by the token, out of
 * PACKAGES_DIR/<sha256>/. The path is checked segment by segment (no "..", ".", empty,
 * backslash or NUL segment: nothing outside the tree can be named) before `send` resolves
 * it inside the tree; send sets the MIME type from the extension and helmet adds nosniff.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../http/context';
import { packageTreePath } from '../packages/storage';
import { verifyPlaybackToken } from './tokens';

/** The path inside the package, or null when a segment could step outside it. */
export function safeRelativePath(segments: unknown): string | null {
  const parts = Array.isArray(segments) ? segments : typeof segments === 'string' ? [segments] : [];
  if (parts.length === 0 || parts.length > 64) return null;
  for (const part of parts) {
    if (typeof part !== 'string' || part === '' || part === '.' || part === '..' || part.length > 255 || /[/\\\0]/.test(part)) return null;
  }
  return parts.join('/').normalize('NFC');
}

export function sendPackageFile(services: Services) {
  const { config, secret } = services;
  return (req: Request, res: Response, next: NextFunction) => {
    const claims = verifyPlaybackToken(String(req.params['token']), secret);
    if (!claims) {
      res.status(401).type('text/plain').send('Phiên xem gói đã hết hạn; hãy mở lại bài học. / This playback link has expired.');
      return;
    }
    const relative = safeRelativePath(req.params['path']);
    if (!relative) {
      res.status(404).type('text/plain').send('Không tìm thấy / not found');
      return;
    }
    res.setHeader('Cache-Control', 'private, max-age=3600');
    if (/\.html?$/i.test(relative) && !relative.split('/').some((segment) => segment.startsWith('.'))) return void sendPage(res, path.join(packageTreePath(config.PACKAGES_DIR, claims.pkg), ...relative.split('/'))).catch(next);
    res.sendFile(relative, { root: packageTreePath(config.PACKAGES_DIR, claims.pkg), dotfiles: 'deny', index: false }, (error) => {
      if (!error) return;
      if ((error as { status?: number }).status === 404 || (error as NodeJS.ErrnoException).code === 'ENOENT') {
        if (!res.headersSent) res.status(404).type('text/plain').send('Không tìm thấy / not found');
      } else next(error);
    });
  };
}

const SHIM = '<script src="/player/storage-shim.js"></script>';

/** `html` with the storage stand-in first: just inside <head> (or <html>), never before the doctype (that would switch to quirks mode). */
export function withStorageShim(html: string): string {
  const anchor = /<head(\s[^>]*)?>/i.exec(html) ?? /<html(\s[^>]*)?>/i.exec(html) ?? /<!doctype[^>]*>/i.exec(html);
  if (!anchor) return SHIM + html;
  const at = anchor.index + anchor[0].length;
  return html.slice(0, at) + SHIM + html.slice(at);
}

/** A package page with the storage stand-in injected; 404 when it is not there. */
async function sendPage(res: Response, file: string): Promise<void> {
  let html: string;
  try {
    // a page (not a folder, not a link out of the tree: the tree is written by extractEntries only)
    html = await fs.promises.readFile(file, 'latin1');
  } catch {
    res.status(404).type('text/plain').send('Không tìm thấy / not found');
    return;
  }
  // latin1 in, latin1 out: the bytes of the page are kept whatever its encoding
  const body = Buffer.from(withStorageShim(html), 'latin1');
  res.type('html').send(body);
}
