/**
 * The TCP / unix-socket server: frames messages, runs them one at a time per connection
 * (as mongod does), and drops a connection that sends anything malformed while every
 * other connection carries on.
 */
import net from 'node:net';
import fs from 'node:fs';
import { Engine, type EngineOptions } from './engine';
import { parseMessage, encodeReply, MAX_MESSAGE_BYTES, ProtocolError } from './wire';
import { runCommand, type ConnectionInfo } from './commands';

export interface ServerOptions extends EngineOptions {
  /** TCP port; 0 picks a free one. Ignored when socketPath is given. */
  port?: number;
  host?: string;
  socketPath?: string;
}

export interface RunningServer {
  uri: string;
  engine: Engine;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const engine = await Engine.open(options);
  const counts = { current: 0, total: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    counts.current++;
    counts.total++;
    socket.on('close', () => {
      sockets.delete(socket);
      counts.current--;
    });
    serveConnection(engine, socket, { id: counts.total, connections: counts }, engine.log);
  });
  const address = await listen(server, options);
  if (engine.replicaSet) engine.replicaSet.me = options.socketPath ?? `${options.host ?? '127.0.0.1'}:${address}`;
  const uri = options.socketPath
    ? `mongodb://${encodeURIComponent(options.socketPath)}/?directConnection=true`
    : `mongodb://${options.host ?? '127.0.0.1'}:${address}/?directConnection=true`;
  return {
    uri,
    engine,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await engine.close();
      if (options.socketPath) fs.rmSync(options.socketPath, { force: true });
    },
  };
}

function listen(server: net.Server, options: ServerOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (options.socketPath) {
      fs.rmSync(options.socketPath, { force: true });
      server.listen(options.socketPath, () => {
        // the directory is owner-only already; the socket itself too, in case it is not
        fs.chmodSync(options.socketPath!, 0o600);
        resolve(0);
      });
    } else {
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    }
  });
}

/** Reads length-prefixed messages from a socket and answers them in order. */
function serveConnection(engine: Engine, socket: net.Socket, conn: ConnectionInfo, log: (m: string) => void): void {
  socket.setNoDelay(true);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let busy = false;
  const queue: Buffer[] = [];

  const drop = (reason: string) => {
    log(`closing connection ${conn.id}: ${reason}`);
    socket.destroy();
  };

  let expected = -1; // length of the message being received, once its header is in
  socket.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    for (;;) {
      if (expected < 0) {
        if (pendingBytes < 4) break;
        if (pending[0].length < 4) pending = [Buffer.concat(pending)];
        expected = pending[0].readInt32LE(0);
        if (expected < 16 || expected > MAX_MESSAGE_BYTES) return drop(`invalid message length ${expected}`);
      }
      if (pendingBytes < expected) break;
      // concatenate once per complete message, never per chunk
      const all = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      queue.push(all.subarray(0, expected));
      const rest = all.subarray(expected);
      pending = rest.length ? [rest] : [];
      pendingBytes = rest.length;
      expected = -1;
    }
    if (!busy) void drain();
  });
  socket.on('error', () => socket.destroy());

  async function drain(): Promise<void> {
    busy = true;
    try {
      while (queue.length && !socket.destroyed) {
        const msg = queue.shift()!;
        let req;
        try {
          req = parseMessage(msg);
        } catch (e) {
          return drop(e instanceof ProtocolError ? e.message : `unreadable message: ${(e as Error).message}`);
        }
        const reply = await runCommand(engine, req, conn);
        if (!req.moreToCome && !socket.destroyed) {
          socket.cork();
          for (const part of encodeReply(req, reply)) socket.write(part);
          socket.uncork();
        }
      }
    } catch (e) {
      drop(`internal error: ${(e as Error).message}`);
    } finally {
      busy = false;
    }
  }
}
