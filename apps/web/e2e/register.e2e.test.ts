import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namePinyin } from '../../server/src/lib/pinyin';
import { csrfHeaders, logIn, openBrowser, ownServer, screenshot } from './browser';
import { randomUUID } from 'node:crypto';
import { idCheckChar } from '../../server/src/lib/identity';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

type Household = { id: string; headName: string; townshipName: string; regionName: string; activeHelpers: number };
type Page20 = { items: Household[]; total: number; nextCursor: string | null };

/** The register as the server answers it to the signed-in account, beside the screen. */
async function search(page: Page, body: Record<string, unknown>): Promise<Page20> {
  const res = await page.request.post(`${base}/api/v1/households/search`, {
    data: { limit: 20, ...body },
    headers: await csrfHeaders(page),
  });
  expect(res.status()).toBe(200);
  return res.json();
}

/** The head-of-household names of the table's rows, in order. */
const heads = (page: Page) => page.locator('.ant-table-tbody tr.ant-table-row td:nth-child(1) a').allInnerTexts();
const headsWithSelection = (page: Page) =>
  page.locator('.ant-table-tbody tr.ant-table-row td:nth-child(2) a').allInnerTexts();

/** Chooses an option of an antd select by its visible text. */
async function choose(page: Page, testId: string, text: string) {
  await page.getByTestId(testId).click();
  // Long lists scroll virtually: type to bring the option into view (the selects of places search their labels).
  if (testId !== 'household-gap') await page.keyboard.type(text);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first().click();
}

describe('the register and the problem lists, navigable', () => {
  let page: Page;
  let close: () => Promise<void>;
  let errors: string[];

  beforeAll(async () => {
    const b = await openBrowser();
    page = b.page;
    errors = b.errors;
    close = () => b.context.close();
  });
  afterAll(async () => {
    await close();
  });

  it('the county filters the register by township then village, sorts it, and finds a head by full pinyin', async () => {
    await logIn(page, base, 'admin', ADMIN_PASSWORD);
    await page.getByRole('menuitem', { name: '建档立卡户' }).click();
    const county = await search(page, {});
    await page.getByTestId('household-total').getByText(`共 ${county.total} 户`).waitFor();
    await page
      .getByTestId('household-total-page')
      .getByText(`第 1 / ${Math.ceil(county.total / 20)} 页`)
      .waitFor();
    // A jump to page 5: the households the server puts fifth, and "previous" goes to the fourth.
    const fifth = await search(page, { page: 5 });
    await page.getByTestId('household-total-jump').fill('5');
    await page.getByTestId('household-total-jump').press('Enter');
    await page.getByTestId('household-total-page').getByText('第 5 /').waitFor();
    await expect.poll(async () => (await heads(page)).join()).toBe(fifth.items.map((h) => h.headName).join());
    await page.getByRole('button', { name: '上一页' }).click();
    await page.getByTestId('household-total-page').getByText('第 4 /').waitFor();
    const fourth = await search(page, { page: 4 });
    await expect.poll(async () => (await heads(page)).join()).toBe(fourth.items.map((h) => h.headName).join());
    await page.getByRole('button', { name: '首页' }).click();
    await page.getByTestId('household-total-page').getByText('第 1 /').waitFor();

    // A township, then one of its villages: the choice of villages follows the township.
    await choose(page, 'household-township', '乔端镇');
    const township = await search(page, { regionCode: '411321106' });
    expect(township.total).toBeLessThan(county.total);
    await page.getByTestId('household-total').getByText(`共 ${township.total} 户`).waitFor();
    const villages = (await (await page.request.get(`${base}/api/v1/regions?parentCode=411321106&limit=200`)).json())
      .items as { code: string; name: string }[];
    const village = villages.find((v) => v.name === township.items[0]?.regionName) as { code: string; name: string };
    await choose(page, 'household-village', village.name);
    const inVillage = await search(page, { regionCode: village.code });
    await page.getByTestId('household-total').getByText(`共 ${inVillage.total} 户`).waitFor();
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    await expect.poll(async () => (await heads(page)).join()).toBe(inVillage.items.map((h) => h.headName).join());
    for (const text of await rows.allInnerTexts()) {
      expect(text).toContain('乔端镇');
      expect(text).toContain(village.name);
    }

    // Sorted by helpers, most first: the order the server gives for it.
    await page.getByRole('columnheader', { name: '帮扶人' }).click();
    await page.getByRole('columnheader', { name: '帮扶人' }).click();
    const byHelpers = await search(page, { regionCode: village.code, sort: 'helpers', dir: 'desc' });
    await expect.poll(async () => (await heads(page)).join()).toBe(byHelpers.items.map((h) => h.headName).join());
    const counts = byHelpers.items.map((h) => h.activeHelpers);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    // The next page goes on in the same order; the first page button comes back.
    if (byHelpers.nextCursor) {
      await page.getByRole('button', { name: '下一页' }).click();
      await page.getByTestId('household-total-page').getByText('第 2 /').waitFor();
      await page.getByRole('button', { name: '首页' }).click();
      await page.getByTestId('household-total-page').getByText('第 1 /').waitFor();
    }
    await screenshot(page, '70-register-filtered-sorted');

    // Full pinyin finds the head as initials do.
    const head = inVillage.items[0] as Household;
    const pinyin = namePinyin(head.headName);
    await page.getByPlaceholder('户主姓名、全拼或首字母').fill(pinyin);
    await page.getByPlaceholder('户主姓名、全拼或首字母').press('Enter');
    await expect.poll(async () => await heads(page)).toContain(head.headName);
    const found = await search(page, { regionCode: village.code, q: pinyin });
    expect(found.items.map((h) => h.id)).toContain(head.id);
    expect(errors).toEqual([]);
  });

  it('a township gives one helper to two households lacking one, in one operation', async () => {
    await page.context().clearCookies();
    await logIn(page, base, 'qiaoduan', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '建档立卡户' }).click();
    // Two households newly registered, without a helper yet: the first two of the gap, by name (阿, 艾 sort first).
    const village = (await (await page.request.get(`${base}/api/v1/regions?parentCode=411321106&limit=1`)).json())
      .items[0].code as string;
    for (const [i, head] of ['阿大林', '艾小芳'].entries()) {
      const first17 = `41132119610713${String(970 + i)}`;
      const res = await page.request.post(`${base}/api/v1/households`, {
        headers: { ...(await csrfHeaders(page)), 'idempotency-key': randomUUID() },
        data: {
          regionCode: village,
          address: '一组1号',
          primaryCause: 'illness',
          income: { wages: 6000, business: 0, transfer: 1200, property: 0 },
          waterSafe: true,
          people: [
            {
              name: head,
              relationship: '户主',
              gender: 'male',
              idNumber: first17 + idCheckChar(first17),
              health: 'healthy',
              labour: 'normal',
            },
          ],
        },
      });
      expect(res.status(), await res.text()).toBe(201);
    }
    const gaps = await search(page, { gap: 'no_primary_helper' });
    expect(gaps.total).toBeGreaterThanOrEqual(2);
    const [first, second] = gaps.items as [Household, Household];
    // A full member none of the two has as a helper yet.
    const members = (await (await page.request.get(`${base}/api/v1/members?partyStatus=full&limit=50`)).json())
      .items as { id: string; name: string; unitName: string }[];
    const helpersOf = async (h: Household) =>
      (
        (await (await page.request.get(`${base}/api/v1/households/${h.id}`)).json()).helpers as { memberId: string }[]
      ).map((x) => x.memberId);
    const taken = new Set([...(await helpersOf(first)), ...(await helpersOf(second))]);
    const member = members.find((m) => !taken.has(m.id) && !members.some((o) => o !== m && o.name === m.name));
    if (!member) throw new Error('no free member in the demo township');

    await choose(page, 'household-gap', '只看缺主帮扶责任人的户');
    await page.getByTestId('household-total').getByText(`共 ${gaps.total} 户`).waitFor();
    await expect
      .poll(async () => (await headsWithSelection(page)).slice(0, 2))
      .toEqual([first.headName, second.headName]);
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    await rows.nth(0).locator('.ant-checkbox-input').check();
    await rows.nth(1).locator('.ant-checkbox-input').check();
    await page.getByTestId('bulk-helper-open').getByText('已选 2 户').waitFor();
    await page.getByTestId('bulk-helper-open').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('为所选 2 户安排帮扶人').waitFor();
    await dialog.getByTestId('bulk-helper-select').click();
    const pinyin = namePinyin(member.name);
    const searched = page.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === pinyin);
    await page.keyboard.type(pinyin);
    await searched;
    await page
      .locator('.ant-select-item-option')
      .filter({ hasText: `${member.name} · ${member.unitName}` })
      .first()
      .click();
    await dialog.getByTestId('bulk-helper-reason').fill('补齐缺主帮扶责任人的户');
    await screenshot(page, '71-bulk-helper');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByText('已为 2 户安排帮扶人').waitFor();
    await page
      .getByTestId('household-total')
      .getByText(`共 ${gaps.total - 2} 户`)
      .waitFor();
    for (const h of [first, second]) expect(await helpersOf(h)).toContain(member.id);
    expect(errors).toEqual([]);
  });

  it('problem lists are searched by title and filtered by the day listed', async () => {
    await page.getByRole('menuitem', { name: '问题清单' }).click();
    const all = (await (await page.request.get(`${base}/api/v1/problem-lists?limit=20`)).json()) as {
      items: { title: string; listedOn: string }[];
      total: number;
    };
    await page.getByTestId('lists-total').getByText(`共 ${all.total} 条`).waitFor();
    const list = all.items[0] as { title: string; listedOn: string };
    const word = list.title.slice(0, 4);
    const matching = (await (
      await page.request.get(`${base}/api/v1/problem-lists?limit=20&q=${encodeURIComponent(word)}`)
    ).json()) as { total: number };
    await page.getByTestId('lists-search').locator('input').fill(word);
    await page.getByTestId('lists-search').locator('input').press('Enter');
    await page.getByTestId('lists-total').getByText(`共 ${matching.total} 条`).waitFor();
    await page.getByRole('link', { name: list.title }).first().waitFor();
    // A day after every list: nothing, and the empty state says to clear the filters.
    await page.getByPlaceholder('梳理日期起').click();
    await page.getByPlaceholder('梳理日期起').fill('2099-01-01');
    await page.getByPlaceholder('梳理日期起').press('Enter');
    await page.getByPlaceholder('梳理日期止').fill('2099-12-31');
    await page.getByPlaceholder('梳理日期止').press('Enter');
    await page.keyboard.press('Escape');
    await page.getByTestId('lists-total').getByText('共 0 条').waitFor();
    await page.getByText('没有符合条件的问题清单').waitFor();
    await screenshot(page, '72-lists-filtered');
    expect(errors).toEqual([]);
  });

  it('on a phone the register keeps its total and page buttons in view', async () => {
    const phone = await openBrowser('phone');
    try {
      await logIn(phone.page, base, 'qiaoduan', DEMO_PASSWORD);
      await phone.page.goto(`${base}/households`);
      await phone.page
        .getByTestId('household-total')
        .getByText(/共 \d+ 户/)
        .waitFor();
      const pager = await phone.page.getByRole('button', { name: '下一页' }).boundingBox();
      expect(pager).not.toBeNull();
      expect((pager?.x ?? 0) + (pager?.width ?? 0)).toBeLessThanOrEqual(390);
      await screenshot(phone.page, '73-register-phone');
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });
});
