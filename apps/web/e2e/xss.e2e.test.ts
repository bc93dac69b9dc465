import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csrfHeaders, logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();
const PAYLOAD = '路灯不亮<img src=x onerror=alert(1)>"><svg onload=alert(1)>';

describe('residents’ words are shown, never run', () => {
  it('a report carrying script through the resident page, the reports page, a problem list and the item page opens no dialog', async () => {
    const { context, page, errors } = await openBrowser();
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    try {
      // The resident submits without an account.
      const receipt = await page.request.post(`${base}/api/v1/public/reports`, {
        data: { regionCode: '411321106900', category: 'roads', description: PAYLOAD },
      });
      expect(receipt.status()).toBe(201);
      const code = (await receipt.json()).trackingCode as string;
      await page.goto(`${base}/r/${code}`);
      await page.getByText('onerror=alert(1)', { exact: false }).first().waitFor();

      // The branch secretary sees it among the reports, combs it into a list and opens the item.
      await logIn(page, base, 'baihe', DEMO_PASSWORD);
      await page.getByRole('menuitem', { name: '群众反映' }).click();
      await page.getByText('onerror=alert(1)', { exact: false }).first().waitFor();
      const reports = (await (await page.request.get(`${base}/api/v1/reports?status=new&limit=50`)).json()).items as {
        id: string;
        description: string;
      }[];
      const report = reports.find((r) => r.description === PAYLOAD);
      expect(report).toBeTruthy();
      const baihe = (await (await page.request.get(`${base}/api/v1/orgs?q=${encodeURIComponent('白河新村')}`)).json())
        .items[0];
      const list = await page.request.post(`${base}/api/v1/problem-lists`, {
        headers: await csrfHeaders(page),
        data: {
          orgId: baihe.id,
          title: `清单${PAYLOAD}`,
          listedOn: '2026-11-01',
          items: [{ problem: PAYLOAD, category: 'roads', regionCode: '411321106900', reportIds: [report?.id] }],
        },
      });
      expect(list.status(), await list.text()).toBe(201);
      const { id, itemIds } = await list.json();
      await page.goto(`${base}/lists/${id}`);
      await page.getByTestId('list-title').waitFor();
      await page.goto(`${base}/items/${itemIds[0]}`);
      await page.getByTestId('item-title').waitFor();
      await page.goto(`${base}/v/411321106900`);
      await page.getByTestId('village-board').getByText('onerror=alert(1)', { exact: false }).first().waitFor();
      await screenshot(page, '70-xss-shown-as-text');
      // The export of the list: the words are a text cell, never a formula or markup.
      await page.goto(`${base}/lists/${id}`);
      await page.getByTestId('export-xlsx').click();
      await page.getByTestId('export-reason').fill(`核对清单${PAYLOAD}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-confirm').click()]);
      const file = path.join(os.tmpdir(), `xss-${Date.now()}.xlsx`);
      await download.saveAs(file);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      fs.rmSync(file);
      const cell = (wb.getWorksheet('问题清单') as ExcelJS.Worksheet).getRow(4).getCell(2);
      expect(cell.value).toBe(PAYLOAD);
      expect(cell.formula).toBeUndefined();

      // The audit administrator reads the trail, not the register: the item's words are hidden there; the list is named
      // by its title, and the reason given for the export is shown, both as text.
      await page.getByRole('button', { name: /退出登录/ }).click();
      await page.getByRole('heading', { name: '登录联建' }).waitFor();
      await logIn(page, base, 'auditor', DEMO_PASSWORD);
      // The record's history, by its address (the viewer keeps its filters there).
      await page.goto(`${base}/audit?${new URLSearchParams({ entityType: 'problem_list', entityId: id })}`);
      await page.getByTestId('audit-table').getByText('建立问题清单').first().waitFor();
      const shown = page.getByTestId('audit-table').getByText('onerror=alert(1)', { exact: false });
      expect(await shown.count()).toBe(1);
      expect(await shown.first().innerText()).toContain('清单');
      await page.goto(`${base}/audit?${new URLSearchParams({ username: 'baihe', action: 'export.request' })}`);
      await page.getByTestId('audit-table').getByText('申请导出').first().waitFor();
      // Changes past the first lines fold under a disclosure: open it if the reason is there.
      const folded = page.getByTestId('audit-table').locator('summary');
      if (await folded.count()) await folded.first().click();
      await page.getByTestId('audit-table').getByText('onerror=alert(1)', { exact: false }).first().waitFor();
      await screenshot(page, '71-xss-audit-viewer');

      // Nothing ran, and nothing was injected as markup.
      expect(dialogs).toEqual([]);
      expect(await page.locator('svg[onload], img[onerror]').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
