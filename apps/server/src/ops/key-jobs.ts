import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { type Db, type Executor, isUniqueViolation } from '../db/index.ts';
import { systemActor } from '../lib/actor.ts';
import {
  type CryptoProfile,
  type DataCipher,
  KEY_LENGTH,
  KEY_PURPOSES,
  type KeyPurpose,
  type KeyVersion,
  indexTag,
  keyLabel,
} from '../lib/crypto.ts';
import { loadKeyRing, recordProfile, storedKeys, unfinishedJob } from '../lib/data-key.ts';
import { newId, nowIso } from '../lib/ids.ts';
import type { AuditTrail } from '../modules/audit/audit.trail.ts';

/**
 * Key rotation and change of profile (issue 26 §2): `lianjian rotate-keys [--purpose P]` makes a new version of each
 * purpose's key under the database's profile; `lianjian switch-crypto --to gm|standard` makes the other profile's keys
 * active. Either is a job of three phases, each committed with its progress, so that a job killed at any moment goes on
 * from where its last batch committed when the command is run again:
 *
 * 1. `announced`: the new keys are stored, wrapped by the master key, as `incoming`: every running server reads with
 *    them after its next refresh of the ring (`LIANJIAN_KEY_REFRESH_MS`), before anything is written with them.
 * 2. `rewriting`: the new keys are active (servers write with them after their next refresh); the job re-encrypts the
 *    encrypted fields and recomputes the blind indexes it can (those whose value is kept encrypted), batch by batch,
 *    each row only if it did not change meanwhile. A pass that found nothing left to rewrite, started after every
 *    server had had time to take the new keys, ends the job.
 * 3. `done`: the keys before are `retired`: kept in the ring (the audit links, the signatures, the tracking codes' and
 *    opted-out phones' hashes made with them are never made again, and are checked under them), never written with.
 *
 * The audit trail goes on across the change: each link names its key, and `verify-audit` checks each under its own.
 */

export type KeyJobKind = 'rotate' | 'switch';

interface JobTarget {
  /** The keys the job makes active, one per purpose it changes. */
  keys: KeyVersion[];
  /** The keys they replace. */
  previous: KeyVersion[];
}

interface JobProgress {
  /** The rewriting pass (1, 2, ...); a pass that rewrote nothing, started after the servers took the keys, ends it. */
  pass: number;
  /** When the new keys became active, and when the current pass started (ms since the epoch). */
  activatedAt: number;
  passStartedAt: number;
  /** The table the pass is at, and the last id done in it. */
  table: string | null;
  after: string;
  /** Rows rewritten in this pass, and over the whole job. */
  rewrittenThisPass: number;
  rewritten: number;
  /** Rows left as they were because they changed while being rewritten (the next pass takes them). */
  skipped: number;
}

/** What the job rewrites: each table's encrypted fields, and the blind indexes made from one of them. */
const REWRITES: { table: string; fields: string[]; indexes: { column: string; from: string }[] }[] = [
  {
    table: 'household_people',
    fields: ['id_number_enc', 'phone_enc', 'health_enc'],
    indexes: [
      { column: 'id_number_index', from: 'id_number_enc' },
      { column: 'phone_index', from: 'phone_enc' },
    ],
  },
  { table: 'reports', fields: ['phone_enc'], indexes: [{ column: 'phone_index', from: 'phone_enc' }] },
  { table: 'users', fields: ['totp_secret_enc'], indexes: [] },
  { table: 'account_requests', fields: ['password_part_enc'], indexes: [] },
  { table: 'notices', fields: ['to_enc', 'secret_params_enc'], indexes: [] },
  { table: 'sms_replies', fields: ['content_enc'], indexes: [] },
  // Keyed by its organization: one robot per temporary organization.
  { table: 'wecom_robots', fields: ['url_enc'], indexes: [] },
];
const KEY_COLUMN: Record<string, string> = { wecom_robots: 'org_id' };

/** Every column the job rewrites (`key-jobs.test.ts` checks it against the encrypted columns of the schema). */
export const REWRITTEN_COLUMNS = REWRITES.flatMap((r) => r.fields.map((f) => [r.table, f] as const));

export interface KeyJobOptions {
  /**
   * How long the job waits for every running server to refresh its ring (twice their refresh interval, and a second):
   * before writing with keys they may not hold, and before the pass that ends the job.
   */
  settleMs?: number;
  /** Rows per batch (one transaction each). */
  batch?: number;
  print?: (line: string) => void;
}

/** The interval at which a server refreshes its key ring (`LIANJIAN_KEY_REFRESH_MS`, 5 s by default). */
export function keyRefreshMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.LIANJIAN_KEY_REFRESH_MS ?? 5000);
  return Number.isFinite(ms) && ms >= 50 ? ms : 5000;
}

export class KeyJobError extends Error {}

/**
 * Starts a rotation (`rotate`: new versions of `purposes` under the database's profile) or a change of profile
 * (`switch`: the newest keys of `to` for every purpose), in one transaction with its audit event; or returns the
 * unfinished job of the same kind and target, to be resumed. Another unfinished job, or an import under way (it checks
 * its people by the blind indexes of the moment), refuses it.
 */
export async function startKeyJob(
  db: Db,
  cipher: DataCipher,
  audit: AuditTrail,
  request: { kind: 'rotate'; purposes?: KeyPurpose[] } | { kind: 'switch'; to: CryptoProfile },
): Promise<{ id: string; resumed: boolean }> {
  await loadKeyRing(db, cipher);
  try {
    return await startInTransaction(db, cipher, audit, request);
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    throw new KeyJobError(
      '另一项密钥任务刚刚开始：请稍后以同一命令继续它。Another key job has just started: run its command to go on with it.',
    );
  }
}

async function startInTransaction(
  db: Db,
  cipher: DataCipher,
  audit: AuditTrail,
  request: { kind: 'rotate'; purposes?: KeyPurpose[] } | { kind: 'switch'; to: CryptoProfile },
): Promise<{ id: string; resumed: boolean }> {
  return db.transaction().execute(async (tx) => {
    const open = await unfinishedJob(tx);
    if (open) {
      const target = JSON.parse(open.target_json) as JobTarget;
      const same =
        open.kind === request.kind && (request.kind === 'rotate' || target.keys.every((k) => k.profile === request.to));
      if (!same)
        throw new KeyJobError(
          `另一项密钥任务（${open.kind}，${open.started_at} 开始）尚未完成：请先以同一命令完成它。Another key job (${open.kind}, started ${open.started_at}) is not finished: run its command again to finish it first.`,
        );
      return { id: open.id, resumed: true };
    }
    const importing = await tx
      .selectFrom('household_imports')
      .select('id')
      .where('status', 'in', ['running', 'awaiting_mapping'])
      .executeTakeFirst();
    if (importing)
      throw new KeyJobError(
        '有农户登记册导入尚未完成：请等导入完成或取消后再更换密钥。A register import is under way: change keys once it has finished or been cancelled.',
      );
    const stored = await storedKeys(tx);
    const now = nowIso();
    const purposes = request.kind === 'rotate' ? (request.purposes ?? [...KEY_PURPOSES]) : [...KEY_PURPOSES];
    if (request.kind === 'switch' && cipher.profile === request.to)
      throw new KeyJobError(
        `此数据库已按 ${request.to} 密码配置写入。This database is written under ${request.to} already.`,
      );
    const target: JobTarget = { keys: [], previous: [] };
    for (const purpose of purposes) {
      const previous = cipher.activeKey(purpose);
      const profile = request.kind === 'switch' ? request.to : previous.profile;
      const newest = Math.max(
        1,
        ...stored.filter((k) => k.purpose === purpose && k.profile === profile).map((k) => k.version),
      );
      // A rotation makes a new key; a change of profile takes up the other profile's newest (version 1 is derived).
      const version = request.kind === 'rotate' ? newest + 1 : newest;
      const key: KeyVersion = { purpose, profile, version };
      if (!stored.some((k) => keyLabel(k) === keyLabel(key))) {
        await tx
          .insertInto('data_keys')
          .values({
            purpose,
            profile,
            version,
            wrapped:
              version === 1
                ? null
                : cipher.master.wrap(profile, keyLabel(key), randomBytes(KEY_LENGTH[purpose][profile])),
            state: 'incoming',
            created_at: now,
            changed_at: now,
          })
          .execute();
      }
      target.keys.push(key);
      target.previous.push(previous);
    }
    const id = newId();
    const progress: JobProgress = {
      pass: 0,
      activatedAt: 0,
      passStartedAt: 0,
      table: null,
      after: '',
      rewrittenThisPass: 0,
      rewritten: 0,
      skipped: 0,
    };
    // Two starts at once both found no open job: the unique index of open jobs (migration 0046) lets one in.
    await tx
      .insertInto('key_jobs')
      .values({
        id,
        kind: request.kind,
        target_json: JSON.stringify(target),
        phase: 'announced',
        progress_json: JSON.stringify(progress),
        started_at: now,
        updated_at: now,
        finished_at: null,
      })
      .execute();
    await audit.record(tx, systemActor('key-job'), {
      action: 'data_key.job_started',
      entityType: 'data_key',
      entityId: id,
      after: { kind: request.kind, keys: target.keys.map(keyLabel), previous: target.previous.map(keyLabel) },
    });
    return { id, resumed: false };
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a job from its phase to the end (see the module's comment), printing its progress. Safe to run again after a
 * kill at any point: every step commits with the progress it made.
 */
export async function runKeyJob(
  db: Db,
  cipher: DataCipher,
  audit: AuditTrail,
  id: string,
  options: KeyJobOptions = {},
): Promise<{ rewritten: number; passes: number }> {
  const settleMs = options.settleMs ?? 2 * keyRefreshMs() + 1000;
  const batch = options.batch ?? 500;
  const print = options.print ?? (() => {});
  let job = await db.selectFrom('key_jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const target = JSON.parse(job.target_json) as JobTarget;
  let progress = JSON.parse(job.progress_json) as JobProgress;
  const save = (tx: Executor, phase: 'announced' | 'rewriting' | 'done', finished = false) =>
    tx
      .updateTable('key_jobs')
      .set({
        phase,
        progress_json: JSON.stringify(progress),
        updated_at: nowIso(),
        ...(finished ? { finished_at: nowIso() } : {}),
      })
      .where('id', '=', id)
      .execute();

  if (job.phase === 'announced') {
    await loadKeyRing(db, cipher);
    print(
      `新密钥已登记，等待各服务器载入（${Math.round(settleMs / 1000)} 秒）。New keys stored; waiting for servers to load them.`,
    );
    await sleep(settleMs);
    await db.transaction().execute(async (tx) => {
      const now = nowIso();
      for (const [i, key] of target.keys.entries()) {
        const before = target.previous[i] as KeyVersion;
        // The key before is kept as `retired` (a version 1 gets its row here, to carry the state).
        await tx
          .insertInto('data_keys')
          .values({ ...before, wrapped: null, state: 'retired', created_at: now, changed_at: now })
          .onConflict((oc) =>
            oc.columns(['purpose', 'profile', 'version']).doUpdateSet({ state: 'retired', changed_at: now }),
          )
          .execute();
        await tx
          .insertInto('data_keys')
          .values({ ...key, wrapped: null, state: 'active', created_at: now, changed_at: now })
          .onConflict((oc) =>
            oc.columns(['purpose', 'profile', 'version']).doUpdateSet({ state: 'active', changed_at: now }),
          )
          .execute();
      }
      if (job.kind === 'switch') await recordProfile(tx, (target.keys[0] as KeyVersion).profile);
      const at = Date.now();
      progress = {
        ...progress,
        pass: 1,
        activatedAt: at,
        passStartedAt: at,
        table: REWRITES[0]?.table ?? null,
        after: '',
      };
      await save(tx, 'rewriting');
    });
    job = { ...job, phase: 'rewriting' };
  }
  await loadKeyRing(db, cipher);
  const field = target.keys.find((k) => k.purpose === 'field');
  const index = target.keys.find((k) => k.purpose === 'index');
  for (const k of target.keys)
    if (keyLabel(cipher.activeKey(k.purpose)) !== keyLabel(k))
      throw new KeyJobError(`key ring does not hold ${keyLabel(k)} as active`);

  while (job.phase === 'rewriting') {
    for (let t = REWRITES.findIndex((r) => r.table === progress.table); t >= 0 && t < REWRITES.length; t++) {
      const spec = REWRITES[t] as (typeof REWRITES)[number];
      if (progress.table !== spec.table) progress = { ...progress, table: spec.table, after: '' };
      const fields = field ? spec.fields : [];
      const indexes = index ? spec.indexes : [];
      if (!fields.length && !indexes.length) continue;
      for (;;) {
        const done = await rewriteBatch(db, cipher, spec.table, fields, indexes, progress.after, batch);
        progress = {
          ...progress,
          after: done.last ?? progress.after,
          rewrittenThisPass: progress.rewrittenThisPass + done.rewritten,
          rewritten: progress.rewritten + done.rewritten,
          skipped: progress.skipped + done.skipped,
        };
        if (done.last === null) break;
        // The progress commits on its own, after the batch: a kill between the two redoes a batch that is then found
        // written already, and rewrites nothing twice.
        await save(db, 'rewriting');
        print(
          `第 ${progress.pass} 遍 ${spec.table}：已改写 ${progress.rewritten} 行。Pass ${progress.pass}, ${spec.table}: ${progress.rewritten} rows rewritten.`,
        );
      }
    }
    // Only a pass begun once every server had had time to take the new keys can end the job: one begun before may have
    // passed a row a server was still writing under the keys before.
    const settled = progress.passStartedAt - progress.activatedAt >= settleMs;
    if (progress.rewrittenThisPass === 0 && settled) {
      await db.transaction().execute(async (tx) => {
        await save(tx, 'done', true);
        await audit.record(tx, systemActor('key-job'), {
          action: 'data_key.job_finished',
          entityType: 'data_key',
          entityId: id,
          after: {
            kind: job.kind,
            keys: target.keys.map(keyLabel),
            rewritten: progress.rewritten,
            passes: progress.pass,
          },
        });
      });
      job = { ...job, phase: 'done' };
      break;
    }
    // Another pass: what servers wrote under the keys before, until they took the new ones.
    const wait = progress.activatedAt + settleMs - Date.now();
    if (wait > 0) await sleep(wait);
    progress = {
      ...progress,
      pass: progress.pass + 1,
      passStartedAt: Date.now(),
      table: REWRITES[0]?.table ?? null,
      after: '',
      rewrittenThisPass: 0,
    };
    await save(db, 'rewriting');
  }
  print(
    `密钥任务完成：共改写 ${progress.rewritten} 行，${progress.pass} 遍。Key job done: ${progress.rewritten} rows rewritten in ${progress.pass} passes.`,
  );
  return { rewritten: progress.rewritten, passes: progress.pass };
}

/**
 * One batch of a table, after the id `after`: the rows whose fields or indexes are not under the active keys,
 * re-encrypted and re-indexed, each updated only while it still holds what was read (a row a user changed meanwhile is
 * left to the next pass). `last` is null when the table has nothing left after `after`.
 */
async function rewriteBatch(
  db: Db,
  cipher: DataCipher,
  table: string,
  fields: string[],
  indexes: { column: string; from: string }[],
  after: string,
  batch: number,
): Promise<{ last: string | null; rewritten: number; skipped: number }> {
  const idCol = KEY_COLUMN[table] ?? 'id';
  const mark = `${cipher.fieldMark()}:%`;
  // The standard's version 1 is untagged (no `.` in it); any other is tagged `<letter><version>.`.
  const tag = indexTag(cipher.activeKey('index'));
  const indexStale = (c: string) =>
    tag === '' ? sql`${sql.ref(c)} like ${'%.%'}` : sql`${sql.ref(c)} not like ${`${tag}%`}`;
  const stale = [
    ...fields.map((f) => sql`(${sql.ref(f)} is not null and ${sql.ref(f)} not like ${mark})`),
    ...indexes.map((i) => sql`(${sql.ref(i.column)} is not null and ${indexStale(i.column)})`),
  ];
  const cols = [...new Set([idCol, ...fields, ...indexes.flatMap((i) => [i.column, i.from])])];
  const rows = (
    await sql<Record<string, string | null>>`select ${sql.join(cols.map((c) => sql.ref(c)))} from ${sql.table(table)}
      where ${sql.ref(idCol)} > ${after} and (${sql.join(stale, sql` or `)})
      order by ${sql.ref(idCol)} limit ${batch}`.execute(db)
  ).rows;
  if (!rows.length) return { last: null, rewritten: 0, skipped: 0 };
  let rewritten = 0;
  let skipped = 0;
  await db.transaction().execute(async (tx) => {
    for (const row of rows) {
      const set: Record<string, string> = {};
      const plain: Record<string, string> = {};
      for (const f of [...fields, ...indexes.map((i) => i.from)]) {
        const v = row[f];
        if (v && plain[f] === undefined) plain[f] = cipher.decrypt(v);
      }
      for (const f of fields)
        if (row[f] && !(row[f] as string).startsWith(mark.slice(0, -1))) set[f] = cipher.encrypt(plain[f] as string);
      for (const i of indexes) {
        const source = plain[i.from];
        if (row[i.column] && source !== undefined) {
          const made = cipher.blindIndex(source.trim());
          if (made !== row[i.column]) set[i.column] = made;
        }
      }
      if (!Object.keys(set).length) continue;
      const same = cols
        .filter((c) => c !== idCol)
        .map((c) => (row[c] === null ? sql`${sql.ref(c)} is null` : sql`${sql.ref(c)} = ${row[c]}`));
      const r = await sql`update ${sql.table(table)} set ${sql.join(
        Object.entries(set).map(([c, v]) => sql`${sql.ref(c)} = ${v}`),
      )} where ${sql.ref(idCol)} = ${row[idCol]} and ${sql.join(same, sql` and `)}`.execute(tx);
      if (Number(r.numAffectedRows ?? 0) === 1) rewritten++;
      else skipped++;
    }
  });
  return { last: rows[rows.length - 1]?.[idCol] as string, rewritten, skipped };
}
