import { Button, Empty, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';
import { CursorPager } from './CursorPager';
import type { CursorPages } from './cursorPages';
import { useServerAction } from './useServerAction';

const COLORS: Record<string, string> = {
  chase: 'red',
  overdue: 'red',
  due_soon: 'orange',
  reopened: 'volcano',
  escalated: 'magenta',
  assigned: 'blue',
  linked: 'gold',
  meeting_due: 'purple',
};

type Inbox = paths['/api/v1/inbox']['get']['responses'][200]['content']['application/json'];

/** The inbox's entries, each linking to where it is done, with a pager past the first twenty. */
export function InboxList({ data, pages }: { data: Inbox | undefined; pages: CursorPages }) {
  const { t } = useTranslation();
  const items = data?.items ?? [];
  return (
    // A plain list: antd's List brings its pagination (and the select inside it) into every screen's first load.
    items.length === 0 ? (
      <Empty description={t('inbox.empty')} />
    ) : (
      <>
        <ul className="lj-inbox">
          {items.map((n, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: notices have no id (a deadline is derived, not stored) and the list holds no state; it is redrawn whole
            <li key={`${i}-${n.kind}-${n.itemId ?? n.orgId}`}>
              <Tag color={COLORS[n.kind]}>{t(`inbox.kinds.${n.kind}`)}</Tag>
              <Link to={n.itemId ? `/items/${n.itemId}` : `/orgs/${n.orgId}/meetings/new`}>{n.text}</Link>
              {n.chaseId && <Acknowledge id={n.chaseId} />}
            </li>
          ))}
        </ul>
        {(data?.nextCursor || pages.page > 1) && (
          <CursorPager pages={pages} total={data?.total ?? 0} nextCursor={data?.nextCursor} testId="inbox-total" />
        )}
      </>
    )
  );
}

/** The receiver acknowledges a chase (催办); the server refuses anyone else. */
function Acknowledge({ id }: { id: string }) {
  const { t } = useTranslation();
  const { busy, run } = useServerAction();
  return (
    <Button
      size="small"
      type="link"
      loading={busy}
      onClick={() =>
        run(
          () => unwrap(api.POST('/api/v1/item-chases/{id}/acknowledge', { params: { path: { id } } })),
          t('clock.acknowledged'),
        )
      }
    >
      {t('clock.acknowledge')}
    </Button>
  );
}
