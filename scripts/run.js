#!/usr/bin/env node
// Runs a compiled entry point (dist/…), compiling first when the TypeScript sources are
// newer than the last build — so `npm start` works on a fresh clone and starts at once
// afterwards. Usage: node scripts/run.js dist/server/main.js [args…]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');

/** The newest modification time (ms) of the files the build reads. */
function newestSource() {
  let newest = fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of ['server', 'scripts', 'test']) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

function built() {
  try {
    return fs.statSync(stamp).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.js dist/<entry>.js [args…]');
  process.exit(2);
}
if (!built()) {
  console.error('Đang biên dịch TypeScript / compiling TypeScript…');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  fs.writeFileSync(stamp, new Date().toISOString());
}
// run the entry in this process, so signals (Ctrl-C, SIGTERM) reach it directly
process.argv = [process.argv[0], path.resolve(root, entry), ...args];
require(path.resolve(root, entry));
