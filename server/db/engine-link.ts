/**
 * A direct link to the embedded engine for the reads every page makes and the quiz's
 * writes (issue #16, through server/db/raw.ts): the same OP_MSG commands the driver sends,
 * over the same owner-only unix socket, without the driver's per-command machinery
 * (implicit sessions, server selection, pool checkout, command monitoring, options).
 * Measured on the embedded engine, a `find` by _id costs about a third of the CPU (both
 * threads) it costs through the driver; the saving is per round trip, and a page makes
 * several (`npm run bench:round-trip`; docs/benchmarks.md "Round trips").
 *
 * Reads share a few sockets (each reply carries the id of its request), so under load the
 * engine takes several in one go instead of waking up once per request. The engine answers
 * a socket's requests in order, and a write's answer waits for its journal sync: writes
 * have sockets of their own, one each while there are free ones. Transactions (sessions)
 * stay on the driver.
 *
 * Only for the embedded engine (MONGODB_URI unset): a real MongoDB needs authentication,
 * TLS and the driver's topology handling, and gets the driver (server/db/raw.ts).
 */
import net from 'node:net';
import { deserialize, serialize, type Document } from 'bson';
import { MongoServerError, type MongoClient } from 'mongodb';

const OP_MSG = 2013;
/** message header (16 bytes), flagBits (4), section kind 0 (1) */
const PREFIX = 21;

interface Waiting {
  resolve(reply: Document): void;
  reject(error: Error): void;
}

/** One socket to the engine and the requests waiting on it, by request id. */
class Channel {
  readonly waiting = new Map<number, Waiting>();
  private readonly socket: net.Socket;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private closed: Error | null = null;
  private corked = false;

  constructor(socketPath: string, onClose: (channel: Channel) => void) {
    this.socket = net.connect(socketPath);
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => {
      this.fail(new Error('the link to the embedded engine closed'));
      onClose(this);
    });
  }

  get usable(): boolean {
    return this.closed === null;
  }

  send(id: number, message: Buffer, waiting: Waiting): void {
    if (this.closed) return waiting.reject(this.closed);
    this.waiting.set(id, waiting);
    // requests made in the same turn (the continuations of replies that arrived together,
    // a page's parallel reads) leave in one write: a write is a system call (~15 µs)
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(message);
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes >= 4) {
      // the length from the first chunk; joined only once the whole message is here (joining on every chunk cost
      // a 16 MiB reply about 0.5 s of copying)
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : Buffer.concat(this.chunks);
      const length = head.readInt32LE(0);
      if (this.bytes < length) return;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      const rest = all.subarray(length);
      this.chunks = rest.length ? [rest] : [];
      this.bytes = rest.length;
      this.answer(all.subarray(0, length));
    }
  }

  private answer(message: Buffer): void {
    const responseTo = message.readInt32LE(8);
    const waiting = this.waiting.get(responseTo);
    if (!waiting) return;
    this.waiting.delete(responseTo);
    if (message.readInt32LE(12) !== OP_MSG || message[20] !== 0) return waiting.reject(new Error('the embedded engine answered in an unexpected form'));
    let reply: Document;
    try {
      reply = deserialize(message.subarray(PREFIX));
    } catch (e) {
      return waiting.reject(e as Error);
    }
    // the driver's own error class: callers test codes (11000 …) the same way whichever path answered
    if (reply['ok'] !== 1) return waiting.reject(new MongoServerError(reply));
    waiting.resolve(reply);
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}

/** Reads share a few sockets; a write (which waits for its journal sync) gets one of its own when it can. */
const POOLS = { read: { sockets: 4 }, write: { sockets: 16 } } as const;
export type CommandKind = keyof typeof POOLS;

export class EngineLink {
  private readonly pools: Record<CommandKind, Channel[]> = { read: [], write: [] };
  private nextId = 1;
  private stopped = false;

  constructor(private readonly socketPath: string) {}

  /**
   * Runs `command` against database `db` and resolves with the engine's reply; an `ok: 0`
   * reply, or a write's first write error, rejects as the driver would (MongoServerError).
   */
  async command(db: string, command: Document, kind: CommandKind = 'read'): Promise<Document> {
    if (this.stopped) throw new Error('the link to the embedded engine is closed');
    const id = this.nextId++;
    if (this.nextId > 0x7fffffff) this.nextId = 1;
    const body = serialize({ ...command, $db: db });
    const message = Buffer.allocUnsafe(PREFIX + body.length);
    message.writeInt32LE(PREFIX + body.length, 0);
    message.writeInt32LE(id, 4);
    message.writeInt32LE(0, 8);
    message.writeInt32LE(OP_MSG, 12);
    message.writeUInt32LE(0, 16);
    message[20] = 0;
    message.set(body, PREFIX);
    const reply = await new Promise<Document>((resolve, reject) => this.channel(kind).send(id, message, { resolve, reject }));
    const failed = (reply['writeErrors'] as Document[] | undefined)?.[0] ?? (reply['writeConcernError'] as Document | undefined);
    if (failed) throw new MongoServerError({ ...failed, message: String(failed['errmsg'] ?? 'write failed') });
    return reply;
  }

  close(): void {
    this.stopped = true;
    for (const pool of Object.values(this.pools)) for (const channel of pool) channel.close();
    this.pools.read = [];
    this.pools.write = [];
  }

  /** An idle socket of the pool; else a new one while the pool has room; else the least busy (closed ones are dropped). */
  private channel(kind: CommandKind): Channel {
    const pool = (this.pools[kind] = this.pools[kind].filter((c) => c.usable));
    let best: Channel | undefined;
    for (const c of pool) if (!best || c.waiting.size < best.waiting.size) best = c;
    if (best && (best.waiting.size === 0 || pool.length >= POOLS[kind].sockets)) return best;
    const opened = new Channel(this.socketPath, (closed) => (this.pools[kind] = this.pools[kind].filter((c) => c !== closed)));
    pool.push(opened);
    return opened;
  }
}

const links = new WeakMap<MongoClient, EngineLink>();

/** Sends the hot reads and writes of `client`'s connection (server/db/raw.ts) over `link` (connectDatabase does it for the embedded engine). */
export function attachEngineLink(client: MongoClient, link: EngineLink): void {
  links.set(client, link);
}

/** The link of `client`, when it is connected to this process's embedded engine. */
export function engineLinkOf(client: MongoClient): EngineLink | undefined {
  return links.get(client);
}
