import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Empty, Popover, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { CursorPager, useCursorPages } from './CursorPager';
import { sessionKeys } from '../api/queryKeys';

const COLORS: Record<string, string> = {
  overdue: 'red',
  due_soon: 'orange',
  reopened: 'volcano',
  escalated: 'magenta',
  assigned: 'blue',
  linked: 'gold',
  meeting_due: 'purple',
};

/**
 * The caller's inbox: new assignments, links by need, reopenings, escalations, deadlines; for a branch's account also
 * its organization's overdue items and the party groups due to meet (each links to where it is done).
 */
export function InboxButton() {
  const { t } = useTranslation();
  const pages = useCursorPages();
  const q = useQuery({
    queryKey: sessionKeys.inboxPage(pages.cursor),
    queryFn: () => unwrap(api.GET('/api/v1/inbox', { params: { query: { limit: 20, cursor: pages.cursor } } })),
    refetchInterval: 60_000,
  });
  const items = q.data?.items ?? [];
  // Nothing marks a notice read yet: every entry of the inbox, on any page, is still to be seen.
  const unread = q.data?.total ?? 0;
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      rootClassName="lj-inbox-popover"
      title={t('inbox.title')}
      content={
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
                </li>
              ))}
            </ul>
            {(q.data?.nextCursor || pages.page > 1) && (
              <CursorPager
                pages={pages}
                total={q.data?.total ?? 0}
                nextCursor={q.data?.nextCursor}
                testId="inbox-total"
              />
            )}
          </>
        )
      }
    >
      <Badge count={unread} size="small" overflowCount={99}>
        <Button size="small" icon={<BellOutlined />} aria-label={t('inbox.title')} data-testid="inbox" />
      </Badge>
    </Popover>
  );
}
