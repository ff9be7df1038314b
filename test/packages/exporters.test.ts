/**
 * Packages as real authoring tools export them (issue #14, defects 1 and 10): the
 * catalogue of exporter-shaped packages (test/packages/fixtures/exporters.ts) is accepted
 * over HTTP, with files such as H5P jQuery UI's .diff, an exporter's .patch and Adapt's
 * .glb / .usdz kept and served inert; what is dangerous by name or by content is still
 * refused; an AICC course is told that AICC is not supported; a manifest with an empty
 * <organizations/> plays its one resource.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startTestPlatform, type Client, type Reply, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { createAccount } from '../../server/users/service';
import { packageModel } from '../../server/packages/model';
import { scorm12Files, zipOf } from './fixtures/build';
import { acceptedCatalogue, adapt, aicc, emptyOrganizations, h5pContent, h5pInScorm } from './fixtures/exporters';

const PASSWORD = 'mật khẩu thử gói xuất';

describe('packages: what authoring tools export', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let coordinator: Client;
  let packagesDir: string;

  before(async () => {
    tp = await startTestPlatform('packages-exporters');
    packagesDir = tp.platform.services.config.PACKAGES_DIR;
    const unit = await buildUnit({ name: 'Sở thử gói xuất' });
    await createAccount(tp.platform.services.db, { username: 'coord.export', displayName: 'Điều phối', role: 'coordinator', unitId: unit._id, password: PASSWORD }, 4);
    coordinator = tp.client();
    await coordinator.signIn('coord.export', PASSWORD);
  });
  after(() => tp?.close());

  async function upload(bytes: Buffer, filename = 'goi.zip'): Promise<Reply> {
    const form = new FormData();
    form.set('_csrf', await coordinator.csrf('/'));
    form.set('file', new Blob([new Uint8Array(bytes)]), filename);
    return coordinator.request('POST', '/api/v1/packages', { body: form });
  }
  const tree = (bytes: Buffer) => path.join(packagesDir, crypto.createHash('sha256').update(bytes).digest('hex'));

  async function expectRefused(bytes: Buffer, id: string): Promise<string> {
    const before = await packageModel(tp.platform.services.db).countDocuments({});
    const reply = await upload(bytes);
    expect(reply.status, reply.text.slice(0, 300)).to.equal(422);
    const { error } = reply.json<{ error: { id: string; message: string } }>();
    expect(error.id).to.equal(id);
    expect(await packageModel(tp.platform.services.db).countDocuments({}), 'no record').to.equal(before);
    expect(fs.existsSync(tree(bytes)), 'no tree').to.equal(false);
    return error.message;
  }

  it('accepts every package of the exporter catalogue (Storyline, Adapt, iSpring, H5P types, H5P-in-SCORM, minimum calls)', async () => {
    const refused: string[] = [];
    for (const [name, files] of Object.entries(acceptedCatalogue())) {
      const reply = await upload(await zipOf(files), `${name}.zip`);
      if (reply.status !== 201) refused.push(`${name}: ${reply.status} ${reply.text.slice(0, 200)}`);
    }
    expect(refused).to.deep.equal([]);
  });

  it("keeps H5P jQuery UI's .diff, an exporter's .patch and Adapt's .glb / .usdz, files without an extension too", async () => {
    for (const [files, kept] of [
      [h5pContent('DragText'), ['H5P.JQuery.UI-1.10/apply-when-upgrading.diff']],
      [h5pInScorm({ masteryScore: 80 }), ['h5p-php-library/fixes.patch']],
      [adapt(), ['course/vi/assets/may-tinh.glb', 'course/vi/assets/may-tinh.usdz', 'LICENSE']],
    ] as const) {
      const bytes = await zipOf(files);
      const reply = await upload(bytes);
      expect(reply.status, reply.text.slice(0, 300)).to.be.oneOf([200, 201]);
      for (const name of kept) expect(fs.readFileSync(path.join(tree(bytes), name)).equals(Buffer.from(files[name]!)), name).to.equal(true);
    }
  });

  it('still refuses executables, server-side scripts and server configuration by name', async () => {
    for (const name of ['setup.exe', 'lib/run.sh', 'api/index.php', 'x/shell.phtml', 'page.jsp', 'app.aspx', 'web.config', 'a/.htaccess']) {
      expect(await expectRefused(await zipOf(scorm12Files({ [name]: 'x' })), 'package_file_type_not_allowed'), name).to.contain(name);
    }
  });

  it('refuses an executable or a PHP script by its content, whatever its name', async () => {
    const pe = Buffer.concat([Buffer.from('MZ'), crypto.randomBytes(64)]);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), crypto.randomBytes(64)]);
    for (const [name, bytes] of [['images/anh.png', pe], ['course/vi/assets/model.glb', elf], ['data/note.txt', Buffer.from('<?php system($_GET["c"]);')], ['tiny.bin2', Buffer.from('MZ')]] as const) {
      expect(await expectRefused(await zipOf(scorm12Files({ [name]: bytes })), 'package_file_executable'), name).to.contain(name).and.match(/chương trình/);
    }
  });

  it('an AICC course is told that AICC is not supported', async () => {
    const message = await expectRefused(await zipOf(aicc()), 'package_aicc_unsupported');
    expect(message).to.contain('AICC không được hỗ trợ');
  });

  it('a SCORM manifest with an empty <organizations/> and one resource plays that resource', async () => {
    const reply = await upload(await zipOf(emptyOrganizations()), 'Khóa học không tổ chức.zip');
    expect(reply.status, reply.text.slice(0, 300)).to.equal(201);
    expect(reply.json()).to.include({ kind: 'scorm12', launch: 'start.html', title: 'Khóa học không tổ chức' });
    expect(reply.json().scos).to.deep.equal([{ identifier: 'only', title: 'Khóa học không tổ chức', launch: 'start.html' }]);
  });
});
