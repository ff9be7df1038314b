/** Shared by the content tests: the fixture content tree and a writable copy of it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** test/content/fixtures in the source tree (tests run from dist/test/content). */
export const FIXTURES = path.resolve(__dirname, '../../../test/content/fixtures');

/** A temporary copy of the fixtures that a test may change; removed by the returned function. */
export function fixtureCopy(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-content-'));
  fs.cpSync(FIXTURES, dir, { recursive: true });
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function editJson(file: string, change: (value: any) => void): void {
  const value = JSON.parse(fs.readFileSync(file, 'utf8'));
  change(value);
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
}
