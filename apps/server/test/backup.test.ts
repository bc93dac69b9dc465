import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createDb, migrate } from '../src/db/index.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { backup, manifestPath, restore, verifyUrl } from '../src/ops/backup.ts';
import { PASSWORD, buildCounty } from './factories.ts';
import { as, auditTrailGuard, login } from './helpers.ts';
import { scratchDatabases } from './scratch-db.ts';

describe('backup, restore and verify (GB/T 22239: data backup and recovery)', () => {
  const scratch = scratchDatabases();
  afterEach(async () => scratch.cleanup());

  it('a backup taken while reports are being submitted restores into a fresh instance that passes verify', async () => {
    const url = await scratch.create();
    const handle = createDb(url);
    await migrate(handle.db);
    const app = await buildApp({ db: handle, cipher: new DataCipher(randomBytes(32)) });
    const trail = auditTrailGuard(app, handle);
    await buildCounty(handle.db);
    const qiao = as(app, await login(app, 'qiaoduan', PASSWORD));
    let stop = false;
    let acknowledged = 0;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const res = await qiao.post('/reports', {
          source: 'visit',
          regionCode: '411321106200',
          category: 'electricity',
          description: `走访发现第${i}处线路老化`,
        });
        if (res.statusCode !== 201) throw new Error(`report refused: ${res.statusCode} ${res.body}`);
        acknowledged++;
      }
    })();
    try {
      while (acknowledged < 20) await new Promise((r) => setTimeout(r, 10));
      const file = path.join(scratch.dir, scratch.dialect === 'sqlite' ? 'backup.db' : 'backup.dump');
      const before = acknowledged;
      const manifest = await backup(url, file);
      const after = acknowledged;
      // Writes carried on during the backup, and the backup holds a consistent point among them.
      while (acknowledged < after + 10) await new Promise((r) => setTimeout(r, 10));
      stop = true;
      await writer;
      expect(manifest.tables.reports).toBeGreaterThanOrEqual(before);
      expect(manifest.tables.reports).toBeLessThanOrEqual(after + 1);
      expect(manifest.auditEvents).toBeGreaterThan(manifest.tables.reports as number);
      expect(JSON.parse(fs.readFileSync(manifestPath(file), 'utf8')).tables.reports).toBe(manifest.tables.reports);

      const fresh = await scratch.create();
      await restore(file, fresh);
      const report = await verifyUrl(fresh, app.auditTrail, manifest);
      expect(report.mismatches).toEqual([]);
      expect(report.integrity).toBe('ok');
      expect(report.audit.ok).toBe(true);
      expect(report.ok).toBe(true);
      // The live database moved on; the restored one is the backup's point in time.
      const live = await verifyUrl(url, app.auditTrail);
      expect(live.tables.reports).toBeGreaterThan(report.tables.reports as number);
      // Restoring over data is refused.
      await expect(restore(file, fresh)).rejects.toThrow(/fresh instance/);
    } finally {
      stop = true;
      await writer.catch(() => {});
      await trail.settled();
      await app.close();
      await handle.close();
    }
    trail.assertHeld();
  });
});
