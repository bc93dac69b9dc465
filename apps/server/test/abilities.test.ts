import { describe, expect, it } from 'vitest';
import { testApp } from './helpers.ts';
import { useCounty } from './setup-county.ts';

/**
 * Details that offer no action on their record: they are read, not acted on, so they carry no abilities. Each says why;
 * a detail route not listed here must answer `abilities`, so that the screen shows only what the server would allow.
 */
const READ_ONLY_DETAILS: Record<string, string> = {
  '/api/v1/members/{id}': "a person's entry in the members' search; acts on a member go through an organization",
  '/api/v1/activities/{id}': 'a meeting as recorded: it is read and printed, never changed',
  '/api/v1/photos/{id}': 'a picture',
  '/api/v1/public/reports/{trackingCode}': "the resident's own view, with its own rules (tracking code, phone code)",
  '/api/v1/public/reports/{trackingCode}/photos/{photoId}': 'a picture',
  '/api/v1/household-imports/{id}': "an import's progress and result",
  '/api/v1/exit-notices/{villageCode}': "a village's public notice",
};

describe('abilities to the UI', () => {
  it('every detail reply carries abilities, unless it is a read-only detail named with its reason', async () => {
    const t = await testApp();
    try {
      const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as {
        paths: Record<string, { get?: { responses?: Record<string, unknown> } }>;
        components: { schemas: Record<string, unknown> };
      };
      const lacking: string[] = [];
      const details: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        if (!/\{[A-Za-z]+\}$/.test(path) || !ops.get) continue;
        details.push(path);
        const reply = JSON.stringify(ops.get.responses?.['200'] ?? {});
        const ref = /"\$ref":"#\/components\/schemas\/([^"]+)"/.exec(reply)?.[1];
        const schema = ref ? JSON.stringify(doc.components.schemas[ref]) : reply;
        if (!schema.includes('"abilities"') && !(path in READ_ONLY_DETAILS)) lacking.push(path);
      }
      expect(lacking).toEqual([]);
      // The list names only details that exist: a route renamed or removed leaves no stale exemption.
      expect(Object.keys(READ_ONLY_DETAILS).filter((p) => !details.includes(p))).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('an account says who may change it', () => {
  const ctx = useCounty();

  it('the security administrator may change every account but their own, as the server would allow', async () => {
    const security = await ctx.user('security');
    const accounts = (await security.get('/users?limit=100')).json().items as {
      id: string;
      username: string;
      version: number;
      abilities: { change: boolean };
    }[];
    const own = accounts.find((a) => a.username === 'security');
    const other = accounts.find((a) => a.username === 'baihe');
    expect(own?.abilities).toEqual({ change: false });
    expect(other?.abilities).toEqual({ change: true });
    expect((await security.get(`/users/${own?.id}`)).json().abilities).toEqual({ change: false });
    // As said: a change of one's own account is refused.
    const refused = await security.patch(`/users/${own?.id}`, { active: false, version: own?.version });
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'own_account']);
  });
});
