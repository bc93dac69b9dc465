import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

/** A resident's report of 白河新村, sent as the public page sends it. */
async function report(description: string) {
  const res = await fetch(`${base}/api/v1/public/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ regionCode: '411321106900', category: 'water', description }),
  });
  expect(res.status).toBe(201);
}

/** Types into a select and takes the first option with the text. */
async function choose(page: Page, select: Locator, text: string) {
  await select.click();
  await select.locator('input').last().fill(text);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first().click();
}

async function pickDay(page: Page, field: Locator, day: string) {
  await field.click();
  await field.fill(day);
  await page.keyboard.press('Enter');
}

describe('an item after its list was made', () => {
  it('the clerk combs two reports into one item, edits its due date and group, ends a mistaken link, and adds an item to the list', async () => {
    await report('9号楼自来水发黄，不能饮用');
    await report('9号楼水龙头流出黄水');
    const { context, page: s, errors } = await openBrowser();
    try {
      await logIn(s, base, 'baihe', DEMO_PASSWORD);
      await s.getByRole('menuitem', { name: '群众反映' }).click();
      for (const text of ['自来水发黄', '流出黄水'])
        await s.locator('tr', { hasText: text }).locator('input[type=checkbox]').check();
      await s.getByTestId('comb').click();
      const comb = s.getByRole('dialog');
      await expect.poll(() => comb.getByTestId('comb-item').count()).toBe(2);
      // Both reports into item 1; item 2, left empty, removed.
      await choose(s, comb.getByTestId('comb-item-reports').first(), '流出黄水');
      await comb.getByTestId('comb-item').nth(1).getByTestId('comb-item-remove').click();
      await expect.poll(() => comb.getByTestId('comb-item').count()).toBe(1);
      await screenshot(s, '80-comb-merged');
      await comb.getByRole('button', { name: /保\s*存/ }).click();
      await s.getByTestId('list-title').waitFor();
      await expect.poll(() => s.getByTestId('ledger-item').count()).toBe(1);
      await s.getByTestId('ledger-item').first().click();
      await s.getByTestId('item-title').waitFor();
      const sources = s.locator('.ant-card', { hasText: '来源反映' });
      await sources.getByText('流出黄水').waitFor();
      await sources.getByText('自来水发黄').waitFor();

      // 编辑: a new deadline and another party group.
      await s.getByTestId('item-edit').click();
      const edit = s.getByRole('dialog');
      const group = edit.getByTestId('item-group');
      await group.click();
      const options = s.locator('.ant-select-dropdown:visible .ant-select-item-option');
      await options.first().waitFor();
      const groupName = (await options.last().innerText()).trim();
      // Typed and taken with Enter: robust against the dropdown's animation.
      await group.locator('input').fill(groupName);
      await options.filter({ hasText: groupName }).first().waitFor();
      await s.keyboard.press('Enter');
      await edit.locator('.ant-select', { hasText: groupName }).first().waitFor();
      await s.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
      // A date staff set counts only when earlier than the working-day target: tomorrow is (the item was listed today).
      const tomorrow = new Date(Date.now() + (8 + 24) * 3_600_000).toISOString().slice(0, 10);
      await pickDay(s, edit.getByLabel('完成时限'), tomorrow);
      await screenshot(s, '81-item-edit');
      await edit.getByRole('button', { name: /保\s*存/ }).click();
      await s.getByText('完成时限由').first().waitFor();
      const facts = s.locator('.ant-descriptions');
      await facts.getByText(tomorrow, { exact: true }).waitFor();
      await facts.getByText(groupName).waitFor();

      // A member linked by need by mistake: the link ends, with a reason, after a confirmation.
      await s.getByTestId('to-in_progress').click();
      await s
        .getByRole('dialog')
        .getByRole('button', { name: /确\s*定/ })
        .click();
      await s.getByTestId('item-status').filter({ hasText: '办理中' }).waitFor();
      const first = s.getByTestId('suggestion').first();
      const linked = (await first.locator('.ant-list-item-meta-title').innerText()).split(/[\s（]/)[0] as string;
      await first.getByRole('button', { name: /联\s*结/ }).click();
      const member = s.getByTestId('item-member').filter({ hasText: linked });
      await member.getByTestId('end-link').click();
      await s.getByTestId('end-link-reason').fill('联结有误');
      await screenshot(s, '82-end-link');
      await s.getByTestId('end-link-ok').click();
      await expect.poll(() => s.getByTestId('item-member').filter({ hasText: linked }).count()).toBe(0);
      await s.getByText(`结束${linked}的因需联结（联结有误）`).waitFor();

      // 添加事项 on the list.
      await s.locator('.ant-breadcrumb a').nth(1).click();
      await s.getByTestId('list-title').waitFor();
      await s.getByTestId('add-item').click();
      const add = s.getByRole('dialog');
      await add.getByTestId('item-problem').fill('9号楼二次供水箱未清洗');
      await choose(s, add.getByTestId('item-category'), '用水');
      await screenshot(s, '83-add-item');
      await add.getByRole('button', { name: /保\s*存/ }).click();
      await s.getByTestId('ledger-item').filter({ hasText: '二次供水箱' }).waitFor();
      expect(await s.getByTestId('ledger-item').count()).toBe(2);

      const listUrl = s.url();

      // A later report of the same problem joins the open item.
      await report('9号楼的水还是黄的');
      await s.getByRole('menuitem', { name: '群众反映' }).click();
      await s.locator('tr', { hasText: '水还是黄的' }).locator('input[type=checkbox]').check();
      await s.getByTestId('join').click();
      const join = s.getByRole('dialog');
      await choose(s, join.getByTestId('join-item'), '二次供水箱');
      await screenshot(s, '86-join-item');
      await join.getByRole('button', { name: /保\s*存/ }).click();
      await s.getByTestId('item-title').filter({ hasText: '二次供水箱' }).waitFor();
      await s.locator('.ant-card', { hasText: '来源反映' }).getByText('水还是黄的').waitFor();
      await s.getByText('并入1条相同问题的群众反映').waitFor();
      expect(errors).toEqual([]);

      // On a phone the list's and the item's actions stay on the screen.
      const phone = await openBrowser('phone');
      try {
        const p = phone.page;
        await logIn(p, base, 'baihe', DEMO_PASSWORD);
        await p.goto(listUrl);
        const addButton = p.getByTestId('add-item');
        await addButton.waitFor();
        expect(
          ((await addButton.boundingBox())?.x ?? 999) + ((await addButton.boundingBox())?.width ?? 0),
        ).toBeLessThan(390);
        await screenshot(p, '84-list-phone');
        await p.getByTestId('ledger-item').filter({ hasText: '二次供水箱' }).click();
        const editButton = p.getByTestId('item-edit');
        await editButton.waitFor();
        const box = await editButton.boundingBox();
        expect((box?.x ?? 999) + (box?.width ?? 0)).toBeLessThan(390);
        await screenshot(p, '85-item-phone');
        expect(phone.errors).toEqual([]);
      } finally {
        await phone.context.close();
      }
    } finally {
      await context.close();
    }
  });
});
