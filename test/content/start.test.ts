/**
 * First start: an empty database gets the starter content (here the fixture tree, through
 * CONTENT_DIR), and with demo data the demo province's root is assigned every starter
 * module for the current year, due 31/12. A database that already has modules is left alone.
 */
import path from 'node:path';
import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../http';
import { assignmentModel } from '../../server/assignments/model';
import { moduleModel } from '../../server/modules/model';
import { unitModel } from '../../server/units/model';
import { loadStarterContent, trainingYear, yearEnd } from '../../server/content/starter';
import { formatDate } from '../../server/http/views';
import { FIXTURES, editJson, fixtureCopy } from './helpers';

describe('content: starter content on the first start', function () {
  this.timeout(120_000);

  describe('with demo data', () => {
    let tp: TestPlatform;
    before(async () => {
      tp = await startTestPlatform('starter-demo', { DEMO_DATA: 'on', STARTER_CONTENT: 'on', CONTENT_DIR: FIXTURES });
    });
    after(() => tp.close());

    it('has the starter modules, published, owned by the province', async () => {
      const db = tp.platform.services.db;
      expect(tp.platform.starter).to.deep.equal({ modules: 2, questions: 6, assigned: 2 });
      const root = await unitModel(db).findOne({ parentId: null }).lean();
      const modules = await moduleModel(db).find().lean();
      expect(modules.map((m) => m.code).sort()).to.deep.equal(['TEST-GIAO-TIEP', 'TEST-THAI-DO']);
      expect(modules.every((m) => m.publishedVersion === 1 && m.ownerUnitId?.equals(root!._id))).to.equal(true);
    });

    it('assigns each starter module to the demo province for this year, due 31/12', async () => {
      const db = tp.platform.services.db;
      const root = await unitModel(db).findOne({ parentId: null }).lean();
      const year = trainingYear();
      const assignments = await assignmentModel(db).find().lean();
      expect(assignments).to.have.length(2);
      for (const a of assignments) {
        expect(a.unitId?.equals(root!._id)).to.equal(true);
        expect(a.year).to.equal(year);
        expect(formatDate(a.dueDate)).to.equal(`31/12/${year}`);
        expect(a.active).to.equal(true);
      }
      expect(yearEnd(2026).toISOString()).to.equal('2026-12-30T17:00:00.000Z');
    });

    it('a later start with modules present loads nothing', async () => {
      expect(await loadStarterContent(tp.platform.services.db, FIXTURES)).to.equal(null);
    });
  });

  describe('without demo data', () => {
    let tp: TestPlatform;
    before(async () => {
      tp = await startTestPlatform('starter-plain', { STARTER_CONTENT: 'on', CONTENT_DIR: FIXTURES });
    });
    after(() => tp.close());

    it('still loads the starter content (province-wide: no unit yet), assigns nothing', async () => {
      const db = tp.platform.services.db;
      expect(tp.platform.starter).to.deep.equal({ modules: 2, questions: 6, assigned: 0 });
      expect(await moduleModel(db).distinct('ownerUnitId')).to.deep.equal([null]);
      expect(await assignmentModel(db).countDocuments()).to.equal(0);
    });
  });

  it('bad starter content does not stop the platform: nothing loaded, the problems logged', async () => {
    const copy = fixtureCopy();
    try {
      editJson(path.join(copy.dir, 'modules/thai-do/questions.json'), (list) => (list[0].kind = 'essay'));
      const warnings: string[] = [];
      const tp = await startTestPlatform('starter-bad', { STARTER_CONTENT: 'on', CONTENT_DIR: copy.dir });
      try {
        expect(tp.platform.starter).to.equal(null);
        expect(await moduleModel(tp.platform.services.db).countDocuments()).to.equal(0);
        expect(await loadStarterContent(tp.platform.services.db, copy.dir, (m) => warnings.push(m))).to.equal(null);
        expect(warnings.join('')).to.contain('thai-do/questions.json [0].kind');
        expect((await tp.client().get('/login')).status).to.equal(200);
      } finally {
        await tp.close();
      }
    } finally {
      copy.remove();
    }
  });

  it('STARTER_CONTENT=off loads nothing', async () => {
    const tp = await startTestPlatform('starter-off', { CONTENT_DIR: FIXTURES });
    try {
      expect(tp.platform.starter).to.equal(null);
      expect(await moduleModel(tp.platform.services.db).countDocuments()).to.equal(0);
    } finally {
      await tp.close();
    }
  });
});
