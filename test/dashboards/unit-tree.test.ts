/**
 * The unit tree the dashboards hold in memory (server/dashboards/unit-tree.ts) follows every
 * unit write across app instances: two instances share one engine process; instance A's
 * tree is warmed before each step, the change is made through instance B's unit commands
 * (create, rename, move, merge, deactivate), and A's subtree must then equal the units in
 * the database (read here directly) — and A's dashboard page shows the change.
 */
import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { subtreeUnits } from '../../server/dashboards/service';
import { unitModel, type Unit } from '../../server/units/model';
import { createUnit, deactivateUnit, mergeUnits, moveUnit, renameUnit } from '../../server/units/service';
import type { TestPlatform } from '../http';
import { startTwoInstances, stepAcrossInstances, type TwoInstances } from './two-instances';
import { buildDashboardWorld, YEAR, type DashboardWorld } from './world';

type Tree = Record<string, { name: string; parent: string | null; ancestors: string[] }>;

describe('dashboards: the held unit tree follows every unit write, across instances', function () {
  this.timeout(120_000);
  let instances: TwoInstances | undefined;
  let a: TestPlatform;
  let b: TestPlatform;
  let w: DashboardWorld;
  let dbA: Connection;
  let dbB: Connection;

  const shape = (units: readonly Pick<Unit, '_id' | 'name' | 'parentId' | 'ancestors'>[]): Tree =>
    Object.fromEntries(units.map((u) => [u._id.toHexString(), { name: u.name, parent: u.parentId?.toHexString() ?? null, ancestors: u.ancestors.map(String) }]));

  /** A's view of the whole tree and of P's subtree. */
  async function viaA(): Promise<{ all: Tree; p: Tree }> {
    const root = (await unitModel(dbA).findById(w.units.P._id).lean<Unit>())!;
    return { all: shape(await subtreeUnits(dbA, null)), p: shape(await subtreeUnits(dbA, root)) };
  }

  /** The same read from the database here. */
  async function direct(): Promise<{ all: Tree; p: Tree }> {
    const all = await unitModel(dbB).find({}).lean<Unit[]>();
    return { all: shape(all), p: shape(all.filter((u) => u._id.equals(w.units.P._id) || u.ancestors.some((id) => id.equals(w.units.P._id)))) };
  }

  /** Warms A, makes `change` through B, then A must show exactly the database's new state. */
  const step = (change: () => Promise<unknown>) => stepAcrossInstances(viaA, () => direct(), change, 'the change moved the tree');

  /** The names of the sub-unit rows of P's dashboard page on instance A. */
  async function subUnitNames(): Promise<string[]> {
    const reply = await w.clients.admin.get(`/api/v1/dashboards/units/${w.units.P._id}?year=${YEAR}&campaignId=${w.campaign._id}`);
    expect(reply.status, reply.text).to.equal(200);
    return reply.json<{ dashboard: { subUnits: { name: string }[] } }>().dashboard.subUnits.map((s) => s.name);
  }

  before(async () => {
    instances = await startTwoInstances('dash-tree');
    ({ a, b } = instances);
    dbA = a.platform.services.db;
    dbB = b.platform.services.db;
    w = await buildDashboardWorld(a);
  });
  after(async () => {
    await instances?.close();
  });

  it('a created unit', () => step(() => createUnit(dbB, { code: 'TREE-NEW', name: 'Phòng Mới lập', kind: 'division', parentId: String(w.units.A1._id) })));

  it('a renamed unit (and A’s page shows the new name)', async () => {
    await subUnitNames(); // warm A's page
    await step(() => renameUnit(dbB, w.units.A._id, 'Sở Đổi tên'));
    expect(await subUnitNames()).to.include('Sở Đổi tên');
  });

  it('a moved unit (with its subtree)', () => step(() => moveUnit(dbB, w.units.A1._id, w.units.B._id)));

  it('a merge (sub-units re-anchored)', async () => {
    const spare = await createUnit(dbB, { code: 'TREE-SPARE', name: 'Đơn vị sáp nhập', kind: 'division', parentId: String(w.units.P._id) });
    const child = await createUnit(dbB, { code: 'TREE-SPARE-1', name: 'Tổ thuộc đơn vị sáp nhập', kind: 'division', parentId: String(spare._id) });
    await step(() => mergeUnits(dbB, spare._id, w.units.B._id, `01/02/${YEAR}`));
    expect((await viaA()).p[child._id.toHexString()]?.parent).to.equal(w.units.B._id.toHexString());
  });

  it('a deactivated unit is still in the tree (held, not re-read, when nothing moved)', async () => {
    const created = await createUnit(dbB, { code: 'TREE-OFF', name: 'Đơn vị giải thể', kind: 'division', parentId: String(w.units.P._id) });
    await viaA();
    await deactivateUnit(dbB, created._id);
    expect((await viaA()).all[created._id.toHexString()]?.name).to.equal('Đơn vị giải thể');
    expect(await viaA()).to.deep.equal(await direct());
  });
});
