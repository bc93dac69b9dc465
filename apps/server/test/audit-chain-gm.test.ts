import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../src/db/index.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { AuditTrail } from '../src/modules/audit/audit.trail.ts';
import { type ChainRow, canonical, dropAppendOnly } from './audit-fixtures.ts';
import { freshDb } from './helpers.ts';

type Row = ChainRow;

const sm3Key = (master: Buffer, info: string) => Buffer.from(hkdfSync('sm3', master, Buffer.alloc(0), info, 32));

async function append(db: DbHandle, trail: AuditTrail, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++)
    await db.db
      .transaction()
      .execute((tx) =>
        trail.record(
          tx,
          { userId: null, requestId: null },
          { action: 'test.event', entityType: 'test', entityId: `${tag}-${i}`, after: { i, tag } },
        ),
      );
}

const events = (db: DbHandle) =>
  db.db.selectFrom('audit_events').selectAll().orderBy('seq').execute() as unknown as Promise<Row[]>;

describe('the audit chain under the gm profile (HMAC-SM3), each link saying its algorithm', () => {
  let db: DbHandle | null = null;
  afterEach(async () => {
    await db?.close();
    db = null;
  });

  it('under gm every link is g1: HMAC-SM3 under a key derived with SM3 from the master key, and the chain verifies', async () => {
    db = await freshDb();
    const master = randomBytes(32);
    const trail = AuditTrail.of(new DataCipher(master, 'gm'));
    await append(db, trail, 3, 'gm');
    const rows = await events(db);
    expect(rows).toHaveLength(3);
    const key = sm3Key(master, 'lianjian audit chain gm v1');
    let prev = '0'.repeat(64);
    for (const r of rows) {
      expect(r.prev_hash).toBe(prev);
      expect(r.hash).toBe(`g1:${createHmac('sm3', key).update(canonical(prev, r)).digest('hex')}`);
      prev = r.hash;
    }
    const head = await db.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    expect(head.seal).toMatch(/^gs1:[0-9a-f]{64}$/);
    expect(await trail.verify(db.db)).toEqual({ ok: true, count: 3, brokenAt: null, reason: null });
  });

  it('a chain begun under standard goes on under gm and back, and verifies whole under either profile of the same key', async () => {
    db = await freshDb();
    const master = randomBytes(32);
    const standard = AuditTrail.of(new DataCipher(master, 'standard'));
    const gm = AuditTrail.of(new DataCipher(master, 'gm'));
    await append(db, standard, 2, 'before');
    await append(db, gm, 2, 'during');
    await append(db, standard, 1, 'after');
    expect((await events(db)).map((r) => r.hash.slice(0, 3))).toEqual(['h1:', 'h1:', 'g1:', 'g1:', 'h1:']);
    for (const t of [standard, gm]) expect(await t.verify(db.db)).toMatchObject({ ok: true, count: 5 });
    // Another master key verifies neither kind of link.
    const other = AuditTrail.of(new DataCipher(randomBytes(32), 'gm'));
    expect(await other.verify(db.db)).toMatchObject({ ok: false, brokenAt: 1, reason: 'link' });
  });

  it('a g1 link rewritten without the key (plain SM3, HMAC-SHA-256 under a guess, or an algorithm mark nobody knows) fails', async () => {
    db = await freshDb();
    const master = randomBytes(32);
    const gm = AuditTrail.of(new DataCipher(master, 'gm'));
    await append(db, gm, 3, 'x');
    await dropAppendOnly(db);
    const second = (await events(db))[1] as Row;
    const forged = { ...second, after_json: JSON.stringify({ i: 1, tag: 'forged' }) };
    const rewrites = [
      `g1:${createHash('sm3').update(canonical(second.prev_hash, forged)).digest('hex')}`,
      `h1:${createHmac('sha256', Buffer.alloc(32)).update(canonical(second.prev_hash, forged)).digest('hex')}`,
      `x9:${createHash('sm3').update(canonical(second.prev_hash, forged)).digest('hex')}`,
    ];
    for (const hash of rewrites) {
      await db.db
        .updateTable('audit_events')
        .set({ after_json: forged.after_json, hash })
        .where('seq', '=', 2)
        .execute();
      expect(await gm.verify(db.db), hash.slice(0, 3)).toMatchObject({ ok: false, brokenAt: 2, reason: 'link' });
    }
  });

  it('a seal in one profile carries on under the other: a head sealed under gm is extended under standard intact', async () => {
    db = await freshDb();
    const master = randomBytes(32);
    await append(db, AuditTrail.of(new DataCipher(master, 'gm')), 1, 'a');
    const standard = AuditTrail.of(new DataCipher(master, 'standard'));
    await append(db, standard, 1, 'b');
    const head = await db.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    // Not "broken": the gm seal was recognised as the key's and the head sealed again under the running profile.
    expect(head.seal).toMatch(/^s1:[0-9a-f]{64}$/);
    expect(await standard.verify(db.db)).toMatchObject({ ok: true, count: 2 });
  });
});
