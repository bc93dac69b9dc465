import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { groupCommitCounts, writeTransaction } from '../src/db/group-commit.ts';
import { newId, nowIso } from '../src/lib/ids.ts';
import { insertReport } from '../src/modules/reports/reports.repository.ts';
import { useCounty } from './setup-county.ts';

const PLACE = '411321106200';

/**
 * Group commit (db/group-commit.ts): on SQLite, residents' reports that arrive together share one durable
 * transaction, each in a savepoint of its own; on PostgreSQL each is its own transaction. Either way each report is
 * all or nothing with its audit event and idempotency claim, and an error in one fails no other.
 */
describe('group commit of residents’ reports', () => {
  const ctx = useCounty();
  const sqlite = () => ctx.t.db.dialect === 'sqlite';

  /** A resident's report from an address of its own (the public form's per-address limit stays on). */
  const report = (description: string, from: string, key?: string) =>
    ctx.t.app.inject({
      method: 'POST',
      url: '/api/v1/public/reports',
      remoteAddress: from,
      headers: key ? { 'idempotency-key': key } : {},
      payload: { regionCode: PLACE, category: 'roads', description },
    });

  const stored = async (prefix: string) =>
    (
      await ctx.t.db.db
        .selectFrom('reports')
        .select(['id', 'description'])
        .where('description', 'like', `${prefix}%`)
        .execute()
    ).map((r) => r.description);

  /** Events in the chain so far (none before the first). */
  const headCount = async () =>
    Number((await ctx.t.db.db.selectFrom('audit_head').select('count').executeTakeFirst())?.count ?? 0);

  const auditedReports = async (ids: string[]) =>
    ids.length === 0
      ? []
      : await ctx.t.db.db
          .selectFrom('audit_events')
          .select('entity_id')
          .where('entity_type', '=', 'report')
          .where('entity_id', 'in', ids)
          .execute();

  it('reports sent at once share one commit: fewer transactions than reports (SQLite), each stored with its audit event', async () => {
    const before = groupCommitCounts(ctx.t.db.db);
    const n = 30;
    const replies = await Promise.all(
      Array.from({ length: n }, (_, i) => report(`同批第${i}件`, `10.1.0.${i + 1}`, `burst-${i}-${randomUUID()}`)),
    );
    expect(replies.map((r) => r.statusCode)).toEqual(replies.map(() => 201));
    expect((await stored('同批第')).sort()).toEqual(Array.from({ length: n }, (_, i) => `同批第${i}件`).sort());
    const ids = (
      await ctx.t.db.db.selectFrom('reports').select('id').where('description', 'like', '同批第%').execute()
    ).map((r) => r.id);
    expect(await auditedReports(ids)).toHaveLength(n);
    const after = groupCommitCounts(ctx.t.db.db);
    if (sqlite()) {
      expect(after.units - before.units).toBe(n);
      expect(after.transactions - before.transactions).toBeLessThan(n);
    } else {
      // PostgreSQL commits one transaction per report, in parallel over its pool.
      expect(after).toEqual(before);
    }
  });

  it('a report that fails after writing its rows, in a batch with others, leaves the others stored and none of its rows nor its audit event', async () => {
    const before = groupCommitCounts(ctx.t.db.db);
    const head = await headCount();
    const ids = [newId(), newId(), newId()];
    const unit = (id: string, fails: boolean) =>
      writeTransaction(ctx.t.db.db, async (tx) => {
        const now = nowIso();
        await insertReport(tx, {
          id,
          tracking_hash: randomUUID(),
          source: 'resident',
          region_code: PLACE,
          org_id: null,
          category: 'roads',
          description: `单元${id}`,
          reporter_name: null,
          phone_enc: null,
          phone_index: null,
          status: 'new',
          created_by: null,
          reported_at: now,
          version: 1,
          created_at: now,
          updated_at: now,
        });
        await ctx.t.app.auditTrail.record(
          tx,
          { userId: null, requestId: null },
          { action: 'report.create', entityType: 'report', entityId: id, after: { fails } },
        );
        if (fails) throw new Error('this report fails after its rows and its audit event');
        return id;
      });
    // Handed over in one turn of the event loop: on SQLite, one batch.
    const outcomes = await Promise.allSettled([
      unit(ids[0] as string, false),
      unit(ids[1] as string, true),
      unit(ids[2] as string, false),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((outcomes[1] as PromiseRejectedResult).reason as Error).message).toMatch(/fails after its rows/);
    const rows = await ctx.t.db.db.selectFrom('reports').select('id').where('id', 'in', ids).execute();
    expect(rows.map((r) => r.id).sort()).toEqual([ids[0], ids[2]].sort());
    expect((await auditedReports(ids)).map((r) => r.entity_id).sort()).toEqual([ids[0], ids[2]].sort());
    // The chain goes on from the last good event: two appended, no gap where the failed one was.
    expect((await headCount()) - head).toBe(2);
    expect(await ctx.t.app.auditTrail.verify(ctx.t.db.db)).toMatchObject({ ok: true });
    if (sqlite()) {
      const counts = groupCommitCounts(ctx.t.db.db);
      expect(counts.transactions - before.transactions).toBe(1);
      expect(counts.units - before.units).toBe(3);
    }
  });

  it('the same Idempotency-Key sent twice in one batch and again after it: one stored report, every answer its receipt', async () => {
    const key = `twice-${randomUUID()}`;
    const others = Array.from({ length: 8 }, (_, i) =>
      report(`旁边第${i}件`, `10.2.0.${i + 1}`, `side-${i}-${randomUUID()}`),
    );
    const [a, b] = await Promise.all([report('同键反映', '10.3.0.1', key), report('同键反映', '10.3.0.1', key)]);
    await Promise.all(others);
    const later = await report('同键反映', '10.3.0.1', key);
    expect(await stored('同键反映')).toHaveLength(1);
    const code = a?.json().trackingCode;
    expect(code).toBeTruthy();
    for (const r of [a, b, later]) {
      expect(r?.statusCode).toBe(201);
      expect(r?.json().trackingCode).toBe(code);
    }
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(await stored('旁边第')).toHaveLength(8);
  });

  it('idempotent replays across batches give one stored report each', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => ({
      key: `across-${i}-${randomUUID()}`,
      from: `10.4.0.${i + 1}`,
    }));
    const send = (k: (typeof keys)[number], i: number) => report(`跨批第${i}件`, k.from, k.key);
    const first = await Promise.all(keys.map(send));
    const again = await Promise.all(keys.map(send));
    expect(again.map((r) => r.headers['idempotent-replayed'])).toEqual(keys.map(() => 'true'));
    expect(again.map((r) => r.json().trackingCode)).toEqual(first.map((r) => r.json().trackingCode));
    expect(await stored('跨批第')).toHaveLength(keys.length);
  });

  it('the audit chain verifies after a burst of concurrent reports, one event per stored report', async () => {
    const head = await headCount();
    const n = 60;
    const replies = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        report(`突发第${i}件`, `10.5.${i >> 4}.${(i & 15) + 1}`, i % 2 ? `chain-${i}-${randomUUID()}` : undefined),
      ),
    );
    expect(replies.every((r) => r.statusCode === 201)).toBe(true);
    expect(await stored('突发第')).toHaveLength(n);
    const after = await headCount();
    expect(after - head).toBe(n);
    expect(await ctx.t.app.auditTrail.verify(ctx.t.db.db)).toMatchObject({ ok: true, count: after });
  });
});
