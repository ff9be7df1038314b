/**
 * Static files under content-hashed URLs, for phones on slow mobile data: a page names
 * `asset('/static/css/app.css')`, which is `/static/h/<hash>/css/app.css`, served with
 * `Cache-Control: public, max-age=31536000, immutable` — a returning officer's phone
 * never asks again, and a new release changes the hash. Hashes are computed once at start
 * from the files' bytes. The plain `/static/…` paths keep working (short cache) for pages
 * that do not use the helper. `npm run build` writes brotli and gzip copies beside the
 * build (scripts/precompress.ts); a hashed request that accepts one gets it as it is,
 * with no compression work per request.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';

export interface AssetFile {
  /** the plain URL, e.g. /static/css/app.css */
  url: string;
  /** where the file is on disk */
  file: string;
}

const COMPRESSIBLE = /\.(css|js|svg|json|webmanifest)$/;
const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.webmanifest': 'application/manifest+json' };

/** Every file the platform's pages load from /static: public/ and the editor's vendor build. */
export function assetFiles(rootDir: string): AssetFile[] {
  const publicDir = path.join(rootDir, 'public');
  const files: AssetFile[] = [];
  for (const entry of fs.readdirSync(publicDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !TYPES[path.extname(entry.name)]) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.push({ url: `/static/${path.relative(publicDir, file).split(path.sep).join('/')}`, file });
  }
  files.push({ url: '/static/vendor/squire.js', file: path.join(rootDir, 'node_modules', 'squire-rte', 'dist', 'squire.js') });
  return files;
}

/** Where `npm run build` puts the .br / .gz copy of `url`. */
export function compressedPath(rootDir: string, url: string, encoding: 'br' | 'gz'): string {
  return path.join(rootDir, 'dist', 'static-compressed', ...url.split('/').filter(Boolean)) + `.${encoding}`;
}

export const isCompressible = (url: string) => COMPRESSIBLE.test(url);

export interface Assets {
  /** the hashed URL of a plain /static URL (unknown paths are returned unchanged) */
  url(plain: string): string;
  /** serves /static/h/<hash>/… */
  middleware(req: Request, res: Response, next: NextFunction): void;
}

/** The platform's static files (public/ and the editor), under /static/h/<hash>/…. */
export function loadAssets(rootDir: string): Assets {
  return hashedAssets(rootDir, assetFiles(rootDir), '/static');
}

/**
 * The players' scripts on the content origin, under /player/h/<hash>/…: scorm-again's two
 * bundles, h5p-standalone's main bundle and public/player (the frame script is assembled
 * at run time and keeps its plain URL).
 */
export function playerAssetFiles(rootDir: string): AssetFile[] {
  const modules = path.join(rootDir, 'node_modules');
  const ours = ['h5p-player.js', 'scorm-player.js', 'storage-shim.js', 'player.css'].map((name) => ({ url: `/player/${name}`, file: path.join(rootDir, 'public', 'player', name) }));
  return [
    { url: '/player/scorm-again/scorm12.min.js', file: path.join(modules, 'scorm-again', 'dist', 'scorm12.min.js') },
    { url: '/player/scorm-again/scorm2004.min.js', file: path.join(modules, 'scorm-again', 'dist', 'scorm2004.min.js') },
    { url: '/player/h5p/main.bundle.js', file: path.join(modules, 'h5p-standalone', 'dist', 'main.bundle.js') },
    ...ours,
  ];
}

/** `files` (plain URLs under `prefix`) served under `${prefix}/h/<hash>/…` by the returned middleware, mounted there. */
export function hashedAssets(rootDir: string, files: readonly AssetFile[], prefix: string): Assets {
  const byUrl = new Map<string, { file: string; hash: string; br: string | null; gz: string | null }>();
  for (const { url, file } of files) {
    if (!fs.existsSync(file)) continue;
    const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12);
    const copy = (encoding: 'br' | 'gz') => {
      const compressed = compressedPath(rootDir, url, encoding);
      // a copy older than its source (edited since the build) is not used
      return isCompressible(url) && fs.existsSync(compressed) && fs.statSync(compressed).mtimeMs >= fs.statSync(file).mtimeMs ? compressed : null;
    };
    byUrl.set(url, { file, hash, br: copy('br'), gz: copy('gz') });
  }
  return {
    url: (plain) => {
      const asset = byUrl.get(plain);
      return asset ? `${prefix}/h/${asset.hash}${plain.slice(prefix.length)}` : plain;
    },
    middleware: (req, res, next) => {
      const match = /^\/([0-9a-f]{12})(\/.+)$/.exec(req.path);
      const asset = match ? byUrl.get(`${prefix}${match[2]}`) : undefined;
      // an old hash (a page cached across a release) gets nothing rather than new bytes under an immutable name
      if (!match || !asset || asset.hash !== match[1] || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
      const accepts = String(req.headers['accept-encoding'] ?? '');
      const encoding = asset.br && /\bbr\b/.test(accepts) ? 'br' : asset.gz && /\bgzip\b/.test(accepts) ? 'gzip' : null;
      res.set({ 'Cache-Control': 'public, max-age=31536000, immutable', 'Content-Type': TYPES[path.extname(asset.file)]!, 'X-Content-Type-Options': 'nosniff' });
      if (isCompressible(asset.file)) res.vary('Accept-Encoding');
      if (encoding) res.set('Content-Encoding', encoding);
      const file = encoding === 'br' ? asset.br! : encoding === 'gzip' ? asset.gz! : asset.file;
      res.sendFile(file, { cacheControl: false, lastModified: false }, (error) => {
        if (error && !res.headersSent) next(error);
      });
    },
  };
}
