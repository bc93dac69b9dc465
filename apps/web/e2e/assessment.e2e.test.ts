import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer, screenshot } from './browser';
import { ADMIN_PASSWORD } from './global-setup';

const { base } = await ownServer();

describe('supervision and assessment in the browser', () => {
  it('the county opens the 2020 ledger, a score down to its records, the comparison, and delists a branch after review', async () => {
    const { context, page, errors } = await openBrowser();
    try {
      await logIn(page, base, 'admin', ADMIN_PASSWORD);
      await page.getByRole('menuitem', { name: '督查考评' }).click();
      const table = page.getByTestId('ledger-table');
      await table.getByRole('link', { name: '乔端镇临时党总支' }).waitFor();
      await screenshot(page, '50-ledger-county');

      // The meetings score of 乔端镇's general branch opens the meetings it was computed from.
      const row = table.locator('tr', { has: page.getByRole('link', { name: '乔端镇临时党总支' }) });
      await row.getByTestId('score-meetings').click();
      const evidence = page.getByTestId('evidence-list');
      await evidence.getByRole('link').first().waitFor();
      expect(await evidence.getByRole('link').count()).toBeGreaterThan(10);
      await screenshot(page, '51-score-evidence');
      // Each meeting opens as it was recorded (the branches' meetings of the township: the list shows the first 100).
      const meeting = evidence.getByRole('link').first();
      const topic = (await meeting.innerText()).replace(/^\S+\s+/, '');
      await meeting.click();
      await page.getByTestId('activity-topic').filter({ hasText: topic }).waitFor();
      await page.goBack();

      await table
        .locator('tr', { has: page.getByRole('link', { name: '乔端镇临时党总支' }) })
        .getByRole('button', { name: '与中位数对比' })
        .click();
      await page.getByTestId('compare-chart').locator('canvas').waitFor();
      await screenshot(page, '52-compare');
      await page.keyboard.press('Escape');

      // The whole county at once, after a confirmation: a new version of the county's and every township's ledger.
      await page.getByTestId('compute-county-ledgers').click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: '计算全县台账' }).click();
      await page.getByText('已计算 16 本台账').waitFor();
      await table.getByRole('link', { name: '乔端镇临时党总支' }).waitFor();
      await screenshot(page, '54-county-ledgers');

      // The rectification board: tick every task of a listed branch, then the review delists it.
      await page.getByRole('tab', { name: '挂牌整顿' }).click();
      const card = page.getByTestId('rectification').first();
      await card.waitFor();
      const name = await card.locator('.ant-card-head-title a').innerText();
      for (let i = 0; i < 3; i++) {
        const box = card.locator('input[type=checkbox]').nth(i);
        // Controlled by the server's answer: it shows checked once the change is saved.
        await box.click();
        await expect.poll(() => box.isChecked(), { timeout: 10_000 }).toBe(true);
      }
      await screenshot(page, '53-rectification');
      await card.getByRole('button', { name: '复查摘牌' }).click();
      await page.getByRole('dialog').locator('textarea').fill('复查合格，同意摘牌');
      await page
        .getByRole('dialog')
        .getByRole('button', { name: /确\s*定/ })
        .click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      await page.getByText('已摘牌').first().click();
      await page.getByTestId('rectification').filter({ hasText: name }).first().waitFor();
      const org = (await (await page.request.get(`${base}/api/v1/orgs?q=${encodeURIComponent(name)}`)).json()).items[0];
      expect(org.status).toBe('active');

      // The ledger's toolbar in English, the second locale: every control on it, none cut off.
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('tab', { name: 'Ledgers' }).click();
      await page.getByTestId('compute-county-ledgers').filter({ hasText: 'Compute the whole county' }).waitFor();
      await screenshot(page, '55-ledger-en');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
