/**
 * The platform's e-mails, built from the catalogue (server/i18n/parts/mail.ts) in the
 * recipient's language. Each has a plain-text part (read by many government mail clients
 * and screen readers as is) and a simple HTML part: no images, inline styles only.
 */
import { t, type Locale, type MessageId } from '../i18n';

/** What a template produces; hand it to `Mailer.send` together with `to`. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `value` safe inside HTML text and inside a double- or single-quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/**
 * The password-reset e-mail: a single-use `link` valid for `minutes` minutes, and the
 * advice to ignore the message when the recipient did not ask for it.
 */
export function passwordResetEmail(input: { name: string; link: string; minutes: number; locale: Locale }): MailContent {
  const { locale } = input;
  return compose({
    locale,
    subject: t(locale, 'mail_reset_subject'),
    name: input.name,
    before: [t(locale, 'mail_reset_intro'), t(locale, 'mail_reset_action', { minutes: positiveInteger(input.minutes, 'minutes') })],
    action: { label: 'mail_reset_button', link: input.link },
    after: [t(locale, 'mail_reset_ignore')],
  });
}

/**
 * The invitation of a new account: welcome, the sign-in name (mã cán bộ) and a `link` to
 * set the password, valid for `hours` hours.
 */
export function invitationEmail(input: { name: string; login: string; link: string; hours: number; locale: Locale }): MailContent {
  const { locale } = input;
  return compose({
    locale,
    subject: t(locale, 'mail_invite_subject'),
    name: input.name,
    before: [
      t(locale, 'mail_invite_intro'),
      t(locale, 'mail_invite_login', { login: input.login.normalize('NFC') }),
      t(locale, 'mail_invite_action', { hours: positiveInteger(input.hours, 'hours') }),
    ],
    action: { label: 'mail_invite_button', link: input.link },
    after: [t(locale, 'mail_invite_expired')],
  });
}

/** What a reminder says about the due date: days left, due today, or days late. */
export type ReminderWhen = { kind: 'before'; days: number } | { kind: 'due' } | { kind: 'overdue'; days: number };

/**
 * A reminder to an officer who has not completed `module` of the plan `campaign`, due on
 * `due` (dd/mm/yyyy), with a direct `link` to the module.
 */
export function reminderEmail(input: { name: string; module: string; campaign: string; due: string; when: ReminderWhen; link: string; locale: Locale }): MailContent {
  const { locale, when } = input;
  const module = input.module.normalize('NFC');
  const whenLine =
    when.kind === 'before' ? t(locale, 'mail_reminder_before', { due: input.due, days: when.days }) : when.kind === 'due' ? t(locale, 'mail_reminder_due', { due: input.due }) : t(locale, 'mail_reminder_overdue', { due: input.due, days: when.days });
  return compose({
    locale,
    subject: t(locale, 'mail_reminder_subject', { module, due: input.due }),
    name: input.name,
    before: [t(locale, 'mail_reminder_intro', { module, campaign: input.campaign.normalize('NFC') }), whenLine],
    action: { label: 'mail_reminder_button', link: input.link },
    after: [t(locale, 'mail_reminder_done')],
  });
}

/** The weekly digest to a manager or coordinator: `lines` (already worded), `more` not listed, a `link` to the plans. */
export function digestEmail(input: { name: string; unit: string; date: string; count: number; lines: string[]; more: number; link: string; locale: Locale }): MailContent {
  const { locale } = input;
  const unit = input.unit.normalize('NFC');
  return compose({
    locale,
    subject: t(locale, 'mail_digest_subject', { count: input.count, unit }),
    name: input.name,
    before: [t(locale, 'mail_digest_intro', { unit, date: input.date })],
    list: [...input.lines.map((line) => line.normalize('NFC')), ...(input.more > 0 ? [t(locale, 'mail_digest_more', { count: input.more })] : [])],
    action: { label: 'mail_digest_button', link: input.link },
    after: [t(locale, 'mail_digest_why')],
  });
}

interface Layout {
  locale: Locale;
  subject: string;
  name: string;
  /** Paragraphs of plain text, before and after the link. */
  before: string[];
  /** Items of a list after `before` (a digest's officers). */
  list?: string[];
  action: { label: MessageId; link: string };
  after: string[];
}

function compose(layout: Layout): MailContent {
  const { locale, subject } = layout;
  const link = httpLink(layout.action.link);
  // names typed or imported on other systems may arrive decomposed (NFD)
  const greeting = t(locale, 'mail_greeting', { name: layout.name.normalize('NFC') });
  const footer = [t(locale, 'mail_platform_name'), t(locale, 'mail_automatic_notice')];

  const list = layout.list ?? [];
  const textList = list.length ? [list.map((item) => `- ${item}`).join('\n')] : [];
  const text = [greeting, ...layout.before, ...textList, link, ...layout.after, `-- \n${footer.join('\n')}`].join('\n\n') + '\n';

  // whole paragraphs are escaped after interpolation: catalogue text and parameters
  // are both plain text, so this escapes every interpolated value exactly once
  const paragraph = (content: string) => `<p style="margin:0 0 16px">${escapeHtml(content)}</p>`;
  const href = escapeHtml(link);
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${locale}">`,
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#ffffff;color:#1a1a1a;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">',
    `<div role="article" aria-label="${escapeHtml(subject)}" style="max-width:600px">`,
    paragraph(greeting),
    ...layout.before.map(paragraph),
    ...(list.length ? [`<ul style="margin:0 0 16px;padding-left:20px">${list.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`] : []),
    `<p style="margin:0 0 16px"><a href="${href}" style="display:inline-block;padding:12px 20px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold">${escapeHtml(t(locale, layout.action.label))}</a></p>`,
    `<p style="margin:0 0 16px">${escapeHtml(t(locale, 'mail_link_fallback'))}<br><a href="${href}" style="color:#0b5394;word-break:break-all">${href}</a></p>`,
    ...layout.after.map(paragraph),
    `<p style="margin:24px 0 0;padding-top:16px;border-top:1px solid #cccccc;font-size:14px;color:#555555">${footer.map(escapeHtml).join('<br>')}</p>`,
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');

  return { subject, text, html: html + '\n' };
}

/** The link itself, refused unless http(s): it goes into an href. */
function httpLink(link: string): string {
  const url = URL.canParse(link) ? new URL(link) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new TypeError('e-mail link must be an absolute http(s) URL');
  return link;
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${what} must be a positive integer, got ${value}`);
  return value;
}
