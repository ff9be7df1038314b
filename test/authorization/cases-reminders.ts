/**
 * Authorization matrix cases of reminders (server/reminders; see cases.ts for the format).
 * own = a campaign of A1 and a fresh officer of A1 enrolled in it; other = the same in B1.
 * A fresh officer each time, so "once a day" never answers instead of authorization.
 */
import { createCampaign, setStatus } from '../../server/campaigns/service';
import { createCampaignInput } from '../../server/campaigns/schema';
import { trainingYear } from '../../server/progress/year';
import { buildPublishedModule, lesson } from '../learning/fixtures';
import type { Case } from './cases';
import type { Scope, World } from './fixture';

const BOTH = ['own', 'other'] as const;
const OWN = ['own'] as const;
const YEAR = trainingYear();
let serial = 0;

/** A fresh open campaign of A1 or B1 with a fresh officer of that unit enrolled. */
async function enrolled(w: World, s: Scope) {
  const officer = await w.freshOfficer(s);
  const moduleId = (await buildPublishedModule(w.services.db, { items: [lesson('bai-1')], title: `Ma trận nhắc nhở ${++serial}` })).moduleId;
  const input = createCampaignInput.parse({ name: `Ma trận nhắc nhở ${serial}`, year: YEAR, ownerUnitId: String(w.unit(s)._id), modules: [{ moduleId: String(moduleId), dueDate: `31/12/${YEAR}` }], audience: { officerIds: [String(officer._id)] } });
  const campaign = await setStatus(w.services.db, await createCampaign(w.services.db, input, null, new Date()), 'open', new Date());
  return { officer, campaign };
}

export const reminderCases: Case[] = [
  {
    route: 'PUT /api/v1/campaigns/:id/reminders',
    allow: { admin: BOTH, coordinator: OWN },
    request: async (w, s) => ({ method: 'PUT', path: `/api/v1/campaigns/${(await enrolled(w, s)).campaign._id.toHexString()}/reminders`, json: { daysBefore: [10, 2], onDueDate: true, overdueEveryDays: 7 } }),
  },
  {
    route: 'POST /campaigns/:id/reminder-schedule',
    allow: { admin: BOTH, coordinator: OWN },
    request: async (w, s) => ({ method: 'POST', path: `/campaigns/${(await enrolled(w, s)).campaign._id.toHexString()}/reminder-schedule`, form: { daysBefore: '10, 2', onDueDate: 'on', overdue: 'on', overdueEveryDays: '7' } }),
  },
  {
    route: 'POST /api/v1/campaigns/:id/reminders',
    allow: { admin: BOTH, coordinator: OWN, manager: OWN },
    request: async (w, s) => {
      const { officer, campaign } = await enrolled(w, s);
      return { method: 'POST', path: `/api/v1/campaigns/${campaign._id.toHexString()}/reminders`, json: { officerIds: [String(officer._id)] } };
    },
  },
  {
    route: 'POST /campaigns/:id/remind',
    allow: { admin: BOTH, coordinator: OWN, manager: OWN },
    request: async (w, s) => {
      const { officer, campaign } = await enrolled(w, s);
      return { method: 'POST', path: `/campaigns/${campaign._id.toHexString()}/remind`, form: { officerIds: String(officer._id) } };
    },
  },
];
