import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

/** Another account, signed in through the API as a script would: its cookie and CSRF token. */
async function otherAccount(username: string) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0] as string);
  const csrf = cookies.find((c) => c.startsWith('lj_csrf='))?.slice('lj_csrf='.length) ?? '';
  const headers = { 'content-type': 'application/json', cookie: cookies.join('; '), 'x-csrf-token': csrf };
  return {
    get: async (path: string) => (await fetch(`${base}/api/v1${path}`, { headers })).json(),
    patch: (path: string, body: unknown) =>
      fetch(`${base}/api/v1${path}`, { method: 'PATCH', headers, body: JSON.stringify(body) }),
  };
}

type Item = {
  id: string;
  no: number;
  status: string;
  /** The date staff set (what an edit changes); `dueOn` is the deadline, which the working-day target also decides. */
  dueOnSet: string | null;
  version: number;
  abilities: { edit: boolean };
  events: { text: string; actor: string }[];
};

/** Waits until the page is controlled by the app's service worker: the item page's lazy parts then load offline. */
async function controlled(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 100));
  });
}

const taken = new Set<string>();
/** An open item of 白河新村's branch that its secretary may edit, one per test. */
async function anItem(page: Page): Promise<Item> {
  const list = (await (await page.request.get(`${base}/api/v1/items?limit=100`)).json()).items as Item[];
  for (const i of list.filter((x) => x.status !== 'closed' && !taken.has(x.id))) {
    const detail = (await (await page.request.get(`${base}/api/v1/items/${i.id}`)).json()) as Item;
    if (detail.abilities.edit) {
      taken.add(i.id);
      return detail;
    }
  }
  throw new Error('no open item the secretary may edit');
}

describe('an item edited offline meets a change on the server: shown as a conflict, resolved, held once', () => {
  for (const device of ['phone', 'desktop'] as const) {
    it(`${device}: offline edit kept 未同步; the server's change meanwhile; 需处理 冲突, chosen field by field, synced once`, async () => {
      const { context, page, errors } = await openBrowser(device);
      try {
        await logIn(page, base, 'baihe', DEMO_PASSWORD);
        await controlled(page);
        const item = await anItem(page);
        const original = item.dueOnSet ?? '未定';
        const mine = device === 'phone' ? '2031-06-30' : '2031-07-31';
        const theirs = device === 'phone' ? '2031-09-30' : '2031-10-31';
        await page.goto(`${base}/items/${item.id}`);
        await page.getByTestId('item-title').waitFor();

        // Offline, the secretary moves the due date: kept on this device, 未同步.
        await context.setOffline(true);
        await page.getByTestId('item-edit').click();
        const edit = page.getByRole('dialog');
        const due = edit.getByLabel('完成时限');
        await due.click();
        await due.fill(mine);
        await page.keyboard.press('Enter');
        await edit.getByRole('button', { name: /保\s*存/ }).click();
        const kept = page.getByTestId('item-kept-edit');
        await kept.getByText('本机有对这个事项的修改，未同步').waitFor();
        await kept.getByTestId('item-kept-state').getByText('未同步').waitFor();
        await screenshot(page, `pwa-conflict-kept-${device}`);

        // Meanwhile the township's administrator moves the same due date elsewhere.
        const township = await otherAccount('qiaoduan');
        const now = (await township.get(`/items/${item.id}`)) as Item;
        const changed = await township.patch(`/items/${item.id}`, { dueOn: theirs, version: now.version });
        expect(changed.status).toBe(204);

        // Back online: the edit is sent, meets the change, and waits for the secretary: 需处理, 冲突.
        await context.setOffline(false);
        await kept.getByTestId('item-kept-state').getByText('需处理').waitFor({ timeout: 30_000 });
        await kept.getByText('冲突：你离线修改期间，服务器上的这个事项已被他人修改').waitFor();
        // Nothing overwritten: the server still holds the other account's date.
        expect(((await (await page.request.get(`${base}/api/v1/items/${item.id}`)).json()) as Item).dueOnSet).toBe(
          theirs,
        );
        await screenshot(page, `pwa-conflict-attention-${device}`);

        // The field page lists it 需处理 with the reason and offers 处理冲突 too.
        if (device === 'desktop') {
          const fieldPage = await context.newPage();
          await fieldPage.goto(`${base}/field`);
          await fieldPage.getByTestId('field-resolve').waitFor();
          await fieldPage.getByText('冲突：你离线修改期间，服务器上的这个事项已被他人修改').waitFor();
          await fieldPage.getByTestId('field-state').getByText('需处理').waitFor();
          await screenshot(fieldPage, 'pwa-conflict-field-page');
          await fieldPage.close();
        }

        // 处理冲突: the due date, with the original, the device's and the server's value; the device's chosen.
        await kept.getByTestId('item-resolve').click();
        const dialog = page.getByRole('dialog');
        const field = dialog.getByTestId('conflict-field');
        await field.first().waitFor();
        expect(await field.count()).toBe(1);
        await field.getByText('完成时限').waitFor();
        await field.getByText(`原来的值：${original}`).waitFor();
        await field.getByText(`本机的值：${mine}`).waitFor();
        await field.getByText(`服务器上的值：${theirs}`).waitFor();
        expect(await dialog.getByTestId('conflict-save').isDisabled()).toBe(true);
        await screenshot(page, `pwa-conflict-resolve-${device}`);
        await field.getByTestId('conflict-mine').click();
        await dialog.getByTestId('conflict-save').click();

        // Synced: the item's history shows the chosen date taking the other's place, the device holds nothing for the
        // item. (The page's 完成时限 is the item's one deadline, which the working-day target keeps earlier than either.)
        await kept.waitFor({ state: 'detached', timeout: 30_000 });
        await page.getByText(`完成时限由${theirs}调整为${mine}`).first().waitFor();
        await screenshot(page, `pwa-conflict-synced-${device}`);
        const after = (await (await page.request.get(`${base}/api/v1/items/${item.id}`)).json()) as Item;
        expect(after.dueOnSet).toBe(mine);
        // Exactly once each: the other account's change, and the secretary's chosen one after it.
        const moves = after.events.map((e) => e.text).filter((text) => text.startsWith('完成时限由'));
        expect(moves.filter((m) => m.endsWith(`调整为${theirs}`))).toHaveLength(1);
        expect(moves.filter((m) => m.endsWith(`调整为${mine}`))).toEqual([`完成时限由${theirs}调整为${mine}`]);
        expect(after.version).toBe(item.version + 2);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
