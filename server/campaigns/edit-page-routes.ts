/**
 * Editing a campaign from its page: adding a module, changing the audience (unit
 * subtrees, categories, leaders only) and the certificate option (one per module). The same services and audit as the API routes
 * (addModule, setAudience); a refusal comes back on the form in Vietnamese.
 */
import type { Router } from 'express';
import type { AppError } from '../errors';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { problemsByField, refusalState, typedValues } from '../units/forms';
import { skipUnlessObjectId } from '../units/scope';
import { auditOf, authorizedCampaign } from './api-routes';
import { addModuleForm, audienceForm, certificatesForm } from './page-schema';
import { renderCampaignPage } from './pages';
import { addModule, setAudience, setCertificatePerModule } from './service';

export function registerCampaignEditPageRoutes(router: Router, services: Services): void {
  const { db } = services;

  route(router, services, {
    method: 'post',
    path: '/campaigns/:id/modules',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: addModuleForm,
    invalid: async (ctx, problems) => {
      const campaign = await authorizedCampaign(ctx as never, 'campaign.manage');
      await renderCampaignPage(ctx, campaign, { form: 'add', problems: problemsByField(problems), values: typedValues(ctx.req.body), alert: null }, 422);
    },
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      try {
        const updated = await addModule(db, campaign, ctx.input, new Date());
        await auditOf(ctx, 'campaign.module_add', updated, { moduleId: String(ctx.input.moduleId), dueDate: ctx.input.dueDate });
        ctx.res.redirect(303, `/campaigns/${ctx.input.id.toHexString()}?done=module_added`);
      } catch (error) {
        const state = refusalState(error, 'add' as const, ctx.req.body);
        if (!state) throw error;
        await renderCampaignPage(ctx, campaign, state, (error as AppError).status);
      }
    },
  });

  route(router, services, {
    method: 'post',
    path: '/campaigns/:id/audience',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: audienceForm,
    invalid: async (ctx, problems) => {
      const campaign = await authorizedCampaign(ctx as never, 'campaign.manage');
      await renderCampaignPage(ctx, campaign, { form: 'audience', problems: problemsByField(problems), values: ctx.req.body ?? {}, alert: null }, 422);
    },
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      const { unitIds, categories, leadersOnly } = ctx.input;
      const kept = campaign.audience;
      try {
        const updated = await setAudience(db, campaign, { unitIds, categories, leadersOnly, positions: kept.positions, officerIds: kept.officerIds, excludedUnitIds: kept.excludedUnitIds, excludedOfficerIds: kept.excludedOfficerIds }, new Date());
        await auditOf(ctx, 'campaign.audience', updated);
        ctx.res.redirect(303, `/campaigns/${ctx.input.id.toHexString()}?done=audience_changed`);
      } catch (error) {
        const state = refusalState(error, 'audience' as const, ctx.req.body);
        if (!state) throw error;
        state.values = ctx.req.body ?? {};
        await renderCampaignPage(ctx, campaign, state, (error as AppError).status);
      }
    },
  });

  route(router, services, {
    method: 'post',
    path: '/campaigns/:id/certificates',
    access: 'signed-in',
    before: [skipUnlessObjectId],
    input: certificatesForm,
    handle: async (ctx) => {
      const campaign = await authorizedCampaign(ctx, 'campaign.manage');
      try {
        const updated = await setCertificatePerModule(db, campaign, ctx.input.certificatePerModule);
        await auditOf(ctx, 'campaign.certificates', updated, { certificatePerModule: updated.certificatePerModule });
        ctx.res.redirect(303, `/campaigns/${ctx.input.id.toHexString()}?done=certificates_changed`);
      } catch (error) {
        const state = refusalState(error, 'certificates' as const, ctx.req.body);
        if (!state) throw error;
        await renderCampaignPage(ctx, campaign, state, (error as AppError).status);
      }
    },
  });
}
