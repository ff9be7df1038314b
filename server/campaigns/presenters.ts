/** Campaigns as the API and pages show them: allowlists, days as dd/mm/yyyy (Vietnam). */
import { scheduleOf, type Campaign, type Enrolment } from './model';
import { vietnamDate } from './dates';
import type { ModuleFigures } from './figures';
import type { Notice } from './notices';

const hex = (id: { toHexString(): string }) => id.toHexString();

export function presentCampaign(campaign: Campaign, figures?: ModuleFigures[]) {
  const figuresOf = new Map((figures ?? []).map((f) => [hex(f.moduleId), f]));
  return {
    id: hex(campaign._id),
    name: campaign.name,
    year: campaign.year,
    ownerUnitId: campaign.ownerUnitId ? hex(campaign.ownerUnitId) : null,
    status: campaign.status,
    opensOn: vietnamDate(campaign.opensOn),
    cutoffDate: vietnamDate(campaign.cutoffDate),
    lateJoinerDays: campaign.lateJoinerDays,
    certificatePerModule: campaign.certificatePerModule ?? false,
    reminders: scheduleOf(campaign),
    modules: campaign.modules.map((m) => {
      const f = figuresOf.get(hex(m.moduleId));
      return { moduleId: hex(m.moduleId), dueDate: vietnamDate(m.dueDate), stopped: m.stoppedAt !== null, ...(f ? { enrolled: f.enrolled, completed: f.completed, exempt: f.exempt, rate: f.rate } : {}) };
    }),
    audience: {
      unitIds: campaign.audience.unitIds.map(hex),
      categories: campaign.audience.categories,
      leadersOnly: campaign.audience.leadersOnly,
      positions: campaign.audience.positions,
      officerIds: campaign.audience.officerIds.map(hex),
      excludedUnitIds: campaign.audience.excludedUnitIds.map(hex),
      excludedOfficerIds: campaign.audience.excludedOfficerIds.map(hex),
    },
  };
}

export function presentEnrolment(e: Enrolment) {
  return { id: hex(e._id), campaignId: hex(e.campaignId), moduleId: hex(e.moduleId), officerId: hex(e.officerId), unitId: hex(e.unitId), year: e.year, dueDate: vietnamDate(e.dueDate), state: e.state, exemptReason: e.exemptReason, lateJoiner: e.lateJoiner };
}

export function presentNotice(n: Notice, text: string) {
  return { id: hex(n._id), message: n.message, text, at: n.createdAt.toISOString() };
}
