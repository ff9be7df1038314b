/**
 * Lesson attachments over HTTP: a PDF is stored content-addressed and served to
 * signed-in users with safe headers; an oversized file or one whose bytes are not an
 * accepted type is refused with nothing stored and no temporary file left behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { expect } from 'chai';
import { t } from '../../server/i18n';
import { moduleModel, type LearningModule, type LessonItem } from '../../server/modules/model';
import { sniffMedia } from '../../server/modules/media-routes';
import { PNG } from 'pngjs';
import { buildModule } from './helpers';
import { buildAuthoringWorld, expectMessage, type AuthoringWorld } from './world';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');

/** Every file under `dir` (recursively), or [] when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('authoring: lesson attachments and /media', function () {
  this.timeout(60_000);
  let w: AuthoringWorld;
  const db = () => w.tp.platform.services.db;
  const media = () => filesUnder(path.join(w.tp.dataDir, 'media'));
  const temporary = () => filesUnder(path.join(w.tp.dataDir, 'tmp'));
  const lesson = async (m: LearningModule) => (await moduleModel(db()).findById(m._id).lean<LearningModule>())!.draft.items[0] as LessonItem;
  const uploadUrl = (m: LearningModule) => `/authoring/modules/${m._id.toHexString()}/items/bai-1/attachments`;

  before(async () => {
    // 1 MB for PDFs and images keeps the oversized file small
    w = await buildAuthoringWorld('authoring-media', { MEDIA_DOC_MAX_MB: '1', MEDIA_MAX_MB: '2' });
  });
  after(() => w.tp.close());

  it('recognises types by their first bytes only', () => {
    expect(sniffMedia(PDF)?.mime).to.equal('application/pdf');
    expect(sniffMedia(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))?.mime).to.equal('image/png');
    expect(sniffMedia(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))?.mime).to.equal('image/jpeg');
    expect(sniffMedia(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))?.mime).to.equal('image/webp');
    expect(sniffMedia(Buffer.from('\0\0\0\x20ftypisom'))?.mime).to.equal('video/mp4');
    expect(sniffMedia(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 1]))?.mime).to.equal('video/webm');
    expect(sniffMedia(Buffer.from('<!doctype html><script>'))).to.equal(null);
  });

  it('a PDF is stored under DATA_DIR/media by its sha256 and served to signed-in users with safe headers', async () => {
    const module = await buildModule(db(), w.units.A1._id);
    const reply = await w.upload(w.as.coordA, uploadUrl(module), { name: 'Tài liệu hướng dẫn.pdf', content: new Uint8Array(PDF) });
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    expectMessage(await w.as.coordA.get(reply.location!), t('vi', 'authoring_done_attached'));
    const sha256 = crypto.createHash('sha256').update(PDF).digest('hex');
    expect((await lesson(module)).attachments).to.deep.equal([{ sha256, name: 'Tài liệu hướng dẫn.pdf', mime: 'application/pdf', size: PDF.length }]);
    expect(media()).to.deep.equal([path.join(w.tp.dataDir, 'media', sha256.slice(0, 2), sha256)]);
    expect(temporary()).to.deep.equal([]);
    for (const client of [w.as.officer, w.as.coordB]) {
      const served = await client.get(`/media/${sha256}`);
      expect(served.status).to.equal(200);
      expect(served.text).to.equal(PDF.toString());
      expect(served.headers.get('content-type')).to.match(/^application\/pdf/);
      expect(served.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(served.headers.get('content-disposition')).to.equal(`inline; filename*=UTF-8''${encodeURIComponent('Tài liệu hướng dẫn.pdf')}`);
      expect(served.headers.get('content-security-policy')).to.match(/^default-src 'none'/);
    }
    const anonymous = await w.tp.client().get(`/media/${sha256}`);
    expect(anonymous.status).to.equal(303);
    expect((await w.as.officer.get(`/media/${'0'.repeat(64)}`)).status).to.equal(404);
    expect((await w.as.officer.get('/media/not-a-digest')).status).to.equal(404);
  });

  it('an oversized PDF is refused: a clear error, nothing under DATA_DIR/media, no temporary file', async () => {
    const module = await buildModule(db(), w.units.A1._id);
    const stored = media();
    const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024 + 10, 0x20)]);
    const reply = await w.upload(w.as.coordA, uploadUrl(module), { name: 'lon.pdf', content: new Uint8Array(big) });
    expect(reply.status).to.equal(413);
    expectMessage(reply, t('vi', 'media_too_large', { max: 1 }));
    expect(media()).to.deep.equal(stored);
    expect(temporary()).to.deep.equal([]);
    expect((await lesson(module)).attachments).to.deep.equal([]);
  });

  it('a video over MEDIA_MAX_MB is cut off while uploading: a clear error, nothing stored, no temporary file', async () => {
    const module = await buildModule(db(), w.units.A1._id);
    const stored = media();
    const video = Buffer.concat([Buffer.from('\0\0\0\x20ftypisom'), Buffer.alloc(2 * 1024 * 1024 + 10)]);
    const reply = await w.upload(w.as.coordA, uploadUrl(module), { name: 'bai-giang.mp4', content: new Uint8Array(video) });
    expect(reply.status).to.equal(413);
    expectMessage(reply, t('vi', 'media_too_large', { max: 2 }));
    expect(media()).to.deep.equal(stored);
    expect(temporary()).to.deep.equal([]);
    expect((await lesson(module)).attachments).to.deep.equal([]);
  });

  it('an HTML file named .pdf (and sent as application/pdf) is refused: nothing stored, temporary file removed', async () => {
    const module = await buildModule(db(), w.units.A1._id);
    const stored = media();
    const body = new FormData();
    body.set('_csrf', await w.as.coordA.csrf('/'));
    body.set('file', new Blob(['<!doctype html><script>alert(1)</script>'], { type: 'application/pdf' }), 'tai-lieu.pdf');
    const reply = await w.as.coordA.request('POST', uploadUrl(module), { body });
    expect(reply.status).to.equal(415);
    expectMessage(reply, t('vi', 'media_type_refused'));
    expect(media()).to.deep.equal(stored);
    expect(temporary()).to.deep.equal([]);
    expect((await lesson(module)).attachments).to.deep.equal([]);
  });

  it('images pasted inline (data: URLs) are stored as lesson media when the lesson is saved, even past the ordinary 100 kB form limit', async () => {
    const module = await buildModule(db(), w.units.A1._id);
    // noise does not compress: a PNG of about 190 kB, 250 kB as base64
    const picture = new PNG({ width: 220, height: 220 });
    for (let i = 0; i < picture.data.length; i++) picture.data[i] = crypto.randomInt(256);
    const png = PNG.sync.write(picture);
    const sha256 = crypto.createHash('sha256').update(png).digest('hex');
    const body = `<h2>Trang phục</h2><p><img src="data:image/png;base64,${png.toString('base64')}" alt="Đồng phục"></p>`;
    const reply = await w.post(w.as.coordA, `/authoring/modules/${module._id.toHexString()}/items/bai-1`, { title: 'Bài 1', body });
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    const saved = await lesson(module);
    expect(saved.body).to.equal(`<h2>Trang phục</h2><p><img alt="Đồng phục" src="/media/${sha256}" /></p>`);
    expect(saved.attachments).to.deep.equal([{ sha256, name: `hinh-anh-${sha256.slice(0, 8)}.png`, mime: 'image/png', size: png.length }]);
    expect(media()).to.include(path.join(w.tp.dataDir, 'media', sha256.slice(0, 2), sha256));
    expect((await w.as.officer.get(`/media/${sha256}`)).headers.get('content-type')).to.match(/^image\/png/);
  });

  it('an inline "image" whose bytes are not an image is not stored and loses its src; an image over MEDIA_DOC_MAX_MB refuses the save', async () => {
    const module = await buildModule(db(), w.units.A1._id);
    const stored = media();
    const url = `/authoring/modules/${module._id.toHexString()}/items/bai-1`;
    const fake = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64');
    expect((await w.post(w.as.coordA, url, { title: 'Bài 1', body: `<p>Ảnh <img src="data:image/png;base64,${fake}" alt="x"></p>` })).status).to.equal(303);
    expect([(await lesson(module)).body, (await lesson(module)).attachments]).to.deep.equal(['<p>Ảnh <img alt="x" /></p>', []]);
    expect(media()).to.deep.equal(stored);
    // a real PNG header followed by 1 MB: over this world's 1 MB limit
    const big = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1024 * 1024)]);
    const reply = await w.post(w.as.coordA, url, { title: 'Bài 1 mới', body: `<p><img src="data:image/png;base64,${big.toString('base64')}"></p>` });
    expect(reply.status).to.equal(422);
    expectMessage(reply, t('vi', 'lesson_inline_image_refused'));
    expect([(await lesson(module)).title, (await lesson(module)).attachments]).to.deep.equal(['Bài 1', []]);
    expect(media()).to.deep.equal(stored);
  });

  it("another subtree's coordinator cannot attach files to a module; the upload is not kept", async () => {
    const module = await buildModule(db(), w.units.A1._id);
    const stored = media();
    const reply = await w.upload(w.as.coordB, uploadUrl(module), { name: 'x.pdf', content: new Uint8Array(Buffer.concat([PDF, Buffer.from('khác')])) });
    expect(reply.status).to.equal(403);
    expect(media()).to.deep.equal(stored);
    expect(temporary()).to.deep.equal([]);
  });
});
