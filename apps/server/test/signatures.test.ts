import { createHash, hkdfSync, randomBytes, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataCipher } from '../src/lib/crypto.ts';
import {
  ActSigner,
  canonicalJson,
  ed25519FromSeed,
  keyIdOf,
  sm2PublicKeyOf,
  sm2Sign,
  sm2Verify,
  verificationCode,
} from '../src/lib/signatures.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const flipBit = (sigHex: string, at: number) => {
  const b = Buffer.from(sigHex, 'hex');
  b[at] = (b[at] as number) ^ 1;
  return b.toString('hex');
};

// GB/T 32918.5-2017 Annex A (GM/T 0003.5-2012): a signature on the recommended curve, default ID 1234567812345678.
const KAT = {
  d: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
  publicKey:
    '04' +
    '09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' +
    'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  message: 'message digest',
  k: BigInt('0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21'),
  e: 'f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640',
  r: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3',
  s: 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
};
// The recommended curve's parameters (GB/T 32918.5), for computing Z_A apart from the library.
const CURVE = {
  a: 'fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc',
  b: '28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93',
  gx: '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7',
  gy: 'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0',
};

describe('SM2 signatures (GB/T 32918.2) on the recommended curve', () => {
  it('the standard example: public key, Z_A with the default ID and e computed with SM3 apart from the library', () => {
    expect(sm2PublicKeyOf(KAT.d)).toBe(KAT.publicKey);
    const id = Buffer.from('1234567812345678');
    const za = createHash('sm3')
      .update(Buffer.from([0, id.length * 8]))
      .update(id)
      .update(Buffer.from(CURVE.a + CURVE.b + CURVE.gx + CURVE.gy + KAT.publicKey.slice(2), 'hex'))
      .digest();
    expect(createHash('sm3').update(za).update(KAT.message).digest('hex')).toBe(KAT.e);
  });

  it('signs the standard example with its nonce to its r and s, and verifies them', () => {
    expect(sm2Sign(KAT.d, KAT.publicKey, bytes(KAT.message), KAT.k)).toBe(KAT.r + KAT.s);
    expect(sm2Verify(KAT.publicKey, bytes(KAT.message), KAT.r + KAT.s)).toBe(true);
  });

  it('a flipped bit in r, in s or in the message fails; so do r or s out of [1, n-1] and a longer signature', () => {
    expect(sm2Verify(KAT.publicKey, bytes(KAT.message), flipBit(KAT.r + KAT.s, 31))).toBe(false);
    expect(sm2Verify(KAT.publicKey, bytes(KAT.message), flipBit(KAT.r + KAT.s, 63))).toBe(false);
    expect(sm2Verify(KAT.publicKey, bytes('message digesu'), KAT.r + KAT.s)).toBe(false);
    const n = 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123';
    expect(sm2Verify(KAT.publicKey, bytes(KAT.message), n + KAT.s)).toBe(false);
    expect(sm2Verify(KAT.publicKey, bytes(KAT.message), KAT.r + n)).toBe(false);
    expect(sm2Verify(KAT.publicKey, bytes(KAT.message), '0'.repeat(64) + KAT.s)).toBe(false);
    expect(sm2Verify(KAT.publicKey, bytes(KAT.message), `${KAT.r + KAT.s}00`)).toBe(false);
  });

  it('a fresh nonce each time: two signatures of the same message differ and both verify', () => {
    const a = sm2Sign(KAT.d, KAT.publicKey, bytes('x'));
    const b = sm2Sign(KAT.d, KAT.publicKey, bytes('x'));
    expect(a).not.toBe(b);
    expect(sm2Verify(KAT.publicKey, bytes('x'), a)).toBe(true);
    expect(sm2Verify(KAT.publicKey, bytes('x'), b)).toBe(true);
  });
});

describe('Ed25519 (RFC 8032)', () => {
  it('test vector 1 through the seed the keys are derived as', () => {
    const k = ed25519FromSeed(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'));
    expect(k.publicHex).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(sign(null, Buffer.alloc(0), k.privateKey).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });
});

describe('the server signer under each profile', () => {
  const master = randomBytes(32);

  it('signs with SM2 under gm and Ed25519 under standard, naming the algorithm and the key', () => {
    const gm = ActSigner.of(new DataCipher(master, 'gm'));
    const std = ActSigner.of(new DataCipher(master, 'standard'));
    const m = bytes(canonicalJson({ act: '公告退出', on: '2026-12-07' }));
    const a = gm.sign(m);
    const b = std.sign(m);
    expect(a.alg).toBe('sm2-sm3');
    expect(a.sig).toMatch(/^[0-9a-f]{128}$/);
    expect(b.alg).toBe('ed25519');
    expect(b.sig).toMatch(/^[0-9a-f]{128}$/);
    // Either profile verifies what the other signed: a signature is checked by the algorithm it names.
    expect(std.verify(m, a)).toBe(true);
    expect(gm.verify(m, b)).toBe(true);
    expect(gm.verify(bytes(canonicalJson({ act: '公告退出', on: '2026-12-08' })), a)).toBe(false);
    expect(gm.verify(m, { ...a, sig: flipBit(a.sig, 40) })).toBe(false);
    expect(std.verify(m, { ...b, sig: flipBit(b.sig, 40) })).toBe(false);
    // An algorithm swapped for the other's name, or a key id that is not this server's, never verifies.
    expect(gm.verify(m, { ...a, alg: 'ed25519' })).toBe(false);
    expect(gm.verify(m, { ...a, keyId: '0000000000000000' })).toBe(false);
  });

  it('the keys derive from the master key alone: the same key signs as the same public key; another key does not verify', () => {
    const one = ActSigner.of(new DataCipher(master, 'gm'));
    const again = ActSigner.of(new DataCipher(Buffer.from(master), 'gm'));
    expect(again.publicKeys()).toEqual(one.publicKeys());
    const other = ActSigner.of(new DataCipher(randomBytes(32), 'gm'));
    const m = bytes('{}');
    expect(other.verify(m, one.sign(m))).toBe(false);
    // The SM2 scalar is HKDF-SM3 of the master key (40 bytes, reduced into [1, n-1]); Ed25519's seed HKDF-SHA-256.
    const n = BigInt('0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123');
    const okm = Buffer.from(hkdfSync('sm3', master, Buffer.alloc(0), 'lianjian act signing sm2 v1', 40));
    const d = ((BigInt(`0x${okm.toString('hex')}`) % (n - 1n)) + 1n).toString(16).padStart(64, '0');
    const sm2Key = one.publicKeys().find((k) => k.alg === 'sm2-sm3');
    expect(sm2Key?.publicKeyHex).toBe(sm2PublicKeyOf(d));
    const seed = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'lianjian act signing ed25519 v1', 32));
    expect(one.publicKeys().find((k) => k.alg === 'ed25519')?.publicKeyHex).toBe(ed25519FromSeed(seed).publicHex);
  });

  it('publishes both public keys, the running profile first, with key ids that are digests of the keys', () => {
    const keys = ActSigner.of(new DataCipher(master, 'gm')).publicKeys();
    expect(keys.map((k) => k.alg)).toEqual(['sm2-sm3', 'ed25519']);
    for (const k of keys) expect(k.keyId).toBe(keyIdOf(k.alg, k.publicKeyHex));
    expect(keys[1]?.pem).toContain('BEGIN PUBLIC KEY');
    expect(ActSigner.of(new DataCipher(master, 'standard')).publicKeys()[0]?.alg).toBe('ed25519');
  });
});

describe('canonical content and the verification code', () => {
  it('sorts keys at every depth and refuses what JSON would change', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: null, y: '户' }], c: true } })).toBe(
      '{"a":{"c":true,"d":[2,{"y":"户","z":null}]},"b":1}',
    );
    expect(() => canonicalJson({ a: undefined })).toThrow();
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
    expect(() => canonicalJson({ a: new Date() })).toThrow();
  });

  it('the code is 8 base32 characters of the signature digest under its algorithm, and changes with the signature', () => {
    const sig = KAT.r + KAT.s;
    const code = verificationCode({ alg: 'sm2-sm3', sig });
    expect(code).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}$/);
    const d = createHash('sm3').update(Buffer.from(sig, 'hex')).digest();
    const first40 = (d.readUInt32BE(0) * 256 + (d[4] as number)).toString(2).padStart(40, '0');
    const expected = Array.from({ length: 8 }, (_, i) =>
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.charAt(Number.parseInt(first40.slice(i * 5, i * 5 + 5), 2)),
    ).join('');
    expect(code.replace('-', '')).toBe(expected);
    expect(verificationCode({ alg: 'sm2-sm3', sig: flipBit(sig, 0) })).not.toBe(code);
  });
});
