/** `npm start`: configuration → database → HTTP server; SIGTERM / SIGINT close both cleanly. */
import { env } from './env';
import { connectDatabase } from './db/connect';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = env();
  const db = await connectDatabase({ uri: config.MONGODB_URI, dataDir: config.DATA_DIR, log: (m) => console.log(`[engine] ${m}`) });
  console.log(db.embedded ? `Cơ sở dữ liệu nhúng / embedded database in ${config.DATA_DIR}/db` : 'Đã kết nối MongoDB / connected to MONGODB_URI');
  const server = createApp({ connection: db.connection }).listen(config.PORT, () => {
    console.log(`Nền tảng đang chạy / platform running at http://localhost:${config.PORT}`);
  });
  const stop = () => {
    server.close();
    db.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
