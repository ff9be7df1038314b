/**
 * The administrator's pages: the outbox (e-mails stored while no SMTP server is
 * configured) and the audit log. Outbox pages hold live single-use links, so they are
 * never cached, and a message's HTML is shown as source text, never rendered into the page.
 */
import type { Router } from 'express';
import { listAudit } from '../audit/service';
import { notFound } from '../errors';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { listOutbox, outboxDir, readOutboxMessage } from '../mail';
import { subjectNames } from './subjects';
import { undelivered } from '../reminders/delivery';
import { presentUndelivered } from '../reminders/presenters';
import { auditPrefixes, pager, presentAuditEvent, presentOutboxMessage, presentOutboxSummary } from './presenters';
import { auditListSchema, outboxListSchema, outboxMessageSchema } from './schema';

const OUTBOX_PAGE_SIZE = 50;
const AUDIT_PAGE_SIZE = 50;

export function registerAdminRoutes(router: Router, services: Services): void {
  const dir = outboxDir(services.config);

  route(router, services, {
    method: 'get',
    path: '/admin/outbox',
    access: 'signed-in',
    input: outboxListSchema,
    handle: async (ctx) => {
      ctx.authorize('admin.outbox', null);
      const { page } = ctx.input;
      const { items, total } = await listOutbox(dir, { limit: OUTBOX_PAGE_SIZE, offset: (page - 1) * OUTBOX_PAGE_SIZE });
      ctx.res.set('Cache-Control', 'no-store');
      ctx.res.render('admin/outbox', {
        title: 'outbox_title',
        smtp: Boolean(services.config.SMTP_URL),
        messages: items.map(presentOutboxSummary),
        pager: pager('/admin/outbox', page, OUTBOX_PAGE_SIZE, total),
        // reminders the mail server refused (SMTP or not): what the admin must chase
        undelivered: (await undelivered(services.db, new Date())).map(presentUndelivered),
      });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/admin/outbox/:id',
    access: 'signed-in',
    input: outboxMessageSchema,
    handle: async (ctx) => {
      ctx.authorize('admin.outbox', null);
      // the reader refuses anything that is not a well-formed mail id, so no path reaches the disk
      const message = await readOutboxMessage(dir, ctx.input.id);
      if (!message) throw notFound('outbox_message_not_found');
      ctx.res.set('Cache-Control', 'no-store');
      ctx.res.render('admin/outbox-message', { title: 'outbox_message_title', message: presentOutboxMessage(message) });
    },
  });

  route(router, services, {
    method: 'get',
    path: '/admin/audit',
    access: 'signed-in',
    input: auditListSchema,
    handle: async (ctx) => {
      ctx.authorize('admin.audit', null);
      const { page, action } = ctx.input;
      const { items, total } = await listAudit(services.db, { ...(action ? { actionPrefix: action } : {}), page, pageSize: AUDIT_PAGE_SIZE });
      const names = await subjectNames(services.db, items);
      // a prefix typed into the address bar is kept as a choice so the form shows what is filtered
      const prefixes = action && !auditPrefixes.some((p) => p.value === action) ? [...auditPrefixes, { value: action, label: null }] : auditPrefixes;
      ctx.res.render('admin/audit', {
        title: 'audit_title',
        events: items.map((event) => presentAuditEvent(event, names)),
        action: action ?? '',
        prefixes,
        pager: pager('/admin/audit', page, AUDIT_PAGE_SIZE, total, { action }),
      });
    },
  });
}
