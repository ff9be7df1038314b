/**
 * A campaign's figures per module: enrolled, completed, exempt and the completion rate.
 * The rate is completed ÷ enrolled: exempt officers are out of it (shown as exempt,
 * never as missing), stopped modules and officers who left count nowhere.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { progressModel } from '../progress/model';
import { enrolmentModel, type Campaign, type Enrolment } from './model';

export interface ModuleFigures {
  moduleId: Types.ObjectId;
  enrolled: number;
  completed: number;
  exempt: number;
  /** completed ÷ enrolled, 0..1; null with nobody enrolled */
  rate: number | null;
}

/** Figures of `campaign`, optionally only for the enrolments counted at `unitIds`. */
export async function campaignFigures(db: Connection, campaign: Campaign, unitIds?: readonly Types.ObjectId[]): Promise<ModuleFigures[]> {
  const filter: Record<string, unknown> = { campaignId: campaign._id, state: trusted({ $in: ['enrolled', 'exempt'] }) };
  if (unitIds) filter.unitId = trusted({ $in: [...unitIds] });
  const enrolments = await enrolmentModel(db).find(filter, { officerId: 1, moduleId: 1, state: 1 }).lean<Pick<Enrolment, 'officerId' | 'moduleId' | 'state'>[]>();
  const enrolledIds = [...new Set(enrolments.filter((e) => e.state === 'enrolled').map((e) => e.officerId.toHexString()))];
  const done = new Set<string>();
  for (let i = 0; i < enrolledIds.length; i += 5_000) {
    const completed = await progressModel(db)
      .find({ year: campaign.year, status: 'completed', officerId: trusted({ $in: enrolledIds.slice(i, i + 5_000) }) }, { officerId: 1, moduleId: 1 })
      .lean<{ officerId: Types.ObjectId; moduleId: Types.ObjectId }[]>();
    for (const p of completed) done.add(`${p.officerId.toHexString()}:${p.moduleId.toHexString()}`);
  }
  return campaign.modules.map((m) => {
    const mine = enrolments.filter((e) => e.moduleId.equals(m.moduleId));
    const enrolled = mine.filter((e) => e.state === 'enrolled');
    const completed = enrolled.filter((e) => done.has(`${e.officerId.toHexString()}:${m.moduleId.toHexString()}`)).length;
    return { moduleId: m.moduleId, enrolled: enrolled.length, completed, exempt: mine.length - enrolled.length, rate: enrolled.length ? completed / enrolled.length : null };
  });
}
