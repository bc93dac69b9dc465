import { describe, expect, it } from 'vitest';
import { answerOf } from './queue';

describe('a queued record the server refuses waits for the secretary; one it could not take is sent again', () => {
  it('a refusal of the record (closed item, ended helper, bad date) is 需处理 with the server’s own reason', () => {
    expect(answerOf(400, { code: 'validation_failed', detail: '走访人须是该户当时的帮扶人' })).toEqual({
      kind: 'refused',
      reason: '走访人须是该户当时的帮扶人',
    });
    expect(answerOf(409, { code: 'item_closed', detail: '事项已办结' })).toEqual({
      kind: 'refused',
      reason: '事项已办结',
    });
    expect(answerOf(404, { code: 'not_found', detail: '记录不存在' }).kind).toBe('refused');
    expect(answerOf(403, { code: 'permission_denied', detail: '无权操作' }).kind).toBe('refused');
  });

  it('a server down or busy, an ended session, a stale token or a send still running: the record waits, unchanged', () => {
    for (const [status, code] of [
      [500, 'internal_error'],
      [502, undefined],
      [503, undefined],
      [429, 'rate_limited'],
      [401, 'unauthenticated'],
      [409, 'idempotency_in_progress'],
      [403, 'csrf_failed'],
    ] as const) {
      expect([status, code, answerOf(status, { code }).kind]).toEqual([status, code, 'later']);
    }
  });
});
