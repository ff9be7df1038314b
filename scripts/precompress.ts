/**
 * Build step (`npm run build`): brotli (quality 11) and gzip (level 9) copies of every
 * compressible static file and player script, under dist/static-compressed/, so the server sends them as
 * they are instead of compressing each request (server/http/assets.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { assetFiles, compressedPath, isCompressible, playerAssetFiles } from '../server/http/assets';

const ROOT_DIR = path.resolve(__dirname, '../..');
let count = 0;
for (const { url, file } of [...assetFiles(ROOT_DIR), ...playerAssetFiles(ROOT_DIR)]) {
  if (!isCompressible(url) || !fs.existsSync(file)) continue;
  const bytes = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
  const gz = zlib.gzipSync(bytes, { level: 9 });
  for (const [encoding, data] of [['br', br], ['gz', gz]] as const) {
    const target = compressedPath(ROOT_DIR, url, encoding);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
  }
  count += 1;
}
console.log(`precompressed ${count} static files into dist/static-compressed`);
