import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Popover } from 'antd';
import { Suspense, lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { useCursorPages } from './cursorPages';
import { sessionKeys } from '../api/queryKeys';

/** The list, when the bell is opened: its tags and pager stay out of every screen's first load. */
const InboxList = lazy(() => import('./InboxList').then((m) => ({ default: m.InboxList })));

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
  // Nothing marks a notice read yet: every entry of the inbox, on any page, is still to be seen.
  const unread = q.data?.total ?? 0;
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      rootClassName="lj-inbox-popover"
      title={t('inbox.title')}
      content={
        <Suspense fallback={<div style={{ width: 320, height: 80 }} />}>
          <InboxList data={q.data} pages={pages} />
        </Suspense>
      }
    >
      <Badge count={unread} size="small" overflowCount={99}>
        <Button size="small" icon={<BellOutlined />} aria-label={t('inbox.title')} data-testid="inbox" />
      </Badge>
    </Popover>
  );
}
