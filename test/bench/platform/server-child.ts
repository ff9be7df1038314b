/**
 * Child-process entry of the platform benchmark: serves either the platform (mode
 * "platform", configured by the environment exactly like server/main.ts would be, on the
 * benchmark's DATA_DIR) or a bare Express "hello" route (mode "bare", the ceiling), on
 * 127.0.0.1 and a free port. Over IPC it reports {ready, port}, answers "usage" with
 * process.cpuUsage() (µs, user + system of every thread of this process, so the embedded
 * engine's worker thread is included) and RSS, and exits cleanly on "stop".
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { parseEnv } from '../../../server/env';
import { startPlatform, type Platform } from '../../../server/platform';

type Command = { type: 'usage' } | { type: 'stop' };

async function main(): Promise<void> {
  const mode = process.argv[2];
  let platform: Platform | null = null;
  let app: express.Express;
  if (mode === 'platform') {
    platform = await startPlatform(parseEnv(process.env));
    app = platform.app;
  } else if (mode === 'bare') {
    app = express();
    app.get('/', (_req, res) => {
      res.send('hello');
    });
  } else {
    throw new Error(`unknown mode "${mode}" (platform | bare)`);
  }
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  // the content origin (package files, players, commits) on a port of its own
  const contentServer: Server | null = platform
    ? await new Promise((resolve) => {
        const s = platform!.contentApp.listen(0, '127.0.0.1', () => resolve(s));
      })
    : null;
  process.on('message', (command: Command) => {
    if (command.type === 'usage') {
      process.send!({ type: 'usage', cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
    } else if (command.type === 'stop') {
      server.close();
      server.closeAllConnections();
      contentServer?.close();
      contentServer?.closeAllConnections();
      void (platform ? platform.close() : Promise.resolve()).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    }
  });
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port, contentPort: contentServer ? (contentServer.address() as AddressInfo).port : null });
}

main().catch((e: Error) => {
  console.error(`benchmark server child failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
