/**
 * One load run with autocannon against a server child: a warm-up run (not counted: JIT,
 * view cache, database caches), then the measured run, with the child's CPU read just
 * before and just after it. Every response's latency is kept so p50/p95/p99 are exact
 * (autocannon's own summary has no p95).
 */
import autocannon from 'autocannon';
import type { Usage, ServerChild } from './server-child-control';
import { percentile } from './common';

export interface LoadOptions {
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** headers (and body) of the next request: called for every request, so each can be another account */
  next(): { headers: Record<string, string>; body?: string; path?: string };
}

export interface LoadResult {
  connections: number;
  /** responses received in the measured run */
  requests: number;
  seconds: number;
  /** responses per second */
  rps: number;
  /** latency percentiles, ms */
  p50: number;
  p95: number;
  p99: number;
  /** connection errors + timeouts */
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** server process CPU (user + system, all threads incl. the engine worker) per response, ms */
  cpuMsPerRequest: number;
  /** server CPU time / wall time: how many of the machine's cores the server kept busy */
  serverCores: number;
  /** the same for this process (autocannon): on 2 cores, what the load generator took from the server */
  clientCores: number;
  serverRss: number;
}

function once(url: string, options: LoadOptions, seconds: number, latencies: number[] | null): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: options.connections,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            method: options.method,
            path: options.path,
            // called by autocannon before every request
            setupRequest: (request) => {
              const { headers, body, path } = options.next();
              return { ...request, ...(path === undefined ? {} : { path }), headers: { ...request.headers, ...headers }, ...(body === undefined ? {} : { body }) };
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    if (latencies) instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

export async function runLoad(server: ServerChild, options: LoadOptions): Promise<LoadResult> {
  const url = server.base + options.path;
  if (options.warmupSeconds > 0) await once(url, options, options.warmupSeconds, null);
  const latencies: number[] = [];
  const before: Usage = await server.usage();
  const client = process.cpuUsage();
  const started = performance.now();
  const result = await once(url, options, options.seconds, latencies);
  const wallMs = performance.now() - started;
  const clientCpu = process.cpuUsage(client);
  const after = await server.usage();
  latencies.sort((a, b) => a - b);
  const cpuMs = (after.cpuMicros - before.cpuMicros) / 1000;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]));
  return {
    connections: options.connections,
    requests: latencies.length,
    seconds: wallMs / 1000,
    rps: latencies.length / (wallMs / 1000),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: result.errors, // includes timeouts
    non2xx: result.non2xx,
    statusCodes,
    cpuMsPerRequest: latencies.length ? cpuMs / latencies.length : NaN,
    serverCores: cpuMs / wallMs,
    clientCores: (clientCpu.user + clientCpu.system) / 1000 / wallMs,
    serverRss: after.rss,
  };
}
