import { expect } from 'chai';
import { moduleModel, type ModuleContent } from '../../server/modules/model';
import { findVersion, latestVersion, publishModule } from '../../server/modules/versions';
import { openTestDatabase, type TestDatabase } from '../database';

const draft = (title: string): ModuleContent => ({ title, topic: 'thai-do', description: '', estimatedMinutes: 10, items: [{ kind: 'lesson', key: 'bai-1', title: 'Bài 1', body: '<p>Nội dung</p>', attachments: [] }] });

describe('module versions', () => {
  let database: TestDatabase;
  before(async () => {
    database = await openTestDatabase('versions');
  });
  after(() => database.close());

  it('publishing snapshots the draft; a later edit does not change the published version', async () => {
    const db = database.connection;
    const module = await moduleModel(db).create({ code: 'v-test', draft: draft('Tiêu đề một') });
    expect(await latestVersion(db, module._id)).to.equal(null);
    const first = await publishModule(db, module._id, null);
    expect(first.version).to.equal(1);
    await moduleModel(db).updateOne({ _id: module._id }, { $set: { 'draft.title': 'Tiêu đề hai', draftDirty: true } });
    const second = await publishModule(db, module._id, null);
    expect(second.version).to.equal(2);
    expect((await findVersion(db, module._id, 1))!.content.title).to.equal('Tiêu đề một');
    expect((await latestVersion(db, module._id))!.content.title).to.equal('Tiêu đề hai');
    const stored = await moduleModel(db).findById(module._id).lean();
    expect(stored).to.include({ publishedVersion: 2, draftDirty: false, code: 'V-TEST' });
  });

  it('two publishes at once make two consecutive versions', async () => {
    const db = database.connection;
    const module = await moduleModel(db).create({ code: 'v-race', draft: draft('Song song') });
    const made = await Promise.all([publishModule(db, module._id, null), publishModule(db, module._id, null)]);
    expect(made.map((v) => v.version).sort()).to.deep.equal([1, 2]);
  });

  it('a published version read twice is the same frozen copy (kept in memory: versions never change)', async () => {
    const db = database.connection;
    const module = await moduleModel(db).create({ code: 'v-cache', draft: draft('Bộ nhớ đệm') });
    await publishModule(db, module._id, null);
    const first = (await findVersion(db, module._id, 1))!;
    expect(await findVersion(db, module._id, 1)).to.equal(first);
    expect(Object.isFrozen(first.content.items[0])).to.equal(true);
    expect(() => {
      (first.content as { title: string }).title = 'đổi';
    }).to.throw(TypeError);
    expect(await findVersion(db, module._id, 2)).to.equal(null);
  });
});
