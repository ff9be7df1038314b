/**
 * A realistic officer for the page sections (issue #16): enrolled in this year's
 * campaign of the five starter modules (the campaign is open and materialised for them),
 * two of them started — the first with a lesson done — and an open attempt of the second
 * one's quiz. What "Học phần của tôi", the home page's plan, a module page and an
 * answering page then show is what an officer in the middle of the year sees.
 */
import { trusted, type Types } from 'mongoose';
import { materialiseCampaign } from '../../../server/campaigns/materialise';
import { campaignModel, enrolmentModel } from '../../../server/campaigns/model';
import { createCampaignInput } from '../../../server/campaigns/schema';
import { createCampaign } from '../../../server/campaigns/service';
import { quizSettings } from '../../../server/learning/load';
import { moduleModel, type QuizItem } from '../../../server/modules/model';
import { officerModel, type Officer } from '../../../server/officers/model';
import { completeLesson, pinnedVersion, startModule, touchItem } from '../../../server/progress/service';
import { trainingYear } from '../../../server/progress/year';
import { startAttempt } from '../../../server/quizzes/service';
import { unitModel, type Unit } from '../../../server/units/model';
import { requireDefined, type Context } from './common';

/** The starter content's module codes (content/modules): the modules with a quiz "kiem-tra". */
export const STARTER_CODES = ['dao-duc', 'giao-tiep', 'ky-luat', 'thai-do', 'trang-phuc'];

export interface OfficerPlan {
  /** the module every officer started and did a lesson of */
  startedModuleId: string;
  /** per officer code: the path of their open quiz attempt */
  openAttempts: Map<string, string>;
}

/** Enrols the officers `codes` in this year's campaign, starts two modules each and opens one quiz attempt each. */
export async function giveOfficersAPlan(ctx: Context, codes: readonly string[]): Promise<OfficerPlan> {
  const { services } = requireDefined(ctx.platform, 'platform');
  const db = services.db;
  const year = trainingYear();
  const modules = await moduleModel(db).find({ publishedVersion: trusted({ $gt: 0 }) }, { _id: 1, code: 1 }).lean();
  const starter = STARTER_CODES.map((code) => requireDefined(modules.find((m) => m.code.toLowerCase().includes(code)), `starter module ${code}`)._id as Types.ObjectId);
  const officers = await officerModel(db).find({ code: trusted({ $in: [...codes] }) }, { code: 1, unitId: 1, fullName: 1 }).lean<Pick<Officer, '_id' | 'code' | 'unitId' | 'fullName'>[]>();
  const input = createCampaignInput.parse({
    name: `Bồi dưỡng năm ${year}`,
    year,
    modules: starter.map((m, i) => ({ moduleId: String(m), dueDate: `${String(10 + i * 4).padStart(2, '0')}/12/${year}` })),
    audience: { officerIds: officers.map((o) => String(o._id)) },
    cutoffDate: `31/12/${year}`,
  });
  const draft = await createCampaign(db, { ...input, ownerUnitId: null }, null, new Date());
  const campaign = requireDefined(await campaignModel(db).findOneAndUpdate({ _id: draft._id }, { $set: { status: 'open' } }, { returnDocument: 'after' }).lean(), 'campaign');
  await materialiseCampaign(db, campaign, new Date());
  const enrolled = await enrolmentModel(db).countDocuments({ campaignId: campaign._id });
  if (enrolled !== officers.length * starter.length) throw new Error(`expected ${officers.length * starter.length} enrolments, found ${enrolled}`);

  const settings = quizSettings(services);
  const openAttempts = new Map<string, string>();
  const units = new Map<string, Types.ObjectId[]>();
  for (const officer of officers) {
    const key = officer.unitId.toHexString();
    if (!units.has(key)) units.set(key, requireDefined(await unitModel(db).findById(officer.unitId, { ancestors: 1 }).lean<Pick<Unit, 'ancestors'>>(), 'unit').ancestors);
    const learner = { officerId: officer._id, unitId: officer.unitId, ancestors: units.get(key)!, fullName: officer.fullName };
    const now = new Date();
    const first = await startModule(db, learner, starter[0]!, year, now);
    const firstVersion = await pinnedVersion(db, first);
    const lesson = firstVersion.content.items.find((item) => item.kind === 'lesson');
    if (lesson) {
      await touchItem(db, first, lesson.key); // read before "Đã học xong" counts
      await completeLesson(db, first, firstVersion, lesson.key, now);
    }
    const second = await startModule(db, learner, starter[1]!, year, now);
    const quiz = (await pinnedVersion(db, second)).content.items.find((item): item is QuizItem => item.kind === 'quiz');
    if (!quiz) throw new Error('the second starter module has no quiz');
    const { attempt } = await startAttempt(db, second, quiz, now, settings);
    openAttempts.set(officer.code, `/learn/attempts/${attempt._id.toHexString()}`);
  }
  return { startedModuleId: starter[0]!.toHexString(), openAttempts };
}
