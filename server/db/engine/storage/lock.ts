/**
 * Exclusive ownership of a data directory.
 *
 * Two layers: a registry in this module (same thread; also catches a second open()
 * racing the first before the LOCK file exists) and a `LOCK` file created with O_EXCL
 * holding "pid\nstart-time\n". Worker threads share the pid but not this module, so a
 * LOCK naming our own pid is only treated as stale when its recorded process start
 * time differs from ours, i.e. it was left by an earlier process that had the same pid
 * (common in containers, where the server is always pid 1). A dead pid, or a zombie
 * (exited, not yet reaped by its parent), holds nothing. The start time and state come
 * from /proc/<pid>/stat (Linux); where unavailable, a live pid always counts as a holder.
 *
 * Takeover of a stale lock (unlink + O_EXCL create) has a small race if two processes
 * do it at the same instant; the winner is re-checked by reading the file back.
 */
import { readFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { LOCK_NAME } from './format';

const openDirs = new Set<string>();

/** Fields of /proc/<pid>/stat from field 3 (state) on (Linux), or null when unknown. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Process start time in clock ticks since boot (Linux), or null when unknown. */
function startTimeOf(pid: number): string | null {
  return statFields(pid)?.[19] ?? null; // field 22 overall = starttime
}

/**
 * True while `pid` can still use the directory. A zombie (state Z, or X while being
 * reaped) has exited and closed its files; it only waits for its parent to collect its
 * status, so a restart right after SIGKILL must not wait for that (kill(pid, 0) still
 * succeeds on a zombie).
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
  const state = statFields(pid)?.[0];
  return state !== 'Z' && state !== 'X' && state !== 'x';
}

const lockedError = (dir: string, pid: number | string, extra = ''): Error =>
  new Error(
    `Thư mục dữ liệu ${dir} đang được tiến trình PID ${pid} sử dụng / ` +
      `data directory ${dir} is locked by process PID ${pid}${extra}`,
  );

/**
 * The pid of the live process holding `dir`'s LOCK, or null when there is no LOCK or its
 * holder is gone (restore uses it to refuse a directory a running engine owns).
 */
export function lockHolder(dir: string): number | null {
  let text: string;
  try {
    text = readFileSync(join(dir, LOCK_NAME), 'utf8');
  } catch {
    return null;
  }
  const [pidText = '', start = ''] = text.split('\n');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  const current = startTimeOf(pid);
  return start !== '' && current !== null && current !== start ? null : pid;
}

/** Held lock on a directory; release() removes the LOCK file if it is still ours. */
export class DirLock {
  private released = false;
  private constructor(readonly dir: string, private readonly content: string) {}

  /**
   * Takes the lock on `dir` (an absolute, resolved path), or throws the "is locked by
   * process PID" error. `log` reports a stale lock being taken over.
   */
  static async acquire(dir: string, log: (m: string) => void): Promise<DirLock> {
    // Registered synchronously before any await, so concurrent open() calls see each other.
    if (openDirs.has(dir)) throw lockedError(dir, process.pid, ' (already open in this process)');
    openDirs.add(dir);
    try {
      const content = `${process.pid}\n${startTimeOf(process.pid) ?? ''}\n`;
      const path = join(dir, LOCK_NAME);
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await fsp.writeFile(path, content, { flag: 'wx', mode: 0o600 });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          await DirLock.removeIfStale(dir, path, log);
          continue;
        }
        if ((await fsp.readFile(path, 'utf8')) !== content) continue; // lost a takeover race
        return new DirLock(dir, content);
      }
      throw lockedError(dir, 'unknown', ' (could not take over the lock)');
    } catch (e) {
      openDirs.delete(dir);
      throw e;
    }
  }

  /** Throws if the LOCK file's holder is alive; removes the file if it is stale. */
  private static async removeIfStale(dir: string, path: string, log: (m: string) => void): Promise<void> {
    let text: string;
    let mtimeMs: number;
    try {
      [text, { mtimeMs }] = await Promise.all([fsp.readFile(path, 'utf8'), fsp.stat(path)]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // released meanwhile: retry
      throw e;
    }
    const [pidText = '', start = ''] = text.split('\n');
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0) {
      // Empty or garbled: either a crash right after O_EXCL create, or a holder that is
      // between create and write right now. Only an old file is safely stale.
      if (Date.now() - mtimeMs < 10_000) throw lockedError(dir, 'unknown', ' (its LOCK file is being written)');
    } else if (isAlive(pid)) {
      const current = startTimeOf(pid);
      const reused = start !== '' && current !== null && current !== start;
      if (!reused) throw lockedError(dir, pid, pid === process.pid ? ' (another thread of this process)' : '');
    }
    log(`storage: taking over stale lock of process ${pidText || '?'} in ${dir}`);
    try {
      await fsp.unlink(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  /** Removes the LOCK file (if it is still ours) and forgets the directory. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      const path = join(this.dir, LOCK_NAME);
      const text = await fsp.readFile(path, 'utf8').catch(() => null);
      if (text === this.content) await fsp.unlink(path);
    } finally {
      openDirs.delete(this.dir);
    }
  }
}
