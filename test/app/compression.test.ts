/**
 * Officers on slow mobile data (issue #15, "a phone on a weak network"): pages, styles and
 * the players' scripts travel compressed when the browser accepts it, and arrive intact.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../http';

/** GET `url` as a browser would, returning the raw (still compressed) bytes and headers. */
function rawGet(url: string, acceptEncoding: string): Promise<{ status: number; encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const ROOT = path.resolve(__dirname, '../../..');

describe('app: compressed responses for slow networks', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  before(async () => {
    tp = await startTestPlatform('compression');
  });
  after(() => tp?.close());

  it('the stylesheet goes brotli-compressed to a browser that accepts it, and decompresses to the file', async () => {
    const file = fs.readFileSync(path.join(ROOT, 'public/css/app.css'));
    const reply = await rawGet(`${tp.base}/static/css/app.css`, 'gzip, deflate, br');
    expect(reply.status).to.equal(200);
    expect(reply.encoding).to.equal('br');
    expect(reply.body.length).to.be.lessThan(file.length / 2);
    expect(zlib.brotliDecompressSync(reply.body).equals(file)).to.equal(true);
  });

  it('pages go gzip-compressed to a browser that accepts only gzip; nothing is compressed for one that accepts nothing', async () => {
    const gzipped = await rawGet(`${tp.base}/login`, 'gzip');
    expect(gzipped.encoding).to.equal('gzip');
    expect(zlib.gunzipSync(gzipped.body).toString('utf8')).to.contain('<html lang="vi">');
    const plain = await rawGet(`${tp.base}/login`, 'identity');
    expect(plain.encoding).to.equal(undefined);
    expect(plain.body.toString('utf8')).to.contain('<html lang="vi">');
  });

  it("the content origin compresses the players' scripts (h5p-standalone's bundle)", async () => {
    const file = fs.readFileSync(path.join(ROOT, 'node_modules/h5p-standalone/dist/main.bundle.js'));
    const reply = await rawGet(`${tp.contentBase}/player/h5p/main.bundle.js`, 'gzip, br');
    expect(reply.status).to.equal(200);
    expect(reply.encoding).to.equal('br');
    expect(zlib.brotliDecompressSync(reply.body).equals(file)).to.equal(true);
    expect(reply.body.length).to.be.lessThan(file.length / 2);
  });
});
