import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { csrfHeaders, logIn, openBrowser, ownServer, screenshot } from './browser';
import { DEMO_PASSWORD } from './global-setup';

const { base } = await ownServer();

// A real 1×1 PNG, as a phone's camera roll would hand it to the picker.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const photo = (name: string) => ({ name, mimeType: 'image/png', buffer: PNG });
const getJson = async (page: Page, url: string) => {
  const res = await page.request.get(`${base}/api/v1${url}`);
  expect(res.status(), url).toBe(200);
  return res.json();
};
const todayInShanghai = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const ok = /确\s*定|OK|保存到本机/;

describe('the branch kept on the device: a meeting, item progress and a visit with photos recorded offline', () => {
  it('offline, reloaded: the kept branch shows with its time; the three records, photos with them, reach the server once', async () => {
    const { context, page, errors } = await openBrowser('phone');
    try {
      await logIn(page, base, 'baihe', DEMO_PASSWORD);
      // Controlled by the app's worker, so that a reload with no connection opens the app.
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++)
          await new Promise((r) => setTimeout(r, 100));
      });
      const me = await getJson(page, '/auth/me');
      const orgId = me.scope.orgId as string;
      // An open item of the branch, listed while online, for the progress entry.
      const problem = `村道塌方 ${Date.now()}`;
      const list = await page.request.post(`${base}/api/v1/problem-lists`, {
        headers: await csrfHeaders(page),
        data: { orgId, title: '离线测试清单', listedOn: todayInShanghai(), items: [{ problem, category: 'roads' }] },
      });
      expect(list.status(), await list.text()).toBe(201);
      const itemId = (await list.json()).itemIds[0] as string;

      await page.goto(`${base}/field`);
      await page.getByText(/本机保存了 [1-9]\d* 户帮扶户的资料/).waitFor({ timeout: 30_000 });
      await page.getByTestId('field-branch').getByText(problem).waitFor({ timeout: 30_000 });

      await context.setOffline(true);
      await page.reload();
      await page.getByTestId('field-online').getByText('离线').waitFor();
      // The kept copy, read from the device alone: the branch, its members and open items, and when it was saved.
      const kept = page.getByTestId('field-branch-kept');
      await kept
        .getByText(
          new RegExp(
            `${me.scope.orgName}：党员 [1-9]\\d* 人.*未办结事项 [1-9]\\d* 项（\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} 更新）`,
          ),
        )
        .waitFor();
      await page.getByTestId('field-branch').getByText(problem).waitFor();
      await screenshot(page, 'field-branch-offline');

      // A visit with a photo.
      await page.getByTestId('field-household').click();
      const option = page.locator('.ant-select-item-option').first();
      await option.click();
      await page.getByTestId('field-visit').click();
      let dialog = page.getByRole('dialog');
      const findings = `离线走访带照片 ${Date.now()}`;
      await dialog.getByLabel('发现的情况').fill(findings);
      if ((await dialog.getByRole('checkbox', { checked: true }).count()) === 0)
        await dialog.getByRole('checkbox').first().check();
      await dialog.locator('input[type=file]').setInputFiles(photo('visit.png'));
      await dialog.locator('.ant-upload-list-item').first().waitFor();
      await screenshot(page, 'field-visit-photo');
      await dialog.getByRole('button', { name: ok }).click();
      await dialog.waitFor({ state: 'hidden' });
      const state = page.getByTestId('field-state');
      await expect.poll(() => state.count()).toBe(1);

      // A meeting of the branch, the roll from the kept members.
      const topic = `离线支部会议 ${Date.now()}`;
      await page.getByTestId('field-meeting').click();
      dialog = page.getByRole('dialog');
      await dialog.getByTestId('field-meeting-place').fill('村委会');
      await dialog.getByTestId('field-meeting-topic').fill(topic);
      // Not saved while a name is unmarked: the absent are never counted present by a careless save.
      await dialog.getByRole('button', { name: ok }).click();
      await dialog.getByText(/还有 [1-9]\d* 人未点名/).waitFor();
      await dialog.getByRole('button', { name: '其余记为出席' }).click();
      await dialog.getByText(/还有 [1-9]\d* 人未点名/).waitFor({ state: 'hidden' });
      await dialog.locator('input[type=file]').setInputFiles(photo('meeting.png'));
      await dialog.locator('.ant-upload-list-item').first().waitFor();
      await screenshot(page, 'field-meeting-offline');
      await dialog.getByRole('button', { name: ok }).click();
      await dialog.waitFor({ state: 'hidden' });
      await expect.poll(() => state.count()).toBe(2);

      // Progress on the open item, with a photo.
      const said = `离线进展 ${Date.now()}`;
      await page.getByTestId('field-progress').click();
      dialog = page.getByRole('dialog');
      await dialog.getByTestId('field-progress-item').click();
      await page.locator('.ant-select-item-option').filter({ hasText: problem }).click();
      // Chosen (the list may still be opening when clicked): the form shows the item before it is saved.
      await expect.poll(async () => dialog.getByTestId('field-progress-item').textContent()).toContain(problem);
      await dialog.getByTestId('field-progress-text').fill(said);
      await dialog.locator('input[type=file]').setInputFiles(photo('item.png'));
      await dialog.locator('.ant-upload-list-item').first().waitFor();
      await dialog.getByRole('button', { name: ok }).click();
      await dialog.waitFor({ state: 'hidden' });
      await expect.poll(() => state.count()).toBe(3);
      expect(await state.allTextContents()).toEqual(['未同步', '未同步', '未同步']);
      await screenshot(page, 'field-three-queued');
      // On the phone every row's actions stay on the screen, however long the record's line.
      const width = page.viewportSize()?.width ?? 0;
      const discards = page.getByTestId('field-queue').getByRole('button', { name: /放\s*弃/ });
      expect(await discards.count()).toBe(3);
      for (const box of await Promise.all((await discards.all()).map((b) => b.boundingBox())))
        expect((box?.x ?? Number.POSITIVE_INFINITY) + (box?.width ?? 0)).toBeLessThanOrEqual(width);

      // Sealed on the device: no photo and no word of the records in the clear.
      const stored = await page.evaluate(
        () =>
          new Promise<string>((resolve, reject) => {
            const open = indexedDB.open('lianjian-field');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const get = open.result.transaction(['queue', 'copies']).objectStore('queue').getAll();
              get.onsuccess = () => {
                const rows = get.result as { sealed: { data: ArrayBuffer } }[];
                resolve(rows.map((r) => new TextDecoder('latin1').decode(r.sealed.data)).join('|'));
                open.result.close();
              };
            };
          }),
      );
      expect(stored).not.toContain(PNG.toString('base64').slice(0, 24));
      expect(stored).not.toContain(topic.slice(0, 4));

      await context.setOffline(false);
      await expect
        .poll(async () => (await state.allTextContents()).join(','), { timeout: 30_000 })
        .toBe('已同步,已同步,已同步');
      await screenshot(page, 'field-three-synced');

      // On the server, each exactly once, each with its photo.
      const meetings = (await getJson(page, `/activities?orgId=${orgId}&limit=100`)).items as {
        id: string;
        topic: string;
      }[];
      const held = meetings.filter((a) => a.topic === topic);
      expect(held).toHaveLength(1);
      const activity = await getJson(page, `/activities/${held[0]?.id}`);
      expect(activity.photoIds).toHaveLength(1);
      expect(activity.attendance.length).toBeGreaterThan(0);
      expect(activity.attendance.every((a: { status: string }) => a.status === 'present')).toBe(true);

      const events = (await getJson(page, `/items/${itemId}/events`)).items as { text: string; photoIds: string[] }[];
      const entries = events.filter((e) => e.text === said);
      expect(entries.map((e) => e.photoIds.length)).toEqual([1]);

      const households = (await getJson(page, '/households?limit=100')).items as { id: string }[];
      const visits: { photoIds: string[] }[] = [];
      for (const h of households) {
        const got = (await getJson(page, `/households/${h.id}/visits`)).items as {
          findings: string | null;
          photoIds: string[];
        }[];
        visits.push(...got.filter((v) => v.findings === findings));
      }
      expect(visits.map((v) => v.photoIds.length)).toEqual([1]);
      for (const id of [activity.photoIds[0], entries[0]?.photoIds[0], visits[0]?.photoIds[0]]) {
        const got = await page.request.get(`${base}/api/v1/photos/${id}`);
        expect([got.status(), got.headers()['content-type']]).toEqual([200, 'image/png']);
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('a meeting recorded offline whose roll no longer holds is refused, with the reason, and edited', () => {
  it('a member whose membership ended before the meeting arrives: 需处理 with the server’s Chinese reason; edited on the branch as it is now, it reaches the server once', async () => {
    const { context, page, errors } = await openBrowser('phone');
    try {
      await logIn(page, base, 'baihe', DEMO_PASSWORD);
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++)
          await new Promise((r) => setTimeout(r, 100));
      });
      const me = await getJson(page, '/auth/me');
      const orgId = me.scope.orgId as string;
      await page.goto(`${base}/field`);
      await page.getByTestId('field-branch-kept').waitFor({ timeout: 30_000 });

      await context.setOffline(true);
      await page.reload();
      await page.getByTestId('field-online').getByText('离线').waitFor();
      const topic = `点名失效的会议 ${Date.now()}`;
      await page.getByTestId('field-meeting').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('field-meeting-place').fill('村委会');
      await dialog.getByTestId('field-meeting-topic').fill(topic);
      await dialog.getByRole('button', { name: '其余记为出席' }).click();
      await dialog.getByRole('button', { name: ok }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByTestId('field-state').getByText('未同步').waitFor();

      // Meanwhile, at the township: a member of the roll left the branch yesterday (the API is not the phone's link).
      type Membership = { id: string; orgId: string; role: string; active: boolean; startOn: string; version: number };
      const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
      const memberships = (await getJson(page, `/orgs/${orgId}/memberships?limit=200`)).items as Membership[];
      let ended = false;
      for (const m of memberships.filter((x) => x.orgId === orgId && x.role === 'member' && x.active)) {
        if (m.startOn >= yesterday) continue;
        const res = await page.request.post(`${base}/api/v1/orgs/${orgId}/memberships/${m.id}/end`, {
          headers: await csrfHeaders(page),
          data: { endOn: yesterday, endReason: '工作调动', version: m.version },
        });
        if (res.status() === 204) {
          ended = true;
          break;
        }
      }
      expect(ended).toBe(true);

      await context.setOffline(false);
      await page.getByTestId('field-state').getByText('需处理').waitFor({ timeout: 30_000 });
      await page.getByText('只能登记会议当天本组织的成员').waitFor();
      await screenshot(page, 'field-meeting-refused');
      expect(
        (await getJson(page, `/activities?orgId=${orgId}&limit=100`)).items.filter(
          (a: { topic: string }) => a.topic === topic,
        ),
      ).toEqual([]);

      // The secretary updates the branch kept on the device, then edits the meeting: the roll is the branch as it is
      // now, the rest of the meeting as she recorded it.
      await page.getByRole('button', { name: '更新离线资料' }).click();
      await page.getByTestId('field-edit-meeting').click();
      const edit = page.getByRole('dialog');
      expect(await edit.getByTestId('field-meeting-topic').inputValue()).toBe(topic);
      await edit.getByRole('button', { name: '其余记为出席' }).click();
      await edit.getByRole('button', { name: ok }).click();
      await edit.waitFor({ state: 'hidden' });
      await page.getByTestId('field-state').getByText('已同步').waitFor({ timeout: 30_000 });
      await screenshot(page, 'field-meeting-edited');
      type Meeting = { id: string; topic: string };
      const sent = ((await getJson(page, `/activities?orgId=${orgId}&limit=100`)).items as Meeting[]).filter(
        (a) => a.topic === topic,
      );
      expect(sent).toHaveLength(1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
