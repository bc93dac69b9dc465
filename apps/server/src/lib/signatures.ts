import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { type CryptoProfile, type DataCipher, type KeyVersion, keyLabel } from './crypto.ts';

/**
 * Signatures on the acts a county may later be asked to prove (an exit announced, a dissolution…): SM2 with SM3
 * (GB/T 32918.2, Z_A over the default ID) under the `gm` profile, Ed25519 (RFC 8032) under `standard`. Each signature
 * names its algorithm and key, and is verified by the algorithm it names, so that signatures made before a change of
 * profile still verify after it. The keys are derived from the master key: nothing new to back up.
 */
export const SIGNATURE_ALGS = ['sm2-sm3', 'ed25519'] as const;
export type SignatureAlg = (typeof SIGNATURE_ALGS)[number];

export interface Signature {
  alg: SignatureAlg;
  /** A short digest of the public key that made it. */
  keyId: string;
  /** Lower-case hex: r‖s (64 bytes) for SM2, the 64-byte signature for Ed25519. */
  sig: string;
}

export interface PublicSigningKey {
  alg: SignatureAlg;
  keyId: string;
  /** SM2: the uncompressed point `04‖x‖y`; Ed25519: the 32-byte public key. */
  publicKeyHex: string;
  /** SubjectPublicKeyInfo PEM (Ed25519 only: Node's OpenSSL writes no SM2 key with the SM2 OID this library reads). */
  pem: string | null;
}

const ALG_OF: Record<CryptoProfile, SignatureAlg> = { gm: 'sm2-sm3', standard: 'ed25519' };

/** The SM2 recommended curve's order n (GB/T 32918.5). */
const SM2_N = BigInt('0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123');
const HEX64 = /^[0-9a-f]{128}$/;

const hex = (n: bigint) => n.toString(16).padStart(64, '0');

/** A scalar in [1, n-1] from 40 bytes (the extra 64 bits make the reduction's bias negligible, FIPS 186-5 A.2.1). */
export function sm2ScalarFrom(bytes: Buffer): bigint {
  if (bytes.length < 40) throw new Error('an SM2 scalar needs at least 40 bytes');
  return (BigInt(`0x${bytes.toString('hex')}`) % (SM2_N - 1n)) + 1n;
}

/** The SM2 public key `04‖x‖y` of a private scalar given in hex. */
export const sm2PublicKeyOf = (privateHex: string): string => sm2.getPublicKeyFromPrivateKey(privateHex);

/**
 * An SM2 signature (GB/T 32918.2) over `message` with Z_A of the default ID 1234567812345678, r‖s in hex. The nonce k
 * is drawn from the system's generator here (`nonce` only in known-answer tests), not from the library's pool.
 */
export function sm2Sign(privateHex: string, publicHex: string, message: Uint8Array, nonce?: bigint): string {
  const k = nonce ?? sm2ScalarFrom(randomBytes(40));
  const x1 = BigInt(`0x${sm2PublicKeyOf(hex(k)).slice(2, 66)}`);
  return sm2.doSignature(message, privateHex, { hash: true, publicKey: publicHex, pointPool: [{ k, x1 }] });
}

/** An SM2 public key with its multiples precomputed: a verification takes a fifth of the time (measured here). */
export type Sm2PublicPoint = ReturnType<typeof sm2.precomputePublicKey>;

/**
 * Verifies r‖s under a public key (`04‖x‖y` hex, or a precomputed point); r and s must lie in [1, n-1]
 * (GB/T 32918.2 B1–B2), which the library leaves to its caller.
 */
export function sm2Verify(publicKey: string | Sm2PublicPoint, message: Uint8Array, sig: string): boolean {
  if (!HEX64.test(sig)) return false;
  const r = BigInt(`0x${sig.slice(0, 64)}`);
  const s = BigInt(`0x${sig.slice(64)}`);
  if (r < 1n || r >= SM2_N || s < 1n || s >= SM2_N) return false;
  try {
    return sm2.doVerifySignature(message, sig, publicKey, { hash: true });
  } catch {
    return false;
  }
}

/** The PKCS#8 prefix of an Ed25519 private key: the 32-byte seed follows (RFC 8410). */
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
/** The SPKI prefix of an Ed25519 public key: the 32 bytes follow. */
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 key pair from its 32-byte seed (RFC 8032 §5.1.5). */
export function ed25519FromSeed(seed: Buffer) {
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI.length);
  return { privateKey, publicKey, publicHex: Buffer.from(raw).toString('hex') };
}

function ed25519Verify(publicHex: string, message: Uint8Array, sig: string): boolean {
  if (!HEX64.test(sig) || !/^[0-9a-f]{64}$/.test(publicHex)) return false;
  const key = createPublicKey({
    key: Buffer.concat([ED25519_SPKI, Buffer.from(publicHex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
  return verify(null, message, key, Buffer.from(sig, 'hex'));
}

/** A key's id: the first 8 bytes, in hex, of its public key's digest under the algorithm's own hash. */
export function keyIdOf(alg: SignatureAlg, publicHex: string): string {
  return createHash(alg === 'sm2-sm3' ? 'sm3' : 'sha256')
    .update(Buffer.from(publicHex, 'hex'))
    .digest('hex')
    .slice(0, 16);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The short code printed on a notice or a ledger (8 base32 characters, shown as `XXXX-XXXX`): the first 40 bits of the
 * signature's digest under its algorithm's hash. It finds the signature again; the signature, not the code, is the proof.
 */
export function verificationCode(s: Pick<Signature, 'alg' | 'sig'>): string {
  const d = createHash(s.alg === 'sm2-sm3' ? 'sm3' : 'sha256')
    .update(Buffer.from(s.sig, 'hex'))
    .digest();
  let bits = 0n;
  for (const b of d.subarray(0, 5)) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 7; i >= 0; i--) out += BASE32[Number((bits >> BigInt(i * 5)) & 31n)];
  return `${out.slice(0, 4)}-${out.slice(4)}`;
}

/**
 * Canonical bytes of an act's facts: JSON with keys sorted at every depth, no whitespace, UTF-8. Refuses what JSON
 * would change silently (undefined, non-finite numbers, dates, class instances), so the bytes signed are the facts.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('canonical JSON: a number must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`canonical JSON: ${typeof value} is not a fact`);
}

type Sm2Pair = { alg: 'sm2-sm3'; privateHex: string; publicHex: string; point: Sm2PublicPoint; keyId: string };
type Ed25519Pair = { alg: 'ed25519'; keyId: string } & ReturnType<typeof ed25519FromSeed>;

/**
 * The server's signing keys: the `signing` keys of the data key ring (version 1 derived from the master key, later ones
 * from `rotate-keys`), signing with the active one. Every key the ring holds verifies and is published, so that a
 * signature made before a rotation or a change of profile is still checked.
 */
export class ActSigner {
  private readonly pairs = new Map<string, Sm2Pair | Ed25519Pair>();

  constructor(private readonly ring: DataCipher) {}

  /** The signer of a data key's ring. */
  static of(cipher: DataCipher): ActSigner {
    return new ActSigner(cipher);
  }

  /** The key pair of a signing key, made at first use: a point multiplication is not worth paying for nothing. */
  private pairOf(k: KeyVersion): Sm2Pair | Ed25519Pair {
    const label = keyLabel(k);
    let pair = this.pairs.get(label);
    if (!pair) {
      const seed = this.ring.keyOf(k);
      if (!seed) throw new Error(`no signing key ${label}`);
      if (k.profile === 'gm') {
        const privateHex = hex(sm2ScalarFrom(seed));
        const publicHex = sm2PublicKeyOf(privateHex);
        pair = {
          alg: 'sm2-sm3',
          privateHex,
          publicHex,
          point: sm2.precomputePublicKey(publicHex),
          keyId: keyIdOf('sm2-sm3', publicHex),
        };
      } else {
        const ed = ed25519FromSeed(seed);
        pair = { alg: 'ed25519', ...ed, keyId: keyIdOf('ed25519', ed.publicHex) };
      }
      this.pairs.set(label, pair);
    }
    return pair;
  }

  /** The profile new signatures are made under. */
  get profile(): CryptoProfile {
    return this.ring.activeKey('signing').profile;
  }

  /** The algorithm new signatures are made with. */
  get alg(): SignatureAlg {
    return ALG_OF[this.profile];
  }

  sign(message: Uint8Array): Signature {
    const p = this.pairOf(this.ring.activeKey('signing'));
    if (p.alg === 'sm2-sm3')
      return { alg: 'sm2-sm3', keyId: p.keyId, sig: sm2Sign(p.privateHex, p.publicHex, message) };
    return { alg: 'ed25519', keyId: p.keyId, sig: sign(null, message, p.privateKey).toString('hex') };
  }

  /**
   * Whether `s` is this server's signature over `message`: by the algorithm it names, and only under the key it names
   * being one of this server's keys for that algorithm (a signature under a key of one's own making never verifies).
   */
  verify(message: Uint8Array, s: Signature): boolean {
    const p = this.ring
      .versionsOf('signing')
      .map((k) => this.pairOf(k))
      .find((k) => k.keyId === s.keyId && k.alg === s.alg);
    if (!p) return false;
    return p.alg === 'sm2-sm3' ? sm2Verify(p.point, message, s.sig) : ed25519Verify(p.publicHex, message, s.sig);
  }

  /** Every public key of the ring, the active one first: what is published for anyone to check a signature with. */
  publicKeys(): PublicSigningKey[] {
    return this.ring.versionsOf('signing').map((k) => {
      const p = this.pairOf(k);
      return p.alg === 'sm2-sm3'
        ? { alg: p.alg, keyId: p.keyId, publicKeyHex: p.publicHex, pem: null }
        : {
            alg: p.alg,
            keyId: p.keyId,
            publicKeyHex: p.publicHex,
            pem: p.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
          };
    });
  }
}
