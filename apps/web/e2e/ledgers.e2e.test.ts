import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

/** How far each table of the page reaches past the box it sits in (0 or less: it fits), by its first header. */
async function overflow(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    document.querySelectorAll('table').forEach((table, i) => {
      const box = table.closest('.ant-table-container') ?? table.parentElement;
      if (!box || table.getBoundingClientRect().width === 0) return;
      const name = `${i}:${table.querySelector('th')?.textContent?.trim().slice(0, 12) ?? ''}`;
      out[name] = Math.round(table.getBoundingClientRect().width - box.getBoundingClientRect().width);
    });
    return out;
  });
}

const fits = (o: Record<string, number>) => Object.entries(o).filter(([, px]) => px > 1);

/** A4 landscape less the ledger's 10 mm margins, at 96 dpi: 277 × 190 mm. */
const A4_LANDSCAPE = { width: 1047, height: 718 };

describe('ledgers fit their page: on the screen and on an A4 landscape sheet, every column, no table wider than its box', () => {
  it('the problem list ledger, the assessment ledger, the exit notice and the village board', async () => {
    const { context, page } = await openBrowser();
    try {
      await logIn(page, base, 'qiaoduan', DEMO_PASSWORD);
      const api = async (path: string) => (await page.request.get(`${base}/api/v1${path}`)).json();
      const list = (await api('/problem-lists')).items[0].id as string;
      const pages: [string, string, () => Promise<void>][] = [
        ['list ledger', `/lists/${list}`, () => page.getByTestId('ledger-item').first().waitFor()],
        [
          'assessment ledger',
          '/assessment',
          () => page.getByTestId('ledger-table').locator('tbody tr').first().waitFor(),
        ],
        ['exit notice', '/households/notice/411321106900', () => page.locator('table').first().waitFor()],
        ['village board', '/v/411321106900', () => page.locator('table').first().waitFor()],
      ];
      for (const [name, path, ready] of pages) {
        await page.setViewportSize({ width: 1440, height: 900 });
        await page.emulateMedia({ media: 'screen' });
        await page.goto(`${base}${path}`);
        await ready();
        expect([name, 'screen', fits(await overflow(page))]).toEqual([name, 'screen', []]);
        await page.setViewportSize(A4_LANDSCAPE);
        await page.emulateMedia({ media: 'print' });
        await page.waitForTimeout(300);
        expect([name, 'print', fits(await overflow(page))]).toEqual([name, 'print', []]);
        if (name !== 'village board') await screenshot(page, `90-print-${name.replace(/ /g, '-')}`);
      }
      // The ledger's last columns are on the sheet: the total and the grade.
      await page.goto(`${base}/assessment`);
      await page.getByTestId('ledger-table').locator('tbody tr').first().waitFor();
      const sheet = page.viewportSize()?.width ?? 0;
      for (const header of ['总分', '等次']) {
        const box = await page.getByTestId('ledger-table').locator('th', { hasText: header }).first().boundingBox();
        expect([header, (box?.x ?? 0) + (box?.width ?? 0) <= sheet]).toEqual([header, true]);
      }
    } finally {
      await context.close();
    }
  });
});
