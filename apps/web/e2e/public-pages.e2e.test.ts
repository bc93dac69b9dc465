import { describe, expect, it } from 'vitest';
import { openBrowser, ownServer, screenshot } from './browser';

const { base } = await ownServer();

describe('the public pages: a light app of their own for a resident’s phone', () => {
  it('the report page loads at most 60 KB of compressed JavaScript, with no staff code and no component library', async () => {
    const { context, page, errors } = await openBrowser('phone');
    try {
      const scripts: { url: string; bytes: number }[] = [];
      page.on('requestfinished', async (request) => {
        if (request.resourceType() !== 'script') return;
        const sizes = await request.sizes();
        scripts.push({ url: request.url(), bytes: sizes.responseBodySize });
      });
      await page.goto(`${base}/r`);
      await page
        .getByTestId('resident-township')
        .locator('option', { hasText: '乔端镇' })
        .waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
      const kb = scripts.reduce((sum, s) => sum + s.bytes, 0) / 1024;
      expect(scripts.length).toBeGreaterThan(0);
      expect(kb).toBeLessThanOrEqual(60);
      // Nothing of the staff app came with it: no antd, no staff page, no session asked for.
      expect(scripts.map((s) => new URL(s.url).pathname).filter((p) => /Layout|Page|antd|main-/.test(p))).toEqual([]);
      expect(await page.locator('[class*="ant-"]').count()).toBe(0);
      expect(await page.title()).toBe('群众反映问题 · 联建');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a resident reads the form in English and back in Chinese; what she typed stays', async () => {
    const { context, page, errors } = await openBrowser('phone');
    try {
      await page.goto(`${base}/r`);
      await page.getByLabel('问题描述').fill('路灯不亮');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByLabel('Description').waitFor();
      expect(await page.getByLabel('Description').inputValue()).toBe('路灯不亮');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en-US');
      // A missing field is said at the field, in the page's language, and the field is focused.
      await page.getByRole('button', { name: 'Submit' }).click();
      await page.locator('#r-township-error').filter({ hasText: 'Required' }).waitFor();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('r-township');
      await screenshot(page, '65-resident-english');
      await page.getByRole('button', { name: '中文' }).click();
      await page.getByLabel('问题描述').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a tracking code is looked up as typed, in capitals; a mistyped one is said to be mistyped', async () => {
    const { context, page, errors } = await openBrowser('phone');
    try {
      await page.goto(`${base}/r/follow`);
      await page.getByLabel('输入查询码').fill('zzzz-zzzz-zzzz');
      await page.getByRole('button', { name: '查询' }).click();
      await page.getByText('查询码有一位不对，请对照回执逐位核对').waitFor();
      expect(new URL(page.url()).pathname).toBe('/r/ZZZZ-ZZZZ-ZZZZ');
      // The browser's back button returns to the box.
      await page.goBack();
      await page.getByLabel('输入查询码').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
