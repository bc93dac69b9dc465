import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, logIn, openBrowser, ownServer, screenshot } from './browser';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();
// A real 1×1 PNG: the meeting's photo.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('organizational life in the browser', () => {
  let page: Page;
  let close: () => Promise<void>;
  let errors: string[];

  beforeAll(async () => {
    const b = await openBrowser('phone');
    page = b.page;
    errors = b.errors;
    close = () => b.context.close();
  });
  afterAll(async () => close());

  it('on a phone the header fits the screen and the menu unfolds from its button, over the page', async () => {
    await logIn(page, base, 'baihe', DEMO_PASSWORD);
    // The branch secretary's day starts on his branch, not on a cockpit of county figures.
    await page.getByTestId('org-name').filter({ hasText: '白河新村易地搬迁临时党支部' }).waitFor();
    // His bell lists what the branch owes: overdue items of its groups and the groups due to meet, each a link.
    await page.getByTestId('inbox').click();
    const bell = page.locator('.lj-inbox');
    await bell.locator('li', { hasText: '已超期' }).first().waitFor();
    await bell.locator('li', { hasText: '应开会' }).first().waitFor();
    // Inside the phone's screen, whatever the bell's place in the header.
    await page.waitForTimeout(400);
    const list = await bell.boundingBox();
    expect([list?.x, (list?.x ?? 0) + (list?.width ?? 0) <= (page.viewportSize()?.width ?? 0)]).toEqual([
      expect.any(Number),
      true,
    ]);
    expect(list?.x).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/38-bell-phone.png` });
    await page.getByTestId('inbox').click();
    const width = page.viewportSize()?.width ?? 0;
    // Every header button inside the screen, the last (退出登录) included; named although only its icon shows.
    for (const id of ['account', 'logout']) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box).not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);
    }
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    // Folded: the menu takes no room and nothing lies over the page's first line.
    const toggle = page.getByTestId('menu-toggle');
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(page.getByRole('menuitem', { name: '组织架构' }).isVisible()).resolves.toBe(false);
    await toggle.click();
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.getByRole('menuitem', { name: '组织架构' }).waitFor();
    // Its icon stays white on the red header while the finger (here the mouse) is still on it.
    await expect(toggle.evaluate((el) => getComputedStyle(el).color)).resolves.toBe('rgb(255, 255, 255)');
    await screenshot(page, '39-menu-phone');
    // Choosing an entry goes there and folds the menu again.
    await page.getByRole('menuitem', { name: '问题清单' }).click();
    await page.waitForURL(/\/lists$/);
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    // A tap beside the open menu folds it too.
    await toggle.click();
    await page.locator('.lj-sider-backdrop').click({ position: { x: width - 20, y: 400 } });
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    // And so does Escape (a keyboard on a tablet).
    await toggle.click();
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.keyboard.press('Escape');
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    // Wide tables (the register, the reports) scroll inside their cards: the page itself never scrolls sideways.
    for (const path of ['/households', '/reports', '/lists']) {
      await page.goto(`${base}${path}`);
      await page.locator('.ant-table').first().waitFor();
      // Measured once the rows (or the empty state) are in.
      await page.waitForFunction(
        () =>
          document.querySelector('.ant-table-tbody .ant-table-row, .ant-table-tbody .ant-empty') &&
          !document.querySelector('.ant-spin-spinning'),
      );
      // Against the screen's width: on a phone the layout viewport (innerWidth) grows with what overflows it.
      const sideways = (await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0)) - width;
      expect(sideways, path).toBeLessThanOrEqual(0);
      if (path === '/reports') {
        // The reports keep to the screen: each report in one column beside its status, nothing to swipe to.
        const hidden = await page
          .locator('.ant-table-content')
          .first()
          .evaluate((el) => el.scrollWidth - el.clientWidth);
        expect(hidden).toBeLessThanOrEqual(0);
      }
    }
    await screenshot(page, '39b-lists-phone');
    // The icon-only button still logs out.
    await page.getByTestId('logout').click();
    await page.getByLabel('用户名').waitFor();
    expect(errors).toEqual([]);
  });

  it('the branch secretary records a meeting on a phone: taps attendance, a decision goes onto a problem list, a photo', async () => {
    await logIn(page, base, 'baihe', DEMO_PASSWORD);
    // From his landing page (the branch), one tap in its header.
    await page.getByTestId('record-meeting-top').click();
    await page.waitForURL(/\/meetings\/new$/);
    const formUrl = page.url();
    await page.getByTestId('meeting-topic').fill('安置点冬季用电安全部署');
    await page.getByTestId('meeting-place').fill('白河新村党群服务中心');
    const rows = page.locator('[data-testid^="attend-"]');
    await rows.first().waitFor();
    const total = await rows.count();
    expect(total).toBeGreaterThanOrEqual(40);
    // Nobody is present until marked: a save with names unmarked is refused, naming them.
    await expect(page.locator('[data-status="unmarked"]').count()).resolves.toBe(total);
    await page.getByTestId('save-meeting').press('Enter');
    await page.getByText(`还有 ${total} 人未点名`).waitFor();
    // Excused with a reason in a full-width box; absent in one tap; from the keyboard too (the choices are radios).
    const first = rows.nth(1);
    const firstName = ((await first.getAttribute('data-testid')) ?? '').replace('attend-', '');
    await first.getByText('请假', { exact: true }).click();
    await expect(first.getAttribute('data-status')).resolves.toBe('excused');
    await page.getByTestId(`reason-${firstName}`).fill('入户走访');
    const reasonBox = await page.getByTestId(`reason-${firstName}`).boundingBox();
    expect(reasonBox?.width).toBeGreaterThan(250);
    const second = rows.nth(2);
    await second.getByText('缺席', { exact: true }).click();
    await expect(second.getAttribute('data-status')).resolves.toBe('absent');
    const third = rows.nth(3);
    await third.getByText('缺席', { exact: true }).click();
    await third.locator('input[type=radio]:checked').press('ArrowLeft');
    await expect(third.getAttribute('data-status')).resolves.toBe('excused');
    await third.getByText('出席', { exact: true }).click();
    // The rest, deliberately.
    await page.getByTestId('rest-present').click();
    await expect(page.locator('[data-status="unmarked"]').count()).resolves.toBe(0);

    await page.getByTestId('add-decision').click();
    await page.getByTestId('decision-0').fill('3号楼楼道照明损坏，尽快维修');
    await page.getByText('列入问题清单').click();
    const category = page.getByTestId('decision-category-0');
    await category.click();
    await category.locator('input').fill('用电');
    await page.locator('.ant-select-item-option').filter({ hasText: '用电' }).first().waitFor();
    await page.keyboard.press('Enter');
    await category.filter({ hasText: '用电' }).waitFor();
    await page.keyboard.press('Escape');
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'meeting.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
    await page.locator('.ant-upload-list-item').first().waitFor();
    await screenshot(page, '40-record-meeting-phone');

    // Submitted from the keyboard: the photo preview can still be settling under a pointer click on a phone.
    await page.getByTestId('save-meeting').press('Enter');
    await page.getByTestId('activity-topic').filter({ hasText: '安置点冬季用电安全部署' }).waitFor();
    await page
      .getByText(`出席 ${total - 2} · 请假 1 · 缺席 1`)
      .first()
      .waitFor();
    await page.getByText('清单第 1 项').waitFor();
    await page.getByText('入户走访').waitFor();
    await expect(page.locator('img[src^="/api/v1/photos/"]').count()).resolves.toBe(1);
    await screenshot(page, '41-meeting-recorded-phone');
    // The page fits the phone: nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // A second record for the same day is pointed out before it is made.
    await page.goto(formUrl);
    await page.getByTestId('same-day-meeting').filter({ hasText: '安置点冬季用电安全部署' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('the branch shows its 2020 meetings and reminders; a member record adds up; the home organization acknowledges feedback', async () => {
    const desk = await openBrowser();
    try {
      const p = desk.page;
      await logIn(p, base, 'qiaoduan', DEMO_PASSWORD);
      const baihe = (await (await p.request.get(`${base}/api/v1/orgs?q=${encodeURIComponent('白河新村')}`)).json())
        .items[0];
      await p.goto(`${base}/orgs/${baihe.id}`);
      await p.getByRole('tab', { name: '组织生活' }).click();
      // Jump to May 2020 and open the meeting of the 19th.
      for (;;) {
        const month = await p.getByTestId('life-month').innerText();
        if (month === '2020-05') break;
        await p.getByRole('button', { name: '‹' }).click();
      }
      await p.getByRole('link', { name: '梳理群众反映问题，形成问题清单' }).waitFor();
      await screenshot(p, '42-org-life');
      await p.getByRole('link', { name: '梳理群众反映问题，形成问题清单' }).click();
      await p.getByText('清单第 15 项').waitFor();
      await screenshot(p, '43-meeting-may-19');
      const person = p.getByTestId('activity-attendance').getByRole('link').first();
      await person.click();
      await p.getByTestId('record-name').waitFor();
      await screenshot(p, '44-member-record');

      // The county answers for home organizations at county level too.
      await p.getByRole('button', { name: /退出登录/ }).click();
      // Signed out when the login page shows: navigating earlier could cut the logout off and leave the session on.
      await p.getByRole('heading', { name: '登录联建' }).waitFor();
      await logIn(p, base, 'admin', ADMIN_PASSWORD);
      await p.goto(`${base}/feedback`);
      const open = p.getByRole('button', { name: /^签\s*收$/ });
      await open.first().waitFor();
      const before = await open.count();
      await open.first().click();
      await p.getByRole('dialog').locator('textarea').fill('已转所在支部');
      await p
        .getByRole('dialog')
        .getByRole('button', { name: /确\s*定/ })
        .click();
      await expect
        .poll(async () => p.getByRole('button', { name: /^签\s*收$/ }).count(), { timeout: 10_000 })
        .toBe(before - 1);
      await screenshot(p, '45-feedback-inbox');
      expect(desk.errors).toEqual([]);
    } finally {
      await desk.context.close();
    }
  });
});
