/**
 * GET /p/<token>/<path>: a file of the package named by the token, out of
 * PACKAGES_DIR/<sha256>/. The path is checked segment by segment (no "..", ".", empty,
 * backslash or NUL segment: nothing outside the tree can be named) before `send` resolves
 * it inside the tree; send sets the MIME type from the extension and helmet adds nosniff.
 */
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
    res.sendFile(relative, { root: packageTreePath(config.PACKAGES_DIR, claims.pkg), dotfiles: 'deny', index: false }, (error) => {
      if (!error) return;
      if ((error as { status?: number }).status === 404 || (error as NodeJS.ErrnoException).code === 'ENOENT') {
        if (!res.headersSent) res.status(404).type('text/plain').send('Không tìm thấy / not found');
      } else next(error);
    });
  };
}
