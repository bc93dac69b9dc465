import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Empty, List, Popover, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';

const COLORS: Record<string, string> = { overdue: 'red', due_soon: 'orange', reopened: 'volcano', escalated: 'magenta', assigned: 'blue', linked: 'gold' };

/** The assignee's inbox: new assignments, links by need, reopenings, escalations, deadlines. */
export function InboxButton() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['inbox'], queryFn: () => unwrap(api.GET('/api/v1/inbox')), refetchInterval: 60_000 });
  const items = q.data?.items ?? [];
  const unread = items.filter((i) => !i.read).length;
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      title={t('inbox.title')}
      content={
        <List
          style={{ width: 360, maxHeight: 420, overflowY: 'auto' }}
          size="small"
          dataSource={items}
          locale={{ emptyText: <Empty description={t('inbox.empty')} /> }}
          renderItem={(n) => (
            <List.Item>
              <div>
                <Tag color={COLORS[n.kind]}>{t(`inbox.kinds.${n.kind}`)}</Tag>
                <Link to={`/items/${n.itemId}`}>{n.text}</Link>
              </div>
            </List.Item>
          )}
        />
      }
    >
      <Badge count={unread} size="small" overflowCount={99}>
        <Button size="small" icon={<BellOutlined />} aria-label={t('inbox.title')} data-testid="inbox" />
      </Badge>
    </Popover>
  );
}
