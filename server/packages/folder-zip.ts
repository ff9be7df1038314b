/**
 * Zips a package folder (content/packages/<name>/) into the bytes an upload would carry,
 * so that in-house packages go through exactly the same validation and storage as an
 * uploaded one. Used by the tests and by the content loader. Files are added in sorted
 * order with a fixed date, so the same folder always gives the same bytes (and the same
 * sha256: loading starter content twice stores it once).
 */
import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';

const FIXED_DATE = new Date('2026-01-01T00:00:00Z');

/** The relative paths of the regular files under `folder` ("/"-separated, sorted); symlinks and dotfiles are skipped. */
export function folderFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(folder, relative), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  walk('');
  return out.sort();
}

/** The zip of every regular file under `folder`. */
export async function zipFolder(folder: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const name of folderFiles(folder)) zip.addBuffer(fs.readFileSync(path.join(folder, name)), name, { mtime: FIXED_DATE, mode: 0o100644 });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
