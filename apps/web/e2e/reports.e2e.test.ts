import { describe, expect, it } from 'vitest';
import { csrfHeaders, logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();
// A real 1×1 PNG: the resident's photo.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
// 白河新村 (乔端镇), where the branch secretary baihe works.
const BAIHE = '411321106900';

/** A resident's report from the public page, as the page sends it: answers the tracking code. */
async function residentReport(description: string, extra: object = {}) {
  const res = await fetch(`${base}/api/v1/public/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ regionCode: BAIHE, category: 'water', description, ...extra }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { trackingCode: string }).trackingCode;
}

describe('the reports inbox: evidence, entry from the hotline, dismissal', () => {
  it('staff enter a hotline report, see a resident’s photo and masked phone, unmask it with a reason, and dismiss a duplicate the resident then reads', async () => {
    await residentReport('自来水管爆裂，院子里全是水', {
      phone: '13812341234',
      photos: [{ dataBase64: PNG }],
    });
    const duplicateCode = await residentReport('自来水管爆了（同一处，再报一次）');

    const { page: s, errors } = await openBrowser();
    await logIn(s, base, 'baihe', DEMO_PASSWORD);
    await s.getByRole('menuitem', { name: '群众反映' }).click();

    // 1. A hotline call (12345) is entered on the reports page.
    await s.getByTestId('enter-report').click();
    const entry = s.getByRole('dialog');
    await entry.getByText('热线（12345）').click();
    const choose = async (testId: string, text: string) => {
      const select = s.getByTestId(testId);
      await select.click();
      await select.locator('input').fill(text);
      await s.locator('.ant-select-item-option').filter({ hasText: text }).first().waitFor();
      await s.keyboard.press('Enter');
      await select.filter({ hasText: text }).waitFor();
    };
    await choose('entry-place', '白河新村');
    await choose('entry-category', '道路');
    await entry.getByLabel('反映内容').fill('12345 转来：村口桥面塌陷，车辆无法通行');
    await entry.getByLabel('反映人').fill('张先生');
    await entry.getByLabel('电话').fill('13900001111');
    // The photo the caller sent over WeChat, kept with the report.
    await entry
      .locator('input[type=file]')
      .setInputFiles({ name: 'bridge.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
    await entry.locator('.ant-upload-list-item').first().waitFor();
    await screenshot(s, '60-report-entry');
    await entry.getByRole('button', { name: /登\s*记/ }).click();
    const code = (await s.getByTestId('entered-code').innerText()).trim();
    expect(code.length).toBeGreaterThan(8);
    await entry.getByRole('button', { name: /完\s*成/ }).click();
    const hotline = s.locator('tr', { hasText: '村口桥面塌陷' });
    await hotline.waitFor();
    expect(await hotline.innerText()).toContain('热线');
    expect(await hotline.innerText()).toContain('139****1111');
    await hotline.getByTestId('report-photo').first().waitFor();

    // 2. The resident's photo and masked phone; the full number after a reason, as a link that dials it.
    const row = s.locator('tr', { hasText: '自来水管爆裂' });
    await row.getByTestId('report-photo').first().waitFor();
    const loaded = await row
      .locator('img')
      .first()
      .evaluate((img) => (img as HTMLImageElement).naturalWidth);
    expect(loaded).toBe(1);
    expect(await row.getByTestId('report-phone').innerText()).toBe('138****1234');
    await row.getByRole('button', { name: '查看完整号码' }).click();
    const ask = s.getByRole('dialog');
    await ask.getByLabel('查看理由').fill('电话回访核实漏水位置');
    await screenshot(s, '61-report-unmask');
    await ask.getByRole('button', { name: '查看完整号码' }).click();
    const full = row.getByTestId('report-phone-full');
    await full.waitFor();
    expect(await full.getAttribute('href')).toBe('tel:13812341234');
    await screenshot(s, '62-reports');

    // 3. The second report of the same burst pipe is dismissed as a duplicate, with a reason.
    const dup = s.locator('tr', { hasText: '自来水管爆了（同一处' });
    await dup.getByRole('button', { name: '不予受理' }).click();
    const dismiss = s.getByRole('dialog');
    await dismiss.getByText('重复反映').click();
    await dismiss.getByLabel('理由（反映人可见）').fill('与同日反映的自来水管爆裂为同一问题，已一并办理');
    await dismiss.getByRole('button', { name: '确认不予受理' }).click();
    await s.getByText('已不予受理').first().waitFor();
    // It leaves the new queue; under 不予受理 it shows the reason.
    await dup.waitFor({ state: 'detached' });
    await s.getByRole('combobox', { name: '状态' }).click();
    await s.locator('.ant-select-item-option').filter({ hasText: '不予受理' }).click();
    await s.getByTestId('dismissal').filter({ hasText: '已一并办理' }).waitFor();

    // 4. Combed into an item, the report keeps its evidence on the item's 来源反映.
    const listed = await s.request.get(`${base}/api/v1/reports?status=new&limit=100`);
    const water = ((await listed.json()) as { items: { id: string; orgId: string; description: string }[] }).items.find(
      (x) => x.description.startsWith('自来水管爆裂'),
    );
    const made = await s.request.post(`${base}/api/v1/problem-lists`, {
      headers: await csrfHeaders(s),
      data: {
        orgId: water?.orgId,
        title: '供水问题清单',
        listedOn: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10),
        items: [{ problem: '自来水管爆裂', category: 'water', regionCode: BAIHE, reportIds: [water?.id] }],
      },
    });
    expect(made.status(), await made.text()).toBe(201);
    const itemId = ((await made.json()) as { itemIds: string[] }).itemIds[0];
    await s.goto(`${base}/items/${itemId}`);
    const sources = s.getByTestId('item-sources');
    await sources.getByTestId('report-photo').first().waitFor();
    expect(await sources.getByTestId('report-phone').innerText()).toBe('138****1234');
    await sources.getByRole('button', { name: '查看完整号码' }).click();
    await s.getByRole('dialog').getByLabel('查看理由').fill('回访确认维修时间');
    await s.getByRole('dialog').getByRole('button', { name: '查看完整号码' }).click();
    expect(await sources.getByTestId('report-phone-full').getAttribute('href')).toBe('tel:13812341234');
    await screenshot(s, '65-item-sources');

    // On a phone the inbox keeps its evidence in reach.
    const { page: p } = await openBrowser('phone');
    await logIn(p, base, 'baihe', DEMO_PASSWORD);
    await p.goto(`${base}/reports`);
    await p.locator('tr', { hasText: '村口桥面塌陷' }).getByTestId('report-phone').waitFor();
    await screenshot(p, '63-reports-phone');

    // 5. The resident's tracking page says it was not taken up, and why.
    const { page: r } = await openBrowser('phone');
    await r.goto(`${base}/r/${duplicateCode}`);
    const told = r.getByTestId('resident-dismissal');
    await told.waitFor();
    expect(await told.innerText()).toContain('重复反映');
    expect(await told.innerText()).toContain('与同日反映的自来水管爆裂为同一问题');
    await screenshot(r, '64-resident-dismissed');
    expect(errors).toEqual([]);
  }, 240_000);
});
