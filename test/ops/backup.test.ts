/**
 * Online backup and restore (issue #16): writes keep arriving while `npm run backup` runs
 * against the running platform's engine; the archive restores into a new directory, an
 * engine started there holds every write acknowledged before the backup began, and the
 * package and media files; restore refuses a live or non-empty directory in Vietnamese.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../http';
import { connectDatabase } from '../../server/db/connect';
import { ROOT_DIR } from '../../server/app';

/** Runs a compiled script; resolves with its exit code and output (never rejects on a non-zero exit). */
function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT_DIR, 'dist', 'scripts', script), ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('ops: npm run backup / npm run restore', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let scratch: string;

  before(async () => {
    tp = await startTestPlatform('backup');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-backup-test-'));
  });
  after(async () => {
    await tp?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('backs up while writes go on; the restore holds every write acknowledged before the backup began, and the files', async () => {
    const db = tp.platform.services.db;
    const ledger = db.collection('backup_ledger');
    // files as the platform stores them: content-addressed package and media folders
    const packageFile = path.join(tp.platform.services.config.PACKAGES_DIR, 'ab'.repeat(32), 'index.html');
    fs.mkdirSync(path.dirname(packageFile), { recursive: true });
    fs.writeFileSync(packageFile, '<p>Gói nội dung thử</p>');
    const mediaFile = path.join(tp.dataDir, 'media', 'cd', 'cd'.repeat(32));
    fs.mkdirSync(path.dirname(mediaFile), { recursive: true });
    fs.writeFileSync(mediaFile, Buffer.alloc(70_000, 7));

    // a writer that never stops during the backup; `acked` = the highest sequence acknowledged
    let acked = 0;
    let writing = true;
    const writer = (async () => {
      for (let seq = 1; writing; seq++) {
        await ledger.insertOne({ seq, note: `bản ghi ${seq}` });
        acked = seq;
      }
    })();
    while (acked < 200) await new Promise((resolve) => setTimeout(resolve, 10));

    const archive = path.join(scratch, 'sao-luu.zip');
    const ackedBeforeBackup = acked;
    const backup = await run('backup.js', ['--out', archive], { DATA_DIR: tp.dataDir, LOG_LEVEL: 'silent' });
    const ackedAfterBackup = acked;
    writing = false;
    await writer;
    expect(backup.code, backup.stderr).to.equal(0);
    expect(backup.stdout).to.contain('Đã sao lưu');
    // the writes really went on during the backup
    expect(ackedAfterBackup).to.be.greaterThan(ackedBeforeBackup);
    // the engine's temporary copy is gone
    expect(fs.readdirSync(path.join(tp.dataDir, 'db', 'backups'))).to.deep.equal([]);

    const restored = path.join(scratch, 'khoi-phuc');
    const restore = await run('restore.js', [archive, '--data-dir', restored], {});
    expect(restore.code, restore.stderr).to.equal(0);
    expect(restore.stdout).to.contain('Đã khôi phục');

    const copy = await connectDatabase({ dataDir: restored });
    try {
      const seqs = new Set((await copy.connection.collection('backup_ledger').find({}, { projection: { seq: 1 } }).toArray()).map((d) => d['seq'] as number));
      const missing: number[] = [];
      for (let seq = 1; seq <= ackedBeforeBackup; seq++) if (!seqs.has(seq)) missing.push(seq);
      expect(missing).to.deep.equal([]);
      // and nothing from after the backup finished
      expect(Math.max(...seqs)).to.be.at.most(ackedAfterBackup);
    } finally {
      await copy.close();
    }
    expect(fs.readFileSync(path.join(restored, 'packages', 'ab'.repeat(32), 'index.html'), 'utf8')).to.equal('<p>Gói nội dung thử</p>');
    expect(fs.readFileSync(path.join(restored, 'media', 'cd', 'cd'.repeat(32))).equals(Buffer.alloc(70_000, 7))).to.equal(true);
  });

  it('restore refuses a live directory and a non-empty one, and a damaged archive, writing nothing', async () => {
    const archive = path.join(scratch, 'lan-hai.zip');
    expect((await run('backup.js', ['--out', archive], { DATA_DIR: tp.dataDir, LOG_LEVEL: 'silent' })).code).to.equal(0);
    // an existing output is never overwritten
    const again = await run('backup.js', ['--out', archive], { DATA_DIR: tp.dataDir, LOG_LEVEL: 'silent' });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('đã tồn tại');

    const live = await run('restore.js', [archive, '--data-dir', tp.dataDir], {});
    expect(live.code).to.equal(1);
    expect(live.stderr).to.contain('đang được một cơ sở dữ liệu đang chạy sử dụng');

    const busy = path.join(scratch, 'co-du-lieu');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'ghi-chu.txt'), 'dữ liệu cũ');
    const full = await run('restore.js', [archive, '--data-dir', busy], {});
    expect(full.code).to.equal(1);
    expect(full.stderr).to.contain('đã có dữ liệu');
    expect(fs.readdirSync(busy)).to.deep.equal(['ghi-chu.txt']);

    // one byte changed in the archive: refused, the target not created
    const damaged = path.join(scratch, 'hong.zip');
    const bytes = fs.readFileSync(archive);
    bytes[Math.floor(bytes.length / 3)]! ^= 0xff;
    fs.writeFileSync(damaged, bytes);
    const target = path.join(scratch, 'tu-tep-hong');
    const bad = await run('restore.js', [damaged, '--data-dir', target], {});
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/không hợp lệ|không thành công/);
    expect(fs.existsSync(target)).to.equal(false);
    expect(fs.readdirSync(scratch).filter((name) => name.includes('.restoring-'))).to.deep.equal([]);
  });
});
