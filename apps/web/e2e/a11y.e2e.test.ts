import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer } from './browser';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

/** A page, or a way to find one from the API (a record's address). */
type Route = string | ((api: (path: string) => Promise<{ items: { id: string }[] }>) => Promise<string>);

/** Serious and critical WCAG 2 A/AA violations on the page as it stands, one line per element. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

async function audit(user: string | null, password: string, device: 'desktop' | 'phone', routes: Route[]) {
  const { context, page } = await openBrowser(device);
  try {
    if (user) await logIn(page, base, user, password);
    const api = async (path: string) => (await page.request.get(`${base}/api/v1${path}`)).json();
    const found: Record<string, string[]> = {};
    for (const route of routes) {
      const path = typeof route === 'string' ? route : await route(api);
      await page.goto(`${base}${path}`);
      await page.waitForLoadState('networkidle');
      // Charts and lazy panels settle after the data.
      await page.waitForTimeout(500);
      const v = await violations(page);
      if (v.length) found[`${device} ${user ?? 'public'} ${path}`] = v;
    }
    expect(found).toEqual({});
  } finally {
    await context.close();
  }
}

const baiheOrg = async (api: (p: string) => Promise<{ items: { id: string }[] }>) =>
  `/orgs/${(await api(`/orgs?q=${encodeURIComponent('白河新村')}`)).items[0]?.id}`;

describe('accessibility (axe-core, WCAG 2 A and AA): no serious or critical violation on any page', () => {
  it('the county administrator’s pages, on a desktop', async () => {
    await audit('admin', ADMIN_PASSWORD, 'desktop', [
      '/overview',
      '/orgs',
      baiheOrg,
      '/network',
      '/reports',
      '/lists',
      async (api) => `/lists/${(await api('/problem-lists')).items[0]?.id}`,
      async (api) => `/items/${(await api('/items')).items[0]?.id}`,
      '/chains',
      '/households',
      async (api) => `/households/${(await api('/households')).items[0]?.id}`,
      '/households/notice/411321106900',
      '/members',
      '/assessment',
      '/feedback',
      '/account',
      async (api) => `/activities/${(await api('/activities')).items[0]?.id}`,
    ]);
    // Seventeen pages, each loaded and scanned: longer than one page's test (about 70 s alone on two cores).
  }, 240_000);

  it('the branch secretary’s pages, on a phone', async () => {
    await audit('baihe', DEMO_PASSWORD, 'phone', [
      '/',
      async (api) => `${await baiheOrg(api)}/meetings/new`,
      '/households',
      '/lists',
      '/reports',
      // A meeting's sheet for the 三会一课 files.
      async (api) => `/activities/${(await api('/activities')).items[0]?.id}/print`,
    ]);
  });

  it('the security and audit administrators’ pages', async () => {
    await audit('security', DEMO_PASSWORD, 'desktop', ['/users']);
    await audit('auditor', DEMO_PASSWORD, 'desktop', ['/audit']);
  });

  it('the resident’s pages and the village board, on a phone, without an account', async () => {
    await audit(null, '', 'phone', ['/', '/r', '/v', '/v/411321106900']);
  });
});
