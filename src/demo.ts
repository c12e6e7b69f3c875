import { loadConfigOrExit, type Config } from './config';
import { formatPhone } from './domain/shared/phone';
import { resetDemoData, seedDemoRuntime, type DemoSeedReport } from './demoScenario';
import { demoStaffAccounts, tryThis } from './demoScenario/people';
import { startRuntime, stopOnSignals } from './runtime';

/**
 * `npm run demo`: the whole service on one machine without Zalo. Web and worker roles, the built-in Zalo
 * simulator, a private Redis and SQLite under ./data, mail written to ./data/mail. Seeds a fictional registry
 * and a story that exercises every flow on first start, registers the simulated Zalo users, and prints where
 * to go, a login per staff role (once) and what to try. `npm run demo -- --reset` starts over from fresh data.
 */

function banner(base: string, config: Config, report: DemoSeedReport): string {
  const { registry } = report;
  const lines = [
    '',
    '  CadreCare đang chạy (trình mô phỏng Zalo, không gửi gì ra ngoài)',
    '  ───────────────────────────────────────────────────────────────',
    `  Trò chuyện Zalo (mô phỏng):  ${base}/dev/chat`,
    `  Hộp thư (email đã gửi):      ${base}/dev/mail`,
    `  Đăng nhập nhân viên:         ${base}/staff/login`,
    '',
    report.scenarioSeeded
      ? `  Đã tạo dữ liệu mẫu: ${registry.clinics} phòng khám, ${registry.cadres} cán bộ (${registry.frail} người yếu), đợt khám đang mở, kết quả, yêu cầu, thông báo.`
      : `  Dữ liệu: ${registry.clinics} phòng khám, ${registry.cadres} cán bộ (đã có từ lần chạy trước; bắt đầu lại: npm run demo -- --reset).`,
  ];
  if (report.createdLogins.length) {
    lines.push('', '  Tài khoản nhân viên (mật khẩu chỉ in một lần, hãy ghi lại):');
    const width = Math.max(...report.createdLogins.map((l) => l.account.username.length));
    for (const { account, password } of report.createdLogins) {
      lines.push(`    ${account.username.padEnd(width)}  ${password}   ${account.fullName}: ${account.shows}`);
    }
  } else {
    lines.push('', `  Tài khoản nhân viên: ${demoStaffAccounts.map((a) => a.username).join(', ')} (mật khẩu đã in ở lần chạy đầu).`);
  }
  lines.push('', '  Người dùng Zalo mô phỏng (mở mỗi người trong một thẻ):');
  for (const u of report.users) {
    const who = u.cadre ? `cán bộ ${u.cadre.code}, sinh ${u.cadre.birthDate.split('-').reverse().join('/')}` : 'không có trong danh sách cán bộ';
    lines.push(`    ${u.displayName} · ${formatPhone(u.phone)} (${who})`, `      ${u.shows}`, `      ${base}/dev/chat?user=${u.userId}`);
  }
  const first = report.users[0]!;
  lines.push('', `  Thử ngay, với ${first.displayName}:`);
  tryThis.forEach((t, i) => lines.push(`    ${i + 1}. "${t.text}": ${t.shows}`));
  lines.push('    Câu hỏi thường gặp cũng được trả lời, ví dụ "phòng khám ở đâu", "khám có mất tiền không" (sửa ở trang Câu hỏi thường gặp).');
  lines.push('', `  Dữ liệu lưu ở ${config.dataDir}. Dừng: Ctrl+C.`, '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  // The demo always runs the simulator with both roles, whatever the environment says about Zalo.
  // Warnings and errors only, so the addresses printed below stay readable (LOG_LEVEL still wins).
  const config = loadConfigOrExit({ LOG_LEVEL: 'warn', ...process.env, ZALO_MODE: 'simulator', ROLES: 'web,worker' });
  if (process.argv.includes('--reset')) {
    if (config.redis.url) {
      console.error('--reset xóa Redis riêng của bản demo; khi đặt REDIS_URL, hãy tự xóa các hàng đợi (QUEUE_PREFIX) trước.');
      process.exit(1);
    }
    resetDemoData(config);
  }

  const runtime = await startRuntime(config);
  stopOnSignals(runtime);

  const report = await seedDemoRuntime(runtime);

  const base = (runtime.url ?? config.http.publicBaseUrl).replace('://0.0.0.0:', '://localhost:');
  console.log(banner(base, config, report));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
