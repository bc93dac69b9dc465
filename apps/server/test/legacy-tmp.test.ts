import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stop } from './cli-process.ts';
import { scratchDatabases } from './scratch-db.ts';
import { countyDatabase, startServer } from './server-process.ts';

describe('personal data an earlier version left on disk', () => {
  const scratch = scratchDatabases();
  afterAll(() => scratch.cleanup());

  it('uploads an earlier version left in the system’s temporary directory (clear ID numbers and phones) are removed when a server starts', async () => {
    const systemTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-systmp-'));
    const left = path.join(systemTmp, 'lianjian-imports');
    fs.mkdirSync(left);
    fs.writeFileSync(
      path.join(left, '3f2a.upload'),
      '户编号,姓名,身份证号,电话\n1,王大山,411321197001010011,13812341234\n',
    );
    fs.writeFileSync(path.join(left, '3f2a.rows'), 'rows');
    const key = randomBytes(32).toString('base64');
    const { child } = await startServer(await countyDatabase(scratch), key, {
      TMPDIR: systemTmp,
      LIANJIAN_DAILY_SNAPSHOTS: 'off',
    });
    try {
      expect(fs.existsSync(left)).toBe(false);
    } finally {
      await stop(child);
      fs.rmSync(systemTmp, { recursive: true, force: true });
    }
  }, 120_000);
});
