import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base, databaseUrl, env } = await ownServer();
const root = path.resolve(import.meta.dirname, '../../..');

/**
 * The province above the demo county: its administrator's overview merges the counties' snapshots of the last
 * finished day, and says so. (No screen sets up a province: the region rows and the account are written here, as an
 * installation's administrator would with the region import and the account screen.)
 */
describe('the province overview in the browser', () => {
  it('shows the counties’ daily snapshot, says which day it is, and ranks counties', async () => {
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    try {
      db.pragma('busy_timeout = 5000');
      const region = db.prepare(
        `insert or ignore into regions (code, name, level, kind, parent_code, name_initials, source) values (?, ?, ?, ?, null, ?, 'official')`,
      );
      region.run('41', '河南省', 'province', '省', 'hns');
      region.run('411322', '方城县', 'county', '县', 'fcx');
      const user = db.prepare('select * from users where username = ?').get('qiaoduan') as Record<string, unknown>;
      db.prepare(
        `insert or ignore into users (${Object.keys(user).join(', ')}) values (${Object.keys(user)
          .map(() => '?')
          .join(', ')})`,
      ).run(
        ...Object.entries(user).map(([k, v]) =>
          k === 'id'
            ? 'e2e-province-admin'
            : k === 'username'
              ? 'henan'
              : k === 'display_name'
                ? '省委组织部'
                : k === 'role'
                  ? 'county_admin'
                  : k === 'scope_region_code'
                    ? '41'
                    : k === 'scope_org_id' || k === 'acting_party_org_id' || k === 'member_id'
                      ? null
                      : v,
        ),
      );
    } finally {
      db.close();
    }
    // The nightly snapshot, taken now by the command a county would run for a backfill.
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'apps/server/src/cli.ts'), 'stats-snapshot'],
      {
        cwd: root,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/of 2 counties taken/);

    const { context, page, errors } = await openBrowser();
    try {
      await logIn(page, base, 'henan', DEMO_PASSWORD);
      const note = page.getByTestId('snapshot-note');
      await note.waitFor();
      expect(await note.innerText()).toMatch(/县级以上范围按日汇总：数据截至 \d{4}-\d{2}-\d{2} 24 时.*2 个县区/);
      const ranking = page.getByTestId('township-ranking');
      await ranking.locator('tbody tr').first().waitFor();
      expect(await ranking.locator('tbody tr').count()).toBe(2);
      expect(await ranking.locator('thead').innerText()).toContain('县区');
      expect(await ranking.locator('tbody tr').first().innerText()).toContain('南召县');
      await screenshot(page, '65-province-overview');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
