import { loadConfigOrExit } from './config';
import { formatPhone } from './domain/phone';
import { createStaffUser, findStaffByUsername, generatePassword } from './domain/staff';
import { startRuntime, stopOnSignals } from './runtime';
import { demoCadres, seedDemoData, type DemoCadre } from './store/demoSeed';

/**
 * `npm run demo`: the whole service on one machine without Zalo. Web and worker roles, the built-in Zalo
 * simulator, a private Redis and SQLite under ./data, mail written to ./data/mail. Seeds a fictional
 * registry on first start, registers a few simulated Zalo users, and prints where to go.
 */

/** Simulated Zalo users with fixed ids, so their chat links stay the same from one start to the next. */
function demoZaloUsers(registry: DemoCadre[]) {
  const withPhone = registry.filter((c) => c.phone);
  const retiree = withPhone.find((c) => c.category === 'nguyen_chuc' && c.email && !c.frail)!;
  const veteran = withPhone.find((c) => c.category === 'nguoi_co_cong')!;
  const taken = new Set(withPhone.map((c) => c.phone));
  // A relative whose phone is not in the registry: linking by phone fails, the other ways remain.
  let relativePhone = 84_912_000_111;
  while (taken.has(String(relativePhone))) relativePhone += 1;
  return [
    { userId: '7301946285173904521', displayName: retiree.fullName, phone: retiree.phone!, cadre: retiree },
    { userId: '7301946285173904538', displayName: veteran.fullName, phone: veteran.phone!, cadre: veteran },
    { userId: '730194628517390455', displayName: 'Con gái (người nhà)', phone: String(relativePhone), cadre: undefined },
  ];
}

async function main(): Promise<void> {
  // The demo always runs the simulator with both roles, whatever the environment says about Zalo.
  // Warnings and errors only, so the addresses printed below stay readable (LOG_LEVEL still wins).
  const config = loadConfigOrExit({ LOG_LEVEL: 'warn', ...process.env, ZALO_MODE: 'simulator', ROLES: 'web,worker' });

  const runtime = await startRuntime(config);
  const { logger } = runtime;
  stopOnSignals(runtime);

  const db = runtime.store.db;
  const counts = seedDemoData(db, runtime.clock.now());

  let adminPassword: string | undefined;
  if (!findStaffByUsername(db, 'admin')) {
    adminPassword = generatePassword();
    await createStaffUser(
      db,
      { username: 'admin', fullName: 'Quản trị viên (demo)', role: 'admin', password: adminPassword, email: 'quantri@haiphong.example' },
      runtime.clock.now(),
    );
  }

  const registry = demoCadres();
  const zaloUsers = demoZaloUsers(registry);
  for (const u of zaloUsers) runtime.fakeZalo!.upsertUser({ userId: u.userId, displayName: u.displayName, phone: u.phone, isFollower: true });

  const base = (runtime.url ?? config.http.publicBaseUrl).replace('://0.0.0.0:', '://localhost:');
  const lines = [
    '',
    '  CadreCare đang chạy (trình mô phỏng Zalo, không gửi gì ra ngoài)',
    '  ───────────────────────────────────────────────────────────────',
    `  Trò chuyện Zalo (mô phỏng):  ${base}/dev/chat`,
    `  Hộp thư (email đã gửi):      ${base}/dev/mail`,
    `  Đăng nhập nhân viên:         ${base}/staff/login`,
    '',
    counts.inserted.cadres || counts.inserted.clinics
      ? `  Đã tạo dữ liệu mẫu: ${counts.inserted.clinics} phòng khám, ${counts.inserted.cadres} cán bộ (${counts.frail} người yếu, cần khám tại nhà).`
      : `  Dữ liệu: ${counts.clinics} phòng khám, ${counts.cadres} cán bộ (đã có từ lần chạy trước).`,
  ];
  if (adminPassword) {
    lines.push(
      '',
      '  Tài khoản quản trị (mật khẩu chỉ in một lần, hãy ghi lại):',
      `    tên đăng nhập: admin`,
      `    mật khẩu:      ${adminPassword}`,
    );
  }
  lines.push('', '  Người dùng Zalo mô phỏng có sẵn (mở mỗi người trong một thẻ):');
  for (const u of zaloUsers) {
    const who = u.cadre
      ? `cán bộ ${u.cadre.code}, sinh ${u.cadre.birthDate.split('-').reverse().join('/')}`
      : 'không có trong danh sách cán bộ';
    lines.push(`    ${u.displayName} · ${formatPhone(u.phone)} (${who})`, `      ${base}/dev/chat?user=${u.userId}`);
  }
  lines.push('', `  Dữ liệu lưu ở ${config.dataDir}. Dừng: Ctrl+C.`, '');
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
