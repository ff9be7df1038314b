/**
 * Module bundles: export → import into another installation gives the same module,
 * questions and attachment bytes; hostile or broken bundles are refused with a clear
 * error id and leave nothing behind; questions never overwrite another owner's.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { trusted, type Connection, type Types } from 'mongoose';
import { startTestPlatform, type TestPlatform } from '../http';
import { AppError } from '../../server/errors';
import { bundleBuffer, exportBundle } from '../../server/content/bundle-export';
import { importBundle, type ImportOptions } from '../../server/content/bundle-import';
import { canonicalContent } from '../../server/content/format';
import { DEFAULT_CONTENT_DIR, loadContent } from '../../server/content/loader';
import { mediaPath, storeMedia } from '../../server/media/store';
import { moduleModel, type LearningModule, type LessonItem, type PackageItem } from '../../server/modules/model';
import { zipFolder } from '../../server/packages/folder-zip';
import { packageModel, type ContentPackage } from '../../server/packages/model';
import { latestVersion, publishModule } from '../../server/modules/versions';
import { questionModel } from '../../server/questions/model';
import { createUnit } from '../../server/units/service';
import { FIXTURES, bundleJson, makeZip, readZip } from './helpers';

const sha = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the import to be refused');
}

describe('content: module bundles (export / import)', function () {
  this.timeout(120_000);
  let source: TestPlatform;
  let target: TestPlatform;
  let sourceDb: Connection;
  let targetDb: Connection;
  let targetUnit: Types.ObjectId;
  let otherUnit: Types.ObjectId;
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(50_000)]);

  before(async () => {
    source = await startTestPlatform('bundle-source');
    target = await startTestPlatform('bundle-target');
    sourceDb = source.platform.services.db;
    targetDb = target.platform.services.db;
    const province = await createUnit(targetDb, { code: 'T-TINH', name: 'Tỉnh nhận', kind: 'province' });
    targetUnit = (await createUnit(targetDb, { code: 'T-SO', name: 'Sở nhận', kind: 'department', parentId: province._id }))._id;
    otherUnit = (await createUnit(targetDb, { code: 'T-SO-KHAC', name: 'Sở khác', kind: 'department', parentId: province._id }))._id;
  });
  after(async () => {
    await source.close();
    await target.close();
  });

  const options = (extra: Partial<ImportOptions> = {}): ImportOptions => ({ ownerUnitId: targetUnit, by: null, config: target.platform.services.config, ...extra });
  const packageTrees = () => (fs.existsSync(target.platform.services.config.PACKAGES_DIR) ? fs.readdirSync(target.platform.services.config.PACKAGES_DIR).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort() : []);
  const counts = async () => ({
    modules: await moduleModel(targetDb).countDocuments(),
    questions: await questionModel(targetDb).countDocuments(),
    packages: await packageModel(targetDb).countDocuments(),
    trees: packageTrees(),
  });

  it('round trip: the same module content, questions and attachment bytes in another installation', async () => {
    const owner = await createUnit(sourceDb, { code: 'S-TINH', name: 'Tỉnh gửi', kind: 'province' });
    await loadContent(sourceDb, { dir: FIXTURES, ownerUnitId: owner._id });
    const digest = await storeMedia(source.dataDir, pdf);
    const stored = (await moduleModel(sourceDb).findOne({ code: 'TEST-THAI-DO' }).lean<LearningModule>())!;
    const lesson = stored.draft.items[0] as LessonItem;
    lesson.attachments = [{ sha256: digest, name: 'Kế hoạch.pdf', mime: 'application/pdf', size: pdf.length }];
    await moduleModel(sourceDb).updateOne({ _id: stored._id }, { $set: { draft: stored.draft } });
    await publishModule(sourceDb, stored._id, null);
    const module = (await moduleModel(sourceDb).findById(stored._id).lean<LearningModule>())!;

    const { zip, filename } = await exportBundle(sourceDb, source.platform.services.config, module, { draft: false });
    expect(filename).to.equal('test-thai-do.zip');
    const bytes = await bundleBuffer(zip);
    const result = await importBundle(targetDb, bytes, options());
    expect(result).to.include({ code: 'TEST-THAI-DO', questionsCreated: 4, questionsUpdated: 0, questionsRenamed: 0 });

    const imported = (await moduleModel(targetDb).findById(result.id).lean<LearningModule>())!;
    expect(imported).to.include({ publishedVersion: 0, draftDirty: true });
    expect(imported.ownerUnitId?.equals(targetUnit)).to.equal(true);
    const published = (await latestVersion(sourceDb, module._id))!;
    expect(canonicalContent(imported.draft)).to.deep.equal(canonicalContent(published.content));
    expect(fs.readFileSync(mediaPath(target.dataDir, digest)).equals(pdf)).to.equal(true);

    const strip = (qs: any[]) => qs.map(({ ref, topic, kind, scenario, prompt, options: o, explanation, source: s }) => ({ ref, topic, kind, scenario, prompt, options: o.map(({ key, text, correct }: any) => ({ key, text, correct })), explanation, source: s }));
    const sent = strip(await questionModel(sourceDb).find({ topic: 'thai-do' }).sort({ ref: 1 }).lean());
    const received = strip(await questionModel(targetDb).find({ topic: 'thai-do' }).sort({ ref: 1 }).lean());
    expect(received).to.deep.equal(sent);
    expect(fs.readdirSync(path.join(target.dataDir, 'tmp'))).to.deep.equal([]);
  });

  it('exports the draft on request, and refuses a module never published unless the draft is asked for', async () => {
    const created = await moduleModel(sourceDb).create({ code: 'CHUA-XUAT-BAN', ownerUnitId: null, draft: { title: 'Nháp', topic: 'dao-duc', description: '', estimatedMinutes: 5, items: [{ kind: 'lesson', key: 'bai-1', title: 'Bài', body: '<p>Nháp</p>', attachments: [] }] } });
    const module = created.toObject() as LearningModule;
    const refused = await refusal(exportBundle(sourceDb, source.platform.services.config, module, { draft: false }));
    expect([refused.status, refused.id]).to.deep.equal([409, 'bundle_no_published_version']);
    const { zip, filename } = await exportBundle(sourceDb, source.platform.services.config, module, { draft: true });
    expect(filename).to.equal('chua-xuat-ban-ban-nhap.zip');
    const entries = await readZip(await bundleBuffer(zip));
    expect([...entries.keys()]).to.deep.equal(['bundle.json']);
    const json = JSON.parse(entries.get('bundle.json')!.toString('utf8'));
    expect(json).to.include({ format: 'vhcv-module-bundle', formatVersion: 1 });
    expect(json.module).to.include({ code: 'CHUA-XUAT-BAN', title: 'Nháp' });
    expect(json.questions).to.deep.equal([]);
  });

  it('a module code that exists is refused (409) unless a new code is given', async () => {
    const bytes = await makeZip([['bundle.json', bundleJson('CHIA-SE-1')]]);
    await importBundle(targetDb, bytes, options());
    const before = await counts();
    const again = await refusal(importBundle(targetDb, bytes, options()));
    expect([again.status, again.id, again.params]).to.deep.equal([409, 'bundle_code_taken', { code: 'CHIA-SE-1' }]);
    expect(await counts()).to.deep.equal(before);
    const renamed = await importBundle(targetDb, bytes, options({ code: 'chia-se-1b' }));
    expect(renamed.code).to.equal('CHIA-SE-1B');
    // the same owner imports the same questions again: updated in place, not duplicated
    expect(renamed).to.include({ questionsCreated: 0, questionsUpdated: 2, questionsRenamed: 0 });
  });

  it("never overwrites another unit's or province-wide questions: they come in under a new ref", async () => {
    await questionModel(targetDb).create({ ref: 'khac-01', topic: 'ky-luat', kind: 'true-false', scenario: null, prompt: 'Câu của sở khác', options: [{ key: 'a', text: 'Đúng', correct: true }, { key: 'b', text: 'Sai', correct: false }], explanation: '', source: null, ownerUnitId: otherUnit });
    await questionModel(targetDb).create({ ref: 'tinh-01', topic: 'ky-luat', kind: 'true-false', scenario: null, prompt: 'Câu toàn tỉnh', options: [{ key: 'a', text: 'Đúng', correct: true }, { key: 'b', text: 'Sai', correct: false }], explanation: '', source: null, ownerUnitId: null });
    const bytes = await makeZip([['bundle.json', bundleJson('CHIA-SE-2', (b) => {
      b.questions[0].ref = 'khac-01';
      b.questions[1].ref = 'tinh-01';
    })]]);
    const result = await importBundle(targetDb, bytes, options());
    expect(result).to.include({ questionsCreated: 2, questionsUpdated: 0, questionsRenamed: 2 });
    expect((await questionModel(targetDb).findOne({ ref: 'khac-01' }).lean())!.prompt).to.equal('Câu của sở khác');
    expect((await questionModel(targetDb).findOne({ ref: 'tinh-01' }).lean())!.prompt).to.equal('Câu toàn tỉnh');
    const copies = await questionModel(targetDb).find({ ref: trusted({ $in: ['khac-01-2', 'tinh-01-2'] }) }).sort({ ref: 1 }).lean();
    expect(copies.map((q) => q.ownerUnitId?.toHexString())).to.deep.equal([targetUnit.toHexString(), targetUnit.toHexString()]);
  });

  it('a <script> in a lesson is imported sanitised; decomposed text is normalised to NFC', async () => {
    const bytes = await makeZip([['bundle.json', bundleJson('CHIA-SE-3', (b) => {
      b.module.items[0].body = '<h2>Bài</h2><script>alert(1)</script><p onclick="x()">Nội dung <a href="javascript:alert(1)">bấm</a></p>';
      b.module.title = 'Ky\u0303 luật';
    })]]);
    const result = await importBundle(targetDb, bytes, options());
    const module = (await moduleModel(targetDb).findById(result.id).lean<LearningModule>())!;
    const body = (module.draft.items[0] as LessonItem).body;
    expect(body).to.contain('Nội dung').and.not.match(/script|alert|onclick|javascript/);
    expect(module.draft.title).to.equal('Kỹ luật'.normalize('NFC'));
  });

  describe('H5P / SCORM items travel with their package', () => {
    it('the starter modules with a SCORM and an H5P item: same items, packages stored again under the importer, SCO kept', async () => {
      const owner = await createUnit(sourceDb, { code: 'S-GOI', name: 'Tỉnh có gói', kind: 'province' });
      await loadContent(sourceDb, { dir: DEFAULT_CONTENT_DIR, ownerUnitId: owner._id, config: source.platform.services.config });
      for (const code of ['VHCV-GIAO-TIEP', 'VHCV-THAI-DO']) {
        const module = (await moduleModel(sourceDb).findOne({ code }).lean<LearningModule>())!;
        const sent = (await latestVersion(sourceDb, module._id))!.content;
        const sentPackages = sent.items.filter((i): i is PackageItem => i.kind === 'package');
        expect(sentPackages, code).to.have.length.greaterThan(0);

        const bytes = await bundleBuffer((await exportBundle(sourceDb, source.platform.services.config, module, { draft: false })).zip);
        const entries = await readZip(bytes);
        const json = JSON.parse(entries.get('bundle.json')!.toString('utf8'));
        expect(json.formatVersion).to.equal(2);
        const packageEntries = [...entries.keys()].filter((n) => n.startsWith('packages/'));
        expect(packageEntries).to.have.length(new Set(json.module.items.filter((i: any) => i.kind === 'package').map((i: any) => i.package)).size);
        for (const name of packageEntries) expect(sha(entries.get(name)!)).to.equal(name.slice('packages/'.length));

        const result = await importBundle(targetDb, bytes, options({ code: `${code}-NHAN` }));
        const imported = (await moduleModel(targetDb).findById(result.id).lean<LearningModule>())!;
        expect(imported.draft.items.map((i) => [i.kind, i.key, i.title])).to.deep.equal(sent.items.map((i) => [i.kind, i.key, i.title]));
        const receivedPackages = imported.draft.items.filter((i): i is PackageItem => i.kind === 'package');
        for (const [i, item] of receivedPackages.entries()) {
          const original = (await packageModel(sourceDb).findById(sentPackages[i]!.packageId).lean<ContentPackage>())!;
          const stored = (await packageModel(targetDb).findById(item.packageId).lean<ContentPackage>())!;
          expect(stored.ownerUnitId?.equals(targetUnit), 'owned by the importer').to.equal(true);
          expect(item.sco).to.equal(sentPackages[i]!.sco);
          expect({ kind: stored.kind, title: stored.title, launch: stored.launch, scos: stored.scos, h5p: stored.h5p, fileCount: stored.fileCount }).to.deep.equal({ kind: original.kind, title: original.title, launch: original.launch, scos: original.scos, h5p: original.h5p, fileCount: original.fileCount });
          const tree = path.join(target.platform.services.config.PACKAGES_DIR, stored.sha256);
          expect(fs.existsSync(path.join(tree, original.kind === 'h5p' ? 'h5p.json' : 'imsmanifest.xml'))).to.equal(true);
        }
      }
      expect(fs.readdirSync(path.join(target.dataDir, 'tmp'))).to.deep.equal([]);
    });

    it('a bundle without package items is still written as format 1, which older platforms read', async () => {
      const module = (await moduleModel(sourceDb).findOne({ code: 'VHCV-DAO-DUC' }).lean<LearningModule>())!;
      const entries = await readZip(await bundleBuffer((await exportBundle(sourceDb, source.platform.services.config, module, { draft: false })).zip));
      expect(JSON.parse(entries.get('bundle.json')!.toString('utf8')).formatVersion).to.equal(1);
    });

    const scorm = () => zipFolder(path.join(DEFAULT_CONTENT_DIR, 'packages', 'scorm12-vhcv'));
    const withPackage = (code: string, digest: string, sco: string | null = null) =>
      bundleJson(code, (b) => {
        b.formatVersion = 2;
        b.module.items.push({ kind: 'package', key: 'goi', title: 'Gói tình huống', package: digest, sco });
      });
    it("a package item's completion rule (issue #14) travels in the bundle; the default is left out", async () => {
      const zip = await scorm();
      const json = bundleJson('GOI-QUY-TAC', (b) => {
        b.formatVersion = 2;
        b.module.items.push({ kind: 'package', key: 'goi', title: 'Gói tình huống', package: sha(zip), sco: null, completion: 'score', minScore: 70 });
        b.module.items.push({ kind: 'package', key: 'goi-2', title: 'Gói mặc định', package: sha(zip), sco: null });
      });
      const result = await importBundle(targetDb, await makeZip([['bundle.json', json], [`packages/${sha(zip)}`, zip, false]]), options());
      const imported = (await moduleModel(targetDb).findById(result.id).lean<LearningModule>())!;
      const [ruled, plain] = imported.draft.items.filter((i): i is PackageItem => i.kind === 'package');
      expect(ruled).to.include({ completion: 'score', minScore: 70 });
      expect(plain).to.not.have.property('completion');
      const entries = await readZip(await bundleBuffer((await exportBundle(targetDb, target.platform.services.config, imported, { draft: true })).zip));
      const items = JSON.parse(entries.get('bundle.json')!.toString('utf8')).module.items as Record<string, unknown>[];
      expect(items.find((i) => i['key'] === 'goi')).to.include({ completion: 'score', minScore: 70 });
      expect(items.find((i) => i['key'] === 'goi-2')).to.not.have.property('completion');
    });

    const cases: Array<[string, () => Promise<Buffer>, string]> = [
      ['a package whose digest does not match its name', async () => makeZip([['bundle.json', withPackage('GOI-1', sha(Buffer.from('khác')))], [`packages/${sha(Buffer.from('khác'))}`, await scorm(), false]]), 'bundle_package_digest_mismatch'],
      ['a package item without its package', async () => makeZip([['bundle.json', withPackage('GOI-2', sha(await scorm()))]]), 'bundle_package_missing'],
      ['a package that is not a zip', async () => {
        const junk = Buffer.from('không phải zip');
        return makeZip([['bundle.json', withPackage('GOI-3', sha(junk))], [`packages/${sha(junk)}`, junk]]);
      }, 'bundle_package_invalid'],
      ['a package without a manifest', async () => {
        const bare = await makeZip([['index.html', Buffer.from('<p>Không có imsmanifest.xml</p>')]]);
        return makeZip([['bundle.json', withPackage('GOI-4', sha(bare))], [`packages/${sha(bare)}`, bare, false]]);
      }, 'bundle_package_invalid'],
      ['a package item naming a SCO the package does not have', async () => {
        const zip = await scorm();
        return makeZip([['bundle.json', withPackage('GOI-5', sha(zip), 'khong-co')], [`packages/${sha(zip)}`, zip, false]]);
      }, 'bundle_package_sco_unknown'],
    ];
    for (const [name, build, id] of cases) {
      it(`refused, nothing written: ${name}`, async () => {
        const before = await counts();
        const error = await refusal(importBundle(targetDb, await build(), options()));
        expect([error.status, error.id], JSON.stringify(error.params)).to.deep.equal([422, id]);
        expect(await counts()).to.deep.equal(before);
        expect(fs.readdirSync(path.join(target.dataDir, 'tmp'))).to.deep.equal([]);
      });
    }

    it("a bad package's own reason is in the message, in Vietnamese", async () => {
      const bare = await makeZip([['index.html', Buffer.from('<p>x</p>')]]);
      const error = await refusal(importBundle(targetDb, await makeZip([['bundle.json', withPackage('GOI-6', sha(bare))], [`packages/${sha(bare)}`, bare]]), options()));
      expect(error.params).to.include({ title: 'Gói tình huống' });
      expect(String(error.params?.['reason'])).to.match(/imsmanifest\.xml|h5p\.json/);
    });
  });

  describe('hostile bundles: a clear error, nothing written', () => {
    const media = Buffer.from('một tệp đính kèm');
    const withAttachment = (code: string, digest: string, size = media.length) =>
      bundleJson(code, (b) => {
        b.module.items[0].attachments = [{ sha256: digest, name: 'tep.txt', mime: 'text/plain', size }];
      });
    const cases: Array<[string, () => Promise<Buffer>, string, Partial<ImportOptions['limits']>?]> = [
      ['not a zip', async () => Buffer.from('đây không phải tệp zip'), 'bundle_not_zip'],
      ['a truncated zip', async () => (await makeZip([['bundle.json', bundleJson('HOSTILE-1')]])).subarray(0, 200), 'bundle_not_zip'],
      [
        'an entry escaping with ../',
        async () => {
          const zip = await makeZip([['bundle.json', bundleJson('HOSTILE-2')], ['zz/evil', Buffer.from('x')]]);
          // yazl refuses to write "../evil": write "zz/evil" and rename it in both headers
          return Buffer.from(zip.toString('latin1').replaceAll('zz/evil', '../evil'), 'latin1');
        },
        'bundle_entry_name_invalid',
      ],
      ['an unexpected entry name', async () => makeZip([['bundle.json', bundleJson('HOSTILE-3')], ['notes.txt', Buffer.from('ghi chú')]]), 'bundle_entry_name_invalid'],
      ['a media file whose digest does not match its name', async () => makeZip([['bundle.json', withAttachment('HOSTILE-4', sha(Buffer.from('khác')))], [`media/${sha(Buffer.from('khác'))}`, media]]), 'bundle_media_digest_mismatch'],
      ['an attachment missing from the zip', async () => makeZip([['bundle.json', withAttachment('HOSTILE-5', sha(media))]]), 'bundle_media_missing'],
      ['an attachment whose declared size is wrong', async () => makeZip([['bundle.json', withAttachment('HOSTILE-6', sha(media), 5)], [`media/${sha(media)}`, media]]), 'bundle_media_size_mismatch'],
      ['a zip bomb: bundle.json inflating past 5 MB', async () => makeZip([['bundle.json', Buffer.concat([Buffer.from('{"a":"'), Buffer.alloc(6 * 1024 * 1024, 0x61), Buffer.from('"}')])]]), 'bundle_entry_too_large'],
      ['a zip bomb: a media file inflating past its cap', async () => makeZip([['bundle.json', bundleJson('HOSTILE-7')], [`media/${sha(Buffer.alloc(3 * 1024 * 1024))}`, Buffer.alloc(3 * 1024 * 1024)]]), 'bundle_entry_too_large', { maxMediaBytes: 1024 * 1024 }],
      [
        'entries together past the total cap',
        async () => makeZip([['bundle.json', bundleJson('HOSTILE-8')], [`media/${sha(Buffer.alloc(700_000, 1))}`, Buffer.alloc(700_000, 1)], [`media/${sha(Buffer.alloc(700_000, 2))}`, Buffer.alloc(700_000, 2)]]),
        'bundle_too_large',
        { maxTotalBytes: 1024 * 1024 },
      ],
      ['too many entries', async () => makeZip([['bundle.json', bundleJson('HOSTILE-9')], ...Array.from({ length: 500 }, (_, i): [string, Buffer] => [`media/${sha(Buffer.from(String(i)))}`, Buffer.from(String(i))])]), 'bundle_too_many_entries'],
      ['no bundle.json', async () => makeZip([[`media/${sha(media)}`, media]]), 'bundle_json_missing'],
      ['bundle.json that is not JSON', async () => makeZip([['bundle.json', Buffer.from('{"format": ')]]), 'bundle_json_invalid'],
      ['bundle.json with a bad question and an unknown key', async () => makeZip([['bundle.json', bundleJson('HOSTILE-10', (b) => {
        b.questions[1].options[1].correct = true;
        b.module.extra = 1;
      })]]), 'bundle_json_invalid'],
    ];
    for (const [name, build, id, limits] of cases) {
      it(name, async () => {
        const before = await counts();
        const error = await refusal(importBundle(targetDb, await build(), options(limits ? { limits } : {})));
        expect([error.status, error.id], JSON.stringify(error.params)).to.deep.equal([422, id]);
        expect(await counts()).to.deep.equal(before);
        expect(fs.readdirSync(path.join(target.dataDir, 'tmp'))).to.deep.equal([]);
      });
    }

    it('a header that lies about the inflated size is caught on the bytes actually inflated', async () => {
      const big = Buffer.alloc(2 * 1024 * 1024, 0x62);
      const zip = await makeZip([['bundle.json', bundleJson('HOSTILE-11')], [`media/${sha(big)}`, big]]);
      // central directory record of the media entry: its uncompressed size (offset 24) says 10 bytes
      const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      zip.writeUInt32LE(10, central + 24);
      const before = await counts();
      const error = await refusal(importBundle(targetDb, zip, options({ limits: { maxMediaBytes: 1024 * 1024 } })));
      expect(error.status).to.equal(422);
      expect(['bundle_entry_too_large', 'bundle_not_zip']).to.include(error.id);
      expect(await counts()).to.deep.equal(before);
    });

    it('the error message says what is wrong, in Vietnamese', async () => {
      const error = await refusal(importBundle(targetDb, await makeZip([['bundle.json', bundleJson('HOSTILE-12', (b) => (b.questions[1].options[1].correct = true))]]), options()));
      expect(String(error.params?.['problems'])).to.contain('questions[1].options: Câu hỏi một lựa chọn phải có đúng một phương án đúng');
    });
  });
});
