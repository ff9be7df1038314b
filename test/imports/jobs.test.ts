import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { AppError } from '../../server/errors';
import { Types } from 'mongoose';
import { getImportJob, officerImportJob, startImportJob, type ImportJob } from '../../server/imports/jobs';
import { jobModel } from '../../server/jobs/model';
import { officerModel } from '../../server/officers/model';
import { csv, HEADER, officerRow } from './helpers';

describe('imports: persistent background jobs for the progress bar', function () {
  this.timeout(60_000);
  let tp: TestPlatform;

  before(async () => {
    // progress written every 20 ms, so that the polls below see the phases go by
    tp = await startTestPlatform('import-jobs', { JOB_POLL_MS: '50' });
    await buildUnit({ code: 'JOB-A' });
  });
  after(async () => tp?.close());

  const services = () => tp.platform.services;
  const file = (prefix: string, rows: number) => csv([HEADER, ...Array.from({ length: rows }, (_, i) => officerRow({ code: `${prefix}${i}`, unitCode: 'JOB-A' }))]);
  const start = (ownerId: string, data: Buffer, dryRun: boolean, filename = 'ds.csv') => startImportJob(services(), { data, filename, dryRun, ownerId, scopeRootId: null, now: new Date() });

  /** Polls the job like the page does, every few ms, until it ends; returns what it saw. */
  async function watch(id: string, ownerId: string): Promise<ImportJob[]> {
    const seen: ImportJob[] = [];
    for (;;) {
      const job = await getImportJob(services().jobs, id, ownerId);
      if (!job) throw new Error(`job ${id} vanished`);
      seen.push(job);
      if (job.status !== 'running' && job.status !== 'queued') return seen;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('is stored in the database, reports progress while it runs and ends done with the report', async () => {
    const started = await start('user-1', file('JOBA', 20_000), false);
    expect(started).to.include({ ownerId: 'user-1', filename: 'ds.csv', dryRun: false });
    expect(started.status).to.be.oneOf(['queued', 'running']);
    expect(started.id).to.match(/^[0-9a-f]{24}$/);
    expect(await jobModel(services().db).countDocuments({ _id: started.id, name: 'officer-import' })).to.equal(1);
    const seen = await watch(started.id, 'user-1');
    const last = seen.at(-1) as ImportJob;
    expect(last).to.include({ status: 'done', phase: 'done', done: 20_000, total: 20_000 });
    expect(last.report).to.deep.equal({ dryRun: false, totalRows: 20_000, created: 20_000, updated: 0, unchanged: 0, problems: [], problemCount: 0 });
    expect(last.finishedAt).to.be.instanceOf(Date);
    // polls between progress writes saw the import move through its phases
    expect(seen.some((job) => job.status === 'running' && job.phase !== 'done'), JSON.stringify(seen.map((j) => [j.status, j.phase, j.done]))).to.equal(true);
    expect(await officerModel(services().db).countDocuments({ code: /^JOBA/ })).to.equal(20_000);
  });

  it('keeps problems in the report of a finished job', async () => {
    const data = csv([HEADER, officerRow({ code: 'JOBB1', unitCode: 'KHONG-CO' })]);
    const seen = await watch((await start('user-2', data, true)).id, 'user-2');
    expect(seen.at(-1)?.report?.problems.map((p) => [p.line, p.column, p.id])).to.deep.equal([[2, 'Mã đơn vị', 'unit_code_unknown']]);
  });

  it('refuses a third queued or running import of one user with 429, and allows other users', async () => {
    // large enough to be still queued or running when the third arrives
    const first = await start('user-3', file('JOBC', 30_000), true);
    const second = await start('user-3', file('JOBD', 30_000), true);
    let refused: unknown;
    try {
      await start('user-3', file('JOBE', 10), true);
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(AppError);
    expect({ status: (refused as AppError).status, id: (refused as AppError).id }).to.deep.equal({ status: 429, id: 'import_too_many_jobs' });
    const other = await start('user-4', file('JOBF', 10), true);
    expect((await watch(other.id, 'user-4')).at(-1)?.status).to.equal('done');
    for (const job of [first, second]) expect((await watch(job.id, 'user-3')).at(-1)?.status).to.equal('done');
    // finished jobs no longer count
    const later = await start('user-3', file('JOBG', 10), true);
    expect((await watch(later.id, 'user-3')).at(-1)?.status).to.equal('done');
  });

  it('ends as failed with the reason when its file is gone, and is nobody else’s to read', async () => {
    // a job whose file expired (or was removed by hand) before an instance took it up
    const fileId = new Types.ObjectId().toHexString();
    const job = await services().jobs.enqueue(officerImportJob, { fileId, filename: 'ds.csv', dryRun: false, scopeRootId: null }, { ownerId: 'user-5' });
    const last = (await watch(job.id, 'user-5')).at(-1);
    expect(last).to.include({ status: 'failed', errorId: 'import_commit_expired' });
    expect(last?.report).to.equal(undefined);
    expect(await getImportJob(services().jobs, job.id, 'user-6')).to.equal(undefined);
    expect(await getImportJob(services().jobs, '0'.repeat(24), 'user-5')).to.equal(undefined);
  });
});
