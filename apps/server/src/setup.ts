import type { Db, DbHandle } from './db/index.ts';
import { migrate } from './db/index.ts';
import { sealPersonalData } from './db/seal.ts';
import { systemActor } from './lib/actor.ts';
import type { Config } from './lib/config.ts';
import { DataCipher, cryptoProfileFromEnv, dataKeySource, loadDataKey } from './lib/crypto.ts';
import {
  DataKeyError,
  checkRecordedKey,
  keyRegistered,
  loadKeyRing,
  recordKey,
  unreadableColumn,
} from './lib/data-key.ts';
import { AuditTrail, KEY_RECORDED, headPending, holdsRecords } from './modules/audit/audit.trail.ts';
import { hashPassword } from './lib/passwords.ts';
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
export async function loadDemo(
  handle: DbHandle,
  config: Config,
  print: (s: string) => void,
  cipher: DataCipher,
): Promise<void> {
  const demoPassword = config.demoPassword ?? generatePassword();
  const adminPassword = config.adminPassword ?? config.demoPassword ?? demoPassword;
  const demoHash = await hashPassword(demoPassword);
  const result = await seedDemo(handle.db, demoHash, cipher);
  if (adminPassword !== demoPassword) {
    await handle.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(adminPassword) })
      .where('username', '=', 'admin')
      .execute();
  }
  // The first administrator's password was printed or passed in the environment: it must be changed at first login.
  await handle.db.updateTable('users').set({ must_change_password: 1 }).where('username', '=', 'admin').execute();
  print(`示范县（南召县）已载入：${result.counts.orgs} 个临时党组织，${result.counts.members} 名人员。`);
  print('演示账号 (demo accounts):');
  for (const a of result.accounts) {
    const fromEnv =
      a.username === 'admin' && config.adminPassword
        ? '(LIANJIAN_ADMIN_PASSWORD)'
        : config.demoPassword
          ? '(LIANJIAN_DEMO_PASSWORD)'
          : null;
    const shown = fromEnv ?? (a.username === 'admin' ? adminPassword : demoPassword);
    print(`  ${a.username.padEnd(11)} ${a.displayName.padEnd(14, '　')} 密码: ${shown}`);
  }
  if (!config.demoPassword) print('以上密码只显示这一次，请妥善保存。This password is shown once.');
}

/**
 * Migrates, opens the data key (`openDataKey`; `cipher` when the caller already holds the key), seals what earlier
 * versions kept in clear, and loads the demo county into an empty database.
 */
export async function prepareDatabase(
  handle: DbHandle,
  config: Config,
  print: (s: string) => void,
  given?: DataCipher,
): Promise<DataCipher> {
  const applied = await migrate(handle.db);
  if (applied.length) print(`数据库迁移完成: ${applied.join(', ')}`);
  // Before anything is encrypted or audited: a wrong key would write what it can never read back.
  const cipher = await openDataKey(handle.db, { print, cipher: given });
  const sealed = await sealPersonalData(handle, cipher);
  if (sealed) print(`已加密 ${sealed} 条以前明文保存的个人信息（群众手机号、导出条件中的身份证号）`);
  if (await isEmpty(handle)) await loadDemo(handle, config, print, cipher);
  return cipher;
}

class KeyRecordedMeanwhile extends Error {}

/**
 * Opens the data key of this database before anything is read or written with it; the caller keys its audit trail
 * with the cipher returned (`AuditTrail.of`), as this does for the events it writes.
 * A new database gets a key (a key file is made when none is given) and records it. A database that holds data is
 * opened only with the key it was written with: the recorded key, or, for a database from before keys were recorded,
 * a key that decrypts what it holds and verifies its newest audit links; anything else is refused with a message
 * naming LIANJIAN_DATA_KEY and LIANJIAN_KEY_FILE. Recording the key (once, audited) also seals an audit head left
 * waiting by migration 0021, when the chain is from before keying (`sealPendingHead`): a database whose key record was
 * deleted is recorded again, but its chain is never sealed again. `record: false` (commands that only read) writes
 * nothing and never makes a key.
 */
export async function openDataKey(
  db: Db,
  options: {
    env?: NodeJS.ProcessEnv;
    record?: boolean;
    print?: (s: string) => void;
    cipher?: DataCipher | undefined;
  } = {},
): Promise<DataCipher> {
  const { env = process.env, record = true, print = (s: string) => console.log(s) } = options;
  const source = options.cipher ? 'the key given' : dataKeySource(env);
  const holdsData =
    (await keyRegistered(db)) ||
    (await holdsRecords(db)) ||
    !!(await db.selectFrom('audit_events').select('seq').limit(1).executeTakeFirst());
  // The profile said (LIANJIAN_CRYPTO, or the cipher given) must be the database's; unsaid, the database's is followed.
  const said = options.cipher ? options.cipher.profile : env.LIANJIAN_CRYPTO?.trim() ? cryptoProfileFromEnv(env) : null;
  const cipher =
    options.cipher ?? new DataCipher(loadDataKey(env, { create: record && !holdsData }), cryptoProfileFromEnv(env));
  const audit = AuditTrail.of(cipher);
  const check = async () => {
    const found = await checkRecordedKey(db, cipher);
    if (found.state === 'mismatch') {
      throw new DataKeyError(
        `数据密钥与此数据库不符：数据库登记的是密钥 ${found.keyId}，${source} 给出的是密钥 ${cipher.keyId}。请用写入该数据库时的密钥启动：设置 LIANJIAN_DATA_KEY，或用 LIANJIAN_KEY_FILE 指向原密钥文件。` +
          ` The data key does not match this database: it was written with key ${found.keyId}, and ${source} gives key ${cipher.keyId}. Start with the key it was written with: set LIANJIAN_DATA_KEY, or point LIANJIAN_KEY_FILE at the original key file.`,
      );
    }
    if (found.state === 'match' && said && found.profile !== said) {
      // The configuration says one profile and the database was written (or switched) under the other: a start must
      // not quietly serve what the operator did not choose. `switch-crypto` changes a database's profile.
      throw new DataKeyError(
        `此数据库的加密字段和索引是按密码配置 ${found.profile} 写入的，当前 LIANJIAN_CRYPTO=${said}。请以 LIANJIAN_CRYPTO=${found.profile} 启动，或用 lianjian switch-crypto --to ${said} 转换此数据库。` +
          ` This database's encrypted fields and indexes are written under the ${found.profile} cryptographic profile, and LIANJIAN_CRYPTO is ${said}: start with LIANJIAN_CRYPTO=${found.profile}, or convert the database with lianjian switch-crypto --to ${said}.`,
      );
    }
    if (found.state === 'match') await loadKeyRing(db, cipher);
    return found.state;
  };
  if ((await check()) === 'match') {
    if (record && (await headPending(db))) {
      // Sealing belongs to the start that recorded the key; a head waiting again afterwards was set back by hand.
      print(
        '审计链头处于待封存状态，但此数据库的密钥早已登记，不再封存；lianjian verify 将报告此问题。The audit head waits for its first seal, but this database recorded its key before: it is not sealed again.',
      );
    }
    return cipher;
  }
  const unreadable =
    (await unreadableColumn(db, cipher)) ?? ((await audit.keyedWithCurrentKey(db)) ? null : 'audit_events.hash');
  if (unreadable) {
    throw new DataKeyError(
      `数据密钥无法读取此数据库已有的数据（${unreadable}）：${source} 不是写入这些数据时的密钥。请设置 LIANJIAN_DATA_KEY，或用 LIANJIAN_KEY_FILE 指向原密钥文件。` +
        ` The data key (${source}) cannot read what this database holds (${unreadable}): it is not the key it was written with. Set LIANJIAN_DATA_KEY, or point LIANJIAN_KEY_FILE at the original key file.`,
    );
  }
  if (!record) return cipher;
  let legacy: number | null;
  // Said once the key is recorded: a server that started at the same moment and recorded it first saw the same.
  const notes: string[] = [];
  try {
    legacy = await db.transaction().execute(async (tx) => {
      // The head first: it orders two servers starting at once, and the chain's first event is written before the key
      // is recorded (a database that recorded its key and then has no head lost it).
      const sealed = await audit.sealPendingHead(tx);
      if (sealed && !('legacy' in sealed)) {
        notes.push(
          sealed.reason === 'unsealed'
            ? `审计链头处于待封存状态，但审计链自第 ${sealed.brokenAt} 条起已是启用密钥后的记录：此数据库早已封存过，不再封存；lianjian verify 将报告此问题。The audit head waits for its first seal, but the chain holds events written with the key from event ${sealed.brokenAt} on: it was sealed before and is not sealed again.`
            : `审计链在第 ${sealed.brokenAt} 条断开（${sealed.reason}），未封存；lianjian verify 将报告此问题。The audit chain is broken at event ${sealed.brokenAt} (${sealed.reason}); it was not sealed.`,
        );
      }
      const earlier = await tx
        .selectFrom('audit_events')
        .select('seq')
        .where('entity_type', '=', 'data_key')
        .where('action', '=', KEY_RECORDED)
        .limit(1)
        .executeTakeFirst();
      if (earlier) {
        notes.push(
          `审计链第 ${earlier.seq} 条记载此数据库已登记过数据密钥，但登记记录已不在：有人删除了它。现重新登记；lianjian verify 将报告此问题。The trail records at event ${earlier.seq} that this database recorded its data key, but the record is gone: someone deleted it. It is recorded again; lianjian verify will report this.`,
        );
      }
      const plain = sealed && 'legacy' in sealed ? sealed.legacy : null;
      await audit.record(tx, systemActor('start-up'), {
        action: KEY_RECORDED,
        entityType: 'data_key',
        entityId: cipher.keyId,
        after: { legacyAuditEvents: plain ?? 0 },
      });
      if (!(await recordKey(tx, cipher))) throw new KeyRecordedMeanwhile();
      return plain;
    });
  } catch (e) {
    if (!(e instanceof KeyRecordedMeanwhile)) throw e;
    // Another server recorded a key first (its event stands, this one's was rolled back): it must be this one.
    await check();
    return cipher;
  }
  for (const note of notes) print(note);
  // Said out loud: on a database that had recorded its key before, this would mean someone removed the record.
  print(
    `已登记数据密钥 ${cipher.keyId}${legacy === null ? '' : `，审计链已封存（其中 ${legacy} 条为启用密钥前的记录）`}。` +
      ` Data key ${cipher.keyId} recorded for this database${legacy === null ? '' : `; audit chain sealed (${legacy} events from before it was keyed)`}.`,
  );
  return cipher;
}
