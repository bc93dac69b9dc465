import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

describe('an item’s working-day clock on its page', () => {
  it('the secretary sees the light the server worked out and stops the clock with a reason', async () => {
    const { page, errors } = await openBrowser();
    await logIn(page, base, 'baihe', DEMO_PASSWORD);
    const open = (await (await page.request.get(`${base}/api/v1/items?status=open&limit=1`)).json()) as {
      items: { id: string; light: string | null }[];
    };
    const item = open.items[0];
    expect(item).toBeDefined();
    await page.goto(`${base}/items/${item?.id}`);
    await page.getByTestId('item-title').waitFor();
    // The light on the page is the one the list answered with: the browser works nothing out.
    const lights = { green: '绿灯', amber: '黄灯', red: '红灯' } as Record<string, string>;
    if (item?.light) await expect(page.getByTestId('item-light').first().innerText()).resolves.toBe(lights[item.light]);
    await page.getByRole('button', { name: '暂停计时' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('原因').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '等待其他单位' }).click();
    await dialog.getByLabel('说明').fill('等待供电公司更换变压器');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await expect(page.getByTestId('item-paused').innerText()).resolves.toContain('等待供电公司更换变压器');
    await page.getByRole('button', { name: '恢复计时' }).waitFor();
    await screenshot(page, '90-item-clock-paused');
    expect(errors).toEqual([]);
  });
});
