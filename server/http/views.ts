/**
 * What every page template can read, set once per request in res.locals: the language and
 * its `t`, date formatting in Asia/Ho_Chi_Minh, the CSRF token, the signed-in account
 * (presented) and ability flags. Templates never receive the request object.
 */
import type { NextFunction, Request, Response } from 'express';
import { t, type Locale, type MessageId } from '../i18n';
import { homeAbilities } from '../policies';
import { actorOf, type Session } from '../auth/session';
import { findFirst, rawCollection } from '../db/raw';
import { unitModel, type Unit } from '../units/model';
import { roleLabels } from '../users/model';
import type { Services } from './context';
import { csrfToken } from './csrf';
import { vietnamClock } from '../progress/year';

export const LOCALE_COOKIE = 'vhcv_lang';

/** The signed-in account's unit as routes read it through res.locals.homeUnit(). */
export type HomeUnit = Pick<Unit, '_id' | 'ancestors' | 'name'>;

/** The account's home unit, read on first use and then shared by the rest of the request (null: none, or signed out). */
export const homeUnitOf = (res: Response): Promise<HomeUnit | null> => (res.locals['homeUnit'] as () => Promise<HomeUnit | null>)();

const dmy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** dd/mm/yyyy in Vietnam's time zone (the same in both languages, as on official papers). */
export function formatDate(value: Date | null | undefined): string {
  return value ? dmy(vietnamClock(value).day) : '';
}

/** dd/mm/yyyy hh:mm in Vietnam's time zone. */
export function formatDateTime(value: Date | null | undefined): string {
  if (!value) return '';
  const { day, time } = vietnamClock(value);
  return `${dmy(day)} ${time}`;
}

/** toLocaleString(locale) builds a number format on every call: one per language instead. */
const numberFormat = { vi: new Intl.NumberFormat('vi-VN'), en: new Intl.NumberFormat('en-GB') };

/** 12.345 in Vietnamese, 12,345 in English. */
export function formatNumber(value: number, locale: Locale): string {
  return numberFormat[locale === 'vi' ? 'vi' : 'en'].format(value);
}

/** One percentage format everywhere: "66,5%" in Vietnamese, "66.5%" in English (no space before the sign). */
export function formatPercent(value: number, locale: Locale): string {
  return `${formatNumber(value, locale)}%`;
}

function localeOf(req: Request, session: Session | null): Locale {
  const chosen = req.cookies?.[LOCALE_COOKIE] as unknown;
  if (chosen === 'vi' || chosen === 'en') return chosen;
  return session?.account.locale ?? 'vi';
}

export function viewLocals(services: Services) {
  const secure = services.config.PUBLIC_URL.startsWith('https:');
  return (req: Request, res: Response, next: NextFunction) => {
    const session = (res.locals['session'] as Session | null) ?? null;
    const locale = localeOf(req, session);
    res.locals['locale'] = locale;
    res.locals['t'] = (id: MessageId, params?: Record<string, unknown>) => t(locale, id, params);
    res.locals['formatDate'] = formatDate;
    res.locals['formatDateTime'] = formatDateTime;
    res.locals['formatNumber'] = (n: number) => formatNumber(n, locale);
    res.locals['formatPercent'] = (n: number) => formatPercent(n, locale);
    // the header's forms and the page's ask for it several times: one HMAC per request
    let token: string | null = null;
    res.locals['csrfToken'] = () => (token ??= csrfToken(req, res, services.secret, secure, session?.claims.jti ?? ''));
    res.locals['currentPath'] = req.path;
    res.locals['title'] = null;
    if (!session) {
      res.locals['homeUnit'] = () => Promise.resolve(null);
      res.locals['me'] = null;
      res.locals['can'] = {};
      return next();
    }
    const account = session.account;
    res.locals['me'] = { name: account.displayName, role: account.role, roleLabel: roleLabels[account.role], mustChangePassword: account.mustChangePassword };
    res.locals['can'] = homeAbilities(actorOf(account));
    // the home unit is read only by the routes that need it (the home page, the learner's
    // ancestors), at most once per request: most pages never do (issue #16)
    let homeUnit: Promise<HomeUnit | null> | null = null;
    res.locals['homeUnit'] = (): Promise<HomeUnit | null> =>
      (homeUnit ??= account.unitId ? findFirst<HomeUnit>(rawCollection(unitModel(services.db)), { _id: account.unitId }, { projection: { ancestors: 1, name: 1 } }) : Promise.resolve(null));
    next();
  };
}
