/**
 * Conformance-suite harness. Every test talks to a server over the wire through the
 * official driver (or mongoose): a real MongoDB when MONGODB_URI is set, otherwise the
 * embedded engine started in-process once for the whole mocha run.
 *
 * The root `after` hook below is registered exactly once (module cache) when the first
 * test file imports this module; it closes every client made by `newClient` and stops
 * the embedded engine.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { expect } from 'chai';
import { deserialize, Long, serialize, type Document } from 'bson';
import { MongoClient, MongoServerError, type MongoClientOptions } from 'mongodb';
import { startEmbeddedMongo } from '../../server/db/engine';

export interface TestServer {
  uri: string;
  embedded: boolean;
}

let serverPromise: Promise<TestServer> | undefined;
let stopEmbedded: (() => Promise<void>) | undefined;
let dataDir: string | undefined;
const clients = new Set<MongoClient>();

async function startServer(): Promise<TestServer> {
  const fromEnv = process.env.MONGODB_URI;
  if (fromEnv) return { uri: fromEnv, embedded: false };
  dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'engine-conformance-'));
  const engine = await startEmbeddedMongo({ dataDir, port: 0 });
  stopEmbedded = () => engine.stop();
  return { uri: engine.uri, embedded: true };
}

/** The server for this mocha run (started on first use). */
export function getTestServer(): Promise<TestServer> {
  if (!serverPromise) serverPromise = startServer();
  return serverPromise;
}

/** A connected MongoClient, closed by the root after hook. */
export async function newClient(opts: MongoClientOptions = {}): Promise<MongoClient> {
  const { uri } = await getTestServer();
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, ...opts });
  clients.add(client);
  await client.connect();
  return client;
}

/** A fresh database name; each test file uses its own and drops it afterwards. */
export function uniqueDbName(prefix: string): string {
  return `t_${prefix}_${randomBytes(4).toString('hex')}`;
}

if (typeof after === 'function') {
  after(async function () {
    this.timeout(60_000);
    const all = [...clients];
    clients.clear();
    await Promise.allSettled(all.map((c) => c.close()));
    try {
      if (stopEmbedded) await stopEmbedded();
    } finally {
      if (dataDir) await fs.promises.rm(dataDir, { recursive: true, force: true });
    }
  });
}

// ---------------------------------------------------------------- small helpers

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Awaits `p`, asserts it rejected with a MongoServerError (optionally of `code`), returns it. */
export async function expectServerError(p: Promise<unknown>, code?: number): Promise<MongoServerError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, 'expected the operation to fail').to.be.instanceOf(Error);
  expect(err, String(err)).to.be.instanceOf(MongoServerError);
  const se = err as MongoServerError;
  if (code !== undefined) expect(se.code, `${se.codeName}: ${se.message}`).to.equal(code);
  return se;
}

/** A cursor id as an int64, whatever the driver promoted it to. */
export function asLong(id: unknown): Long {
  if (Long.isLong(id)) return id;
  if (typeof id === 'bigint') return Long.fromBigInt(id);
  if (typeof id === 'number') return Long.fromNumber(id);
  throw new Error(`not a cursor id: ${String(id)}`);
}

/** True when some node of an explain plan tree has `stage === name`. */
export function planHasStage(plan: unknown, name: string): boolean {
  if (Array.isArray(plan)) return plan.some((p) => planHasStage(p, name));
  if (plan && typeof plan === 'object') {
    const o = plan as Record<string, unknown>;
    if (o.stage === name) return true;
    return Object.values(o).some((v) => planHasStage(v, name));
  }
  return false;
}

/** Sets server parameters on the admin database (real MongoDB: `setParameter`). */
export async function setServerParameters(client: MongoClient, params: Document): Promise<void> {
  const res = await client.db('admin').command({ setParameter: 1, ...params });
  expect(res.ok).to.equal(1);
}

// ---------------------------------------------------------------- raw wire access

/** host/port (or unix socket path) of the primary the client talks to. */
export async function serverAddress(client: MongoClient): Promise<net.NetConnectOpts> {
  const { uri } = await getTestServer();
  const hello = await client.db('admin').command({ hello: 1 });
  let hostPort: string;
  if (typeof hello.primary === 'string') {
    hostPort = hello.primary;
  } else {
    const rest = uri.replace(/^mongodb:\/\//, '');
    const hosts = rest.split(/[/?]/)[0];
    hostPort = hosts.slice(hosts.lastIndexOf('@') + 1).split(',')[0];
  }
  const decoded = decodeURIComponent(hostPort);
  if (decoded.startsWith('/')) return { path: decoded };
  const i = decoded.lastIndexOf(':');
  if (i < 0) return { host: decoded, port: 27017 };
  return { host: decoded.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(decoded.slice(i + 1)) };
}

let nextRequestId = 1000;

/** Builds an OP_MSG with one kind-0 section (and optional kind-1 sequences). */
export function buildOpMsg(body: Document, sequences: Record<string, Document[]> = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [id, docs] of Object.entries(sequences)) {
    const payload = Buffer.concat([Buffer.from(id + '\0', 'utf8'), ...docs.map((d) => Buffer.from(serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const sections = Buffer.concat(parts);
  const header = Buffer.alloc(20);
  header.writeInt32LE(20 + sections.length, 0);
  header.writeInt32LE(nextRequestId++, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12);
  header.writeUInt32LE(0, 16); // flagBits
  return Buffer.concat([header, sections]);
}

/** A bare TCP (or unix socket) connection that speaks OP_MSG without the driver. */
export class RawConnection {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {
      /* surfaced through `closed` */
    });
  }

  static async open(client: MongoClient): Promise<RawConnection> {
    const addr = await serverAddress(client);
    const socket = net.connect(addr);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawConnection(socket);
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  private waitForChange(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends an OP_MSG and returns the body of the OP_MSG reply. */
  async command(body: Document, sequences: Record<string, Document[]> = {}, timeoutMs = 15_000): Promise<Document> {
    this.write(buildOpMsg(body, sequences));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buf.length >= 4) {
        const len = this.buf.readInt32LE(0);
        if (this.buf.length >= len) {
          const msg = this.buf.subarray(0, len);
          this.buf = this.buf.subarray(len);
          expect(msg.readInt32LE(12), 'reply opCode').to.equal(2013);
          expect(msg[20], 'reply section kind').to.equal(0);
          return deserialize(msg.subarray(21), { promoteLongs: false });
        }
      }
      if (this.closed) throw new Error('connection closed before a reply arrived');
      if (Date.now() >= deadline) throw new Error('no reply within timeout');
      await this.waitForChange(deadline);
    }
  }

  /** Resolves true once the peer closed the connection, false after timeoutMs. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await this.waitForChange(deadline);
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Schema-less document type for collections whose `_id` is not an ObjectId. */
export type Loose = any;
