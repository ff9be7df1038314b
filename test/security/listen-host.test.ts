/**
 * Finding 10 of issue #10: both HTTP listeners used to bind on every interface. `npm start`
 * (dist/server/main.js, as a person runs it) now binds to HOST, loopback by default: the
 * platform answers on 127.0.0.1 and nobody on the network reaches it on another address.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const MAIN = path.resolve(__dirname, '../../server/main.js');

/** A port free right now on every interface. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Resolves true when a TCP connection to host:port is accepted, false when it is refused or times out. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** This machine's first non-loopback IPv4 address, if it has one. */
function outsideAddress(): string | null {
  for (const addresses of Object.values(os.networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return null;
}

describe('security #10.10: HTTP listeners bind to HOST (loopback by default)', function () {
  this.timeout(120_000);
  let child: ChildProcess | undefined;
  let dataDir: string;
  after(() => {
    child?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('npm start without HOST listens on 127.0.0.1 only, platform and content origin', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-host-'));
    const [port, contentPort] = [await freePort(), await freePort()];
    child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, NODE_ENV: 'development', PORT: String(port), CONTENT_PORT: String(contentPort), DATA_DIR: dataDir, DEMO_DATA: 'off', STARTER_CONTENT: 'off', BCRYPT_COST: '4', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/platform running/.test(output) && /content origin/.test(output)) {
          clearInterval(timer);
          resolve();
        }
      }, 100);
      child!.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`main.js exited with ${code}:\n${output}`));
      });
    });
    expect(output).to.contain(`listening on 127.0.0.1:${port}`).and.contain(`listening on 127.0.0.1:${contentPort}`);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).to.equal(200);
    const outside = outsideAddress();
    if (outside) {
      // the proof that matters: the same port on the machine's network address is closed
      expect(await connects(outside, port), `platform reachable on ${outside}:${port}`).to.equal(false);
      expect(await connects(outside, contentPort), `content origin reachable on ${outside}:${contentPort}`).to.equal(false);
    }
  });

  it('a content port already in use stops npm start with a message naming the port and its setting (it used to serve with "listening on null")', async () => {
    const busyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-busy-'));
    const [port, contentPort] = [await freePort(), await freePort()];
    const squatter = net.createServer().listen(contentPort, '127.0.0.1');
    await new Promise((resolve) => squatter.once('listening', resolve));
    try {
      const busy = spawn(process.execPath, [MAIN], {
        env: { PATH: process.env.PATH, NODE_ENV: 'development', PORT: String(port), CONTENT_PORT: String(contentPort), DATA_DIR: busyDir, DEMO_DATA: 'off', STARTER_CONTENT: 'off', BCRYPT_COST: '4', LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      busy.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      busy.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => busy.kill('SIGKILL'), 90_000);
        busy.once('exit', (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
      expect(code, output).to.equal(1);
      expect(output).to.contain(`Cổng ${contentPort} (CONTENT_PORT) đang được chương trình khác sử dụng`).and.not.contain('listening on null');
    } finally {
      squatter.close();
      fs.rmSync(busyDir, { recursive: true, force: true });
    }
  });
});
