import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Empty, Popover, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
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
  const q = useQuery({
    queryKey: sessionKeys.inbox,
    queryFn: () => unwrap(api.GET('/api/v1/inbox')),
    refetchInterval: 60_000,
  });
  const items = q.data?.items ?? [];
  const unread = items.filter((i) => !i.read).length;
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
          <ul className="lj-inbox">
            {items.map((n, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: notices have no id (a deadline is derived, not stored) and the list holds no state; it is redrawn whole
              <li key={`${i}-${n.kind}-${n.itemId ?? n.orgId}`}>
                <Tag color={COLORS[n.kind]}>{t(`inbox.kinds.${n.kind}`)}</Tag>
                <Link to={n.itemId ? `/items/${n.itemId}` : `/orgs/${n.orgId}/meetings/new`}>{n.text}</Link>
              </li>
            ))}
          </ul>
        )
      }
    >
      <Badge count={unread} size="small" overflowCount={99}>
        <Button size="small" icon={<BellOutlined />} aria-label={t('inbox.title')} data-testid="inbox" />
      </Badge>
    </Popover>
  );
}
