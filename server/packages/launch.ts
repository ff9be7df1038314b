/**
 * Launch paths inside a package. A manifest names its launch page by an href that may
 * be joined with xml:base values; any of them may be hostile ("../../etc/passwd",
 * "http://evil.example/x.html", "/etc/passwd", "javascript:…"). The result is a
 * relative path inside the package plus an optional "?query#fragment" the page needs.
 */
import { AppError } from '../errors';

/** A launch target: `path` is a file of the package; `suffix` is "" or "?…" / "#…". */
export interface LaunchTarget {
  path: string;
  suffix: string;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Joins `parts` (xml:base values outermost first, then the href, then item parameters
 * are appended by the caller) into a LaunchTarget, refusing schemes, protocol-relative
 * and absolute paths, backslashes and ".." anywhere (also percent-encoded).
 */
export function resolveLaunch(parts: readonly string[], shownHref: string): LaunchTarget {
  const href = shownHref.length > 200 ? `${shownHref.slice(0, 197)}…` : shownHref;
  let joined = '';
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') continue;
    if (SCHEME.test(part) || part.startsWith('//')) throw new AppError(422, 'package_launch_external', { href });
    const plain = decoded(part);
    if (plain.startsWith('/') || plain.includes('\\') || /^[a-zA-Z]:/.test(plain)) throw new AppError(422, 'package_launch_unsafe', { href });
    const pathPart = plain.split(/[?#]/)[0]!;
    if (pathPart.split('/').includes('..')) throw new AppError(422, 'package_launch_unsafe', { href });
    // a base without a trailing slash still names a folder in practice (authoring tools write "res" and "res/")
    joined = joined === '' ? part : joined.endsWith('/') ? joined + part : `${joined}/${part}`;
  }
  const cut = joined.search(/[?#]/);
  const rawPath = cut === -1 ? joined : joined.slice(0, cut);
  const suffix = cut === -1 ? '' : joined.slice(cut);
  const segments = decoded(rawPath).split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) throw new AppError(422, 'package_launch_missing', { href });
  return { path: segments.join('/').normalize('NFC'), suffix };
}

/** The launch string stored and used by the player: path plus suffix. */
export const launchString = (target: LaunchTarget) => target.path + target.suffix;

/** Refuses a launch target whose file is not in the package. */
export function requireFile(target: LaunchTarget, files: ReadonlySet<string>, shownHref: string): void {
  if (!files.has(target.path)) throw new AppError(422, 'package_launch_missing', { href: shownHref.length > 200 ? `${shownHref.slice(0, 197)}…` : shownHref });
}
