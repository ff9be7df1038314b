/**
 * A full disk (ENOSPC on journal writes, injected through the test-only setting
 * ENGINE_TEST_NO_SPACE_FILE: while that file exists every journal write fails as on a full disk). Writes fail cleanly, /readyz
 * says not ready, and once space returns writes resume without a restart; after a restart
 * the data is exactly what the engine served (nothing half-written, nothing lost).
 * Run by the fault suite (test/faults/disk-full) and as finding 6 of issue #10 (test/security/disk-full).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type mongoose from 'mongoose';
import { connectDatabase } from '../../server/db/connect';
import { startTestPlatform, type TestPlatform } from '../http';

type Doc = { _id: number };

/** Polls `GET /readyz` until it answers `status` (up to 15 s); returns the last body. */
async function readyz(tp: TestPlatform, status: number): Promise<unknown> {
  let last: { status: number; body: unknown } = { status: 0, body: null };
  for (let i = 0; i < 150; i++) {
    const res = await fetch(`${tp.base}/readyz`);
    last = { status: res.status, body: await res.json() };
    if (last.status === status) return last.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(last.status, `GET /readyz: ${JSON.stringify(last.body)}`).to.equal(status);
  return last.body;
}

const ids = async (db: mongoose.Connection) => (await db.collection<Doc>('disk').find({}).sort({ _id: 1 }).toArray()).map((d) => d._id);

export function diskFullScenario(title: string): void {
  describe(title, function () {
    this.timeout(120_000);
    let full: string;
    let tp: TestPlatform;
    before(async () => {
      full = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-enospc-')), 'disk-is-full');
      tp = await startTestPlatform('disk-full', { ENGINE_TEST_NO_SPACE_FILE: full });
    });
    after(async () => {
      await tp?.close(); // closing the platform again after the test's own close is harmless
      fs.rmSync(path.dirname(full), { recursive: true, force: true });
    });

    it('writes fail cleanly and /readyz is not ready while the disk is full; both recover when space returns, without a restart', async () => {
      const db = tp.platform.services.db;
      const coll = db.collection<Doc>('disk');
      await coll.insertOne({ _id: 1 });
      await readyz(tp, 200);

      fs.writeFileSync(full, '');
      const first = await coll.insertOne({ _id: 2 }).then(() => null, (e: Error & { code?: number }) => e);
      expect(first?.message).to.match(/disk is full/);
      // the platform writes in the background too (job heartbeats): when one of those met the
      // full disk first, _id 2 is refused before it changes anything (14031), like _id 3;
      // otherwise _id 2 is the write that met it, already in memory and written once space returns
      const expected = first?.code === 14031 ? [1, 4] : [1, 2, 4];
      expect(await readyz(tp, 503)).to.deep.include({ status: 'database not writable', checks: { database: 'database not writable', disk: 'ok', mail: 'ok' } });
      const refused = await coll.insertOne({ _id: 3 }).then(() => null, (e: Error & { code?: number }) => e);
      expect(refused, 'a write while the disk is full').to.include({ code: 14031 });
      expect(refused?.message).to.match(/Ổ đĩa đầy/);
      expect(await coll.findOne({ _id: 1 })).to.deep.equal({ _id: 1 }); // reads go on

      fs.unlinkSync(full);
      expect(await readyz(tp, 200)).to.deep.include({ status: 'ready' });
      await coll.insertOne({ _id: 4 });
      expect(await ids(db)).to.deep.equal(expected);

      // a restart reads back exactly what was served: the journal holds no hole and no half record
      const dataDir = tp.dataDir;
      await tp.platform.close();
      const again = await connectDatabase({ dataDir });
      try {
        expect(await ids(again.connection)).to.deep.equal(expected);
      } finally {
        await again.close();
      }
    });
  });
}
