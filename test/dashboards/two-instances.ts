/**
 * Two app instances on one engine process, as a province runs several behind nginx: the
 * tests of what the dashboards hold in memory (snapshot, unit tree, held pages) warm
 * instance A, write through instance B, and check that A follows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { createAccount } from '../../server/users/service';
import { startEngineProcess } from '../engine/engine-process';
import { startTestPlatform, type TestPlatform } from '../http';
import { PASSWORD } from './world';

export interface TwoInstances {
  a: TestPlatform;
  b: TestPlatform;
  /** Stops both instances and the engine, and removes its files. */
  close(): Promise<void>;
}

export async function startTwoInstances(name: string): Promise<TwoInstances> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vhcv-${name}-`));
  const engine = await startEngineProcess(path.join(dir, 'db'));
  const started: TestPlatform[] = [];
  const close = async () => {
    for (const tp of started) await tp.close().catch(() => undefined);
    engine.proc.kill('SIGKILL');
    await engine.proc.exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    started.push(await startTestPlatform(`${name}-a`, { MONGODB_URI: engine.uri }));
    started.push(await startTestPlatform(`${name}-b`, { MONGODB_URI: engine.uri }));
  } catch (err) {
    await close();
    throw err;
  }
  return { a: started[0]!, b: started[1]!, close };
}

/**
 * The step of every such test: A (`viaA`) shows what the database holds (`direct`), `change`
 * is made through B, the database's answer moves (`moved` says what), and A then shows
 * exactly the new state.
 */
export async function stepAcrossInstances<T>(viaA: () => Promise<T>, direct: () => Promise<T>, change: () => Promise<unknown>, moved: string): Promise<void> {
  const before = await viaA();
  expect(before).to.deep.equal(await direct());
  await change();
  const after = await direct();
  expect(after, moved).to.not.deep.equal(before);
  expect(await viaA()).to.deep.equal(after);
}

/** Transfers `officerId` to `unitId` (before the cut-off of the fixture's year) through B's API, as an admin `username` made on B. */
export async function transferThroughB(b: TestPlatform, username: string, officerId: Types.ObjectId, unitId: Types.ObjectId, year: number): Promise<void> {
  await createAccount(b.platform.services.db, { username, displayName: 'Quản trị B', role: 'admin', password: PASSWORD }, 4);
  const admin = b.client();
  const login = await admin.request('POST', '/api/v1/auth/login', { json: { login: username, password: PASSWORD } });
  expect(login.status, login.text).to.equal(200);
  admin.bearer = login.json<{ token: string }>().token;
  const reply = await admin.request('POST', `/api/v1/officers/${officerId}/transfer`, { json: { unitId: String(unitId), effectiveDate: new Date(`${year}-01-01T18:00:00+07:00`).toISOString() } });
  expect(reply.status, reply.text).to.equal(200);
}
