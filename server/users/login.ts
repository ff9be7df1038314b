/**
 * The one normal form of a typed login, used for lookup and for lockout alike (issue #10,
 * finding 5): NFKC first, so compatibility spellings meet their plain letters ("ſ" → "s",
 * full-width "ＤＥＭＯ" → "DEMO", the Kelvin sign → "K"), then trimmed and case-folded.
 * Stored usernames and e-mails are lower case; mã cán bộ are upper case.
 */
export function normalizeLogin(login: string): string {
  return login.normalize('NFKC').trim().toLowerCase();
}
