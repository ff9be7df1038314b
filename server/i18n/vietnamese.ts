/**
 * Vietnamese text helpers for the database, which compares strings by code point only
 * (the embedded engine has no collation, and a real MongoDB's would need every query to
 * ask for it). Instead each sortable name is stored with a *sort key*: a string whose
 * plain code-point order equals `Intl.Collator('vi')` order of the original, so the
 * database can sort, page and index names the Vietnamese way. A test checks the key
 * against the collator on thousands of random Vietnamese strings.
 */

/**
 * Primary order (what differs between letters), ICU's order for punctuation, then digits,
 * then the Vietnamese alphabet where ă, â, đ, ê, ô, ơ, ư are letters of their own.
 */
const PRIMARY_ORDER = [
  ...' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$',
  ...'0123456789',
  ...['a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'],
  ...['n', 'o', 'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z'],
];
const PRIMARY_BASE = 0x100;
const PRIMARY_WEIGHT = new Map(PRIMARY_ORDER.map((letter, index) => [letter, String.fromCharCode(PRIMARY_BASE + index)]));
/** Characters outside the table sort after it, by code point (kept below the surrogate range). */
const UNKNOWN_BASE = PRIMARY_BASE + PRIMARY_ORDER.length;

/** Marks that make a letter of its own (primary difference): breve, circumflex, horn. */
const LETTER_MARKS: Record<string, Record<string, string>> = {
  '\u0306': { a: 'ă' },
  '\u0302': { a: 'â', e: 'ê', o: 'ô' },
  '\u031b': { o: 'ơ', u: 'ư' },
};
/** Tone marks (secondary difference) in Vietnamese order: huyền, hỏi, ngã, sắc, nặng. */
const TONE_ORDER = ['\u0300', '\u0309', '\u0303', '\u0301', '\u0323'];
const LEVEL_SEPARATOR = '\u0001';

interface CollationElement {
  primary: string;
  secondary: number;
  upper: boolean;
}

function elements(value: string): CollationElement[] {
  const result: CollationElement[] = [];
  for (const char of value.normalize('NFD')) {
    const code = char.codePointAt(0) ?? 0;
    const current = result[result.length - 1];
    if (code >= 0x300 && code <= 0x36f && current) {
      const letter = LETTER_MARKS[char]?.[current.primary];
      const tone = TONE_ORDER.indexOf(char);
      if (letter) current.primary = letter;
      else current.secondary = Math.max(current.secondary, tone >= 0 ? tone + 1 : TONE_ORDER.length + 1);
      continue;
    }
    const lower = char.toLowerCase();
    result.push({ primary: lower, secondary: 0, upper: lower !== char });
  }
  return result;
}

function primaryWeight(letter: string): string {
  const known = PRIMARY_WEIGHT.get(letter);
  if (known) return known;
  const code = letter.codePointAt(0) ?? 0;
  return String.fromCharCode(Math.min(UNKNOWN_BASE + code, 0xd7ff));
}

/**
 * A string that sorts by code point exactly as `value` sorts under Intl.Collator('vi')
 * (primary: letters; secondary: tones; tertiary: lower before upper case) for
 * Vietnamese names, digits and common punctuation.
 */
export function vietnameseSortKey(value: string): string {
  const parts = elements(value);
  const primary = parts.map((e) => primaryWeight(e.primary)).join('');
  const secondary = parts.map((e) => String.fromCharCode(0x21 + e.secondary)).join('');
  const tertiary = parts.map((e) => (e.upper ? 'B' : 'A')).join('');
  return primary + LEVEL_SEPARATOR + secondary + LEVEL_SEPARATOR + tertiary;
}

/**
 * "Nguyễn Thị Ánh" as Vietnamese lists order it: by the given name (tên, the last word)
 * first, then the family and middle names — "Ánh Nguyễn Thị".
 */
export function givenNameFirst(fullName: string): string {
  const words = fullName.trim().split(/\s+/);
  return words.length < 2 ? fullName.trim() : [words[words.length - 1], ...words.slice(0, -1)].join(' ');
}

/** The sort key of a person's name in Vietnamese list order (see givenNameFirst). */
export function personSortKey(fullName: string): string {
  return vietnameseSortKey(givenNameFirst(fullName));
}

/**
 * Text folded for searching: no tone or letter marks, đ → d, lower case, single spaces,
 * so "nguyen van" finds "Nguyễn Văn" and "ĐỖ" finds "Đỗ".
 */
export function foldForSearch(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A shared collator for sorting in memory (unit trees, small lists). */
export const vietnameseCollator = new Intl.Collator('vi');
