import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { connectDatabase, type Database } from '../../server/db/connect';
import { t } from '../../server/i18n';
import { problemText } from '../../server/imports/presenters';
import { officerModel } from '../../server/officers/model';
import { buildUnit, useFactoryConnection } from '../factories';
import { csv, HEADER, officerRow } from './helpers';

/** dist/scripts/import-officers.js, beside this suite's dist/test/imports. */
const SCRIPT = path.resolve(__dirname, '../../scripts/import-officers.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('imports: the import:officers command', function () {
  this.timeout(120_000);
  let dataDir: string;
  let good: string;
  let bad: string;

  /** Runs the command as an operator would, on the suite's DATA_DIR and the embedded engine. */
  function run(...args: string[]): Promise<Run> {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test' };
    delete env.MONGODB_URI;
    return new Promise((resolve) => {
      execFile(process.execPath, [SCRIPT, ...args], { env }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  /** Opens the suite's database in this process (as the running platform would). */
  async function openHere(): Promise<Database> {
    const database = await connectDatabase({ dataDir });
    useFactoryConnection(database.connection);
    return database;
  }

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-test-cli-'));
    const database = await openHere();
    await buildUnit({ code: 'CLI-A' });
    await buildUnit({ code: 'CLI-B' });
    await database.close();
    good = path.join(dataDir, 'danh-sach.csv');
    fs.writeFileSync(good, csv([HEADER, officerRow({ code: 'CLI1', unitCode: 'CLI-A' }), officerRow({ code: 'CLI2', unitCode: 'CLI-B' }), officerRow({ code: 'CLI3', unitCode: 'CLI-A', leader: 'x' })], { bom: true }));
    bad = path.join(dataDir, 'loi.csv');
    fs.writeFileSync(bad, csv([HEADER, officerRow({ code: 'CLI4', unitCode: 'CLI-A' }), officerRow({ code: 'CLI5', unitCode: 'KHONG-CO' })]));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('opens the embedded database itself when the platform is not running, imports and exits 0', async () => {
    const result = await run(good);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.include(t('vi', 'import_cli_starting_engine', { path: path.join(dataDir, 'db') }));
    // not a terminal: one progress line per step, never a \r redraw
    expect(result.stderr).to.include(t('vi', 'import_phase_writing')).and.not.include('\r');
    expect(result.stdout.trim()).to.equal(t('vi', 'import_summary', { total: 3, created: 3, updated: 0, unchanged: 0 }));
  });

  it('exits 1 and lists the problems of a bad file, writing nothing', async () => {
    const result = await run(bad);
    expect(result.code).to.equal(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).to.equal(t('vi', 'import_problems_header', { count: 1 }));
    expect(lines[1]?.trim()).to.equal(problemText({ line: 3, column: 'Mã đơn vị', id: 'unit_code_unknown', params: { code: 'KHONG-CO' } }));
    expect(lines[1]).to.match(/^ {2}Dòng 3, cột «Mã đơn vị»: /);
  });

  it('uses the running platform\'s database through its socket', async () => {
    const database = await openHere();
    try {
      const dry = await run(good, '--dry-run');
      expect(dry.code, dry.stderr).to.equal(0);
      expect(dry.stderr).to.include(t('vi', 'import_cli_using_running', { path: path.join(dataDir, 'db') }));
      expect(dry.stdout.trim()).to.equal(t('vi', 'import_summary_dry_run', { total: 3, created: 0, updated: 0, unchanged: 3 }));
      const again = await run(good, '--effective-date', '2025-07-01');
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout.trim()).to.equal(t('vi', 'import_summary', { total: 3, created: 0, updated: 0, unchanged: 3 }));
      const officers = await officerModel(database.connection).find({}, { code: 1, isLeader: 1 }).sort({ code: 1 }).lean();
      expect(officers.map((o) => [o.code, o.isLeader])).to.deep.equal([['CLI1', false], ['CLI2', false], ['CLI3', true]]);
    } finally {
      await database.close();
    }
  });

  it('exits 2 with the usage on bad arguments, and 1 for a file it cannot read', async () => {
    expect((await run()).code).to.equal(2);
    const badDate = await run(good, '--effective-date', '01/07/2025');
    expect({ code: badDate.code, stderr: badDate.stderr.trim() }).to.deep.equal({ code: 2, stderr: t('vi', 'import_cli_bad_date', { value: '01/07/2025' }) });
    const missing = await run(path.join(dataDir, 'khong-co.csv'));
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('ENOENT');
  });
});
