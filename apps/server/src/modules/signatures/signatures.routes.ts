import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problemReplies } from '../../lib/schemas.ts';
import type { ActSigner } from '../../lib/signatures.ts';
import { PUBLIC_KEYS_PERMISSION } from './signatures.policy.ts';
import { SigningKeys } from './signatures.schemas.ts';

/** The server's public signing keys, at a stable address, for anyone to check a signed act with (no account). */
export function signatureRoutes(signer: ActSigner): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/public/signing-keys', {
      config: { permission: PUBLIC_KEYS_PERMISSION, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '验签公钥（无需账号）：SM2（国密）和 Ed25519，各带算法和密钥标识',
        response: { 200: SigningKeys, ...problemReplies },
      },
      handler: async () => ({
        keys: signer.publicKeys().map((k) => ({ ...k, current: k.alg === signer.alg })),
        canonicalContent:
          'UTF-8 JSON of {act, entityId, signedAt, facts}, keys sorted at every depth, no whitespace; SM2 signs it with Z_A of ID 1234567812345678 (r‖s hex), Ed25519 as is',
      }),
    });
  };
}
