import { Card, List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import { formatDateTime } from '../../components/format';
import { NoticeStatusTag } from './NoticeStatusTag';

type Message = Schemas['ItemDetail']['residentMessages'][number];

/** The text messages to the residents who reported the item: what, when, what became of each (phone masked). */
export function ResidentMessagesCard({ messages }: { messages: Message[] }) {
  const { t } = useTranslation();
  if (messages.length === 0) return null;
  return (
    <Card title={t('notices.residentMessages')} style={{ marginBottom: 16 }}>
      <List
        size="small"
        dataSource={messages}
        renderItem={(m) => (
          <List.Item data-testid="resident-message" extra={<NoticeStatusTag status={m.status} />}>
            <List.Item.Meta
              title={t(`notices.purpose.${m.purpose}`)}
              description={
                <Typography.Text type="secondary">
                  {formatDateTime(m.sentAt ?? m.dueAt)}
                  {m.phone ? ` · ${m.phone}` : ''}
                  {m.status !== 'sent' && m.lastMessage ? ` · ${m.lastMessage}` : ''}
                </Typography.Text>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
