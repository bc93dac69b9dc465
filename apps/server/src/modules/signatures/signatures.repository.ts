import type { Executor } from '../../db/index.ts';
import type { SignatureTable } from '../../db/types.ts';

export const insertSignature = (tx: Executor, row: SignatureTable) => tx.insertInto('signatures').values(row).execute();

/** Signatures in the order they were made, a page at a time (keyset on signed_at, id). */
export function signaturesAfter(db: Executor, after: { signedAt: string; id: string } | null, limit: number) {
  let q = db.selectFrom('signatures').selectAll().orderBy('signed_at').orderBy('id').limit(limit);
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('signed_at', '>', after.signedAt),
        eb.and([eb('signed_at', '=', after.signedAt), eb('id', '>', after.id)]),
      ]),
    );
  return q.execute();
}

/** The signature of one act on one record, if it was signed. */
export const signatureOf = (db: Executor, act: string, entityId: string) =>
  db.selectFrom('signatures').selectAll().where('act', '=', act).where('entity_id', '=', entityId).executeTakeFirst();

/** The signatures of one act on many records: one query for a page of records. */
export const signaturesOf = (db: Executor, act: string, entityIds: string[]) =>
  entityIds.length
    ? db
        .selectFrom('signatures')
        .select(['entity_id', 'alg', 'key_id', 'sig', 'signed_at'])
        .where('act', '=', act)
        .where('entity_id', 'in', entityIds)
        .execute()
    : Promise.resolve([]);

/**
 * Audit events that name a signature (`after.signed`), in chain order: the chain, keyed, vouches that each of these
 * acts was signed, so a signature row deleted afterwards shows.
 */
export const auditedSignatures = (db: Executor) =>
  db
    .selectFrom('audit_events')
    .select(['seq', 'after_json'])
    .where('after_json', 'like', '%"signed":{"act":%')
    .orderBy('seq')
    .execute();
