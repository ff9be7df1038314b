/**
 * The accounts JSON API (/api/v1/accounts): the same rules as the pages. Bearer token or
 * cookie + X-CSRF-Token; failures answer `{error: {id, message, details?}}`; output goes
 * only through presentAccountSummary (an allowlist).
 */
import type { Router } from 'express';
import type { Connection } from 'mongoose';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { skipUnlessObjectId } from '../units/scope';
import type { User } from '../users/model';
import { findAccountOr404 } from './access';
import { ACCOUNT_COMMANDS, appoint, changeAccountRole, listedUnits } from './commands';
import { listAccounts } from './list';
import { unitNamesOf } from './pages';
import { presentAccountSummary, type AccountSummary } from './presenters';
import { accountIdParam, apiAccountListQuery, apiAppoint, apiChangeRole } from './schema';
import { isAccountLocked } from './service';
import { accountAnswer, accountCommandAnswers, accountPageAnswer, appointAnswer } from './response-schemas';

/** One account as the API shows it, with its unit's name and whether it is locked out now. */
async function summaryOf(db: Connection, account: User): Promise<AccountSummary> {
  const [units, locked] = await Promise.all([unitNamesOf(db, [account.unitId]), isAccountLocked(db, account)]);
  return presentAccountSummary(account, { unitName: account.unitId ? (units.get(account.unitId.toHexString())?.name ?? null) : null, locked });
}

export function registerAccountApiRoutes(router: Router, services: Services): void {
  const { db } = services;

  /**
   * GET /api/v1/accounts?page&pageSize&q&role&unitId&active&locked&neverSignedIn →
   * `{items, total, page, pageSize}`: the accounts of the caller's scope (or of `unitId`'s
   * subtree) by name in Vietnamese order. Flags are "true" / "false".
   */
  route(router, services, {
    method: 'get',
    path: '/api/v1/accounts',
    access: 'signed-in',
    doc: { summary: "A page of the accounts of the caller's scope", response: accountPageAnswer },
    input: apiAccountListQuery,
    handle: async (ctx) => {
      const { unitId, ...filters } = ctx.input;
      const result = await listAccounts(db, { ...filters, ...(await listedUnits(ctx, unitId)) });
      const units = await unitNamesOf(db, result.items.map((a) => a.unitId));
      const items = result.items.map((a) => presentAccountSummary(a, { unitName: a.unitId ? (units.get(a.unitId.toHexString())?.name ?? null) : null, locked: result.lockedIds.has(a._id.toHexString()) }));
      ctx.res.json({ items, total: result.total, page: result.page, pageSize: result.pageSize });
    },
  });

  /** GET /api/v1/accounts/:id → `{ account }`. */
  route(router, services, {
    method: 'get',
    path: '/api/v1/accounts/:id',
    access: 'signed-in',
    doc: { summary: 'One account', response: accountAnswer },
    before: [skipUnlessObjectId],
    input: accountIdParam,
    handle: async (ctx) => {
      const loaded = await findAccountOr404(db, ctx.input.id);
      ctx.authorize('account.view', loaded.ref);
      ctx.res.json({ account: await summaryOf(db, loaded.account) });
    },
  });

  /**
   * POST /api/v1/accounts → 201 `{account, created, invitation}`: appoint a coordinator or
   * manager over `unitId`, either `{source: "officer", officerId | officerCode, role, unitId}`
   * (the officer's account is promoted or created) or `{source: "new", displayName, email,
   * username?, role, unitId}` (an account without an officer record). `invitation` says
   * whether an invitation e-mail went out: sent, failed, no_email, not_needed.
   */
  route(router, services, {
    method: 'post',
    path: '/api/v1/accounts',
    access: 'signed-in',
    doc: { summary: 'Appoint a coordinator or manager; 200 when the account already existed', status: [201, 200], response: appointAnswer },
    input: apiAppoint,
    handle: async (ctx) => {
      const { account, created, invitation } = await appoint(ctx, ctx.input);
      ctx.res.status(created ? 201 : 200).json({ account: await summaryOf(db, account), created, invitation });
    },
  });

  /** PATCH /api/v1/accounts/:id `{role?, unitId?}` → `{ account }`: a new role and / or unit (role "officer" takes the officer record's unit). */
  route(router, services, {
    method: 'patch',
    path: '/api/v1/accounts/:id',
    access: 'signed-in',
    doc: { summary: "Change an account's role or unit", response: accountAnswer },
    before: [skipUnlessObjectId],
    input: apiChangeRole,
    handle: async (ctx) => {
      const loaded = await findAccountOr404(db, ctx.input.id);
      ctx.authorize('account.manage', loaded.ref);
      const updated = await changeAccountRole(ctx, loaded, { role: ctx.input.role, unitId: ctx.input.unitId });
      ctx.res.json({ account: await summaryOf(db, updated) });
    },
  });

  /** POST /api/v1/accounts/:id/{deactivate,reactivate,unlock,send-link} → `{account, …facts}` (unlock: `wasLocked`; send-link: `kind`: invite | reset). */
  for (const [name, command] of Object.entries(ACCOUNT_COMMANDS)) {
    route(router, services, {
      method: 'post',
      path: `/api/v1/accounts/:id/${name}`,
      access: 'signed-in',
      doc: { summary: `Account command: ${name}`, response: accountCommandAnswers[name as keyof typeof accountCommandAnswers] },
      before: [skipUnlessObjectId],
      input: accountIdParam,
      handle: async (ctx) => {
        const loaded = await findAccountOr404(db, ctx.input.id);
        ctx.authorize('account.manage', loaded.ref);
        const { account, facts } = await command(ctx, loaded.account);
        ctx.res.json({ account: await summaryOf(db, account), ...facts });
      },
    });
  }
}
