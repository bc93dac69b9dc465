import { ITEM_STATUSES } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Badge, Card, Col, Empty, Row, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, unwrap } from '../../api/client';
import { QueryState } from '../../components/QueryState';
import { itemKeys } from '../../api/queryKeys';

/** Items of the caller's scope in columns by status, overdue ones marked: the branch's working board. */
export function Board() {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: itemKeys.board(),
    queryFn: () => unwrap(api.GET('/api/v1/items', { params: { query: { limit: 200 } } })),
  });
  const byStatus = (s: string) => (q.data?.items ?? []).filter((i) => i.status === s);
  return (
    <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
      <Row gutter={12}>
        {ITEM_STATUSES.map((s) => (
          <Col xs={24} md={12} xl={6} key={s}>
            <Card
              size="small"
              title={
                <span>
                  {t(`itemStatus.${s}`)} <Badge count={byStatus(s).length} showZero color="#8c8c8c" />
                </span>
              }
              styles={{ body: { maxHeight: 640, overflowY: 'auto', background: '#fafafa' } }}
              data-testid={`board-${s}`}
            >
              {byStatus(s).length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
              {byStatus(s).map((i: Schemas['ItemSummary']) => (
                <Card key={i.id} size="small" style={{ marginBottom: 8 }}>
                  <Link to={`/items/${i.id}`}>{i.problem}</Link>
                  <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 0' }}>
                    {i.orgName} · {t('lists.item', { no: i.no })}
                    {i.responsibleGroup ? ` · ${i.responsibleGroup.name}` : ''}
                  </Typography.Paragraph>
                  {i.dueOn && (
                    <Tag color={i.overdue ? 'red' : undefined} style={{ marginTop: 4 }}>
                      {i.overdue ? t('item.overdue') : t('lists.ledger.due')} {i.dueOn}
                    </Tag>
                  )}
                  {i.reopenedCount > 0 && <Tag color="orange">{t('item.reopened', { count: i.reopenedCount })}</Tag>}
                </Card>
              ))}
            </Card>
          </Col>
        ))}
      </Row>
    </QueryState>
  );
}
