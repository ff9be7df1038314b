/**
 * User-facing text: one flat catalogue per language, looked up by stable message id.
 * Code passes ids (and parameters) around; only views, the error handler and exports
 * turn them into words.
 */
import { vi as core } from './vi';
import { en as coreEn } from './en';
import * as auth from './parts/auth';
import * as ui from './parts/ui';
import * as importing from './parts/import';
import * as mail from './parts/mail';
import * as directory from './parts/directory';
import * as account from './parts/account';
import * as learning from './parts/learning';
import * as authoring from './parts/authoring';
import * as assignments from './parts/assignments';
import * as content from './parts/content';
import * as packages from './parts/packages';
import * as playback from './parts/playback';
import * as accounts from './parts/accounts';
import * as jobs from './parts/jobs';
import * as pools from './parts/pools';
import * as audit from './parts/audit';
import * as campaigns from './parts/campaigns';
import * as campaignPages from './parts/campaign-pages';
import * as reminders from './parts/reminders';
import * as reports from './parts/reports';
import * as certificates from './parts/certificates';
import * as ops from './parts/ops';
import * as editor from './parts/editor';
import * as dashboards from './parts/dashboards';

// one flat catalogue per language, assembled from per-area parts so that each area's
// text is reviewed in one file (server/i18n/parts/*.ts)
const vi = { ...core, ...auth.vi, ...ui.vi, ...importing.vi, ...mail.vi, ...account.vi, ...directory.vi, ...learning.vi, ...authoring.vi, ...assignments.vi, ...content.vi, ...packages.vi, ...playback.vi, ...accounts.vi, ...jobs.vi, ...pools.vi, ...audit.vi, ...campaigns.vi, ...campaignPages.vi, ...reminders.vi, ...reports.vi, ...certificates.vi, ...ops.vi, ...editor.vi, ...dashboards.vi };
const en: Record<keyof typeof vi, string> = { ...coreEn, ...auth.en, ...ui.en, ...importing.en, ...mail.en, ...account.en, ...directory.en, ...learning.en, ...authoring.en, ...assignments.en, ...content.en, ...packages.en, ...playback.en, ...accounts.en, ...jobs.en, ...pools.en, ...audit.en, ...campaigns.en, ...campaignPages.en, ...reminders.en, ...reports.en, ...certificates.en, ...ops.en, ...editor.en, ...dashboards.en };


export type Locale = 'vi' | 'en';
export type MessageId = keyof typeof vi;

export const locales: readonly Locale[] = ['vi', 'en'];
export const catalogues: Readonly<Record<Locale, Readonly<Record<MessageId, string>>>> = { vi, en };

export function isMessageId(value: string): value is MessageId {
  return Object.prototype.hasOwnProperty.call(vi, value);
}

/**
 * The text of `id` in `locale`, with each `{name}` replaced by `params.name`.
 * A placeholder without a parameter stays visible rather than silently vanishing.
 */
export function t(locale: Locale, id: MessageId, params?: Record<string, unknown>): string {
  const template = catalogues[locale][id] ?? catalogues.vi[id] ?? id;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}
