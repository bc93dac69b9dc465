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

  it('a branch robot is saved with no SMS sign name set; its key is shown masked', async () => {
    const { page, context, errors } = await openBrowser();
    try {
      await logIn(page, base, 'admin', ADMIN_PASSWORD);
      await page.goto(`${base}/notices`);
      await page.getByText('短信通道与群机器人').waitFor();
      // No sign name on file: the robot goes in on its own.
      expect(await page.getByLabel('短信签名').inputValue()).toBe('');
      const org = page.locator('.ant-select', { hasText: '选择组织' });
      await org.click();
      await org.locator('input').last().fill('临时党支部');
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
      await page.getByLabel('群机器人地址').fill('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=9f8e7d6c-0000');
      await page.getByRole('button', { name: '设置群机器人' }).click();
      await page.getByText('key=9f8e****').waitFor();
      // Saved: the address field is cleared, and the page holds the key only masked.
      await expect.poll(() => page.getByLabel('群机器人地址').inputValue()).toBe('');
      expect(await page.content()).not.toContain('9f8e7d6c');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
