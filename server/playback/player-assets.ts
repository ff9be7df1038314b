/**
 * The players' scripts and style under content-hashed, immutable URLs on the content
 * origin (/player/h/<hash>/…, see server/http/assets.ts): an officer's phone downloads
 * scorm-again or h5p-standalone once per release, not once a day.
 */
import { ROOT_DIR } from '../app';
import { hashedAssets, playerAssetFiles, type Assets } from '../http/assets';

let assets: Assets | null = null;

/** Hashed once, on first use. */
export function playerAssets(): Assets {
  assets ??= hashedAssets(ROOT_DIR, playerAssetFiles(ROOT_DIR), '/player');
  return assets;
}
