import { PROBLEM_MESSAGES_EN } from '@lianjian/shared';
import { execSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer, screenshot } from './browser';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

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
    await page.getByRole('heading', { name: '登录联建' }).waitFor();
    // Chromium finds fonts through fontconfig: without a Chinese font every glyph renders as a box.
    const chineseFonts = execSync('fc-list :lang=zh family', { encoding: 'utf8' }).trim();
    expect(chineseFonts, 'a CJK font is installed').not.toBe('');
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
    await logIn(page, base, 'admin', ADMIN_PASSWORD);
    await page.locator('[data-testid=breakdown-chart] [role=img] svg').waitFor();
    // One bar per township with branches, the same townships as the API's breakdown: the chart's figures, as the
    // table beside it gives them to screen readers.
    const overview = await (await page.request.get(`${base}/api/v1/stats/overview`)).json();
    const rows = page.locator('[data-testid=breakdown-chart] table tbody tr');
    expect(await rows.count()).toBe(overview.byTownship.length);
    expect(overview.byTownship.length).toBeGreaterThan(1);
    expect(await rows.first().locator('th').innerText()).toBe(overview.byTownship[0].name);
    expect(await rows.first().locator('td').first().innerText()).toBe(String(overview.byTownship[0].branches));
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
    // Sent without a member: the form says what is missing, nothing is sent, and no error escapes to the page.
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.locator('#memberId_help').getByText('必填').waitFor();
    await dialog.getByTestId('member-select').click();
    // The list is searched as each letter is typed: choose from the answer to the whole initials.
    const searched = page.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === candidate.nameInitials);
    await page.keyboard.type(candidate.nameInitials);
    await searched;
    await page
      .locator('.ant-select-item-option')
      .filter({ hasText: `${candidate.name} ·` })
      .first()
      .click();
    await expect.poll(() => dialog.getByTestId('member-select').innerText()).toContain(candidate.name);
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

  it('the branch secretary sets up a party group and ends a membership, with confirmation', async () => {
    await logIn(page, base, 'baihe', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '组织架构' }).click();
    await page.getByTestId('org-node').filter({ hasText: '白河新村易地搬迁临时党支部' }).click();
    await page.getByTestId('group-panel').first().waitFor();

    await page.getByRole('button', { name: '设立下级组织' }).click();
    const create = page.getByRole('dialog');
    await create.getByLabel('组织名称').fill('水电维修党小组');
    await create.getByLabel('依托名称').fill('白河新村安置点水电');
    await create.getByLabel('任务使命').fill('排查安置点线路跳闸，标注暗线走向');
    await create.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('org-name').filter({ hasText: '水电维修党小组' }).waitFor();
    await expect(page.getByText('中共乔端镇委员会').count()).resolves.toBe(0);
    await screenshot(page, '10-new-group');

    await page.getByRole('link', { name: '白河新村易地搬迁临时党支部' }).click();
    await page.getByTestId('group-panel').first().waitFor();
    const row = page
      .locator('tr', { hasText: '成员' })
      .filter({ has: page.getByRole('button', { name: '结束' }) })
      .first();
    const name = (await row.locator('td').first().innerText()).trim();
    await row.getByRole('button', { name: '结束' }).click();
    const end = page.getByRole('dialog');
    await end.getByText('成员记录不会删除').waitFor();
    await end.getByLabel('结束原因').fill('任务完成，回原单位');
    await end.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByText('已结束').waitFor();
    await page.getByRole('tab', { name: /加入与离开记录/ }).click();
    await page.getByText(`${name} 离开 `, { exact: false }).first().waitFor();
    await screenshot(page, '11-ended');
  });

  it('an organization outside the township answers not found', async () => {
    await logIn(page, base, 'chengjiao', DEMO_PASSWORD);
    const res = await page.request.get(`${base}/api/v1/orgs?q=${encodeURIComponent('白河新村')}`);
    expect((await res.json()).total).toBe(0);
    const admin = await openBrowser();
    await logIn(admin.page, base, 'admin', ADMIN_PASSWORD);
    const baihe = (
      await (await admin.page.request.get(`${base}/api/v1/orgs?q=${encodeURIComponent('白河新村')}`)).json()
    ).items[0];
    await admin.context.close();
    await page.goto(`${base}/orgs/${baihe.id}`);
    await page.getByText('未找到该记录，或不在您的管辖范围内。').waitFor();
    await screenshot(page, '07-out-of-scope');
  });

  it('a household of the register shows masked details, the rejected exit and stacked helpers; unmasking asks why', async () => {
    await logIn(page, base, 'qiaoduan', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '建档立卡户' }).click();
    // Each tab says what it shows: the section, then the record a page is about. (The overview's chart library may
    // still be arriving when the menu is clicked: the register's page can take more than a second on a busy machine.)
    await expect.poll(() => page.title(), { timeout: 5000 }).toBe('建档立卡户 · 联建');
    // 2,456 households and more: find the head by pinyin initials.
    await page.getByPlaceholder('户主姓名、全拼或首字母').fill('ydh');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: '杨德厚' }).click();
    await page.getByTestId('household-head').waitFor();
    await expect.poll(() => page.title()).toBe('杨德厚 · 建档立卡户 · 联建');
    await page.getByText('不予退出：收入不稳定').first().waitFor();
    await expect(page.getByText('叠加帮扶', { exact: true }).count()).resolves.toBe(4);
    const masked = await page.locator('td', { hasText: /^4113\*{10}/ }).count();
    expect(masked).toBe(6);
    await screenshot(page, '12-household');
    await page.getByRole('button', { name: '查看完整信息' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('textarea').fill('核对慢病卡办理材料');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page
      .locator('td', { hasText: /^411321\d{11}[\dX]$/ })
      .first()
      .waitFor();
  });

  it('member search finds names by pinyin initials and switches to English', async () => {
    await logIn(page, base, 'admin', ADMIN_PASSWORD);
    await page.getByRole('menuitem', { name: '党员检索' }).click();
    const input = page.getByTestId('member-search').locator('input');
    await input.fill('zw');
    await input.press('Enter');
    await page
      .getByTestId('member-total')
      .filter({ hasText: /共 \d+ 条/ })
      .waitFor();
    await screenshot(page, '08-members');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Member search' }).waitFor();
    await screenshot(page, '09-members-en');
    // The server words its refusals in the language chosen: a refused login reads in English, from the server.
    await page.context().clearCookies();
    await page.goto(base);
    await page.getByLabel('Username').fill('nobody');
    await page.getByLabel('Password').fill('Not-The-Password-1');
    await page.getByRole('button', { name: /Log in/ }).click();
    await page.getByText(PROBLEM_MESSAGES_EN.invalid_credentials as string).waitFor();
    await page.evaluate(() => localStorage.removeItem('lj.locale'));
  });
});
