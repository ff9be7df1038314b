/** `npm start`: configuration → platform (database, demo data) → HTTP server; SIGTERM / SIGINT close both cleanly. */
import { env } from './env';
import { startPlatform } from './platform';

async function main(): Promise<void> {
  const config = env();
  const platform = await startPlatform(config);
  const server = platform.app.listen(config.PORT, () => {
    const url = config.PUBLIC_URL;
    console.log(platform.database.embedded ? `Cơ sở dữ liệu nhúng / embedded database: ${config.DATA_DIR}/db` : 'Đã kết nối MongoDB / connected to MONGODB_URI');
    if (platform.demo.loaded) console.log(`Đã nạp dữ liệu mẫu / demo province loaded: ${platform.demo.units} đơn vị, ${platform.demo.officers} cán bộ`);
    if (platform.starter) console.log(`Đã nạp học phần mẫu / starter modules loaded: ${platform.starter.modules} học phần, ${platform.starter.questions} câu hỏi`);
    if (platform.demo.logins.length > 0) {
      console.log(`Tài khoản mẫu / demo logins (mật khẩu / password: DEMO_PASSWORD, mặc định "${config.DEMO_PASSWORD === 'VanHoaCongVu@2026' ? config.DEMO_PASSWORD : '…'}"):`);
      for (const login of platform.demo.logins) console.log(`  ${login}`);
    }
    console.log(`Nền tảng đang chạy / platform running at ${url}/login`);
  });
  // package files and players: another host (CONTENT_ORIGIN), so the session cookie never goes there
  const contentServer = platform.contentApp.listen(config.CONTENT_PORT, () => {
    console.log(`Nguồn nội dung gói / content origin: ${config.CONTENT_ORIGIN} (cổng / port ${config.CONTENT_PORT})`);
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
