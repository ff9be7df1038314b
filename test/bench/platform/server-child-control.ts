/** Parent side of server-child.ts: start it, ask for its CPU usage, stop it. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { scriptNodeFlags } from './common';

export interface Usage {
  /** µs of CPU (user + system) the child process has used since it started */
  cpuMicros: number;
  rss: number;
}

export interface ServerChild {
  base: string;
  /** the content origin's listener (platform mode only) */
  contentBase: string | null;
  usage(): Promise<Usage>;
  stop(): Promise<void>;
}

/**
 * Forks server-child.js in `mode` with `env` and resolves once it listens, with the node flags
 * of `npm start` (package.json). BENCH_CHILD_ARGS adds more, e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof" to profile the server.
 */
export async function startServerChild(mode: 'platform' | 'bare', env: Record<string, string>): Promise<ServerChild> {
  const child: ChildProcess = fork(path.join(__dirname, 'server-child.js'), [mode], { env: { ...process.env, ...env }, execArgv: [...scriptNodeFlags('start'), ...(process.env.BENCH_CHILD_ARGS ?? '').split(' ').filter(Boolean)], stdio: 'inherit' });
  const { port, contentPort } = await new Promise<{ port: number; contentPort: number | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server child (${mode}) exited with code ${code} before it listened`)));
    child.on('message', (m: { type: string; port?: number; contentPort?: number | null }) => {
      if (m.type === 'ready') resolve({ port: m.port!, contentPort: m.contentPort ?? null });
    });
  });
  child.removeAllListeners('exit');
  return {
    base: `http://127.0.0.1:${port}`,
    contentBase: contentPort === null ? null : `http://127.0.0.1:${contentPort}`,
    usage: () =>
      new Promise<Usage>((resolve) => {
        const onMessage = (m: { type: string; cpu?: NodeJS.CpuUsage; rss?: number }) => {
          if (m.type !== 'usage') return;
          child.off('message', onMessage);
          resolve({ cpuMicros: m.cpu!.user + m.cpu!.system, rss: m.rss! });
        };
        child.on('message', onMessage);
        child.send({ type: 'usage' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' });
      }),
  };
}
