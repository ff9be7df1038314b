/**
 * Reads a CSV file as Excel and LibreOffice save it: UTF-8 with or without BOM (or
 * UTF-16 with BOM, Excel's "Unicode Text"), comma, semicolon (Excel in the vi-VN locale)
 * or tab separated, CRLF or LF, quoted fields that may hold separators and line breaks.
 */
import { FileProblemError, yieldToEventLoop, type GridRow } from './grid';

/** Rows parsed between yields to the event loop. */
const ROWS_PER_SLICE = 2_000;
const DELIMITERS = [',', ';', '\t'] as const;

function notUtf8(): FileProblemError {
  return new FileProblemError({ line: 0, column: '', id: 'import_csv_not_utf8' });
}

/** The file's text; anything but valid UTF-8 (or UTF-16 announced by a BOM) is refused rather than guessed. */
function decode(data: Buffer): string {
  const encoding = data[0] === 0xff && data[1] === 0xfe ? 'utf-16le' : data[0] === 0xfe && data[1] === 0xff ? 'utf-16be' : 'utf-8';
  let text: string;
  try {
    // fatal: a Windows-1258 file decoded leniently would import "Nguy?n" without complaint
    text = new TextDecoder(encoding, { fatal: true }).decode(data);
  } catch {
    throw notUtf8();
  }
  // NULs in "UTF-8" text mean UTF-16 without a BOM (or a binary file)
  if (text.includes('\u0000')) throw notUtf8();
  return text;
}

/** Counts `char` in `line` outside double quotes. */
function countOutsideQuotes(line: string, char: string): number {
  let count = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === char && !quoted) count++;
  }
  return count;
}

/**
 * The separator and where the header starts. Excel honours a first line "sep=;", so a
 * file may carry one; otherwise the separator the header row uses most wins (the header
 * is plain column names, so this cannot be fooled by data).
 */
function dialect(text: string): { delimiter: string; body: string; firstLine: number } {
  const firstBreak = text.search(/\r\n|\r|\n/);
  const first = firstBreak < 0 ? text : text.slice(0, firstBreak);
  const sep = /^"?sep=(.)"?$/i.exec(first.trim());
  if (sep) return { delimiter: sep[1] as string, body: text.slice(first.length).replace(/^(\r\n|\r|\n)/, ''), firstLine: 2 };
  const header = text.split(/\r\n|\r|\n/, 50).find((line) => line.trim() !== '') ?? '';
  let delimiter: string = DELIMITERS[0];
  for (const candidate of DELIMITERS) if (countOutsideQuotes(header, candidate) > countOutsideQuotes(header, delimiter)) delimiter = candidate;
  return { delimiter, body: text, firstLine: 1 };
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** Lines in a file, for progress: LF-separated, or CR-separated as old Mac files are. */
function countLines(data: Buffer): number {
  const count = (byte: number) => {
    let found = 0;
    for (let i = data.indexOf(byte); i !== -1; i = data.indexOf(byte, i + 1)) found++;
    return found;
  };
  return 1 + (count(LF) || count(CR));
}

/** Line breaks in `text`: LF, CRLF or a lone CR each count once. */
function lineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

/**
 * The records of CSV text (RFC 4180 as Excel writes and reads it), each with the line it
 * starts on. A field is quoted only when it starts with a quote; inside it "" is a quote
 * and separators and line breaks are text; anything between its closing quote and the
 * next separator is kept. A quote elsewhere is an ordinary character. Throws
 * FileProblemError naming the line of a quote that is never closed.
 */
export function* csvRecords(text: string, delimiter: string, firstLine = 1): Generator<GridRow> {
  const separator = delimiter.charCodeAt(0);
  const length = text.length;
  let i = 0;
  let line = firstLine;
  /** Moves `i` to the next separator or line break; returns the text passed over. */
  const scanPlain = (): string => {
    const from = i;
    for (let c = text.charCodeAt(i); i < length && c !== separator && c !== CR && c !== LF; c = text.charCodeAt(++i));
    return text.slice(from, i);
  };
  while (i < length) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let value = '';
      if (text.charCodeAt(i) === QUOTE) {
        const opened = line;
        for (let from = i + 1; ; ) {
          const close = text.indexOf('"', from);
          if (close === -1) throw new FileProblemError({ line: opened, column: '', id: 'import_csv_malformed' });
          value += text.slice(from, close);
          if (text.charCodeAt(close + 1) !== QUOTE) {
            i = close + 1;
            break;
          }
          value += '"';
          from = close + 2;
        }
        line += lineBreaks(value);
      }
      value += scanPlain();
      cells.push(value);
      if (i < length && text.charCodeAt(i) === separator) {
        i++;
        continue;
      }
      if (i < length) {
        i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
      }
      break;
    }
    yield { line: start, cells };
  }
}

/**
 * The rows of a CSV file, empty lines included (as rows of one empty cell), each with
 * the line it starts on. Throws FileProblemError for an encoding the importer refuses
 * or a quote left open. Yields to the event loop between slices of rows. `onTotal`
 * hears the number of lines first, for a progress bar.
 */
export async function* readCsv(data: Buffer, onTotal?: (lines: number) => void): AsyncGenerator<GridRow> {
  const { delimiter, body, firstLine } = dialect(decode(data));
  onTotal?.(countLines(data));
  let count = 0;
  for (const row of csvRecords(body, delimiter, firstLine)) {
    yield row;
    if (++count % ROWS_PER_SLICE === 0) await yieldToEventLoop();
  }
}
