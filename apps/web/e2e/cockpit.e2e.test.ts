import { describe, expect, it } from 'vitest';
import { logIn, openBrowser, orScreenshot, ownServer, screenshot } from './browser';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

describe('the cockpit in the browser', () => {
  it('opens on the county, drills into overdue items that agree with the figure, and moves the date slider', async () => {
    const { context, page, errors } = await openBrowser();
    try {
      await logIn(page, base, 'qiaoduan', DEMO_PASSWORD);
      const overdue = page.getByTestId('cockpit-overdue');
      await overdue.waitFor();
      const figure = Number((await overdue.locator('.ant-statistic-content-value').innerText()).replace(/\D/g, ''));
      expect(figure).toBeGreaterThan(0);
      // Grades years old say which year they are of.
      await page.getByText('2020 年度考核等次').waitFor();
      // The trend: one point per month for each of its two lines (the chart's figures, as the table beside it gives
      // them to screen readers); hovering a month shows its figures.
      const trend = page.getByTestId('trend-chart');
      await trend.locator('[role=img] svg').waitFor();
      const months = (await (await page.request.get(`${base}/api/v1/stats/overview`)).json()).work.trend as {
        month: string;
        created: number;
        closed: number;
      }[];
      expect(await trend.locator('table thead th').allInnerTexts()).toEqual(['每月新增与销号', '新增', '销号']);
      expect(await trend.locator('table tbody tr').count()).toBe(months.length);
      const last = months[months.length - 1];
      expect(await trend.locator('table tbody tr').last().locator('th, td').allInnerTexts()).toEqual([
        `${last?.month}`,
        `${last?.created}`,
        `${last?.closed}`,
      ]);
      const plot = trend.locator('[role=img]');
      const box = await plot.boundingBox();
      if (!box) throw new Error('the trend has no plot area');
      await page.mouse.move(box.x + box.width - 24, box.y + box.height / 2);
      const tooltip = trend.locator('.lj-chart-tooltip');
      await expect.poll(() => tooltip.innerText()).toContain(`${last?.month}`);
      expect(await tooltip.innerText()).toContain(String(last?.created));
      await screenshot(page, '60-cockpit');

      await overdue.click();
      await page.getByTestId('drill-items').waitFor();
      const total = Number((await page.getByTestId('drill-total').innerText()).replace(/\D/g, ''));
      expect(total).toBe(figure);
      expect(await page.getByTestId('drill-items').locator('tbody tr').count()).toBe(Math.min(figure, 50));
      await screenshot(page, '61-overdue-items');
      await page.goBack();

      // The slider travels back to May 2020: the figures are those of that month's end.
      const slider = page.getByTestId('date-slider');
      await slider.waitFor();
      await slider.focus();
      await page.keyboard.press('Home');
      for (let i = 0; i < 11; i++) await page.keyboard.press('ArrowRight'); // 2019-06 + 11 months = 2020-05
      await expect.poll(async () => page.getByTestId('as-of').locator('input').inputValue()).toBe('2020-05-31');
      const closed = async () =>
        Number(
          (await page.getByTestId('cockpit-closed').locator('.ant-statistic-content-value').innerText()).replace(
            /\D/g,
            '',
          ),
        );
      const api = async (day: string) =>
        (await (await page.request.get(`${base}/api/v1/stats/overview?asOf=${day}`)).json()).work.items.closed;
      await expect.poll(closed).toBe(await api('2020-05-31'));
      await screenshot(page, '62-cockpit-2020-05');
      // A day typed into the date field (antd's picker, loaded when the field is clicked): the figures are that day's.
      await page.getByTestId('as-of').locator('input').click();
      const picker = page.getByTestId('as-of').locator('.ant-picker input');
      await picker.waitFor();
      // The picker's code arrives after the click; on a busy machine that takes longer than a poll's default second.
      await orScreenshot(
        page,
        '62-cockpit-date-picker-not-focused',
        expect.poll(() => picker.evaluate((el) => el === document.activeElement), { timeout: 10_000 }).toBe(true),
      );
      await page.locator('.ant-picker-dropdown').waitFor();
      await screenshot(page, '62-cockpit-date-picker');
      await picker.fill('2020-06-30');
      await page.keyboard.press('Enter');
      await expect.poll(async () => page.getByTestId('date-slider').inputValue()).toBe('12');
      await expect.poll(closed).toBe(await api('2020-06-30'));
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the county cockpit ranks its fifteen townships', async () => {
    const { context, page, errors } = await openBrowser();
    try {
      await logIn(page, base, 'admin', ADMIN_PASSWORD);
      const ranking = page.getByTestId('township-ranking');
      await ranking.locator('tbody tr').first().waitFor();
      expect(await ranking.locator('tbody tr').count()).toBe(15);
      await screenshot(page, '63-cockpit-county');
      // A sortable header (antd's: focusable, named, sorted by click or Enter): the first click orders the townships
      // ascending, the second descending.
      const column = async (n: number) =>
        (await ranking.locator(`tbody tr td:nth-child(${n})`).allInnerTexts()).map(Number);
      const registered = ranking.getByRole('columnheader', { name: '未脱贫户' });
      await registered.click();
      // 未脱贫户 is the eighth column: rank, township, overdue, open, closed, confirmed, satisfaction, then it.
      const up = await column(8);
      expect(up).toEqual([...up].sort((a, b) => a - b));
      expect(new Set(up).size).toBeGreaterThan(1);
      await registered.click();
      const down = await column(8);
      expect(down).toEqual([...up].sort((a, b) => b - a));
      expect(await ranking.locator('th[aria-sort="descending"]').innerText()).toContain('未脱贫户');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the link network shows units, organizations and members linked by need, and the flattening of closed items', async () => {
    const { context, page, errors } = await openBrowser();
    try {
      await logIn(page, base, 'qiaoduan', DEMO_PASSWORD);
      await page.getByRole('menuitem', { name: '联建网络' }).click();
      const graph = page.getByTestId('network-graph');
      await graph.locator('svg text').first().waitFor();
      // Organizations and units are named, by their short names; no label covers another.
      const labels = await graph.locator('svg text').evaluateAll((texts) =>
        texts
          .map((t) => ({ text: t.textContent ?? '', box: t.getBoundingClientRect() }))
          .filter((l) => l.text && !['临时党组织', '联建单位', '跨组织或因需联入的党员'].includes(l.text))
          .map((l) => ({ text: l.text, x: l.box.x, y: l.box.y, w: l.box.width, h: l.box.height })),
      );
      const names = labels.map((l) => l.text);
      // (A label that would cover another is hidden, and shown on hover: which ones depends on the layout.)
      expect(names.filter((n) => n.endsWith('村委会')).length).toBeGreaterThanOrEqual(3);
      expect(names.filter((n) => /村(?:服务|产业|联建)$/.test(n)).length).toBeGreaterThanOrEqual(3);
      expect(names.some((n) => n.startsWith('乔端镇') && n.endsWith('临时党支部'))).toBe(false);
      const overlapping = labels.flatMap((a, i) =>
        labels
          .slice(i + 1)
          .filter((b) => a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1)
          .map((b) => `${a.text} × ${b.text}`),
      );
      expect(overlapping).toEqual([]);
      // Back to the end of June 2020, when item 3 of 白河新村 had just been solved.
      const date = page.locator('.ant-picker input');
      await date.click();
      await date.fill('2020-06-30');
      await page.keyboard.press('Enter');
      const flat = page.getByTestId('flattening');
      await flat.getByRole('link', { name: '断路器频繁跳闸' }).waitFor();
      const row = flat.locator('tr', { has: page.getByRole('link', { name: '断路器频繁跳闸' }) });
      expect(await row.innerText()).toContain('2'); // two hops: the branch, then the member linked by need
      await screenshot(page, '64-network');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
