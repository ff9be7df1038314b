/** `npm start`: configuration → platform (database, demo data) → HTTP server; SIGTERM / SIGINT close both cleanly. */
import type { AddressInfo } from 'node:net';
import { env } from './env';
import { startPlatform } from './platform';

/** host:port of a listening server, for the start-up lines (HOST says which interfaces). */
function listening(address: string | AddressInfo | null): string {
  if (!address || typeof address === 'string') return String(address);
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

async function main(): Promise<void> {
  const config = env();
  const platform = await startPlatform(config);
  const server = platform.app.listen(config.PORT, config.HOST, () => {
    const url = config.PUBLIC_URL;
    console.log(platform.database.embedded ? `Cơ sở dữ liệu nhúng / embedded database: ${config.DATA_DIR}/db` : 'Đã kết nối MongoDB / connected to MONGODB_URI');
    if (platform.demo.loaded) console.log(`Đã nạp dữ liệu mẫu / demo province loaded: ${platform.demo.units} đơn vị, ${platform.demo.officers} cán bộ`);
    if (platform.starter) console.log(`Đã nạp học phần mẫu / starter modules loaded: ${platform.starter.modules} học phần, ${platform.starter.questions} câu hỏi`);
    if (platform.demo.logins.length > 0) {
      console.log(`Tài khoản mẫu / demo logins (mật khẩu / password: DEMO_PASSWORD, mặc định "${config.DEMO_PASSWORD === 'VanHoaCongVu@2026' ? config.DEMO_PASSWORD : '…'}"):`);
      for (const login of platform.demo.logins) console.log(`  ${login}`);
    }
    console.log(`Nền tảng đang chạy / platform running at ${url}/login (lắng nghe / listening on ${listening(server.address())})`);
  });
  // package files and players: another host (CONTENT_ORIGIN), so the session cookie never goes there
  const contentServer = platform.contentApp.listen(config.CONTENT_PORT, config.HOST, () => {
    console.log(`Nguồn nội dung gói / content origin: ${config.CONTENT_ORIGIN} (lắng nghe / listening on ${listening(contentServer.address())})`);
  });
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
