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

/** A zip of `entries` ([name, bytes, compress?]) made with yazl, as a buffer. */
export async function makeZip(entries: Array<[string, Buffer, boolean?]>): Promise<Buffer> {
  const { ZipFile } = await import('yazl');
  const zip = new ZipFile();
  for (const [name, data, compress] of entries) zip.addBuffer(data, name, { compress: compress ?? true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A minimal valid bundle.json (one lesson, one quiz, two questions), with `change` applied. */
export function bundleJson(code: string, change: (bundle: any) => void = () => undefined): Buffer {
  const bundle = {
    format: 'vhcv-module-bundle',
    formatVersion: 1,
    exportedAt: '2026-11-30T08:00:00.000Z',
    module: {
      code,
      title: 'Học phần chia sẻ',
      topic: 'ky-luat',
      description: 'Nhận từ tỉnh bạn.',
      estimatedMinutes: 10,
      items: [
        { kind: 'lesson', key: 'bai-1', title: 'Kỷ luật', body: '<h2>Giờ giấc</h2><p>Đúng giờ.</p>', attachments: [] },
        { kind: 'quiz', key: 'kiem-tra', title: 'Kiểm tra', draw: [{ topic: 'ky-luat', count: 1 }], passPercent: 100, attemptLimit: 0, cooldownMinutes: 0, timeLimitMinutes: 0, review: 'after-submit', shuffleOptions: true },
      ],
    },
    questions: [
      { ref: 'chia-se-01', topic: 'ky-luat', kind: 'true-false', scenario: null, prompt: 'Đi làm đúng giờ là bắt buộc.', options: [{ key: 'a', text: 'Đúng', correct: true }, { key: 'b', text: 'Sai', correct: false }], explanation: 'Mục II.5 Kế hoạch.', source: 'Mục II.5' },
      { ref: 'chia-se-02', topic: 'ky-luat', kind: 'single', scenario: null, prompt: 'Giờ làm việc buổi sáng bắt đầu lúc nào?', options: [{ key: 'a', text: 'Theo quy định của cơ quan', correct: true }, { key: 'b', text: 'Khi nào đến cũng được', correct: false }], explanation: 'Mục II.5 Kế hoạch.', source: null },
    ],
  };
  change(bundle);
  return Buffer.from(JSON.stringify(bundle), 'utf8');
}

/** The entries of a zip: name → inflated bytes. */
export async function readZip(data: Buffer): Promise<Map<string, Buffer>> {
  const yauzl = await import('yauzl');
  const zipfile = await yauzl.fromBufferPromise(data, { lazyEntries: true });
  const entries = new Map<string, Buffer>();
  for await (const entry of zipfile.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zipfile.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    entries.set(entry.fileName, Buffer.concat(chunks));
  }
  return entries;
}
