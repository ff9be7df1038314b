/**
 * Worker-thread entry: runs the engine's server off the web server's event loop, so a
 * long query or a checkpoint never delays an HTTP response.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startServer, type ServerOptions } from './server';

const port = parentPort!;
startServer({ ...(workerData as ServerOptions), log: (msg) => port.postMessage({ type: 'log', msg }) })
  .then((server) => {
    port.postMessage({ type: 'ready', uri: server.uri });
    port.on('message', (m: { type: string }) => {
      if (m.type !== 'stop') return;
      server.close().then(
        () => port.postMessage({ type: 'stopped' }),
        (e: Error) => port.postMessage({ type: 'stopped', error: e.message }),
      );
    });
  })
  .catch((e: Error) => port.postMessage({ type: 'error', error: e.message }));
