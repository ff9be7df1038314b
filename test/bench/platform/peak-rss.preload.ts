/**
 * Loaded with `node -r` into a process the benchmark starts (the certificates CLI): at exit it
 * writes the process's peak resident set size — getrusage's ru_maxrss, the kernel's own high
 * -water mark, not a sample — as kilobytes into the file named by BENCH_PEAK_RSS_FILE.
 */
import fs from 'node:fs';

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) process.on('exit', () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
