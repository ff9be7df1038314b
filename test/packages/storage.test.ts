/**
 * The pieces under the upload route, tested directly: entry-name checks, launch
 * resolution, concurrent installs of the same tree, and the sweep of crash leftovers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AppError } from '../../server/errors';
import { checkEntryName } from '../../server/packages/zip';
import { resolveLaunch } from '../../server/packages/launch';
import { installTree, stagingFolder, sweepStaleTemporaries } from '../../server/packages/storage';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error.id;
    throw error;
  }
  return 'accepted';
}

describe('packages: names, launch paths and the store', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-packages-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('entry names: relative paths pass; traversal, absolute, backslash, control characters and empty segments do not', () => {
    expect(checkEntryName('bai-hoc/trang 1.html')).to.equal('bai-hoc/trang 1.html');
    expect(checkEntryName('thư-mục/')).to.equal('thư-mục');
    const cases: [string, string][] = [
      ['../x.html', 'package_path_traversal'],
      ['a/../../x.html', 'package_path_traversal'],
      ['a\\..\\x.html', 'package_path_traversal'],
      ['/etc/passwd', 'package_path_absolute'],
      ['C:/x.html', 'package_path_absolute'],
      ['c:x.html', 'package_path_absolute'],
      ['a\\b.html', 'package_path_invalid'],
      ['a//b.html', 'package_path_invalid'],
      ['./a.html', 'package_path_invalid'],
      ['a\u0000.html', 'package_path_invalid'],
      [`${'x'.repeat(300)}.html`, 'package_path_invalid'],
    ];
    for (const [name, id] of cases) expect(refusal(() => checkEntryName(name)), name).to.equal(id);
  });

  it('launch paths: xml:base joins, query kept, schemes / traversal / absolute refused', () => {
    expect(resolveLaunch(['', 'content/', 'two/', 'part2.html?x=1#top'], 'x')).to.deep.equal({ path: 'content/two/part2.html', suffix: '?x=1#top' });
    expect(resolveLaunch(['res', 'trang%20m%E1%BB%99t.html'], 'x')).to.deep.equal({ path: 'res/trang một.html', suffix: '' });
    const cases: [string[], string][] = [
      [['../../etc/passwd'], 'package_launch_unsafe'],
      [['a/', '../../x.html'], 'package_launch_unsafe'],
      [['%2E%2E/x.html'], 'package_launch_unsafe'],
      [['/etc/passwd'], 'package_launch_unsafe'],
      [['%2Fetc/passwd'], 'package_launch_unsafe'],
      [['a\\b.html'], 'package_launch_unsafe'],
      [['http://evil.example/x.html'], 'package_launch_external'],
      [['HTTPS://evil.example/'], 'package_launch_external'],
      [['//evil.example/x.html'], 'package_launch_external'],
      [['file:///etc/passwd'], 'package_launch_external'],
      [['data:text/html,<script>1</script>'], 'package_launch_external'],
      [['http://evil.example/', 'x.html'], 'package_launch_external'],
      [['', '?only=query'], 'package_launch_missing'],
    ];
    for (const [parts, id] of cases) expect(refusal(() => resolveLaunch(parts, parts.join(''))), parts.join(' + ')).to.equal(id);
  });

  it('two extractions of the same file: the first rename wins, the second copy is dropped', async () => {
    const sha = 'a'.repeat(64);
    const first = await stagingFolder(dir);
    const second = await stagingFolder(dir);
    fs.writeFileSync(path.join(first, 'index.html'), 'first');
    fs.writeFileSync(path.join(second, 'index.html'), 'second');
    expect(await installTree(dir, first, sha)).to.equal(true);
    expect(await installTree(dir, second, sha)).to.equal(false);
    expect(fs.readFileSync(path.join(dir, sha, 'index.html'), 'utf8')).to.equal('first');
    expect(fs.readdirSync(path.join(dir, '.staging'))).to.deep.equal([]);
  });

  it('sweeps upload and staging folders a crashed process left a day ago, and only those', async () => {
    const packagesDir = path.join(dir, 'packages');
    const old = await stagingFolder(packagesDir);
    const fresh = await stagingFolder(packagesDir);
    const oldUpload = path.join(dir, 'tmp', 'uploads', 'crashed');
    fs.mkdirSync(oldUpload, { recursive: true });
    const dayAndABitAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    fs.utimesSync(old, dayAndABitAgo, dayAndABitAgo);
    fs.utimesSync(oldUpload, dayAndABitAgo, dayAndABitAgo);
    await sweepStaleTemporaries(dir, packagesDir);
    expect(fs.existsSync(old)).to.equal(false);
    expect(fs.existsSync(oldUpload)).to.equal(false);
    expect(fs.existsSync(fresh)).to.equal(true);
  });
});
