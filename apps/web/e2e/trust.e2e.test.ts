import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

describe('trust in the browser: two people for an administrator account, and a branch that changes only what it serves', () => {
  it('the security administrator files a county administrator account and holds half its password; the auditor approves and holds the other half; neither half logs in alone', async () => {
    const security = await openBrowser();
    const auditor = await openBrowser();
    try {
      const { page } = security;
      await logIn(page, base, 'security', DEMO_PASSWORD);
      await page.getByRole('menuitem', { name: '账号管理' }).click();
      await page.getByTestId('user-create').click();
      const form = page.getByRole('dialog');
      await form.getByLabel('用户名').fill('zhaoxin');
      await form.getByLabel('姓名').fill('赵新');
      await form.getByLabel('角色').click();
      await page.locator('.ant-select-item-option').filter({ hasText: '系统管理员（县委组织部）' }).first().click();
      // An administrator account is a request for a second person, with its reason.
      await form.getByText('双人审批').first().waitFor();
      await form.getByLabel(/申请理由/).fill('县委组织部新任系统管理员');
      await screenshot(page, '90-security-files-admin-account');
      await form.getByRole('button', { name: /提交审批/ }).click();
      const first = (await page.getByTestId('password-part').innerText()).trim();
      expect(first).toMatch(/^[A-Za-z0-9]{10}$/);
      await screenshot(page, '91-security-first-half');
      await page.getByRole('button', { name: /知道了|确\s*定|OK/ }).click();
      await page.getByTestId('account-requests').getByText('zhaoxin').waitFor();
      expect(security.errors).toEqual([]);

      // Half a password opens nothing.
      const alone = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'zhaoxin', password: first }),
      });
      expect(alone.status).toBe(401);

      const a = auditor.page;
      await logIn(a, base, 'auditor', DEMO_PASSWORD);
      const panel = a.getByTestId('account-requests');
      await panel.getByText('zhaoxin').waitFor();
      await screenshot(a, '92-auditor-request-to-approve');
      await a.getByTestId('approve-zhaoxin').click();
      // The approver sees what the approval grants before deciding: the role and the county, and new split credentials.
      const grants = a.getByRole('dialog').getByTestId('request-grants');
      await expect(grants.innerText()).resolves.toMatch(/系统管理员[\s\S]*南召县（411321）[\s\S]*一次性密码/);
      await a.getByTestId('decision-reason').fill('已核对任职文件');
      await a
        .getByRole('dialog')
        .getByRole('button', { name: /确\s*定/ })
        .click();
      const second = (await a.getByTestId('password-part').innerText()).trim();
      expect(second).toMatch(/^[A-Za-z0-9]{10}$/);
      await screenshot(a, '93-auditor-second-half');
      expect(auditor.errors).toEqual([]);

      // The owner types both halves, and must change the password before anything else.
      const both = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'zhaoxin', password: `${first}${second}` }),
      });
      expect(both.status).toBe(200);
      expect((await both.json()).pending).toBe('password_change');
    } finally {
      await security.context.close();
      await auditor.context.close();
    }
  });

  it('the branch secretary reads a household its members do not help, without the buttons that would change it', async () => {
    const { context, page, errors } = await openBrowser();
    try {
      await logIn(page, base, 'baihe', DEMO_PASSWORD);
      const list = (await (await page.request.get(`${base}/api/v1/households?limit=100`)).json()) as {
        items: { id: string; regionCode: string }[];
        total: number;
      };
      // The relocation site's households only: the branch covers the site, not the township.
      expect(new Set(list.items.map((h) => h.regionCode))).toEqual(new Set(['411321106900']));
      let readOnly: string | null = null;
      let served: string | null = null;
      for (const h of list.items) {
        const detail = (await (await page.request.get(`${base}/api/v1/households/${h.id}`)).json()) as {
          abilities: { write: boolean };
        };
        if (detail.abilities.write) served ??= h.id;
        else readOnly ??= h.id;
      }
      expect(served).not.toBeNull();
      await page.goto(`${base}/households/${served}`);
      await page.getByTestId('household-head').waitFor();
      await expect(page.getByRole('button', { name: '安排帮扶人' }).count()).resolves.toBe(1);
      await expect(page.getByTestId('household-read-only').count()).resolves.toBe(0);
      if (readOnly) {
        await page.goto(`${base}/households/${readOnly}`);
        await page.getByTestId('household-read-only').waitFor();
        await expect(page.getByRole('button', { name: '安排帮扶人' }).count()).resolves.toBe(0);
        await page.waitForLoadState('networkidle');
        await screenshot(page, '94-branch-household-read-only');
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
