import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer, screenshot } from './browser';
import { ADMIN_PASSWORD } from './global-setup';

const { base } = await ownServer();

describe("the county administrator's outbox", () => {
  it('a resident’s receipt with no SMS channel configured is listed as 未配置短信通道, the phone masked', async () => {
    const { page, context, errors } = await openBrowser();
    try {
      const submitted = await page.request.post(`${base}/api/v1/public/reports`, {
        data: {
          regionCode: '411321106200',
          category: 'electricity',
          description: '村口路灯不亮',
          phone: '13812341234',
        },
      });
      expect(submitted.status()).toBe(201);
      await logIn(page, base, 'admin', ADMIN_PASSWORD);
      await page.goto(`${base}/notices`);
      // The dispatcher marks it within a few seconds; the list is read again on each visit.
      await expect
        .poll(
          async () => {
            await page.reload();
            await page.getByTestId('notices-total').waitFor();
            return page.locator('.ant-table-row').first().innerText();
          },
          { timeout: 20_000, interval: 1000 },
        )
        .toContain('未配置短信通道');
      const row = await page.locator('.ant-table-row').first().innerText();
      expect(row).toContain('受理回执');
      expect(row).toContain('138****1234');
      expect(await page.content()).not.toContain('13812341234');
      await expect.poll(() => page.getByText('短信通道与群机器人').count()).toBe(1);
      await screenshot(page, '97-notices-outbox');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
