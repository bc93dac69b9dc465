import fs from 'node:fs';
import path from 'node:path';
import { AUDIT_ACTIONS, AUDIT_ENTITIES } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { HIDDEN, changesOf } from '../src/modules/audit/audit.view.ts';
import { AccountRequestTransition } from '../src/modules/users/account-requests.schemas.ts';
import { registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

const SRC = path.join(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Every action the code writes into the trail: the literals of each `action:` (with both arms of a choice), the
 * account requests' decisions (`account_request.${to}`) and the data key's record.
 */
function writtenActions(): string[] {
  const found = new Set<string>();
  for (const file of sources(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\baction: ([^,\n]+)/g)) {
      const expr = m[1] ?? '';
      for (const lit of expr.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) found.add(lit[1] as string);
      if (expr.startsWith('`account_request.'))
        for (const to of AccountRequestTransition.shape.to.options) found.add(`account_request.${to}`);
      // Any other action made up at run time must be listed here, or the scan would miss its words.
      else if (expr.includes('`')) found.add(`unlisted template: ${expr}`);
    }
    for (const m of text.matchAll(/export const [A-Z_]+ = '([a-z_]+\.[a-z_]+)';/g))
      if (file.endsWith('audit.trail.ts')) found.add(m[1] as string);
  }
  return [...found].sort();
}

function writtenEntityTypes(): string[] {
  const found = new Set<string>();
  for (const file of sources(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bentityType: ([^,\n]+)/g))
      for (const lit of (m[1] ?? '').matchAll(/'([a-z_]+)'/g)) found.add(lit[1] as string);
  }
  return [...found].sort();
}

describe('the audit trail in words', () => {
  const ctx = useCounty();

  it('the wording catalog covers every action and every kind of record the code writes, in Chinese and English', () => {
    const actions = writtenActions();
    // The scan finds the trail's actions (a broken scan finding nothing would pass anything).
    expect(actions.length).toBeGreaterThan(80);
    expect(actions).toContain('account_request.approved');
    expect(actions).toContain('helper.stack');
    expect(actions).toContain('data_key.record');
    const worded = AUDIT_ACTIONS as Record<string, { 'zh-CN': string; 'en-US': string }>;
    expect(actions.filter((a) => !worded[a]?.['zh-CN'] || !worded[a]?.['en-US'])).toEqual([]);
    const types = writtenEntityTypes();
    expect(types.length).toBeGreaterThan(15);
    const entities = AUDIT_ENTITIES as Record<string, { 'zh-CN': string; 'en-US': string }>;
    expect(types.filter((t) => !entities[t]?.['zh-CN'] || !entities[t]?.['en-US'])).toEqual([]);
  });

  it("the viewer names the records (an organization, an account) instead of their ids and says what changed; the register's personal data stays masked", async () => {
    const qiao = await ctx.user('qiaoduan');
    const org = ctx.county.orgs.qiaoGroup;
    const created = await qiao.post(`/orgs/${org.id}/memberships`, {
      memberId: ctx.county.members.qiaoPowerChief,
      role: 'member',
      startOn: '2020-05-19',
      linkReason: '清单第3项：跳闸',
    });
    expect(created.statusCode).toBe(201);
    const household = await registerHousehold(qiao);
    const auditor = await ctx.user('auditor');
    const page = (await auditor.get('/audit-events?limit=10')).json();
    type Event = {
      action: string;
      entityType: string;
      entityId: string;
      entityName: string | null;
      entityLink: string | null;
      changes: { field: string; before: unknown; after: unknown }[];
      names: Record<string, string>;
    };
    const events = page.items as Event[];
    const orgName = (
      await ctx.t.db.db.selectFrom('temporary_orgs').select('name').where('id', '=', org.id).executeTakeFirstOrThrow()
    ).name;

    // A membership is named by its organization, and the organization's id among the changes by its name.
    const membership = events.find((e) => e.action === 'membership.create') as Event;
    expect(membership.entityName).toBe(orgName);
    const orgLine = membership.changes.find((c) => c.field === 'org_id' || c.field === 'orgId');
    expect(orgLine?.after).toBe(org.id);
    expect(membership.names[org.id]).toBe(orgName);
    // The auditor opens no register page: the record's page is not offered to a role that cannot read it.
    expect(membership.entityLink).toBeNull();

    // A login is named by the account.
    const logins = events.filter((e) => e.action === 'auth.login' && e.entityType === 'user');
    expect(logins.map((e) => e.entityName).sort()).toEqual(['auditor（auditor）', 'qiaoduan（qiaoduan）']);

    // A household is never named (its head's name is the register's), and its personal data stays masked.
    const registered = events.find((e) => e.action === 'household.create') as Event;
    expect(registered.entityId).toBe(household);
    expect(registered.entityName).toBeNull();
    const shown = JSON.stringify(registered.changes);
    expect(shown).not.toContain('赵大山');
    expect(shown).not.toContain('穆老庄村一组');
    expect(registered.changes.some((c) => c.after === HIDDEN)).toBe(true);
    // Only what changed is listed: the membership's fields are new, and none is listed as unchanged.
    expect(membership.changes.every((c) => c.before === null)).toBe(true);
  });

  it('what changed: a line per field whose stored value differs, masked as the viewer masks; a changed masked field still shows', () => {
    expect(
      changesOf(
        { status: 'active', address: '一组', version: 2, start_on: '2020-01-01' },
        { status: 'dissolved', address: '二组', version: 2, dissolvedOn: '2020-05-01' },
      ),
    ).toEqual([
      { field: 'status', before: 'active', after: 'dissolved' },
      { field: 'address', before: HIDDEN, after: HIDDEN },
      { field: 'start_on', before: '2020-01-01', after: null },
      { field: 'dissolvedOn', before: null, after: '2020-05-01' },
    ]);
    expect(changesOf(null, { params: { status: 'registered' }, reason: '核查' })).toEqual([
      { field: 'params.status', before: null, after: 'registered' },
      { field: 'reason', before: null, after: '核查' },
    ]);
  });
});
