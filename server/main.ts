/** `npm start`: configuration → platform (database, demo data) → HTTP server; SIGTERM / SIGINT close both cleanly. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { env } from './env';
import { startPlatform } from './platform';

/** host:port of a listening server, for the start-up lines (HOST says which interfaces). */
function listening(address: string | AddressInfo | null): string {
  if (!address || typeof address === 'string') return String(address);
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

/**
 * Listens on `port`, or fails with a message naming the port and its setting: express 5
 * hands a listen error to the callback, which would otherwise print "listening on null"
 * and serve nothing.
 */
function listen(app: { listen: (port: number, host: string, callback: (error?: Error) => void) => Server }, port: number, host: string, setting: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (!error) return resolve(server);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') reject(new Error(`Cổng ${port} (${setting}) đang được chương trình khác sử dụng: hãy dừng chương trình đó hoặc đặt ${setting} khác. / Port ${port} (${setting}) is already in use.`));
      else if (code === 'EACCES') reject(new Error(`Không được phép lắng nghe trên cổng ${port} (${setting}). / Not allowed to listen on port ${port} (${setting}).`));
      else reject(error);
    });
  });
}

async function main(): Promise<void> {
  const config = env();
  const platform = await startPlatform(config);
  let server: Server;
  let contentServer: Server;
  try {
    server = await listen(platform.app, config.PORT, config.HOST, 'PORT');
    // package files and players: another host (CONTENT_ORIGIN), so the session cookie never goes there
    contentServer = await listen(platform.contentApp, config.CONTENT_PORT, config.HOST, 'CONTENT_PORT');
  } catch (error) {
    await platform.close().catch(() => undefined);
    throw error;
  }
  const url = config.PUBLIC_URL;
  console.log(platform.database.embedded ? `Cơ sở dữ liệu nhúng / embedded database: ${config.DATA_DIR}/db` : 'Đã kết nối MongoDB / connected to MONGODB_URI');
  if (platform.demo.loaded) console.log(`Đã nạp dữ liệu mẫu / demo province loaded: ${platform.demo.units} đơn vị, ${platform.demo.officers} cán bộ`);
  if (platform.starter) console.log(`Đã nạp học phần mẫu / starter modules loaded: ${platform.starter.modules} học phần, ${platform.starter.questions} câu hỏi`);
  if (platform.demo.logins.length > 0) {
    console.log(`Tài khoản mẫu / demo logins (mật khẩu / password: DEMO_PASSWORD, mặc định "${config.DEMO_PASSWORD === 'VanHoaCongVu@2026' ? config.DEMO_PASSWORD : '…'}"):`);
    for (const login of platform.demo.logins) console.log(`  ${login}`);
  }
  console.log(`Nền tảng đang chạy / platform running at ${url}/login (lắng nghe / listening on ${listening(server.address())})`);
  console.log(`Nguồn nội dung gói / content origin: ${config.CONTENT_ORIGIN} (lắng nghe / listening on ${listening(contentServer.address())})`);
  const stop = () => {
    server.close();
    contentServer.close();
    platform.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
