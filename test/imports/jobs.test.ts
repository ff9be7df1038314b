import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { openTestDatabase, type TestDatabase } from '../database';
import { buildUnit } from '../factories';
import { AppError } from '../../server/errors';
import { getImportJob, startImportJob, type ImportJob } from '../../server/imports/jobs';
import { officerModel } from '../../server/officers/model';
import { csv, HEADER, officerRow } from './helpers';

describe('imports: background jobs for the progress bar', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let db: Connection;

  before(async () => {
    database = await openTestDatabase('import-jobs');
    db = database.connection;
    await buildUnit({ code: 'JOB-A' });
  });
  after(async () => database?.close());

  const file = (prefix: string, rows: number) => csv([HEADER, ...Array.from({ length: rows }, (_, i) => officerRow({ code: `${prefix}${i}`, unitCode: 'JOB-A' }))]);

  /** Polls the job like the page does, every few ms, until it ends; returns what it saw. */
  async function watch(id: string): Promise<ImportJob[]> {
    const seen: ImportJob[] = [];
    for (;;) {
      const job = getImportJob(id);
      if (!job) throw new Error(`job ${id} vanished`);
      seen.push(job);
      if (job.status !== 'running') return seen;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('reports progress while it runs and ends done with the report', async () => {
    const started = startImportJob(db, { data: file('JOBA', 5_000), filename: 'ds.csv', dryRun: false, ownerId: 'user-1' });
    expect(started).to.include({ ownerId: 'user-1', filename: 'ds.csv', dryRun: false, status: 'running' });
    expect(started.id).to.match(/^[0-9a-f]{32}$/);
    const seen = await watch(started.id);
    const last = seen.at(-1) as ImportJob;
    expect(last).to.include({ status: 'done', phase: 'done', done: 5_000, total: 5_000 });
    expect(last.report).to.deep.equal({ dryRun: false, totalRows: 5_000, created: 5_000, updated: 0, unchanged: 0, problems: [] });
    expect(last.finishedAt).to.be.instanceOf(Date);
    // polls between slices of work saw the import move through its phases
    expect(seen.some((job) => job.phase === 'validating' && job.done > 0 && job.done < job.total)).to.equal(true);
    expect(seen.some((job) => job.phase === 'writing')).to.equal(true);
    expect(await officerModel(db).countDocuments({ code: /^JOBA/ })).to.equal(5_000);
  });

  it('keeps problems in the report of a finished job', async () => {
    const data = csv([HEADER, officerRow({ code: 'JOBB1', unitCode: 'KHONG-CO' })]);
    const seen = await watch(startImportJob(db, { data, filename: 'ds.csv', dryRun: true, ownerId: 'user-2' }).id);
    expect(seen.at(-1)?.report?.problems.map((p) => [p.line, p.column, p.id])).to.deep.equal([[2, 'Mã đơn vị', 'unit_code_unknown']]);
  });

  it('refuses a third concurrent import of one user with 429, and allows other users', async () => {
    const first = startImportJob(db, { data: file('JOBC', 2_000), filename: 'a.csv', dryRun: true, ownerId: 'user-3' });
    const second = startImportJob(db, { data: file('JOBD', 2_000), filename: 'b.csv', dryRun: true, ownerId: 'user-3' });
    let refused: unknown;
    try {
      startImportJob(db, { data: file('JOBE', 10), filename: 'c.csv', dryRun: true, ownerId: 'user-3' });
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(AppError);
    expect({ status: (refused as AppError).status, id: (refused as AppError).id }).to.deep.equal({ status: 429, id: 'import_too_many_jobs' });
    const other = startImportJob(db, { data: file('JOBF', 10), filename: 'd.csv', dryRun: true, ownerId: 'user-4' });
    for (const job of [first, second, other]) expect((await watch(job.id)).at(-1)?.status).to.equal('done');
    // finished jobs no longer count
    const later = startImportJob(db, { data: file('JOBG', 10), filename: 'e.csv', dryRun: true, ownerId: 'user-3' });
    expect((await watch(later.id)).at(-1)?.status).to.equal('done');
  });

  it('ends as failed, with an id and the error for the log, when the import itself breaks', async () => {
    const logged: unknown[] = [];
    const broken = {} as Connection;
    const job = startImportJob(broken, { data: file('JOBH', 3), filename: 'ds.csv', dryRun: false, ownerId: 'user-5', onError: (error) => logged.push(error) });
    const last = (await watch(job.id)).at(-1);
    expect(last).to.include({ status: 'failed', errorId: 'import_failed' });
    expect(last?.report).to.equal(undefined);
    expect(logged).to.have.length(1);
    expect(getImportJob('0'.repeat(32))).to.equal(undefined);
  });
});
