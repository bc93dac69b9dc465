import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/index.ts';
import { DataCipher } from '../src/lib/crypto.ts';
import { nowIso } from '../src/lib/ids.ts';
import { queueNotice, sealParams } from '../src/lib/notices.ts';
import { fakeAliyun } from './fake-aliyun.ts';
import { scratchDatabases } from './scratch-db.ts';
import { countyDatabase, startServer } from './server-process.ts';

const MESSAGES = 10;
/** The fake holds its answer to these calls (by the order in which notices first reach it); the server is killed. */
const KILL_AT = [4, 8];

describe('SIGKILL during dispatch: nothing the provider acknowledged is sent twice', () => {
  const scratch = scratchDatabases();
  const key = randomBytes(32).toString('base64');
  const cipher = new DataCipher(Buffer.from(key, 'base64'));
  let url = '';
  const ids: string[] = [];

  beforeAll(async () => {
    url = await countyDatabase(scratch);
    const handle = createDb(url);
    await handle.db
      .insertInto('sms_settings')
      .values({
        county_code: '411321',
        sign_name: '汝阳县联建',
        templates: JSON.stringify({ report_accepted: 'SMS_100001' }),
        updated_by: 'test',
        updated_at: nowIso(),
      })
      .execute();
    for (let i = 0; i < MESSAGES; i++)
      ids.push(
        await handle.db.transaction().execute((tx) =>
          queueNotice(tx, {
            channel: 'sms',
            purpose: 'report_accepted',
            countyCode: '411321',
            toEnc: cipher.encrypt(`138000000${String(i).padStart(2, '0')}`),
            params: { region: '桥东村' },
            secretParamsEnc: sealParams(cipher, { trackingCode: `CODE-${i}` }),
            expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
          }),
        ),
      );
    await handle.close();
  }, 120_000);
  afterAll(async () => scratch.cleanup());

  it(`${KILL_AT.length} kills while a message is with the provider: after restarts every message is acknowledged exactly once, and only the ones cut off were offered twice`, async () => {
    const seen: string[] = [];
    const heldIds: string[] = [];
    const fake = await fakeAliyun((call) => {
      const id = call.OutId as string;
      if (!seen.includes(id)) {
        seen.push(id);
        if (KILL_AT.includes(seen.length)) {
          heldIds.push(id);
          return 'hold';
        }
      }
      return { Code: 'OK', Message: 'OK', BizId: `biz-${id}` };
    });
    const env = {
      LIANJIAN_ALIYUN_ACCESS_KEY_ID: 'test-key-id',
      LIANJIAN_ALIYUN_ACCESS_KEY_SECRET: 'test-secret',
      LIANJIAN_ALIYUN_SMS_ENDPOINT: fake.endpoint,
      LIANJIAN_NOTICE_INTERVAL_MS: '100',
      LIANJIAN_NOTICE_CLAIM_MS: '1500',
    };
    const handle = createDb(url);
    const statuses = async () =>
      handle.db.selectFrom('notices').select(['id', 'status']).where('channel', '=', 'sms').execute();
    try {
      for (const _ of KILL_AT) {
        const held = fake.held();
        const { child } = await startServer(url, key, env);
        const exited = new Promise((r) => child.once('exit', r));
        await held;
        child.kill('SIGKILL');
        await exited;
        // What the provider acknowledged before the kill was recorded as sent before the next message was taken.
        const sent = new Set((await statuses()).filter((n) => n.status === 'sent').map((n) => n.id));
        for (const c of fake.acknowledged) expect(sent.has(c.OutId as string)).toBe(true);
      }
      const { child } = await startServer(url, key, env);
      const exited = new Promise((r) => child.once('exit', r));
      const deadline = Date.now() + 30_000;
      while ((await statuses()).some((n) => n.status !== 'sent') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGTERM');
      await exited;
    } finally {
      await fake.close();
    }
    const acknowledged = fake.acknowledged.map((c) => c.OutId as string);
    expect(acknowledged.length).toBe(new Set(acknowledged).size);
    expect([...acknowledged].sort()).toEqual([...ids].sort());
    expect((await statuses()).every((n) => n.status === 'sent')).toBe(true);
    // Offered twice: only the messages whose answer the kill cut off.
    const offered = fake.calls.map((c) => c.OutId as string);
    const twice = [...new Set(offered.filter((id, i) => offered.indexOf(id) !== i))].sort();
    expect(twice).toEqual([...heldIds].sort());
    expect(heldIds).toHaveLength(KILL_AT.length);
    // Each try is on record: the cut-off ones have the one that succeeded (the killed try left only its count).
    const attempts = await handle.db.selectFrom('notice_attempts').select(['notice_id', 'result']).execute();
    expect(attempts.filter((a) => a.result === 'sent')).toHaveLength(MESSAGES);
    const tries = await handle.db.selectFrom('notices').select(['id', 'tries']).execute();
    for (const t of tries) expect(t.tries).toBe(heldIds.includes(t.id) ? 2 : 1);
    await handle.close();
  }, 180_000);
});
