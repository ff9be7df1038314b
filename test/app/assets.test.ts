/**
 * Static files under content-hashed names (issue #15, "a phone on a weak network"): pages
 * link `/static/h/<hash>/…`, answered with a one-year immutable cache and, after
 * `npm run build`, the precompressed brotli or gzip copy as it is; an old hash is not
 * answered with new bytes; the plain /static paths still work for pages that name them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { compressedPath } from '../../server/http/assets';
import { playerAssets } from '../../server/playback/player-assets';
import { startTestPlatform, type TestPlatform } from '../http';

const ROOT = path.resolve(__dirname, '../../..');

function rawGet(url: string, acceptEncoding: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('app: content-hashed, immutable, precompressed static files', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let css: string;
  const source = fs.readFileSync(path.join(ROOT, 'public/css/app.css'));

  before(async () => {
    // what `npm run build` does after tsc
    execFileSync(process.execPath, [path.join(ROOT, 'dist/scripts/precompress.js')]);
    tp = await startTestPlatform('assets');
    const page = (await rawGet(`${tp.base}/login`, 'identity')).body.toString('utf8');
    css = /<link rel="stylesheet" href="(\/static\/h\/[0-9a-f]{12}\/css\/app\.css)">/.exec(page)?.[1] ?? '';
    expect(css, 'the page links the hashed stylesheet').to.not.equal('');
    expect(page).to.match(/<script src="\/static\/h\/[0-9a-f]{12}\/js\/app\.js" defer>/);
  });
  after(() => tp?.close());

  it('a hashed stylesheet is cached for a year, immutable, and sent as the precompressed brotli file', async () => {
    const reply = await rawGet(`${tp.base}${css}`, 'gzip, deflate, br');
    expect(reply.status).to.equal(200);
    expect(reply.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(reply.headers['content-encoding']).to.equal('br');
    expect(reply.headers['content-type']).to.match(/^text\/css/);
    expect(reply.headers['vary']).to.match(/Accept-Encoding/i);
    expect(reply.body.equals(fs.readFileSync(compressedPath(ROOT, '/static/css/app.css', 'br')))).to.equal(true);
    expect(zlib.brotliDecompressSync(reply.body).equals(source)).to.equal(true);
  });

  it('gzip for a browser without brotli, the file itself for one that accepts nothing', async () => {
    const gz = await rawGet(`${tp.base}${css}`, 'gzip');
    expect(gz.headers['content-encoding']).to.equal('gzip');
    expect(zlib.gunzipSync(gz.body).equals(source)).to.equal(true);
    const plain = await rawGet(`${tp.base}${css}`, 'identity');
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.body.equals(source)).to.equal(true);
    expect(plain.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
  });

  it('an unknown hash is not served; the plain path still is, without the immutable cache', async () => {
    expect((await rawGet(`${tp.base}/static/h/000000000000/css/app.css`, 'br')).status).to.equal(404);
    const plain = await rawGet(`${tp.base}/static/css/app.css`, 'identity');
    expect(plain.status).to.equal(200);
    expect(plain.body.equals(source)).to.equal(true);
    expect(String(plain.headers['cache-control'])).not.to.include('immutable');
  });

  it("the editor's vendor script is served at its plain path, and pages that do not edit do not load it", async () => {
    const page = (await rawGet(`${tp.base}/login`, 'identity')).body.toString('utf8');
    expect(page).not.to.include('/static/vendor/');
    const vendor = await rawGet(`${tp.base}/static/vendor/squire.js`, 'identity');
    expect(vendor.status).to.equal(200);
  });

  it("the players' scripts on the content origin have hashed, immutable, precompressed URLs too; the plain ones still work", async () => {
    const url = playerAssets().url('/player/scorm-again/scorm12.min.js');
    expect(url).to.match(/^\/player\/h\/[0-9a-f]{12}\/scorm-again\/scorm12\.min\.js$/);
    const source = fs.readFileSync(path.join(ROOT, 'node_modules/scorm-again/dist/scorm12.min.js'));
    const reply = await rawGet(`${tp.contentBase}${url}`, 'gzip, br');
    expect(reply.status).to.equal(200);
    expect(reply.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(reply.headers['content-encoding']).to.equal('br');
    expect(reply.body.equals(fs.readFileSync(compressedPath(ROOT, '/player/scorm-again/scorm12.min.js', 'br')))).to.equal(true);
    expect(zlib.brotliDecompressSync(reply.body).equals(source)).to.equal(true);
    expect((await rawGet(`${tp.contentBase}/player/scorm-again/scorm12.min.js`, 'identity')).body.equals(source)).to.equal(true);
    expect(playerAssets().url('/player/h5p/main.bundle.js')).to.match(/^\/player\/h\/[0-9a-f]{12}\/h5p\/main\.bundle\.js$/);
  });
});
