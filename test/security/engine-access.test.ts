/**
 * Finding 4 of issue #10: with a long DATA_DIR (socket path over 100 bytes) the embedded
 * engine silently listened on TCP 127.0.0.1 without authentication, and its files were
 * world-readable (db/ 755, .wal/.snap 644): another local user read password hashes and
 * made themselves admin. Now: a short socket in a private runtime directory (or a clear
 * refusal), owner-only files and folders (also in an existing install), and the standalone
 * engine binds loopback only and says so in its first line.
 */
import { promises as fsp, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { defaultListenOptions, startEmbeddedMongo, startServer } from '../../server/db/engine';
import { DB_SCRIPT, killAll, Proc } from '../engine/engine-process';

/** Every path under `dir` with its permission bits, e.g. ['LOCK 600', …]. */
async function modes(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = join(entry.parentPath, entry.name);
    out.push(`${full.slice(dir.length + 1)} ${((await fsp.lstat(full)).mode & 0o777).toString(8)}`);
  }
  return out.sort();
}

describe('security #10.4: the engine is reachable by its owner only', function () {
  if (process.platform === 'win32') return;
  this.timeout(120_000);
  let root: string;
  before(async () => {
    root = await fsp.mkdtemp(join(tmpdir(), 'vhcv-sec-engine-'));
  });
  after(async () => {
    await killAll();
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('a data directory whose socket path would be too long gets a unix socket in a private runtime directory, never TCP', async () => {
    const dataDir = join(root, 'a-very-long-folder-name-for-a-province-installation'.repeat(2), 'db');
    expect(Buffer.byteLength(join(dataDir, 'engine.sock'))).to.be.above(100);
    const listen = defaultListenOptions(dataDir);
    expect(listen).to.have.property('socketPath');
    const socketPath = (listen as { socketPath: string }).socketPath;
    expect(Buffer.byteLength(socketPath)).to.be.at.most(100);
    const runtimeDir = join(socketPath, '..');
    expect(statSync(runtimeDir).mode & 0o777).to.equal(0o700);
    expect(defaultListenOptions(dataDir)).to.deep.equal(listen); // the CLI finds the platform's socket again
    const engine = await startEmbeddedMongo({ dataDir, ...listen });
    try {
      expect(engine.uri).to.match(/^mongodb:\/\/%2F/); // a socket path, not host:port
      const client = await MongoClient.connect(engine.uri);
      await client.db('d').collection('c').insertOne({ ok: true });
      await client.close();
      expect(statSync(socketPath).mode & 0o777).to.equal(0o600);
    } finally {
      await engine.stop();
    }
  });

  it('creates the data directory and everything in it owner-only, and tightens an existing install', async () => {
    const dir = join(root, 'perm');
    let server = await startServer({ dataDir: dir, socketPath: join(dir, 'engine.sock') });
    let client = await MongoClient.connect(server.uri);
    await client.db('d').collection('c').insertOne({ secret: 'bcrypt hash' });
    await client.close();
    expect((await modes(dir)).filter((m) => !/ (700|600)$/.test(m))).to.deep.equal([]);
    await server.close();
    // an install from before: world-readable folders and files
    for (const m of await modes(dir)) await fsp.chmod(join(dir, m.split(' ')[0]!), m.endsWith('700') ? 0o755 : 0o644);
    await fsp.chmod(dir, 0o755);
    expect(await modes(dir)).to.include.members(['journal-000002.wal 644', 'snapshot-000002.snap 644']);
    server = await startServer({ dataDir: dir, socketPath: join(dir, 'engine.sock') });
    client = await MongoClient.connect(server.uri);
    expect(await client.db('d').collection('c').countDocuments()).to.equal(1);
    await client.close();
    expect(statSync(dir).mode & 0o777).to.equal(0o700);
    expect((await modes(dir)).filter((m) => !/ (700|600)$/.test(m))).to.deep.equal([]);
    await server.close();
  });

  it('the standalone engine refuses a non-loopback --host and says in its first line that TCP is loopback only', async () => {
    const dir = join(root, 'standalone');
    const open = new Proc(DB_SCRIPT, ['--dbpath', dir, '--port', '0', '--host', '0.0.0.0', '--quiet'], 'engine');
    const exit = await open.waitExit(30_000);
    expect(exit.code).to.equal(1);
    expect(open.stderr).to.match(/--host 0\.0\.0\.0 refused/);
    const engine = new Proc(DB_SCRIPT, ['--dbpath', dir, '--port', '0', '--quiet'], 'engine');
    const line = await engine.waitForLine(/mongodb:\/\//, 30_000);
    expect(engine.lines[0]).to.equal(line);
    expect(line).to.match(/^engine listening: mongodb:\/\/127\.0\.0\.1:\d+\/\S* \(TCP on loopback 127\.0\.0\.1 only, without authentication/);
    engine.kill('SIGTERM');
    const stopped = await engine.waitExit(30_000);
    expect(stopped, engine.stderr).to.include({ code: 0, forced: false });
  });
});
