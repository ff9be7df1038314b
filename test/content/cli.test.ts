/** `npm run content:load`: loads a content folder, prints the Vietnamese summary; bad content → problems listed, exit 1. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { FIXTURES, editJson, fixtureCopy } from './helpers';

const SCRIPT = path.resolve(__dirname, '../../scripts/content-load.js');

describe('content: the content:load command', function () {
  this.timeout(120_000);
  let dataDir: string;

  function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test' };
    delete env.MONGODB_URI;
    return new Promise((resolve) => {
      execFile(process.execPath, [SCRIPT, ...args], { env }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    });
  }

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-test-content-cli-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('loads, then reports everything unchanged on a second run', async () => {
    const first = await run('--dir', FIXTURES);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('Đã nạp nội dung: thêm mới 2 học phần, cập nhật 0, giữ nguyên 0; thêm mới 6 câu hỏi, cập nhật 0');
    const second = await run('--dir', FIXTURES);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.contain('thêm mới 0 học phần, cập nhật 0, giữ nguyên 2; thêm mới 0 câu hỏi, cập nhật 0');
  });

  it('bad content: exit 1, each problem listed, nothing loaded', async () => {
    const copy = fixtureCopy();
    try {
      editJson(path.join(copy.dir, 'modules/giao-tiep/questions.json'), (list) => {
        list[0].options[1].correct = true;
      });
      editJson(path.join(copy.dir, 'modules/giao-tiep/module.json'), (m) => {
        m.code = 'TEST-MOI';
      });
      const result = await run('--dir', copy.dir);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.contain('Nội dung có 1 lỗi nên chưa ghi gì').and.contain('giao-tiep/questions.json [0].options: Câu hỏi một lựa chọn phải có đúng một phương án đúng');
      const again = await run('--dir', FIXTURES);
      expect(again.stdout).to.contain('thêm mới 0 học phần');
    } finally {
      copy.remove();
    }
  });

  it('an unknown argument: the usage, exit 2', async () => {
    const result = await run('--khong-co');
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('npm run content:load');
  });
});
