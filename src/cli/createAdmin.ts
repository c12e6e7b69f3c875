import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config';
import { createStaffUser, findStaffByUsername, generatePassword } from '../domain/staff/staff';
import { recordAudit } from '../store/audit';
import { openStore } from '../store/db';
import { runCommand } from './run';

/**
 * Creates the first administrator and prints a generated password once.
 *   npm run staff:create-admin -- --username admin --name "Nguyễn Văn A" [--email a@b.vn]
 * Refuses when the username exists.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      username: { type: 'string', default: 'admin' },
      name: { type: 'string', default: 'Quản trị hệ thống' },
      email: { type: 'string' },
    },
  });
  const config = loadConfigOrExit();
  const store = openStore(config.databaseFile);
  try {
    if (findStaffByUsername(store.db, values.username)) {
      console.error(`Tài khoản "${values.username}" đã tồn tại; không tạo lại. (username exists)`);
      return 1;
    }
    const password = generatePassword();
    const now = Date.now();
    const user = await createStaffUser(
      store.db,
      { username: values.username, fullName: values.name, role: 'admin', password, email: values.email ?? null },
      now,
    );
    recordAudit(store.db, { type: 'system', id: 'cli' }, { action: 'staff.create', entity: 'staff_user', entityId: user.id, detail: { role: 'admin' } }, now);
    console.log(`Đã tạo tài khoản quản trị "${user.username}" trong ${config.databaseFile}.`);
    console.log(`Mật khẩu (chỉ hiện một lần): ${password}`);
    return 0;
  } finally {
    store.close();
  }
}

runCommand(main);
