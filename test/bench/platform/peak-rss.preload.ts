/**
 * Loaded with `node -r` into a process the benchmark starts (the certificates CLI): at exit it
 * writes the process's peak resident set size — the kernel's own high-water mark, not a
 * sample — as JSON `{ hwmKb, maxRssKb }` into the file named by BENCH_PEAK_RSS_FILE.
 *
 * `hwmKb` is VmHWM of /proc/self/status: the high-water mark of this process's own memory
 * map. getrusage's ru_maxrss (`maxRssKb`) is not that: Linux carries the spawning process's
 * RSS over the exec into it (a parent at 842 MB made a child that allocated nothing report
 * 804 MB), so a child of the benchmark — which holds the platform and its data — reported
 * the benchmark's size, not its own. Off Linux (no /proc) `hwmKb` is null.
 */
import fs from 'node:fs';

function vmHwmKb(): number | null {
  try {
    const line = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return line ? Number(line[1]) : null;
  } catch {
    return null;
  }
}

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) process.on('exit', () => fs.writeFileSync(file, JSON.stringify({ hwmKb: vmHwmKb(), maxRssKb: process.resourceUsage().maxRSS })));
