/**
 * Package upload over HTTP: valid SCORM 1.2, SCORM 2004 and H5P packages are accepted and
 * stored once; hostile uploads are refused with a clear message, nothing stored, no
 * record, the temporary area empty and nothing written outside it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startTestPlatform, type Client, type Reply, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { createAccount } from '../../server/users/service';
import { packageModel } from '../../server/packages/model';
import type { Unit } from '../../server/units/model';
import { h5pFiles, lieAboutSize, patchBytes, PAGE, scorm12Files, scorm12Manifest, scorm2004Files, scorm2004Manifest, zerosZip, zipOf } from './fixtures/build';

const PASSWORD = 'mật khẩu thử gói';

describe('packages: upload, validation, extraction and storage', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let unitA: Unit;
  let coordinator: Client;
  let coordinatorB: Client;
  let packagesDir: string;
  let uploadsDir: string;

  before(async () => {
    // caps lowered so that hostile files stay small: 2 MB upload, 8 MB unpacked, 4 MB per file, 40 files
    tp = await startTestPlatform('packages', { PACKAGE_MAX_MB: '2', PACKAGE_MAX_UNPACKED_MB: '8', PACKAGE_MAX_ENTRY_MB: '4', PACKAGE_MAX_ENTRIES: '40' });
    packagesDir = tp.platform.services.config.PACKAGES_DIR;
    uploadsDir = path.join(tp.dataDir, 'tmp', 'uploads');
    const root = await buildUnit({ name: 'Tỉnh thử' });
    unitA = await buildUnit({ parentId: root._id, name: 'Sở A', kind: 'department' });
    const unitB = await buildUnit({ parentId: root._id, name: 'Sở B', kind: 'department' });
    const db = tp.platform.services.db;
    await createAccount(db, { username: 'coord.a', displayName: 'Điều phối A', role: 'coordinator', unitId: unitA._id, password: PASSWORD }, 4);
    await createAccount(db, { username: 'coord.b', displayName: 'Điều phối B', role: 'coordinator', unitId: unitB._id, password: PASSWORD }, 4);
    await createAccount(db, { username: 'manager.a', displayName: 'Thủ trưởng A', role: 'manager', unitId: unitA._id, password: PASSWORD }, 4);
    coordinator = tp.client();
    await coordinator.signIn('coord.a', PASSWORD);
    coordinatorB = tp.client();
    await coordinatorB.signIn('coord.b', PASSWORD);
  });
  after(() => tp.close());

  async function upload(client: Client, bytes: Buffer, filename = 'goi.zip', options: { csrf?: boolean } = {}): Promise<Reply> {
    const form = new FormData();
    if (options.csrf !== false) form.set('_csrf', await client.csrf('/'));
    form.set('file', new Blob([new Uint8Array(bytes)]), filename);
    return client.request('POST', '/api/v1/packages', { body: form });
  }

  const records = () => packageModel(tp.platform.services.db).countDocuments({});
  /** the extracted trees (the staging folder aside) */
  const trees = () => (fs.existsSync(packagesDir) ? fs.readdirSync(packagesDir).filter((n) => n !== '.staging').sort() : []);
  const staging = () => (fs.existsSync(path.join(packagesDir, '.staging')) ? fs.readdirSync(path.join(packagesDir, '.staging')) : []);
  const uploads = () => (fs.existsSync(uploadsDir) ? fs.readdirSync(uploadsDir) : []);
  const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

  /** Uploads `bytes` and expects a refusal `id` (422 unless given) that left nothing behind. */
  async function expectRefused(bytes: Buffer, id: string, status = 422, filename = 'goi.zip'): Promise<Reply> {
    const before = { records: await records(), trees: trees() };
    const reply = await upload(coordinator, bytes, filename);
    expect(reply.status, reply.text.slice(0, 300)).to.equal(status);
    const { error } = reply.json<{ error: { id: string; message: string } }>();
    expect(error.id).to.equal(id);
    expect(error.message, 'a message, not the bare id').to.be.a('string').and.not.equal(id);
    expect(error.message, 'in Vietnamese').to.match(/[à-ỹđ]/i);
    expect(await records(), 'no package record').to.equal(before.records);
    expect(trees(), 'nothing stored in PACKAGES_DIR').to.deep.equal(before.trees);
    expect(staging(), 'staging area empty').to.deep.equal([]);
    expect(uploads(), 'upload area empty').to.deep.equal([]);
    return reply;
  }

  describe('valid packages', () => {
    it('accepts a SCORM 1.2 package: kind, title, launch, SCOs, extracted tree', async () => {
      const bytes = await zipOf(scorm12Files());
      const reply = await upload(coordinator, bytes, 'Văn hóa công sở.zip');
      expect(reply.status, reply.text).to.equal(201);
      const body = reply.json();
      expect(body).to.include({ kind: 'scorm12', title: 'Văn hóa công sở (SCORM 1.2)', launch: 'index.html', ownerUnitId: unitA._id.toHexString(), originalName: 'Văn hóa công sở.zip', fileCount: 3 });
      expect(body.id).to.match(/^[0-9a-f]{24}$/);
      expect(body.scos).to.deep.equal([{ identifier: 'item1', title: 'Bài 1', launch: 'index.html' }]);
      const tree = path.join(packagesDir, sha256(bytes));
      expect(fs.readFileSync(path.join(tree, 'index.html'), 'utf8')).to.equal(PAGE);
      expect(fs.existsSync(path.join(tree, 'css', 'style.css'))).to.equal(true);
      expect(uploads()).to.deep.equal([]);
      expect(staging()).to.deep.equal([]);
      const record = await packageModel(tp.platform.services.db).findById(body.id).lean();
      expect(record).to.include({ sha256: sha256(bytes), kind: 'scorm12', size: bytes.length });
      const fetched = await coordinator.get(`/api/v1/packages/${body.id}`);
      expect(fetched.status).to.equal(200);
      expect(fetched.json()).to.deep.equal(body);
    });

    it('accepts a SCORM 2004 4th edition package with two SCOs, xml:base and item parameters; drops .dtd, .swf and OS litter', async () => {
      const bytes = await zipOf(scorm2004Files({ 'content/old.swf': 'FWS', '__MACOSX/content/._part1.html': 'x', 'content/.DS_Store': 'x' }));
      const reply = await upload(coordinator, bytes);
      expect(reply.status, reply.text).to.equal(201);
      const body = reply.json();
      expect(body).to.include({ kind: 'scorm2004', edition: '4th', title: 'Đạo đức công vụ (SCORM 2004)', launch: 'content/part1.html' });
      expect(body.scos).to.deep.equal([
        { identifier: 'I1', title: 'Phần 1', launch: 'content/part1.html' },
        { identifier: 'I2', title: 'Phần 2', launch: 'content/two/part2.html?part=2' },
      ]);
      const tree = path.join(packagesDir, sha256(bytes));
      expect(fs.existsSync(path.join(tree, 'content', 'two', 'part2.html'))).to.equal(true);
      expect(fs.existsSync(path.join(tree, 'common', 'XMLSchema.dtd')), 'schema DTDs are never written').to.equal(false);
      for (const dropped of ['content/old.swf', '__MACOSX', 'content/.DS_Store']) expect(fs.existsSync(path.join(tree, dropped)), dropped).to.equal(false);
      expect(body.fileCount).to.equal(4);
    });

    it('tells SCORM 2004 editions and 1.2 without schemaversion apart', async () => {
      const third = await upload(coordinator, await zipOf(scorm2004Files({ 'imsmanifest.xml': scorm2004Manifest().replace('2004 4th Edition', '2004 3rd Edition') })));
      expect(third.json()).to.include({ kind: 'scorm2004', edition: '3rd' });
      const second = await upload(coordinator, await zipOf(scorm2004Files({ 'imsmanifest.xml': scorm2004Manifest().replace('2004 4th Edition', 'CAM 1.3') })));
      expect(second.json()).to.include({ kind: 'scorm2004', edition: '2nd' });
      const bare = await upload(coordinator, await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest().replace(/<metadata>.*<\/metadata>/, '') })));
      expect(bare.json()).to.include({ kind: 'scorm12' });
    });

    it('accepts a minimal H5P package: main library and its dependencies', async () => {
      const reply = await upload(coordinator, await zipOf(h5pFiles()), 'cau-hoi.h5p');
      expect(reply.status, reply.text).to.equal(201);
      const body = reply.json();
      expect(body).to.include({ kind: 'h5p', title: 'Câu hỏi văn hóa công vụ', launch: 'VHCV.Quiz-1.0' });
      expect(body.h5p).to.deep.equal({ mainLibrary: 'VHCV.Quiz', mainLibraryFolder: 'VHCV.Quiz-1.0', libraries: ['VHCV.Quiz-1.0', 'VHCV.Base-2.1'], contentPath: 'content/content.json' });
      expect(body.scos).to.deep.equal([]);
    });

    it('stores the same bytes once: same unit → the same record (200), another unit → its own record over the same tree', async () => {
      const bytes = await zipOf(scorm12Files({ 'index.html': `${PAGE}<!-- twice -->` }));
      const first = await upload(coordinator, bytes);
      expect(first.status).to.equal(201);
      const treesAfterFirst = trees();
      const recordsAfterFirst = await records();
      const again = await upload(coordinator, bytes);
      expect(again.status).to.equal(200);
      expect(again.json().id).to.equal(first.json().id);
      expect(await records()).to.equal(recordsAfterFirst);
      const other = await upload(coordinatorB, bytes);
      expect(other.status).to.equal(201);
      expect(other.json().id).not.to.equal(first.json().id);
      expect(trees(), 'one tree for the same bytes').to.deep.equal(treesAfterFirst);
      expect(trees().filter((t) => t === sha256(bytes))).to.have.length(1);
      // each unit sees its own
      const listA = (await coordinator.get('/api/v1/packages')).json().items.map((p: { id: string }) => p.id);
      const listB = (await coordinatorB.get('/api/v1/packages')).json().items.map((p: { id: string }) => p.id);
      expect(listA).to.include(first.json().id).and.not.include(other.json().id);
      expect(listB).to.deep.equal([other.json().id]);
      expect((await coordinatorB.get(`/api/v1/packages/${first.json().id}`)).status).to.equal(403);
    });

    it('two uploads of the same file at once: one tree, one record', async () => {
      const bytes = await zipOf(scorm12Files({ 'index.html': `${PAGE}<!-- at once -->` }));
      const replies = await Promise.all([upload(coordinator, bytes), upload(coordinator, bytes), upload(coordinator, bytes)]);
      expect(replies.map((r) => r.status).sort()).to.deep.equal([200, 200, 201]);
      expect(new Set(replies.map((r) => r.json().id)).size).to.equal(1);
      expect(trees().filter((t) => t === sha256(bytes))).to.have.length(1);
      expect(staging()).to.deep.equal([]);
      expect(await packageModel(tp.platform.services.db).countDocuments({ sha256: sha256(bytes) })).to.equal(1);
    });

    it('takes a Bearer token without CSRF; a cookie session without the CSRF token is refused', async () => {
      const api = tp.client();
      const login = await api.request('POST', '/api/v1/auth/login', { json: { login: 'coord.a', password: PASSWORD } });
      api.bearer = login.json<{ token: string }>().token;
      const bytes = await zipOf(scorm12Files({ 'index.html': `${PAGE}<!-- bearer -->` }));
      expect((await upload(api, bytes, 'goi.zip', { csrf: false })).status).to.equal(201);
      const forged = await upload(coordinator, await zipOf(scorm12Files({ 'index.html': `${PAGE}<!-- forged -->` })), 'goi.zip', { csrf: false });
      expect(forged.status).to.equal(403);
      expect(forged.json().error.id).to.equal('csrf_invalid');
      // refused before the handler ran: the upload folder goes when the response ends
      for (let i = 0; i < 100 && uploads().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(uploads()).to.deep.equal([]);
    });
  });

  describe('hostile uploads: each refused, nothing stored, the temporary area cleaned', () => {
    it('"../" entries', async () => {
      const bytes = patchBytes(await zipOf(scorm12Files({ 'QQ/QQ/evil.html': '<script>alert(1)</script>' })), 'QQ/QQ/evil.html', '../../evil.html');
      await expectRefused(bytes, 'package_path_traversal');
      for (const place of [path.join(packagesDir, 'evil.html'), path.join(tp.dataDir, 'evil.html'), path.join(tp.dataDir, 'tmp', 'evil.html')]) expect(fs.existsSync(place), place).to.equal(false);
    });

    it('"..\\" entries (Windows separators)', async () => {
      const bytes = patchBytes(await zipOf(scorm12Files({ 'QQQQQQx.html': 'x' })), 'QQQQQQx.html', '..\\..\\x.html');
      await expectRefused(bytes, 'package_path_traversal');
    });

    it('absolute paths', async () => {
      const name = `vhcv-evil-${crypto.randomBytes(4).toString('hex')}.html`;
      const bytes = patchBytes(await zipOf(scorm12Files({ [`Qtmp/${name}`]: 'x' })), `Qtmp/${name}`, `/tmp/${name}`);
      await expectRefused(bytes, 'package_path_absolute');
      expect(fs.existsSync(path.join(os.tmpdir(), name))).to.equal(false);
      const drive = patchBytes(await zipOf(scorm12Files({ 'QQQevil.html': 'x' })), 'QQQevil.html', 'C:/evil.html');
      await expectRefused(drive, 'package_path_absolute');
    });

    it('two entries with the same name (also differing only in case, or a file where a folder must be)', async () => {
      await expectRefused(patchBytes(await zipOf(scorm12Files({ 'QQQQQ.html': 'x' })), 'QQQQQ.html', 'INDEX.html'), 'package_duplicate_entry');
      await expectRefused(await zipOf(scorm12Files({ css: 'x' })), 'package_duplicate_entry');
      await expectRefused(await zipOf(scorm12Files({ 'css.txt': 'x', 'css.txt/a.html': 'y' })), 'package_duplicate_entry');
    });

    it('a symlink entry', async () => {
      const bytes = await zipOf(scorm12Files(), [{ name: 'passwd.html', content: '/etc/passwd', mode: 0o120777 }]);
      await expectRefused(bytes, 'package_symlink');
    });

    it('a zip bomb: 1 GB of zeros (about 1 MB compressed), refused before inflating', async () => {
      const bytes = await zerosZip('zeros.txt', 1024 * 1024 * 1024, scorm12Files() as Record<string, string>);
      expect(bytes.length).to.be.below(2 * 1024 * 1024);
      await expectRefused(bytes, 'package_entry_too_large');
    });

    it('files each below the per-file cap that together exceed the unpacked cap', async () => {
      const three = Buffer.alloc(3 * 1024 * 1024);
      await expectRefused(await zipOf(scorm12Files({ 'a.txt': three, 'b.txt': three, 'c.txt': three })), 'package_too_large_unpacked');
    });

    it('a zip bomb whose header lies about its size: cut off while inflating', async () => {
      const bytes = lieAboutSize(await zerosZip('zeros.txt', 30 * 1024 * 1024, scorm12Files() as Record<string, string>), 'zeros.txt', 1000);
      await expectRefused(bytes, 'package_entry_size_mismatch');
    });

    it('one file above the per-file cap', async () => {
      await expectRefused(await zerosZip('big.txt', 5 * 1024 * 1024, scorm12Files() as Record<string, string>), 'package_entry_too_large');
    });

    it('too many entries', async () => {
      const many: Record<string, string> = {};
      for (let i = 0; i < 40; i++) many[`p/${i}.txt`] = String(i);
      await expectRefused(await zipOf(scorm12Files(many)), 'package_too_many_entries');
    });

    it('no manifest (also: a manifest inside a folder)', async () => {
      await expectRefused(await zipOf({ 'index.html': PAGE }), 'package_manifest_missing');
      await expectRefused(await zipOf({ 'khoa-hoc/imsmanifest.xml': scorm12Manifest(), 'khoa-hoc/index.html': PAGE }), 'package_manifest_missing');
    });

    it('a launch href of ../../etc/passwd, of http://evil.example/x.html, an external xml:base, a missing launch file', async () => {
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest({ href: '../../etc/passwd' }) })), 'package_launch_unsafe');
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest({ href: '%2e%2e/%2e%2e/etc/passwd' }) })), 'package_launch_unsafe');
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest({ href: '/etc/passwd' }) })), 'package_launch_unsafe');
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest({ href: 'http://evil.example/x.html' }) })), 'package_launch_external');
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest({ href: '//evil.example/x.html' }) })), 'package_launch_external');
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest({ base: 'http://evil.example/' }) })), 'package_launch_external');
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest({ href: 'javascript:alert(1)' }) })), 'package_launch_external');
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest({ href: 'khong-co.html' }) })), 'package_launch_missing');
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest({ href: 'css/style.css' }) })), 'package_launch_not_page');
    });

    it('a manifest with an XML external entity (and an entity bomb)', async () => {
      const xxe = scorm12Manifest({ doctype: '<!DOCTYPE manifest [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', title: '&xxe;' });
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': xxe })), 'package_xml_entities');
      const lol = scorm12Manifest({ doctype: '<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>', title: '&b;' });
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': lol })), 'package_xml_entities');
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': '<manifest><organizations>' })), 'package_xml_invalid');
    });

    it('a non-zip renamed .zip, an empty file, a truncated zip', async () => {
      await expectRefused(Buffer.from('MZ\x90\x00 this is a Windows program, not a package'), 'package_not_zip');
      await expectRefused(Buffer.from('%PDF-1.7\n'), 'package_not_zip');
      const whole = await zipOf(scorm12Files());
      await expectRefused(whole.subarray(0, Math.floor(whole.length * 0.6)), 'package_zip_corrupt');
      const reply = await upload(coordinator, Buffer.alloc(0));
      expect(reply.status).to.equal(422);
      expect(reply.json().error.id).to.equal('package_no_file');
    });

    it('a corrupted compressed stream (the CRC / inflate fails)', async () => {
      const whole = await zipOf(scorm12Files({ 'index.html': PAGE.repeat(50) }));
      // flip bytes inside the deflated data of the first entry (after its 30-byte header and name)
      const broken = Buffer.from(whole);
      for (let i = 60; i < 90; i++) broken[i] = broken[i]! ^ 0xff;
      await expectRefused(broken, 'package_zip_corrupt');
    });

    it('disallowed file types (.exe, .php, .htaccess, web.config)', async () => {
      for (const name of ['setup.exe', 'shell.php', 'cgi/.htaccess', 'bin/web.config']) {
        const reply = await expectRefused(await zipOf(scorm12Files({ [name]: 'x' })), 'package_file_type_not_allowed');
        expect(reply.json().error.message).to.contain(name);
      }
    });

    it('an oversized upload: 413, the partial file removed', async () => {
      await expectRefused(crypto.randomBytes(3 * 1024 * 1024), 'package_too_large', 413);
    });

    it('SCORM 2004 sequencing rules: refused as unsupported', async () => {
      const rules = '<imsss:sequencingRules><imsss:preConditionRule><imsss:ruleConditions><imsss:ruleCondition condition="satisfied"/></imsss:ruleConditions><imsss:ruleAction action="skip"/></imsss:preConditionRule></imsss:sequencingRules>';
      const reply = await expectRefused(await zipOf(scorm2004Files({ 'imsmanifest.xml': scorm2004Manifest({ sequencing: rules }) })), 'package_sequencing_unsupported');
      expect(reply.json().error.message).to.contain('sequencingRules');
    });

    it('other SCORM problems: unsupported version, no SCO, an item pointing nowhere, both manifests', async () => {
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest().replace('<schemaversion>1.2', '<schemaversion>1.1') })), 'package_scorm_version_unsupported');
      const asset = scorm12Manifest({ resources: '<resource identifier="res1" type="webcontent" adlcp:scormtype="asset" href="index.html"/>' });
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': asset })), 'package_scorm_no_sco');
      await expectRefused(await zipOf(scorm12Files({ 'imsmanifest.xml': scorm12Manifest({ items: '<item identifier="i" identifierref="nowhere"><title>x</title></item>' }) })), 'package_scorm_resource_missing');
      await expectRefused(await zipOf({ ...scorm12Files(), ...h5pFiles() }), 'package_manifest_ambiguous');
    });

    it('H5P problems: a missing library, a missing dependency, no content.json, a broken h5p.json', async () => {
      const { 'VHCV.Quiz-1.0/library.json': _main, ...noMain } = h5pFiles();
      await expectRefused(await zipOf(noMain), 'package_h5p_library_missing');
      const { 'VHCV.Base-2.1/library.json': _base, ...noBase } = h5pFiles();
      await expectRefused(await zipOf(noBase), 'package_h5p_library_missing');
      const { 'content/content.json': _content, ...noContent } = h5pFiles();
      await expectRefused(await zipOf(noContent), 'package_h5p_content_missing');
      await expectRefused(await zipOf(h5pFiles({ 'h5p.json': '{"title": "x"' })), 'package_h5p_json_invalid');
      await expectRefused(await zipOf(h5pFiles({ 'VHCV.Base-2.1/library.json': JSON.stringify({ machineName: 'Other', majorVersion: 2, minorVersion: 1 }) })), 'package_h5p_library_invalid');
    });
  });

  describe('who may upload', () => {
    it('anonymous: 401 before the upload is read; a manager: 403; the upload area stays empty', async () => {
      const anonymous = await upload(tp.client(), await zipOf(scorm12Files()), 'goi.zip', { csrf: false });
      expect(anonymous.status).to.equal(401);
      const manager = tp.client();
      await manager.signIn('manager.a', PASSWORD);
      const before = await records();
      const refused = await upload(manager, await zipOf(scorm12Files({ 'index.html': `${PAGE}<!-- manager -->` })));
      expect(refused.status).to.equal(403);
      expect(await records()).to.equal(before);
      expect(uploads()).to.deep.equal([]);
      expect((await manager.get('/api/v1/packages')).status).to.equal(403);
    });
  });
});

describe('packages: the coordinator page', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let coordinator: Client;

  before(async () => {
    tp = await startTestPlatform('packages-page', { PACKAGE_MAX_MB: '1' });
    const unit = await buildUnit({ name: 'Sở thử' });
    await createAccount(tp.platform.services.db, { username: 'coord.page', displayName: 'Điều phối', role: 'coordinator', unitId: unit._id, password: PASSWORD }, 4);
    coordinator = tp.client();
    await coordinator.signIn('coord.page', PASSWORD);
  });
  after(() => tp.close());

  async function submit(bytes: Buffer, filename: string): Promise<Reply> {
    const form = new FormData();
    form.set('_csrf', await coordinator.csrf('/authoring/packages'));
    form.set('file', new Blob([new Uint8Array(bytes)]), filename);
    return coordinator.request('POST', '/authoring/packages', { body: form });
  }

  it('uploads through the form, then lists the package and says so', async () => {
    const empty = await coordinator.get('/authoring/packages');
    expect(empty.status).to.equal(200);
    expect(empty.text).to.contain('Chưa có gói nào').and.contain('enctype="multipart/form-data"').and.contain('Tối đa 1 MB');
    const reply = await submit(await zipOf(h5pFiles()), 'cau-hoi.h5p');
    expect(reply.status).to.equal(303);
    expect(reply.location).to.match(/^\/authoring\/packages\?uploaded=[0-9a-f]{24}$/);
    const page = await coordinator.get(reply.location!);
    expect(page.text).to.contain('Đã tải lên gói “Câu hỏi văn hóa công vụ”').and.contain('<th scope="row">Câu hỏi văn hóa công vụ</th>').and.contain('H5P');
  });

  it('shows a refusal on the form in Vietnamese (422), stores nothing', async () => {
    const before = await packageModel(tp.platform.services.db).countDocuments({});
    const reply = await submit(patchBytes(await zipOf(scorm12Files({ 'QQ/QQ/evil.html': 'x' })), 'QQ/QQ/evil.html', '../../evil.html'), 'xau.zip');
    expect(reply.status).to.equal(422);
    expect(reply.text).to.contain('role="alert"').and.contain('Gói có đường dẫn không an toàn (chứa “..”): ../../evil.html.');
    expect(await packageModel(tp.platform.services.db).countDocuments({})).to.equal(before);
    const big = await submit(crypto.randomBytes(1024 * 1024 + 10), 'lon.zip');
    expect(big.status).to.equal(413);
    expect(big.text).to.contain('Tệp gói lớn hơn 1 MB.');
  });
});
