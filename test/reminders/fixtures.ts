/** The officer's plan fixture, shared by the HTTP test and the browser test. */
import { expect } from 'chai';
import { dueInstant, vietnamDate, vietnamDay } from '../../server/campaigns/dates';
import { enrolmentModel } from '../../server/campaigns/model';
import { createCampaign, setStatus } from '../../server/campaigns/service';
import { createCampaignInput } from '../../server/campaigns/schema';
import type { Officer } from '../../server/officers/model';
import { progressModel } from '../../server/progress/model';
import { createAccount } from '../../server/users/service';
import type { TestPlatform } from '../http';
import { PASSWORD, YEAR, type CampaignWorld } from '../campaigns/world';

const DAY_MS = 24 * 3600_000;

/** The officer's plan fixture: four modules (late, open, completed, exempt), a notice, last year's result. */
export async function buildOfficerPlan(tp: TestPlatform, w: CampaignWorld, login: string): Promise<{ officer: Officer; late: string; completedOn: string }> {
  const db = tp.platform.services.db;
  const officer = await w.officer(w.units.A1, { fullName: 'Phạm Thị Lan' });
  const other = await w.officer(w.units.A1, { fullName: 'Người Khác Hẳn' });
  const input = createCampaignInput.parse({
    name: `Kế hoạch bồi dưỡng ${YEAR}`,
    year: YEAR,
    ownerUnitId: String(w.units.A._id),
    modules: w.modules.map((m) => ({ moduleId: String(m), dueDate: `31/12/${YEAR}` })),
    audience: { officerIds: [String(officer._id), String(other._id)] },
  });
  const campaign = await setStatus(db, await createCampaign(db, input, null, new Date(`${YEAR}-01-01T08:00:00+07:00`)), 'open', new Date());
  // module 1 was due five days ago; module 3 exempt; module 2 completed three days ago
  const late = vietnamDay(new Date(Date.now() - 5 * DAY_MS));
  await enrolmentModel(db).updateOne({ campaignId: campaign._id, officerId: officer._id, moduleId: w.modules[0] }, { $set: { dueDate: dueInstant(late) } });
  await enrolmentModel(db).updateOne({ campaignId: campaign._id, officerId: officer._id, moduleId: w.modules[2] }, { $set: { state: 'exempt', exemptReason: 'khac' } });
  const completedAt = new Date(Date.now() - 3 * DAY_MS);
  await progressModel(db).create({ officerId: officer._id, moduleId: w.modules[1], year: YEAR, version: 1, unitId: w.units.A1._id, status: 'completed', itemCount: 1, percent: 100, bestScore: 90, startedAt: completedAt, completedAt });
  await progressModel(db).create({ officerId: officer._id, moduleId: w.modules[0], year: YEAR - 1, version: 1, unitId: w.units.A1._id, status: 'completed', itemCount: 1, percent: 100, bestScore: 85, startedAt: new Date(`${YEAR - 1}-06-10T09:00:00+07:00`), completedAt: new Date(`${YEAR - 1}-06-15T09:00:00+07:00`) });
  const reminded = await w.clients.coordinator.request('POST', `/api/v1/campaigns/${campaign._id.toHexString()}/reminders`, { json: { officerIds: [String(officer._id), String(other._id)] } });
  expect(reminded.status, reminded.text).to.equal(200);
  await createAccount(db, { username: login, displayName: officer.fullName, role: 'officer', unitId: w.units.A1._id, officerId: officer._id, officerCode: officer.code, password: PASSWORD }, 4);
  return { officer, late: vietnamDate(dueInstant(late)), completedOn: vietnamDate(completedAt) };
}

