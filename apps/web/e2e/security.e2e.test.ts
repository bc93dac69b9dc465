import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

describe('accounts: the security administrator opens one; its owner changes the password and enrols a second factor', () => {
  it('one-time password → forced change → TOTP with QR code and recovery codes → the next login needs a code', async () => {
    const { context, page, errors } = await openBrowser();
    try {
      await logIn(page, base, 'security', DEMO_PASSWORD);
      await page.getByRole('menuitem', { name: '账号管理' }).click();
      await page.getByTestId('user-create').click();
      const form = page.getByRole('dialog');
      await form.getByLabel('用户名').fill('wangli');
      await form.getByLabel('姓名').fill('王丽');
      // A branch secretary's account, the security administrator's alone: tied to the branch and the person who holds
      // its secretary post, picked by name (a township administrator's would need a second person).
      await form.getByLabel('临时党组织').fill('水晶河村产业');
      const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option');
      await open.filter({ hasText: '乔端镇水晶河村产业临时党支部' }).click();
      await form.getByLabel(/对应人员/).click();
      // (The organization's list may still be closing: a person's name is what is picked.)
      await open.filter({ hasNotText: '临时党支部' }).first().click();
      await expect(form.getByText('双人审批').count()).resolves.toBe(0);
      await form.getByRole('button', { name: /保\s*存/ }).click();
      const oneTime = (await page.getByTestId('one-time-password').innerText()).trim();
      expect(oneTime).toMatch(/^[A-Za-z0-9]{16}$/);
      await screenshot(page, '79-security-admin-one-time-password');
      await page.getByRole('button', { name: /知道了|确\s*定|OK/ }).click();
      await page.getByRole('cell', { name: 'wangli', exact: true }).waitFor();
      await screenshot(page, '80-security-admin-accounts');
      await page.getByRole('button', { name: /退出登录/ }).click();
      await page.getByRole('heading', { name: '登录联建' }).waitFor();

      // The new account can do nothing before it has changed the one-time password.
      await page.getByLabel('用户名').fill('wangli');
      await page.getByLabel('密码').fill(oneTime);
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.getByTestId('pending-step').waitFor();
      await screenshot(page, '83-first-login-password-change');
      await page.getByLabel('当前密码').fill(oneTime);
      await page.getByLabel('新密码', { exact: true }).fill('wangli123');
      await page.getByLabel('确认新密码').fill('wangli123');
      await page.getByRole('button', { name: '修改密码' }).click();
      await expect(page.getByTestId('password-error').innerText()).resolves.toContain('至少 3 类');
      await page.getByLabel('新密码', { exact: true }).fill('Qiaoduan-Wang-2026');
      await page.getByLabel('确认新密码').fill('Qiaoduan-Wang-2026');
      await page.getByRole('button', { name: '修改密码' }).click();
      await page.getByTestId('current-user').waitFor();

      // Second factor from the account page: scan, confirm with a code, keep the recovery codes.
      await page.getByTestId('account').click();
      await page.getByTestId('totp-password').fill('Qiaoduan-Wang-2026');
      await page.getByTestId('totp-start').click();
      await page.getByAltText('otpauth QR').waitFor();
      const secret = (await page.getByTestId('totp-secret').innerText()).trim();
      await page.getByTestId('totp-code').fill(await generate({ secret }));
      await page.getByRole('button', { name: /确认绑定/ }).click();
      const codes = (await page.getByTestId('recovery-codes').innerText()).trim().split('\n');
      expect(codes).toHaveLength(10);
      await screenshot(page, '81-totp-recovery-codes');
      await page.getByTestId('recovery-done').click();
      await page.getByText('已绑定').waitFor();
      await page.getByRole('button', { name: /退出登录/ }).click();

      // The password alone is no longer enough; a recovery code stands in for the phone once.
      await page.getByLabel('用户名').fill('wangli');
      await page.getByLabel('密码').fill('Qiaoduan-Wang-2026');
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.getByTestId('login-code').waitFor();
      await screenshot(page, '84-login-second-factor');
      await page.getByTestId('login-code').fill(codes[0] as string);
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.getByTestId('current-user').waitFor();
      // Taking the register out asks why first.
      await page.goto(`${base}/households`);
      await page.getByTestId('households-export').click();
      await page.getByTestId('export-reason').fill('乡镇年度帮扶核查');
      await screenshot(page, '85-export-asks-why');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the audit administrator filters the trail and verifies its hash chain', async () => {
    const { context, page, errors } = await openBrowser();
    try {
      await logIn(page, base, 'auditor', DEMO_PASSWORD);
      await page.waitForURL(/\/audit$/);
      await page.getByTestId('audit-user').locator('input').fill('security');
      await page.getByTestId('audit-user').locator('input').press('Enter');
      await page.getByTestId('audit-table').getByText('开设账号').first().waitFor();
      await page.getByTestId('audit-verify').click();
      await expect(page.getByTestId('audit-verify-result').innerText()).resolves.toContain('哈希链完整');
      await screenshot(page, '82-audit-viewer');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
