import type { Executor } from '../../db/index.ts';
import type { NotificationTable } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import { type Cursor, afterCursor } from '../../lib/paging.ts';

export type NoticeKind = NotificationTable['kind'];

/** Stores one notice per member about an item. */
export async function insertNotices(
  tx: Executor,
  memberIds: Iterable<string>,
  notice: { itemId: string; kind: NoticeKind; text: string; at: string },
) {
  for (const memberId of memberIds) {
    await tx
      .insertInto('notifications')
      .values({
        id: newId(),
        member_id: memberId,
        item_id: notice.itemId,
        kind: notice.kind,
        text: notice.text,
        created_at: notice.at,
        read_at: null,
      })
      .execute();
  }
}

/** A member's stored notices, newest first, after the cursor; with how many they have in all. */
export async function noticesOf(db: Executor, memberId: string, limit: number, cursor: Cursor | null) {
  const b = db.selectFrom('notifications as n').where('n.member_id', '=', memberId);
  const [rows, total] = await Promise.all([
    limit === 0
      ? []
      : (cursor ? b.where(afterCursor('n.created_at', 'n.id', cursor, 'desc')) : b)
          .selectAll('n')
          .orderBy('n.created_at', 'desc')
          .orderBy('n.id')
          .limit(limit)
          .execute(),
    b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
