/**
 * GET /play/<token>: the player page of one opening. SCORM: scorm-again is loaded by a
 * script tag, public/player/scorm-player.js creates window.API (1.2) or
 * window.API_1484_11 (2004) committing to /commit/<token>, restores the saved state
 * and then frames the SCO (/p/<token>/<launch>), which finds the API in its parent.
 * H5P: h5p-standalone's main bundle and public/player/h5p-player.js render the package
 * with its saved state (contentUserData) and post xAPI statements to /xapi/<token>.
 * The data the player needs travels in one data attribute (HTML-escaped JSON).
 */
import type { Request, Response, NextFunction } from 'express';
import type { Services } from '../http/context';
import { userModel, type User } from '../users/model';
import { attemptModel, type PackageAttempt } from './model';
import { launchData } from './scorm';
import { verifyPlaybackToken } from './tokens';
import { playerAssets } from './player-assets';

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string, scripts: string[] = []): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${playerAssets().url('/player/player.css')}">
${scripts.map((src) => `<script src="${escapeHtml(playerAssets().url(src))}" defer></script>`).join('\n')}
</head>
${body}
</html>`;
}

function refuse(res: Response, status: number, message: string): void {
  res.status(status).setHeader('Cache-Control', 'no-store');
  res.type('html').send(page('Văn hóa công vụ', `<body><main class="player-message"><p role="alert">${escapeHtml(message)}</p></main></body>`));
}

export function playerPage(services: Services) {
  const { db, secret } = services;
  return (req: Request, res: Response, next: NextFunction) => {
    (async () => {
      const token = String(req.params['token']);
      const claims = verifyPlaybackToken(token, secret);
      if (!claims) return refuse(res, 401, 'Phiên xem gói đã hết hạn. Hãy quay lại bài học và mở gói lần nữa.');
      const attempt = await attemptModel(db).findById(claims.att).lean<PackageAttempt>();
      if (!attempt) return refuse(res, 404, 'Không tìm thấy lượt học.');
      // a later opening (another tab) took over: this one would only write stale data
      // a review shows a finished attempt as it ended; nothing else may take it over
      const current = claims.review ? attempt.status === 'finished' : attempt.session === claims.ses && attempt.status === 'active';
      if (!current) return refuse(res, 409, 'Gói này đã được mở ở một cửa sổ khác hoặc lượt học đã kết thúc. Hãy mở lại từ bài học.');
      // where the player tells the platform page that the package reported progress (postMessage)
      const platformOrigin = new URL(services.config.PUBLIC_URL).origin;
      const account = await userModel(db).findById(attempt.accountId, { displayName: 1, username: 1 }).lean<User>();
      const learner = { id: account?.username ?? attempt.accountId.toHexString(), name: account?.displayName ?? '' };
      res.setHeader('Cache-Control', 'no-store');
      if (claims.kind === 'h5p') {
        const h5p = {
          kind: 'h5p',
          platformOrigin,
          xapiUrl: `/xapi/${token}`,
          h5pJsonPath: `/p/${token}`,
          frameJs: '/player/h5p-frame.js',
          frameCss: '/player/h5p/styles/h5p.css',
          id: attempt.packageId.toHexString(),
          state: attempt.suspendData || null,
        };
        res.type('html').send(page('Văn hóa công vụ — nội dung', `<body class="player" data-player="${escapeHtml(JSON.stringify(h5p))}"><p class="player-loading" id="player-status">Đang tải nội dung…</p><div id="h5p-container"></div></body>`, ['/player/storage-shim.js', '/player/h5p/main.bundle.js', '/player/h5p-player.js']));
        return;
      }
      const config = {
        kind: claims.kind,
        platformOrigin,
        commitUrl: `/commit/${token}`,
        scoUrl: `/p/${token}/${claims.launch.split(/([?#].*)/)[0]!.split('/').map(encodeURIComponent).join('/')}${claims.launch.match(/[?#].*/)?.[0] ?? ''}`,
        launch: launchData(claims.kind, attempt, learner, claims.rules, claims.review === true),
      };
      const library = claims.kind === 'scorm12' ? '/player/scorm-again/scorm12.min.js' : '/player/scorm-again/scorm2004.min.js';
      res.type('html').send(
        page('Văn hóa công vụ — nội dung', `<body class="player" data-player="${escapeHtml(JSON.stringify(config))}"><p class="player-loading" id="player-status">Đang tải nội dung…</p></body>`, [library, '/player/scorm-player.js']),
      );
    })().catch(next);
  };
}
