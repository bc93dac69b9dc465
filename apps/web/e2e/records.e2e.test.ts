import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

describe('what a county keeps on paper, and the trail in words', () => {
  it('a township exports its organization roster: the file downloads with its organizations', async () => {
    const { page, context, errors } = await openBrowser();
    try {
      await logIn(page, base, 'qiaoduan', DEMO_PASSWORD);
      await page.goto(`${base}/orgs`);
      await page.getByTestId('roster-export').click();
      await page.getByTestId('export-reason').fill('年度组织建设归档');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-confirm').click()]);
      expect(download.suggestedFilename()).toMatch(/^临时党组织花名册-\d{4}-\d{2}-\d{2}\.xlsx$/);
      const file = path.join(ARTIFACTS, 'roster.xlsx');
      await download.saveAs(file);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const sheet = wb.getWorksheet('组织花名册') as ExcelJS.Worksheet;
      const text = JSON.stringify(sheet.getSheetValues());
      expect(text).toContain('白河新村易地搬迁临时党支部');
      expect(text).toContain('用途：年度组织建设归档');
      // Another township's organizations are not the township's to print.
      expect(text).not.toContain('城郊乡临时党总支');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the branch secretary prints a meeting for the 三会一课 files: date, place, attendance with absentees and reasons', async () => {
    const { page, context, errors } = await openBrowser();
    try {
      await logIn(page, base, 'baihe', DEMO_PASSWORD);
      // A meeting of his branch where someone was excused: the sheet must say who and why.
      const res = await page.request.get(`${base}/api/v1/activities?limit=100`);
      expect(res.status()).toBe(200);
      const list = (await res.json()) as { items: { id: string; excused: number; topic: string }[] };
      const meeting = list.items.find((a) => a.excused > 0);
      expect(meeting).toBeDefined();
      const id = (meeting as { id: string }).id;
      await page.goto(`${base}/activities/${id}`);
      await page.getByTestId('meeting-print-link').click();
      const sheet = page.getByTestId('meeting-sheet');
      await sheet.waitFor();
      expect(page.url()).toContain(`/activities/${id}/print`);
      await expect.poll(() => sheet.innerText()).toContain('组织生活会议记录');
      const counts = await page.getByTestId('meeting-sheet-counts').innerText();
      expect(counts).toMatch(/应到 \d+ 人，实到 \d+ 人，请假 [1-9]\d* 人，缺席 \d+ 人/);
      // Each excused member with the reason, in the paper's words.
      expect(await page.getByTestId('meeting-sheet-excused').innerText()).toMatch(/.+（.+）/);
      expect((await page.getByTestId('meeting-sheet-present').innerText()).length).toBeGreaterThan(1);
      await screenshot(page, '95-meeting-sheet');
      // On paper: A4, nothing of the application around it, and the sheet within the page's width.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.ant-layout-sider').isVisible()).toBe(false);
      const width = await sheet.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
      expect(width).toBe(true);
      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
      expect(pdf.byteLength).toBeGreaterThan(1000);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the auditor reads an event in Chinese words, with the record’s name and a link to its history', async () => {
    const { page, context, errors } = await openBrowser();
    try {
      await logIn(page, base, 'auditor', DEMO_PASSWORD);
      await page.goto(`${base}/audit`);
      await page.getByTestId('audit-table').waitFor();
      // Filter by an action chosen by its words.
      const select = page.getByTestId('audit-action');
      await select.click();
      await select.locator('input').fill('载入示范县');
      await page.locator('.ant-select-item-option').filter({ hasText: '载入示范县' }).first().click();
      await page.waitForURL(/action=seed\.demo/);
      const rows = page.locator('[data-testid=audit-table] tbody tr.ant-table-row');
      await expect.poll(() => rows.count()).toBe(1);
      const row = rows.filter({ hasText: '载入示范县' });
      await row.waitFor();
      const text = await row.innerText();
      // The record by its name and its kind in Chinese, no raw id or English type.
      expect(text).toContain('南召县');
      expect(text).not.toMatch(/county|[0-9a-f]{8}-[0-9a-f]{4}-/);
      const link = row.getByTestId('audit-record-link');
      expect(await link.innerText()).toBe('南召县');
      expect(await link.getAttribute('href')).toContain('entityId=');
      await screenshot(page, '96-audit-in-words');
      await link.click();
      await page.getByTestId('audit-record-filter').filter({ hasText: '南召县' }).waitFor();
      expect(page.url()).toContain('entityType=county');
      // Sign-ins name the account, not its id.
      await page.goto(`${base}/audit?action=auth.login`);
      const login = page.locator('[data-testid=audit-table] tbody tr').filter({ hasText: '登录' }).first();
      await login.waitFor();
      expect(await login.getByTestId('audit-record-link').innerText()).toMatch(/auditor/);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
    // On a phone the events stay readable: the table scrolls inside its card, the page does not.
    const phone = await openBrowser('phone');
    try {
      await logIn(phone.page, base, 'auditor', DEMO_PASSWORD);
      await phone.page.goto(`${base}/audit?action=seed.demo`);
      await phone.page.getByTestId('audit-record-link').first().waitFor();
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      await screenshot(phone.page, '97-audit-phone');
    } finally {
      await phone.context.close();
    }
  });
});
