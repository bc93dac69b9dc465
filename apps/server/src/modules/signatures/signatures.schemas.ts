import { z } from 'zod';
import { SIGNATURE_ALGS } from '../../lib/signatures.ts';

export const SigningKey = z
  .object({
    alg: z.enum(SIGNATURE_ALGS).describe('sm2-sm3: GB/T 32918.2 with SM3 and the default ID; ed25519: RFC 8032'),
    keyId: z
      .string()
      .describe('The first 8 bytes, in hex, of the public key’s digest (SM3 for SM2, SHA-256 for Ed25519)'),
    publicKeyHex: z.string().describe('SM2: the uncompressed point 04‖x‖y; Ed25519: the 32-byte key'),
    pem: z.string().nullable().describe('SubjectPublicKeyInfo PEM (Ed25519)'),
    current: z.boolean().describe('Whether new acts are signed with this key'),
  })
  .meta({ id: 'SigningKey' });

export const SigningKeys = z
  .object({
    keys: z.array(SigningKey),
    canonicalContent: z.string().describe('How the signed bytes are made'),
  })
  .meta({ id: 'SigningKeys' });
