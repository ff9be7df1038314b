/**
 * The process's Prometheus metrics (prom-client), in one registry of its own. Counters are
 * module-level so any layer can count (sign-in failures, mails) without a service to carry
 * them; figures that live in the database (engine, jobs) are read at scrape time.
 */
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'vhcv_' });

export const httpDuration = new client.Histogram({
  name: 'vhcv_http_request_duration_seconds',
  help: 'HTTP request duration by route pattern, method and status, in seconds',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const signInFailures = new client.Counter({
  name: 'vhcv_sign_in_failures_total',
  help: 'Refused sign-ins: reason="invalid" (wrong login or password) or "locked" (lockout)',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const mails = new client.Counter({
  name: 'vhcv_mails_total',
  help: 'E-mails handed to SMTP or the outbox (result="sent") or refused (result="failed")',
  labelNames: ['result', 'via'] as const,
  registers: [registry],
});

export const jobs = new client.Gauge({
  name: 'vhcv_jobs',
  help: 'Background jobs stored, by status (queued + running = queue depth; failed = kept failures)',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const engineJournalBytes = new client.Gauge({ name: 'vhcv_engine_journal_bytes', help: 'Embedded engine: journal bytes since the last checkpoint (what start-up would replay)', registers: [registry] });
export const engineFsyncs = new client.Gauge({ name: 'vhcv_engine_journal_fsyncs_total', help: 'Embedded engine: journal flushes (one fdatasync each) since the engine started', registers: [registry] });
export const engineFsyncSeconds = new client.Gauge({ name: 'vhcv_engine_journal_fsync_seconds_total', help: 'Embedded engine: time in journal fdatasync since the engine started, in seconds (÷ fsyncs = mean latency)', registers: [registry] });
export const engineCheckpoints = new client.Gauge({ name: 'vhcv_engine_checkpoints_total', help: 'Embedded engine: checkpoints finished since the engine started', registers: [registry] });
export const engineCheckpointSeconds = new client.Gauge({ name: 'vhcv_engine_checkpoint_seconds_total', help: 'Embedded engine: time spent writing checkpoints, in seconds', registers: [registry] });
export const engineLastCheckpointSeconds = new client.Gauge({ name: 'vhcv_engine_last_checkpoint_seconds', help: 'Embedded engine: duration of the last checkpoint, in seconds', registers: [registry] });
export const engineOpenCursors = new client.Gauge({ name: 'vhcv_engine_open_cursors', help: 'Database: open cursors', registers: [registry] });
