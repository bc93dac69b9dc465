import { sql } from 'kysely';
import { systemActor } from '../lib/actor.ts';
import type { DataCipher } from '../lib/crypto.ts';
import { AuditTrail } from '../modules/audit/audit.trail.ts';
import { sealRegisterFilter } from '../modules/households/households.service.ts';
import type { DbHandle } from './index.ts';

/**
 * Personal data that earlier versions kept in clear, sealed with the data key when the server starts (a migration
 * cannot see the key): the residents' phones on reports (`reports.phone` → `phone_enc`, migration 0025) and the ID
 * numbers in the register filters of export links (`export_grants.params_json` → the blind index).
 *
 * One transaction with its audit row, so a stop half-way seals nothing and the next start does it all. Once rows were
 * sealed, the space that still held the clear values is wiped: an UPDATE leaves the old bytes in the page's free space
 * (SQLite) or in the dead row version (PostgreSQL) until something overwrites them, so SQLite rebuilds its file
 * (VACUUM, then the WAL is emptied) and PostgreSQL rewrites the two tables (VACUUM FULL). Returns the rows sealed.
 */
export async function sealPersonalData(handle: DbHandle, cipher: DataCipher): Promise<number> {
  await indexReportPhones(handle, cipher);
  const sealed = await handle.db.transaction().execute(async (tx) => {
    // The clear column is no longer in the table types, so that nothing in the application writes it.
    const phones = (
      await sql<{ id: string; phone: string }>`select id, phone from reports where phone is not null`.execute(tx)
    ).rows;
    for (const r of phones) {
      const phone = r.phone.trim();
      await sql`update reports set phone_enc = ${cipher.encrypt(phone)}, phone_index = ${cipher.blindIndex(phone)}, phone = null where id = ${r.id}`.execute(
        tx,
      );
    }
    const grants = await tx
      .selectFrom('export_grants')
      .select(['id', 'params_json'])
      .where('kind', '=', 'households')
      .where('params_json', 'like', '%"idNumber"%')
      .execute();
    for (const g of grants) {
      await tx
        .updateTable('export_grants')
        .set({ params_json: JSON.stringify(sealRegisterFilter(cipher, JSON.parse(g.params_json))) })
        .where('id', '=', g.id)
        .execute();
    }
    if (phones.length || grants.length) {
      await AuditTrail.of(cipher).record(tx, systemActor('start-up'), {
        action: 'data.sealed',
        entityType: 'database',
        entityId: 'personal_data',
        after: { reportPhones: phones.length, exportFilters: grants.length },
      });
    }
    return phones.length + grants.length;
  });
  if (!sealed) return 0;
  if (handle.dialect === 'sqlite') {
    await sql`vacuum`.execute(handle.db);
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(handle.db);
  } else {
    await sql`vacuum full reports`.execute(handle.db);
    await sql`vacuum full export_grants`.execute(handle.db);
  }
  return sealed;
}

/**
 * Reports made before the phone's keyed hash existed (migration 0041) keep the resident's phone encrypted but have no
 * `phone_index`: their residents' text replies ("TD", "1", "2") and their "no" to messages are matched by it. Filled in
 * at start, batch by batch, each batch one transaction with its audit row. Returns the reports indexed.
 */
export async function indexReportPhones(handle: DbHandle, cipher: DataCipher, batch = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await handle.db.transaction().execute(async (tx) => {
      const rows = await tx
        .selectFrom('reports')
        .select(['id', 'phone_enc'])
        .where('phone_index', 'is', null)
        .where('phone_enc', 'is not', null)
        .orderBy('id')
        .limit(batch)
        .execute();
      for (const r of rows)
        await tx
          .updateTable('reports')
          .set({ phone_index: cipher.blindIndex(cipher.decrypt(r.phone_enc as string).trim()) })
          .where('id', '=', r.id)
          .execute();
      if (rows.length)
        await AuditTrail.of(cipher).record(tx, systemActor('start-up'), {
          action: 'data.sealed',
          entityType: 'database',
          entityId: 'personal_data',
          after: { reportPhonesIndexed: rows.length },
        });
      return rows.length;
    });
    total += n;
    if (n < batch) return total;
  }
}
