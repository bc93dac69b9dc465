import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { openBrowser, logIn, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const base = inject('baseUrl');

describe('Lianjian in a real browser', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeEach(async () => {
    ({ context, page, errors } = await openBrowser());
  });
  afterEach(async () => {
    await context.close();
    expect(errors, 'uncaught page errors').toEqual([]);
  });

  it('the login page is Chinese, renders CJK glyphs, and has no serious accessibility violations', async () => {
    await page.goto(base);
    await expect(page.getByRole('heading', { name: '登录联建' }).isVisible()).resolves.toBe(true);
    const cjk = await page.evaluate(async () => {
      await document.fonts.ready;
      return document.fonts.check('16px "Noto Sans CJK SC"') || document.fonts.check('16px "WenQuanYi Zen Hei"');
    });
    expect(cjk, 'a CJK font is available, so Chinese does not render as boxes').toBe(true);
    await screenshot(page, '01-login');
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
    const serious = axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await expect(page.getByTestId('login-error').innerText()).resolves.toContain('用户名或密码错误');
  });

  it('the county admin sees the county overview with the reference figures', async () => {
    await logIn(page, base, 'admin', DEMO_PASSWORD);
    await page.locator('[data-testid=breakdown-chart] canvas').waitFor();
    const figure = (key: string) => page.getByTestId(`figure-${key}`).textContent();
    expect(await figure('committee')).toBe('1');
    expect(await figure('general_branch')).toBe('18');
    expect(await figure('branch')).toBe('197');
    expect(await figure('membersLinked')).toBe('5588');
    await screenshot(page, '02-overview');
  });

  it('a township admin opens the tree and the 白河新村 branch, links a member, and sees the change', async () => {
    await logIn(page, base, 'qiaoduan', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '组织架构' }).click();
    await page.getByText('乔端镇临时党总支').waitFor();
    // Only the township's own subtree is there.
    await expect(page.getByText('城郊乡临时党总支').count()).resolves.toBe(0);
    await page.getByText('白河新村易地搬迁临时党支部').waitFor();
    await screenshot(page, '03-tree');
    await page.getByText('白河新村易地搬迁临时党支部').click();
    await expect(page.getByTestId('org-name').innerText()).resolves.toBe('白河新村易地搬迁临时党支部');
    await page.getByTestId('group-panel').nth(5).waitFor();
    await expect(page.getByTestId('group-panel').count()).resolves.toBe(6);
    await screenshot(page, '04-branch');

    // A member of the township who is not linked anywhere yet, found by pinyin initials.
    const candidates = await page.request.get(`${base}/api/v1/members?linked=false&partyStatus=full&limit=1`);
    const candidate = (await candidates.json()).items[0] as { name: string; nameInitials: string };
    const before = (await (await page.request.get(`${base}/api/v1/stats/overview`)).json()).membersLinked as number;

    const panel = page.getByTestId('group-panel').first();
    const rosterBefore = Number((await panel.innerText()).replace(/\D+/g, ''));
    await page.getByTestId('link-member').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('member-select').click();
    await page.keyboard.type(candidate.nameInitials);
    await page.locator('.ant-select-item-option').filter({ hasText: `${candidate.name} ·` }).first().click();
    await dialog.getByLabel('联结原因').fill('清单第3项：排查线路跳闸，因需而联');
    await screenshot(page, '05-link-dialog');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByText(`已联结 ${candidate.name}`).waitFor();
    await panel.filter({ hasText: String(rosterBefore + 1) }).waitFor();
    const after = (await (await page.request.get(`${base}/api/v1/stats/overview`)).json()).membersLinked as number;
    expect(after).toBe(before + 1);
    await page.getByRole('tab', { name: /加入与离开记录/ }).click();
    await page.getByText(`${candidate.name} 以“成员”身份加入 白河新村易地搬迁临时党支部`).waitFor();
    await screenshot(page, '06-history');
  });

  it('an organization outside the township answers not found', async () => {
    await logIn(page, base, 'chengjiao', DEMO_PASSWORD);
    const res = await page.request.get(`${base}/api/v1/orgs?q=${encodeURIComponent('白河新村')}`);
    expect((await res.json()).total).toBe(0);
    const admin = await openBrowser();
    await logIn(admin.page, base, 'admin', DEMO_PASSWORD);
    const baihe = (await (await admin.page.request.get(`${base}/api/v1/orgs?q=${encodeURIComponent('白河新村')}`)).json()).items[0];
    await admin.context.close();
    await page.goto(`${base}/orgs/${baihe.id}`);
    await page.getByText('未找到该记录，或不在您的管辖范围内。').waitFor();
    await screenshot(page, '07-out-of-scope');
  });

  it('member search finds names by pinyin initials and switches to English', async () => {
    await logIn(page, base, 'admin', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '党员检索' }).click();
    const input = page.getByTestId('member-search').locator('input');
    await input.fill('zw');
    await input.press('Enter');
    await page.getByTestId('member-total').filter({ hasText: /共 \d+ 条/ }).waitFor();
    await screenshot(page, '08-members');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Member search' }).waitFor();
    await screenshot(page, '09-members-en');
  });
});
