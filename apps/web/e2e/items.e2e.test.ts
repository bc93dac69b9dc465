import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();
// A real 1×1 PNG: the resident's photo.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('the story of item 3: from a resident report to the resident confirmation', () => {
  it('a resident reports on a phone, the secretary combs, assigns, links by need; another closes; the resident confirms', async () => {
    // 1. The resident, on a phone, without an account.
    const resident = await openBrowser('phone');
    const r = resident.page;
    await r.goto(`${base}/r`);
    // The phone's own pickers: native selects, each filled when its options have arrived.
    const choose = async (testId: string, text: string) => {
      const select = r.getByTestId(testId);
      await select.locator('option', { hasText: text }).first().waitFor({ state: 'attached' });
      await select.selectOption({ label: text });
    };
    await choose('resident-township', '乔端镇');
    await choose('resident-village', '白河新村');
    await choose('resident-category', '用电');
    await r.getByLabel('问题描述').fill('3号楼断路器老是跳闸，晚上经常停电');
    await r
      .locator('input[type=file]')
      .setInputFiles({ name: 'breaker.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
    await r.locator('.r-photo img').first().waitFor();
    await screenshot(r, '20-resident-form');
    await r.getByRole('button', { name: /提\s*交/ }).click();
    const code = (await r.getByTestId('tracking-code').innerText()).trim().replace(/\s/g, '');
    // A code she can read out: 4-4-4, on one line of the phone's screen.
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const box = await r.getByTestId('tracking-code').boundingBox();
    expect(box?.height).toBeLessThan(48);
    await r.getByText('白河新村易地搬迁临时党支部').first().waitFor();
    await screenshot(r, '21-resident-receipt');

    // 2. The branch secretary combs the report into a list and assigns the infrastructure group.
    const secretary = await openBrowser();
    const s = secretary.page;
    await logIn(s, base, 'baihe', DEMO_PASSWORD);
    await s.getByRole('menuitem', { name: '群众反映' }).click();
    const row = s.locator('tr', { hasText: '3号楼断路器老是跳闸' });
    await row.locator('input[type=checkbox]').check();
    await s.getByTestId('comb').click();
    const dialog = s.getByRole('dialog');
    await dialog.getByLabel('责任党小组').click();
    await dialog.getByLabel('责任党小组').fill('基础建设');
    await s.locator('.ant-select-item-option').filter({ hasText: '基础建设党小组' }).first().waitFor();
    await s.keyboard.press('Enter');
    await dialog.locator('.ant-select', { hasText: '基础建设党小组' }).first().waitFor();
    await screenshot(s, '22-comb');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await s.getByTestId('list-title').waitFor();
    await s.getByTestId('ledger-item').filter({ hasText: '3号楼断路器老是跳闸' }).click();
    await s.getByTestId('item-title').waitFor();

    // 3. Work starts; a member with the electricity capability is linked in by need.
    await s.getByTestId('to-in_progress').click();
    await s
      .getByRole('dialog')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await s.getByTestId('item-status').filter({ hasText: '办理中' }).waitFor();
    const first = s.getByTestId('suggestion').first();
    // The power-station chief comes first, and the page says why: the skill, his unit's duty, and that he heads it.
    await first.getByTestId('suggestion-reasons').filter({ hasText: '单位负责人' }).waitFor();
    expect(await first.innerText()).toMatch(/所长[\s\S]*供电所/);
    const linkedName = (await first.locator('.ant-list-item-meta-title').innerText()).split(/[\s（]/)[0] as string;
    await first.getByRole('button', { name: /联\s*结/ }).click();
    await s.getByText(`已联结 ${linkedName}`).waitFor();
    await s.locator('.ant-list-item', { hasText: '因需联结' }).filter({ hasText: linkedName }).waitFor();
    await screenshot(s, '23-linked');
    // The two electricians he brings are not Party members: participants, not members.
    await s.getByTestId('participant-add').click();
    const add = s.getByRole('dialog');
    await add.getByLabel('姓名').fill('赵师傅');
    await add.getByLabel('单位').fill('乔端镇供电所');
    await add.getByLabel('分工').fill('电工，协助排查线路');
    await add.getByRole('button', { name: /确\s*定/ }).click();
    await s.getByTestId('participant').filter({ hasText: '赵师傅（电工，协助排查线路）' }).waitFor();
    await s.getByTestId('to-awaiting_confirmation').click();
    await s
      .getByRole('dialog')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await s.getByTestId('item-status').filter({ hasText: '待确认' }).waitFor();
    // Whoever handed the work in is not offered the close-out.
    await expect(s.getByTestId('to-closed').count()).resolves.toBe(0);
    const itemUrl = s.url();
    await secretary.context.close();

    // 4. The township committee verifies and closes it out.
    const township = await openBrowser();
    const tw = township.page;
    await logIn(tw, base, 'qiaoduan', DEMO_PASSWORD);
    await tw.goto(itemUrl);
    await tw.getByTestId('to-closed').click();
    await tw.getByRole('dialog').getByLabel('销号依据').fill('已为每户标注暗线走向，试送电正常');
    await tw
      .getByRole('dialog')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await tw.getByTestId('item-status').filter({ hasText: '已销号' }).waitFor();
    await screenshot(tw, '24-closed');
    await tw.getByRole('menuitem', { name: '问题清单' }).click();
    await tw.getByText('看板').click();
    await tw.getByTestId('board-closed').getByText('3号楼断路器老是跳闸，晚上经常停电').waitFor();
    await screenshot(tw, '26-board');
    await township.context.close();

    // 5. The resident follows the code and confirms it is solved.
    await r.goto(`${base}/r/${code}`);
    await r.getByTestId('resident-stage').filter({ hasText: '已销号' }).waitFor();
    await r.locator('.r-photo img').first().waitFor();
    expect(
      await r
        .locator('.r-photo img')
        .first()
        .evaluate((img) => (img as HTMLImageElement).naturalWidth),
    ).toBe(1);
    await r.getByTestId('resident-solved').click();
    await r.getByText('您已于').waitFor();
    // Then rates how it was handled.
    await r.getByTestId('resident-rating').getByRole('radio').nth(4).click();
    await r.getByRole('button', { name: '提交评价' }).click();
    await r.getByText('您的评价：5 星（可修改）').waitFor();
    await screenshot(r, '25-resident-confirmed');
    await resident.context.close();
    expect([...resident.errors, ...secretary.errors, ...township.errors]).toEqual([]);
  });
});
