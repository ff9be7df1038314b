/**
 * Two app instances on one engine process, as a province runs several behind nginx: the
 * tests of what the dashboards hold in memory (snapshot, unit tree, held pages) warm
 * instance A, write through instance B, and check that A follows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEngineProcess } from '../engine/engine-process';
import { startTestPlatform, type TestPlatform } from '../http';

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
