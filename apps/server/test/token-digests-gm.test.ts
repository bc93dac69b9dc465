import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../src/db/index.ts';
import { DataCipher, digestUnder } from '../src/lib/crypto.ts';
import { PASSWORD, buildCounty } from './factories.ts';
import { type TestApp, as, freshDb, login, testApp } from './helpers.ts';

const sm3 = (s: string) => createHash('sm3').update(s).digest('hex');

describe('session and CSRF tokens, request fingerprints and recovery codes are digested under the profile', () => {
  it('gm digests are SM3, tagged g1.; standard ones are untagged SHA-256; each is matched by the algorithm it names', () => {
    // GB/T 32905's "abc".
    expect(digestUnder('gm', 'abc')).toBe('g1.66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(digestUnder('standard', 'abc')).toBe(createHash('sha256').update('abc').digest('hex'));
    const master = randomBytes(32);
    const gm = new DataCipher(master, 'gm');
    const standard = new DataCipher(master, 'standard');
    expect(gm.digests('t')).toEqual([`g1.${sm3('t')}`, createHash('sha256').update('t').digest('hex')]);
    for (const c of [gm, standard])
      for (const stored of [gm.digest('t'), standard.digest('t')]) {
        expect(c.digestMatches(stored, 't')).toBe(true);
        expect(c.digestMatches(stored, 'u')).toBe(false);
      }
    // A SHA-256 digest dressed as SM3 matches nothing.
    expect(gm.digestMatches(`g1.${createHash('sha256').update('t').digest('hex')}`, 't')).toBe(false);
  });

  describe('one database, served first under standard and then under gm', () => {
    let db: DbHandle | null = null;
    const apps: TestApp[] = [];
    afterEach(async () => {
      for (const a of apps.splice(0)) await a.app.close();
      await db?.close();
      db = null;
    });

    it('a session made under gm is stored as the SM3 digest of its token; one made before the change still works, and signs out', async () => {
      db = await freshDb();
      await buildCounty(db.db);
      const master = randomBytes(32);
      const before = await testApp(db, new DataCipher(master, 'standard'));
      apps.push(before);
      const old = await login(before.app, 'qiaoduan', PASSWORD);
      const after = await testApp(db, new DataCipher(master, 'gm'));
      apps.push(after);
      const fresh = await login(after.app, 'baihe', PASSWORD);

      const token = (cookie: string) => /lj_session=([^;]+)/.exec(cookie)?.[1] as string;
      const csrf = (cookie: string) => /lj_csrf=([^;]+)/.exec(cookie)?.[1] as string;
      const rows = await db.db.selectFrom('sessions').select(['id', 'csrf_hash']).execute();
      expect(rows).toContainEqual({ id: `g1.${sm3(token(fresh))}`, csrf_hash: `g1.${sm3(csrf(fresh))}` });
      expect(rows.map((r) => r.id)).toContain(createHash('sha256').update(token(old)).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(token(fresh));

      // The session from before the change is found and its CSRF token checked under its own algorithm.
      const oldClient = as(after.app, old);
      expect((await oldClient.get('/auth/me')).json()).toMatchObject({ username: 'qiaoduan' });
      const reserved = await oldClient.post('/reports/tracking-codes', { count: 1 });
      expect(reserved.statusCode, reserved.body).toBe(201);
      const bad = await after.app.inject({
        method: 'POST',
        url: '/api/v1/reports/tracking-codes',
        headers: { cookie: old, 'x-csrf-token': 'not-the-token' },
        payload: { count: 1 },
      });
      expect(bad.json()).toMatchObject({ code: 'csrf_failed' });
      // Signing out ends it and releases what it reserved.
      expect((await oldClient.post('/auth/logout', {})).statusCode).toBeLessThan(300);
      expect((await oldClient.get('/auth/me')).statusCode).toBe(401);
      expect(await db.db.selectFrom('tracking_code_reservations').select('session_id').execute()).toEqual([]);
    });
  });
});
