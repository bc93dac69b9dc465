import { createHash } from 'node:crypto';
import type { Executor } from '../../db/index.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import {
  type ActSigner,
  SIGNATURE_ALGS,
  type SignatureAlg,
  canonicalJson,
  verificationCode,
} from '../../lib/signatures.ts';
import { MONITORING_STATUSES } from '@lianjian/shared';
import { ACTS, type ActKind, isAct, unsignedCount } from './acts.repository.ts';
import { monitoringStepSigned } from './signatures.policy.ts';
import * as repo from './signatures.repository.ts';

/** What an act's audit event carries of its signature (`after.signed`), and what a record's reply shows. */
export interface SignedAct {
  act: ActKind;
  entityId: string;
  /** The short verification code printed on the notice (`XXXX-XXXX`). */
  code: string;
}

const bytesOf = (content: string) => Buffer.from(content, 'utf8');

/** Large facts are signed by their digest under the signature algorithm's own hash (SM3 with SM2). */
const digestFor =
  (alg: SignatureAlg) =>
  (text: string): string => {
    const hash = alg === 'sm2-sm3' ? 'sm3' : 'sha256';
    return `${hash}:${createHash(hash).update(text, 'utf8').digest('hex')}`;
  };

/** The canonical content signed for an act: its name, the record, the moment of signing and the facts. */
const contentOf = (act: ActKind, entityId: string, signedAt: string, facts: Record<string, unknown>) =>
  canonicalJson({ act, entityId, signedAt, facts });

/**
 * Signs an act inside its transaction, after the act's writes: the facts are read back from the records just written.
 * Returns what the act's audit event records of it, so that the keyed audit chain vouches for the signature's presence.
 */
export async function signAct(
  tx: Executor,
  signer: ActSigner | null,
  act: ActKind,
  entityId: string,
): Promise<SignedAct> {
  if (!signer) throw new Error(`${act}: no signing key, the act cannot be signed`);
  const facts = await ACTS[act](tx, entityId, digestFor(signer.alg));
  if (!facts) throw new Error(`${act} ${entityId}: the act is not in the records`);
  const signedAt = nowIso();
  const content = contentOf(act, entityId, signedAt, facts);
  const s = signer.sign(bytesOf(content));
  await repo.insertSignature(tx, {
    id: newId(),
    act,
    entity_id: entityId,
    content_json: content,
    alg: s.alg,
    key_id: s.keyId,
    sig: s.sig,
    signed_at: signedAt,
  });
  return { act, entityId, code: verificationCode(s) };
}

/** The verification codes of one act on many records, by record id (a record without one was not signed). */
export async function codesOf(db: Executor, act: ActKind, entityIds: string[]): Promise<Map<string, string>> {
  const rows = await repo.signaturesOf(db, act, entityIds);
  return new Map(
    rows
      .filter((r) => (SIGNATURE_ALGS as readonly string[]).includes(r.alg))
      .map((r) => [r.entity_id, verificationCode({ alg: r.alg as SignatureAlg, sig: r.sig })]),
  );
}

export type SignatureFailure =
  | 'unknown_act'
  | 'record_missing'
  | 'content_changed'
  | 'signature_invalid'
  | 'signature_missing';

export interface SignatureReport {
  ok: boolean;
  /** Signatures checked. */
  count: number;
  failure: { act: string; entityId: string; reason: SignatureFailure; signatureId: string | null } | null;
}

/**
 * Checks every signature: the act's content is recomputed from the records (never taken from the stored copy) and the
 * signature checked with the published key of the algorithm it names; then every act the audit trail says was signed
 * must still have its signature, with the code the trail recorded. Reports the first failure.
 */
export async function verifySignatures(db: Executor, signer: ActSigner): Promise<SignatureReport> {
  let count = 0;
  let after: { signedAt: string; id: string } | null = null;
  for (;;) {
    const rows = await repo.signaturesAfter(db, after, 500);
    for (const r of rows) {
      const fail = (reason: SignatureFailure): SignatureReport => ({
        ok: false,
        count,
        failure: { act: r.act, entityId: r.entity_id, reason, signatureId: r.id },
      });
      if (!isAct(r.act)) return fail('unknown_act');
      if (!(SIGNATURE_ALGS as readonly string[]).includes(r.alg)) return fail('signature_invalid');
      const alg = r.alg as SignatureAlg;
      const facts = await ACTS[r.act](db, r.entity_id, digestFor(alg));
      if (!facts) return fail('record_missing');
      const content = contentOf(r.act, r.entity_id, r.signed_at, facts);
      if (content !== r.content_json) return fail('content_changed');
      if (!signer.verify(bytesOf(content), { alg, keyId: r.key_id, sig: r.sig })) return fail('signature_invalid');
      count++;
    }
    const last = rows.at(-1);
    if (!last || rows.length < 500) break;
    after = { signedAt: last.signed_at, id: last.id };
  }
  for (const e of await repo.auditedSignatures(db)) {
    const signed = (JSON.parse(e.after_json ?? '{}') as { signed?: Partial<SignedAct> }).signed;
    if (!signed?.act || !signed.entityId) continue;
    const row = await repo.signatureOf(db, signed.act, signed.entityId);
    const code = row ? verificationCode({ alg: row.alg as SignatureAlg, sig: row.sig }) : null;
    if (code !== signed.code)
      return {
        ok: false,
        count,
        failure: {
          act: signed.act,
          entityId: signed.entityId,
          reason: 'signature_missing',
          signatureId: row?.id ?? null,
        },
      };
  }
  return { ok: true, count, failure: null };
}

/**
 * Records of each act that carry no signature: done before signing began, loaded by the demo or an import, or written
 * outside the application. Not a failure (nothing vouches that they were ever signed), but said, for the assessor.
 */
export async function unsignedActs(db: Executor): Promise<Partial<Record<ActKind, number>>> {
  const decisions = MONITORING_STATUSES.filter(monitoringStepSigned);
  const out: Partial<Record<ActKind, number>> = {};
  for (const act of Object.keys(ACTS) as ActKind[]) {
    const n = await unsignedCount(db, act, decisions);
    if (n) out[act] = n;
  }
  return out;
}
