import type { DbHandle } from './db/index.ts';
import { migrate } from './db/index.ts';
import type { Config } from './lib/config.ts';
import type { DataCipher } from './lib/crypto.ts';
import { hashPassword } from './modules/auth/auth.routes.ts';
import { seedDemo } from './seed/demo.ts';

import { generatePassword } from './lib/passwords.ts';

export async function isEmpty(handle: DbHandle): Promise<boolean> {
  const row = await handle.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return !row;
}

/**
 * Loads the demo county with its accounts. Demo accounts share LIANJIAN_DEMO_PASSWORD; the admin uses
 * LIANJIAN_ADMIN_PASSWORD when set. A generated password is printed once and never stored in clear.
 */
export async function loadDemo(handle: DbHandle, config: Config, print: (s: string) => void, cipher: DataCipher): Promise<void> {
  const demoPassword = config.demoPassword ?? generatePassword();
  const adminPassword = config.adminPassword ?? config.demoPassword ?? demoPassword;
  const demoHash = await hashPassword(demoPassword);
  const result = await seedDemo(handle.db, demoHash, cipher);
  if (adminPassword !== demoPassword) {
    await handle.db.updateTable('users').set({ password_hash: await hashPassword(adminPassword) }).where('username', '=', 'admin').execute();
  }
  // The first administrator's password was printed or passed in the environment: it must be changed at first login.
  await handle.db.updateTable('users').set({ must_change_password: 1 }).where('username', '=', 'admin').execute();
  print(`示范县（南召县）已载入：${result.counts.orgs} 个临时党组织，${result.counts.members} 名人员。`);
  print('演示账号 (demo accounts):');
  for (const a of result.accounts) {
    const fromEnv = a.username === 'admin' && config.adminPassword ? '(LIANJIAN_ADMIN_PASSWORD)' : config.demoPassword ? '(LIANJIAN_DEMO_PASSWORD)' : null;
    const shown = fromEnv ?? (a.username === 'admin' ? adminPassword : demoPassword);
    print(`  ${a.username.padEnd(11)} ${a.displayName.padEnd(14, '　')} 密码: ${shown}`);
  }
  if (!config.demoPassword) print('以上密码只显示这一次，请妥善保存。This password is shown once.');
}

export async function prepareDatabase(handle: DbHandle, config: Config, print: (s: string) => void, cipher: DataCipher): Promise<void> {
  const applied = await migrate(handle.db);
  if (applied.length) print(`数据库迁移完成: ${applied.join(', ')}`);
  if (await isEmpty(handle)) await loadDemo(handle, config, print, cipher);
}
