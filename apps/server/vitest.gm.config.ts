import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * The server's tests once more under the gm cryptographic profile (`npm run test:gm`): the files whose data the
 * profile changes, so every cipher, digest and key is SM4, SM3 or SM2 in them: encrypted fields and their blind
 * indexes (the register, searches, imports and their sealed scratch files, residents' phone numbers), the audit chain,
 * signed acts, token digests, the data keys and their rotation, backups, exports and the scan for personal data left
 * in clear. The profile's own tests (`crypto`, `audit-chain-gm`, `token-digests-gm`, `sealed`, the gm cases of
 * `key-rotation`) run in the main suite as well. The rest of the suite (rules, scope, workflows) reads and writes
 * through the same cipher and does not depend on which profile it is under; running all of it twice took five
 * minutes of CI.
 */
export default defineConfig({
  test: {
    ...base.test,
    env: { LIANJIAN_CRYPTO: 'gm' },
    include: [
      'src/lib/{identity,sealed}.test.ts',
      'test/{crypto,audit,audit-chain,audit-chain-gm,audit-words,token-digests-gm}.test.ts',
      'test/{data-key,key-rotation,signed-acts,signatures,backup}.test.ts',
      'test/{households,identity,search,imports,import-mapping,import-scratch}.test.ts',
      'test/{register.rules,registers,register-exports,export,exports}.test.ts',
      'test/{reports.rules,resident-messages.rules,personal-data,personal-data-scan,personal-data-logs}.test.ts',
    ],
  },
});
