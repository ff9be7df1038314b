/**
 * The certificate template page (issue #13): an admin saves the issuer and signer and
 * uploads a seal; hostile images (not an image, a PNG header on a broken body, too large)
 * are refused with nothing saved; the sample PDF carries the template's words.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { PNG } from 'pngjs';
import { createAccount } from '../../server/users/service';
import { readSettings } from '../../server/certificates/settings';
import { startTestPlatform, type Client, type TestPlatform } from '../http';

const PASSWORD = 'mật khẩu mẫu giấy';

function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  image.data.fill(200);
  return PNG.sync.write(image);
}

describe('certificates: the template settings', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let admin: Client;

  before(async () => {
    tp = await startTestPlatform('certificates-settings');
    await createAccount(tp.platform.services.db, { username: 'mau.admin', displayName: 'Quản trị mẫu', role: 'admin', password: PASSWORD }, 4);
    admin = tp.client();
    const reply = await admin.request('POST', '/api/v1/auth/login', { json: { login: 'mau.admin', password: PASSWORD } });
    admin.bearer = reply.json<{ token: string }>().token;
  });
  after(() => tp.close());

  const save = (fields: Record<string, string>, seal?: Buffer) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    if (seal) body.set('seal', new Blob([new Uint8Array(seal)], { type: 'image/png' }), 'con-dau.png');
    return admin.request('POST', '/admin/certificates', { body });
  };
  const fields = { parentAgency: 'Ủy ban nhân dân tỉnh Bắc Ninh', issuer: 'Sở Nội vụ', place: 'Bắc Ninh', signerTitle: 'Giám đốc', signerName: 'Lê Văn Đức' };

  it('saves the words and a seal image, and the sample PDF shows them', async () => {
    const reply = await save(fields, png(120, 120));
    expect(reply.status, reply.text.slice(0, 300)).to.equal(303);
    const settings = await readSettings(tp.platform.services.db);
    expect(settings).to.include({ issuer: 'Sở Nội vụ', place: 'Bắc Ninh', signerName: 'Lê Văn Đức' });
    expect(settings.sealSha256).to.match(/^[0-9a-f]{64}$/);
    const res = await fetch(`${tp.base}/admin/certificates/sample`, { headers: { authorization: `Bearer ${admin.bearer}` } });
    const file = path.join(os.tmpdir(), `mau-${process.pid}.pdf`);
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).normalize('NFC');
    fs.rmSync(file);
    expect(text).to.include('ỦY BAN NHÂN DÂN TỈNH BẮC NINH').and.to.include('SỞ NỘI VỤ').and.to.include('GIÁM ĐỐC').and.to.include('Lê Văn Đức').and.to.match(/Bắc Ninh, ngày \d\d tháng \d\d năm \d{4}/);
  });

  const sampleText = async (): Promise<{ text: string; fonts: string[] }> => {
    const res = await fetch(`${tp.base}/admin/certificates/sample`, { headers: { authorization: `Bearer ${admin.bearer}` } });
    expect(res.status).to.equal(200);
    const file = path.join(os.tmpdir(), `mau-${process.pid}-${Date.now()}.pdf`);
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    try {
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).normalize('NFC');
      const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
      return { text, fonts };
    } finally {
      fs.rmSync(file);
    }
  };

  // the faces, their laid-out words and their embedded subset are shared by every PDF of the
  // process (server/certificates/faces.ts): each PDF must still carry exactly its own words,
  // also one printing a character outside the prepared subset, and the PDFs after it
  it('keeps each PDF its own text through the shared fonts, with characters outside the prepared subset too', async () => {
    for (const signerName of ['Lê Văn Đức', 'Trần Thị Ngọc Ỷ ß Ø', 'Phạm Quỳnh Anh', 'Võ Thị Ỉnh']) {
      expect((await save({ ...fields, signerName })).status).to.equal(303);
      const { text, fonts } = await sampleText();
      expect(text, signerName).to.include(signerName);
      for (const other of ['Đức', 'Ngọc', 'Quỳnh', 'Ỉnh'].filter((word) => !signerName.includes(word))) expect(text, signerName).not.to.include(other);
      expect(fonts, signerName).to.have.length(3);
      for (const line of fonts) expect(line.split(/\s+/).slice(-5, -2), line).to.deep.equal(['yes', 'yes', 'yes']);
    }
  });

  it('refuses hostile images and saves nothing', async () => {
    const before = await readSettings(tp.platform.services.db);
    const changed = { ...fields, signerName: 'Không được lưu' };
    const notImage = await save(changed, Buffer.from('<svg onload="alert(1)"></svg>'));
    expect(notImage.status).to.equal(422);
    expect(notImage.text).to.include('PNG hoặc JPEG');
    const broken = png(50, 50);
    broken.fill(0, 40);
    expect((await save(changed, broken)).status).to.equal(422);
    expect((await save(changed, Buffer.concat([png(10, 10), Buffer.alloc(1024 * 1024)]))).status).to.equal(413);
    expect((await save({ ...changed, issuer: '' })).status).to.equal(422);
    expect(await readSettings(tp.platform.services.db)).to.deep.equal(before);
  });
});
