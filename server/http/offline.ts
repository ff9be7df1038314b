/**
 * The installable web app's service worker, GET /sw.js (at the root, so its scope is the
 * whole site): public/sw.js with its constants filled in at start — the shell's
 * content-hashed URLs, a version derived from them (a release with new files installs a
 * new worker and drops the old caches) and the offline notice in Vietnamese.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import { t, type Locale } from '../i18n';
import type { Assets } from './assets';

/** What an officer's phone keeps to show pages without a connection. */
const SHELL = ['/static/css/app.css', '/static/js/app.js', '/static/js/quiz.js', '/static/favicon.svg', '/static/icons/icon-192.png', '/static/manifest.webmanifest'];

/** The notice is in Vietnamese: the worker has no session to read a language from. */
const LOCALE: Locale = 'vi';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function offlineHtml(assets: Assets): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(t(LOCALE, 'offline_page_title'))} — ${escape(t(LOCALE, 'app_name'))}</title><link rel="icon" href="${assets.url('/static/favicon.svg')}" type="image/svg+xml"><link rel="stylesheet" href="${assets.url('/static/css/app.css')}"></head><body><main id="main" class="container"><h1>${escape(t(LOCALE, 'offline_page_title'))}</h1><p>${escape(t(LOCALE, 'offline_page_body'))}</p><p><a class="button primary" href="">${escape(t(LOCALE, 'offline_page_retry'))}</a></p></main></body></html>`;
}

/** The handler of GET /sw.js. */
export function serviceWorker(rootDir: string, assets: Assets): (req: Request, res: Response) => void {
  const shell = SHELL.map((url) => assets.url(url));
  const version = crypto.createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12);
  const source = fs
    .readFileSync(path.join(rootDir, 'public', 'sw.js'), 'utf8')
    .replace("var VERSION = '';", `var VERSION = ${JSON.stringify(version)};`)
    .replace('var SHELL = [];', `var SHELL = ${JSON.stringify(shell)};`)
    .replace("var OFFLINE_HTML = '';", `var OFFLINE_HTML = ${JSON.stringify(offlineHtml(assets))};`);
  return (_req, res) => {
    // the browser checks for a new worker on each visit; the script itself is small
    res.set({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }).send(source);
  };
}
