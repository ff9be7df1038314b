/**
 * The certificates tests' province: P → A (A1, A2) and B (B1), an open plan of this year
 * for A's subtree with two one-lesson modules, and a way to complete a module as the
 * learning pages do (start, open the lesson, mark it read — the real service, so the
 * real module_completed event reaches the certificates listener).
 */
import type { Connection, Types } from 'mongoose';
import { createCampaign, setStatus } from '../../server/campaigns/service';
import { createCampaignInput } from '../../server/campaigns/schema';
import type { Campaign } from '../../server/campaigns/model';
import type { Unit } from '../../server/units/model';
import type { Officer } from '../../server/officers/model';
import type { CreateOfficerInput } from '../../server/officers/schema';
import { learnerOf } from '../../server/progress/learner';
import { completeLesson, pinnedVersion, startModule, touchItem } from '../../server/progress/service';
import { trainingYear } from '../../server/progress/year';
import { buildOfficer, buildUnit } from '../factories';
import { buildPublishedModule, lesson } from '../learning/fixtures';

export const YEAR = trainingYear(new Date());
/** joined the service last year: in the audience when this year's plan opens */
export const LAST_YEAR = new Date(`${YEAR - 1}-06-01T00:00:00+07:00`);

let serial = 0;

export interface CertificateWorld {
  units: { P: Unit; A: Unit; A1: Unit; A2: Unit; B: Unit; B1: Unit };
  modules: Types.ObjectId[];
  officer(unit: Unit, overrides?: Partial<CreateOfficerInput>): Promise<Officer>;
  /** an open plan of this year for `unit`'s subtree with `modules` */
  plan(unit: Unit, modules: Types.ObjectId[], options?: { certificatePerModule?: boolean }): Promise<Campaign>;
}

/** Completes a one-lesson module as an officer would. */
export async function completeModule(db: Connection, officer: Officer, moduleId: Types.ObjectId, year = YEAR, now = new Date()): Promise<void> {
  const learner = await learnerOf(db, officer);
  const progress = await startModule(db, learner, moduleId, year, now);
  await touchItem(db, progress, 'bai-1');
  const opened = { ...progress, openedItems: [...(progress.openedItems ?? []), 'bai-1'] };
  await completeLesson(db, opened, await pinnedVersion(db, progress), 'bai-1', now);
}

export async function buildCertificateWorld(db: Connection): Promise<CertificateWorld> {
  const tag = ++serial;
  const P = await buildUnit({ name: `Tỉnh Chứng Nhận ${tag}` });
  const A = await buildUnit({ parentId: P._id, name: 'Sở Nội vụ', kind: 'department' });
  const A1 = await buildUnit({ parentId: A._id, name: 'Phòng Tổ chức – Biên chế' });
  const A2 = await buildUnit({ parentId: A._id, name: 'Phòng Cải cách hành chính' });
  const B = await buildUnit({ parentId: P._id, name: 'Sở Tư pháp', kind: 'department' });
  const B1 = await buildUnit({ parentId: B._id, name: 'Phòng Hành chính tư pháp' });
  const modules: Types.ObjectId[] = [];
  const titles = ['Thái độ, tác phong của cán bộ, công chức', 'Giao tiếp, ứng xử với người dân'];
  for (const title of titles) modules.push((await buildPublishedModule(db, { items: [lesson('bai-1')], title: `${title} ${tag}` })).moduleId);
  return {
    units: { P, A, A1, A2, B, B1 },
    modules,
    officer: (unit, overrides = {}) => buildOfficer({ unitId: unit._id, effectiveDate: LAST_YEAR, ...overrides }),
    async plan(unit, planModules, options = {}) {
      const input = createCampaignInput.parse({
        name: `Kế hoạch chứng nhận ${++serial}`,
        year: YEAR,
        ownerUnitId: String(unit._id),
        modules: planModules.map((id) => ({ moduleId: String(id), dueDate: `31/12/${YEAR}` })),
        audience: { unitIds: [String(unit._id)] },
        certificatePerModule: options.certificatePerModule ?? false,
      });
      return setStatus(db, await createCampaign(db, input, null, new Date()), 'open', new Date());
    },
  };
}
