import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editRecord, queueReport, readRecord, retry, syncQueue } from './queue';
import { fieldDb, openFor, wipeFieldStore } from './store';

const report = {
  source: 'visit' as const,
  regionCode: '411321106200',
  category: 'water' as const,
  description: '水管漏水',
  photos: [],
  trackingCode: 'ABCD-EFGH-JKMN',
};

const keyOf = async (clientId: string) => (await fieldDb().queue.get(clientId))?.idempotencyKey;

/**
 * The server keeps its answer under the Idempotency-Key, a refusal included: the same key sent again gets the same
 * refusal back. So a record is sent again with its key only when no answer came (no connection); a refused record
 * sent again, or edited, goes with a new key.
 */
describe('a refused record goes again with a new Idempotency-Key; a record that got no answer keeps its key', () => {
  beforeEach(async () => {
    await openFor('user-1');
  });
  afterEach(async () => {
    await wipeFieldStore();
  });

  it('no connection: the record waits and is sent again with the key it was made with', async () => {
    const id = await queueReport('反映', report);
    const key = await keyOf(id);
    // No server answers here: the send fails as it does with no signal.
    await syncQueue();
    await syncQueue();
    const row = await fieldDb().queue.get(id);
    expect([row?.state, row?.idempotencyKey]).toEqual(['pending', key]);
  });

  it('a refused record edited by the secretary: its new content, a new key, waiting to be sent', async () => {
    const id = await queueReport('反映', report);
    const key = await keyOf(id);
    await fieldDb().queue.update(id, { state: 'attention' });
    await editRecord(id, '反映（改）', { ...report, description: '水管漏水，已停水两天' });
    const row = await fieldDb().queue.get(id);
    expect(row?.state).toBe('pending');
    expect(row?.idempotencyKey).not.toBe(key);
    const opened = await readRecord(id);
    expect([opened?.label, (opened?.body as typeof report | undefined)?.description, opened?.reason]).toEqual([
      '反映（改）',
      '水管漏水，已停水两天',
      undefined,
    ]);
  });

  it('a refused record sent again unchanged goes with a new key too; a record not refused keeps its own', async () => {
    const id = await queueReport('反映', report);
    const key = await keyOf(id);
    await retry(id);
    expect(await keyOf(id)).toBe(key);
    await fieldDb().queue.update(id, { state: 'attention' });
    await retry(id);
    const row = await fieldDb().queue.get(id);
    expect(row?.state).toBe('pending');
    expect(row?.idempotencyKey).not.toBe(key);
  });
});
