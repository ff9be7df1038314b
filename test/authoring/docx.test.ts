/**
 * Importing a lesson from a Word .docx over HTTP (issue #15): a real .docx made here with
 * the `docx` package (headings, a bulleted list, a table, a PNG) comes back in the
 * lesson editor, sanitised, for review — nothing saved or stored yet; saving it stores
 * the image as lesson media. A zip bomb, a file that is not a .docx, and another
 * subtree's coordinator are refused with nothing stored.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Document, HeadingLevel, ImageRun, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { PNG } from 'pngjs';
import yazl from 'yazl';
import { t } from '../../server/i18n';
import { moduleModel, type LearningModule, type LessonItem } from '../../server/modules/model';
import { buildModule } from './helpers';
import { buildAuthoringWorld, expectMessage, type AuthoringWorld } from './world';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

function samplePng(): Buffer {
  const picture = new PNG({ width: 8, height: 8 });
  for (let i = 0; i < picture.data.length; i += 4) picture.data.set([155, 28, 28, 255], i);
  return PNG.sync.write(picture);
}

/** A Word document as a coordinator would write it. */
async function lessonDocx(png: Buffer): Promise<Buffer> {
  const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });
  const document = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: 'Chuẩn mực trang phục', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ children: [new TextRun('Cán bộ mặc '), new TextRun({ text: 'gọn gàng, lịch sự', bold: true }), new TextRun({ text: ' khi làm việc.', italics: true })] }),
          new Paragraph({ text: 'Giày dép', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({ text: 'Đi giày hoặc dép có quai hậu', bullet: { level: 0 } }),
          new Paragraph({ text: 'Không đi dép lê', bullet: { level: 0 } }),
          new Table({ rows: [new TableRow({ children: [cell('Trường hợp', true), cell('Trang phục', true)] }), new TableRow({ children: [cell('Ngày thường'), cell('Áo sơ mi, quần âu')] })] }),
          new Paragraph({ children: [new ImageRun({ type: 'png', data: png, transformation: { width: 40, height: 40 }, altText: { name: 'logo', description: 'Logo', title: 'Logo' } })] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

/** A zip whose one entry inflates to `bytes` zeros (a few kB on the wire). */
function zipBomb(bytes: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.alloc(bytes), 'word/document.xml');
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** The text of the lesson textarea on an item page, unescaped. */
function editorValue(html: string): string {
  const match = /<textarea id="i-body"[^>]*>([\s\S]*?)<\/textarea>/.exec(html);
  expect(match, 'the lesson textarea').to.not.equal(null);
  return match![1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

describe('authoring: lesson from a .docx', function () {
  this.timeout(60_000);
  let w: AuthoringWorld;
  const db = () => w.tp.platform.services.db;
  const media = () => filesUnder(path.join(w.tp.dataDir, 'media'));
  const lesson = async (m: LearningModule) => (await moduleModel(db()).findById(m._id).lean<LearningModule>())!.draft.items[0] as LessonItem;
  const url = (m: LearningModule, rest = '/docx') => `/authoring/modules/${m._id.toHexString()}/items/bai-1${rest}`;

  before(async () => {
    w = await buildAuthoringWorld('authoring-docx', { MEDIA_DOC_MAX_MB: '1' });
  });
  after(() => w.tp.close());

  it('puts the converted lesson (headings, list, table, image) in the editor without saving; saving stores the image as media', async () => {
    const module = await buildModule(db(), w.units.A1._id);
    const png = samplePng();
    const stored = media();
    const reply = await w.upload(w.as.coordA, url(module), { name: 'Bài trang phục.docx', content: new Uint8Array(await lessonDocx(png)) });
    expect(reply.status, reply.text.slice(0, 300)).to.equal(200);
    expectMessage(reply, t('vi', 'docx_import_done', { name: 'Bài trang phục.docx' }));
    const body = editorValue(reply.text);
    expect(body).to.include('<h2>Chuẩn mực trang phục</h2>');
    expect(body).to.include('<h2>Giày dép</h2>');
    expect(body).to.match(/<strong>gọn gàng, lịch sự<\/strong>/);
    expect(body).to.match(/<em> khi làm việc.<\/em>/);
    expect(body).to.include('<ul><li>Đi giày hoặc dép có quai hậu</li><li>Không đi dép lê</li></ul>');
    expect(body).to.match(/<table>[\s\S]*<strong>Trường hợp<\/strong>[\s\S]*Áo sơ mi, quần âu[\s\S]*<\/table>/);
    expect(body).to.include(`src="data:image/png;base64,${png.toString('base64')}"`);
    // reviewed, not saved: the lesson and the media store are as they were
    expect((await lesson(module)).body).to.equal('<p>Nội dung</p>');
    expect(media()).to.deep.equal(stored);

    const saved = await w.post(w.as.coordA, url(module, ''), { title: 'Bài 1', body });
    expect(saved.status, saved.text.slice(0, 300)).to.equal(303);
    const sha256 = crypto.createHash('sha256').update(png).digest('hex');
    const after = await lesson(module);
    expect(after.body).to.include(`src="/media/${sha256}"`);
    expect(after.body).to.include('<h2>Chuẩn mực trang phục</h2>');
    expect(after.attachments.map((a) => a.sha256)).to.deep.equal([sha256]);
    expect(media()).to.include(path.join(w.tp.dataDir, 'media', sha256.slice(0, 2), sha256));
  });

  it('refuses a zip bomb (inflating past 5× the size limit) and a file that is not a .docx, storing nothing', async () => {
    const module = await buildModule(db(), w.units.A1._id);
    const stored = media();
    const bomb = await zipBomb(6 * 1024 * 1024);
    expect(bomb.length).to.be.below(100 * 1024);
    const exploded = await w.upload(w.as.coordA, url(module), { name: 'bom.docx', content: new Uint8Array(bomb) });
    expect(exploded.status).to.equal(413);
    expectMessage(exploded, t('vi', 'docx_import_too_large', { max: 1 }));
    const pdf = await w.upload(w.as.coordA, url(module), { name: 'gia.docx', content: new Uint8Array(Buffer.from('%PDF-1.4\n%%EOF\n')) });
    expect(pdf.status).to.equal(422);
    expectMessage(pdf, t('vi', 'docx_import_refused'));
    // a zip that is not a Word document
    const notWord = await w.upload(w.as.coordA, url(module), { name: 'khac.docx', content: new Uint8Array(await zipBomb(10)) });
    expect(notWord.status).to.equal(422);
    expect((await lesson(module)).body).to.equal('<p>Nội dung</p>');
    expect(media()).to.deep.equal(stored);
  });

  it("another subtree's coordinator is refused", async () => {
    const module = await buildModule(db(), w.units.A1._id);
    const reply = await w.upload(w.as.coordB, url(module), { name: 'x.docx', content: new Uint8Array(await lessonDocx(samplePng())) });
    expect(reply.status).to.equal(403);
  });
});
