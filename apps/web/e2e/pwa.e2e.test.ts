import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfHeaders, logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

/** Waits until the page is controlled by the app's service worker (it claims its clients once active). */
async function controlled(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 100));
    return `${reg.scope} ${navigator.serviceWorker.controller?.scriptURL ?? 'none'}`;
  });
}

describe('the staff app installs as a PWA and opens with no connection', () => {
  let page: Page;
  let errors: string[];
  let close: () => Promise<void>;
  let setOffline: (offline: boolean) => Promise<void>;

  beforeAll(async () => {
    const b = await openBrowser('phone');
    page = b.page;
    errors = b.errors;
    close = () => b.context.close();
    setOffline = (offline) => b.context.setOffline(offline);
  });
  afterAll(async () => close());

  it('passes the install audit: manifest linked with name, icons, start_url and standalone display, worker in control', async () => {
    await logIn(page, base, 'baihe', DEMO_PASSWORD);
    expect(await controlled(page)).toBe(`${base}/ ${base}/sw.js`);

    const cdp = await page.context().newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[]; data: string };
    expect(manifest.url).toBe(`${base}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const m = JSON.parse(manifest.data);
    expect([m.name, m.short_name, m.lang, m.start_url, m.display, m.theme_color]).toEqual([
      '联建 · 临时党组织管理',
      '联建',
      'zh-CN',
      '/',
      'standalone',
      '#c8161d',
    ]);
    for (const size of ['192x192', '512x512']) {
      const icon = m.icons.find((i: { sizes: string }) => i.sizes === size);
      const got = await page.request.get(`${base}${icon.src}`);
      expect([size, got.status(), got.headers()['content-type']]).toEqual([size, 200, 'image/png']);
    }
    // Chromium's own installability check: the list of reasons it would refuse to install is empty.
    const installable = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
    expect(installable.installabilityErrors).toEqual([]);
    await cdp.detach();
  });

  it('the worker keeps the staff shell only: no API reply and no resident page in its caches', async () => {
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
      }
      return urls;
    });
    expect(cached).toContain('/index.html');
    expect(cached.some((u) => u.startsWith('/assets/main-'))).toBe(true);
    expect(cached.filter((u) => u.startsWith('/api/') || u.includes('resident'))).toEqual([]);
  });

  it('offline, a reload still shows the app shell; the residents’ pages are not taken over', async () => {
    await setOffline(true);
    try {
      await page.reload();
      await page.locator('#root *').first().waitFor();
      expect(await page.title()).toBe('联建 · 临时党组织管理');
      await screenshot(page, 'pwa-offline-shell');
      // The residents' page is not in the worker's keeping: offline it is the browser's own error, not the staff app.
      const resident = await page.goto(`${base}/r`).catch((e: Error) => e);
      expect(resident instanceof Error ? resident.message : String(resident?.status())).toMatch(
        /ERR_INTERNET_DISCONNECTED/,
      );
    } finally {
      await setOffline(false);
    }
    expect(errors).toEqual([]);
  });
});

describe('a secretary records a visit with no connection, and it reaches the server once', () => {
  it('offline: reload opens the field page; a visit and a report with its reserved code, queued 未同步, reach the server once; logout wipes the device', async () => {
    const { context, page, errors } = await openBrowser('phone');
    try {
      await logIn(page, base, 'baihe', DEMO_PASSWORD);
      await controlled(page);
      await page.goto(`${base}/field`);
      await page.getByText(/本机保存了 [1-9]\d* 户帮扶户的资料/).waitFor({ timeout: 30_000 });
      await page.getByText('预留查询码 5 个').waitFor({ timeout: 30_000 });

      await context.setOffline(true);
      await page.reload();
      await page.getByTestId('field-online').getByText('离线').waitFor();
      await page.getByTestId('field-household').click();
      const option = page.locator('.ant-select-item-option').first();
      const householdName = ((await option.textContent()) ?? '').split(' · ')[0] as string;
      await option.click();
      await page.getByTestId('field-visit').click();
      const dialog = page.getByRole('dialog');
      const findings = `离线走访记录 ${Date.now()}`;
      await dialog.getByLabel('发现的情况').fill(findings);
      const helpers = dialog.getByRole('checkbox', { checked: true });
      if ((await helpers.count()) === 0) await dialog.getByRole('checkbox').first().check();
      await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
      const state = page.getByTestId('field-state');
      await state.getByText('未同步').waitFor();
      await screenshot(page, 'pwa-offline-queued');
      // Kept encrypted: the queue row holds no word of the visit in the clear.
      const stored = await page.evaluate(
        () =>
          new Promise<string>((resolve, reject) => {
            const open = indexedDB.open('lianjian-field');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const get = open.result.transaction('queue').objectStore('queue').getAll();
              get.onsuccess = () => {
                const rows = get.result as { sealed: { data: ArrayBuffer } }[];
                resolve(rows.map((r) => new TextDecoder().decode(r.sealed.data)).join('|'));
                open.result.close();
              };
            };
          }),
      );
      expect(stored.length).toBeGreaterThan(0);
      expect(stored).not.toContain(householdName);
      expect(stored).not.toContain('离线走访记录');

      // A resident's report entered offline: she leaves with the code the device reserved while online.
      const said = `村口水井坏了 ${Date.now()}`;
      await page.getByTestId('field-report').click();
      const form = page.getByRole('dialog');
      await form.getByLabel('所在村').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
      await form.getByLabel('问题类别').click();
      // By its name: the village's list may still be closing.
      await page.locator('.ant-select-item-option[title="用水"]').click();
      await form.getByLabel('反映的问题').fill(said);
      await form.getByRole('button', { name: /确\s*定|OK/ }).click();
      const code = (await page.getByTestId('field-report-code').locator('h3').textContent())?.trim() ?? '';
      expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      await form.getByRole('button', { name: /完\s*成/ }).click();
      await expect.poll(() => state.count()).toBe(2);

      await context.setOffline(false);
      await expect
        .poll(async () => (await state.allTextContents()).join(','), { timeout: 30_000 })
        .toBe('已同步,已同步');
      const followed = await page.request.get(`${base}/api/v1/public/reports/${code}`);
      expect([followed.status(), (await followed.json()).description]).toEqual([200, said]);
      const reports = (await (await page.request.get(`${base}/api/v1/reports?limit=100`)).json()).items as {
        description: string;
      }[];
      expect(reports.filter((r) => r.description === said)).toHaveLength(1);
      await screenshot(page, 'pwa-synced');
      const households = await (await page.request.get(`${base}/api/v1/households?limit=100`)).json();
      let found = 0;
      for (const h of households.items as { id: string }[]) {
        const visits = await (await page.request.get(`${base}/api/v1/households/${h.id}/visits`)).json();
        found += (visits.items as { findings: string | null }[]).filter((v) => v.findings === findings).length;
      }
      expect(found).toBe(1);

      await page.getByTestId('logout').click();
      await page.getByLabel('用户名').waitFor();
      const left = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
      expect(left).not.toContain('lianjian-field');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('a visit the server refuses stays 需处理 with its reason', () => {
  it('a helper whose help ended meanwhile: the queued visit comes back 需处理 with the server’s Chinese reason, and is discarded', async () => {
    const { context, page, errors } = await openBrowser('phone');
    try {
      await logIn(page, base, 'baihe', DEMO_PASSWORD);
      await page.goto(`${base}/field`);
      await page.getByText(/本机保存了 [1-9]\d* 户帮扶户的资料/).waitFor({ timeout: 30_000 });
      // A household of the branch with a helper besides the primary one: that helper's help ends on the server.
      type Helper = { id: string; memberName: string; primary: boolean; endOn: string | null; version: number };
      type Detail = { id: string; headName: string; regionName: string; helpers: Helper[] };
      const list = (await (await page.request.get(`${base}/api/v1/households?limit=100`)).json()).items as {
        id: string;
      }[];
      let target: { household: Detail; helper: Helper } | null = null;
      for (const h of list) {
        const d = (await (await page.request.get(`${base}/api/v1/households/${h.id}`)).json()) as Detail;
        const helper = d.helpers.find((x) => !x.endOn && !x.primary);
        if (helper) {
          target = { household: d, helper };
          break;
        }
      }
      if (!target) throw new Error('no household of the branch has a second helper');
      const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
      const ended = await page.request.post(
        `${base}/api/v1/households/${target.household.id}/helpers/${target.helper.id}/end`,
        {
          headers: await csrfHeaders(page),
          data: { endOn: yesterday, endReason: '工作调动', version: target.helper.version },
        },
      );
      expect(ended.status()).toBeLessThan(300);

      await context.setOffline(true);
      await page.reload();
      await page.getByTestId('field-online').getByText('离线').waitFor();
      await page.getByTestId('field-household').click();
      await page
        .locator('.ant-select-item-option')
        .filter({ hasText: `${target.household.headName} · ${target.household.regionName}` })
        .first()
        .click();
      await page.getByTestId('field-visit').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('checkbox', { name: target.helper.memberName }).check();
      await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
      await page.getByTestId('field-state').getByText('未同步').waitFor();

      await context.setOffline(false);
      await page.getByTestId('field-state').getByText('需处理').waitFor({ timeout: 30_000 });
      await page.getByText('走访人须是该户当时的帮扶人').waitFor();
      await screenshot(page, 'pwa-refused');
      // Logging out would delete the record with the device's store: the secretary is asked first, and may stay.
      await page.getByTestId('logout').click();
      const ask = page.getByRole('dialog').filter({ hasText: '还有记录没有同步' });
      await ask.getByText('本机还有 1 条记录没有发送到服务器').waitFor();
      await ask.getByRole('button', { name: /取\s*消/ }).click();
      await ask.waitFor({ state: 'hidden' });
      await page.getByText('走访人须是该户当时的帮扶人').waitFor();
      await page.getByRole('button', { name: /放\s*弃/ }).click();
      await page.getByRole('button', { name: /确\s*定|OK/ }).click();
      await page.getByText('本机没有待同步的记录').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
