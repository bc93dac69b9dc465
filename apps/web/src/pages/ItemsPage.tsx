import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { CursorPager, useCursorPages } from '../components/CursorPager';
import { QueryState } from '../components/QueryState';
import { ItemStatusTag } from '../features/items/ItemStatusTag';
import { itemKeys } from '../api/queryKeys';

type Status = Schemas['ItemSummary']['status'];

/** The items behind a cockpit figure: by status, overdue or escalated, at a date; every row opens its item. */
export function ItemsPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const status = (params.get('status') ?? undefined) as Status | undefined;
  const overdue = params.get('overdue') === 'true' ? ('true' as const) : undefined;
  const escalated = params.get('escalated') === 'true' ? ('true' as const) : undefined;
  const asOf = params.get('asOf') ?? undefined;
  const filter = {
    ...(status ? { status } : {}),
    ...(overdue ? { overdue } : {}),
    ...(escalated ? { escalated } : {}),
    ...(asOf ? { asOf } : {}),
  };
  const pages = useCursorPages(JSON.stringify(filter));
  const q = useQuery({
    queryKey: itemKeys.list(filter, pages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/items', {
          params: { query: { limit: 50, ...filter, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
  });
  return (
    <div className="lj-page">
      <Flex gap={8} align="center" wrap style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('cockpit.itemsTitle')}
        </Typography.Title>
        {status && <Tag>{t(`itemStatus.${status}`)}</Tag>}
        {overdue && <Tag color="red">{t('item.overdue')}</Tag>}
        {escalated && <Tag color="orange">{t('cockpit.escalations')}</Tag>}
        {asOf && <Tag color="blue">{t('cockpit.asOfTag', { date: asOf })}</Tag>}
      </Flex>
      <Card>
        <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
          <Table<Schemas['ItemSummary']>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={q.data?.items}
            data-testid="drill-items"
            locale={{ emptyText: <Empty description={t('cockpit.noItems')} /> }}
            columns={[
              {
                title: t('lists.title'),
                dataIndex: 'listTitle',
                render: (v, r) => <Link to={`/lists/${r.listId}`}>{v}</Link>,
              },
              { title: '#', dataIndex: 'no', width: 50 },
              {
                title: t('board.problem'),
                dataIndex: 'problem',
                render: (v, r) => <Link to={`/items/${r.id}`}>{v}</Link>,
              },
              {
                title: t('households.status'),
                dataIndex: 'status',
                width: 180,
                render: (v, r) => <ItemStatusTag status={v} overdue={r.overdue} light={r.light} />,
              },
              { title: t('cockpit.dueOn'), dataIndex: 'dueOn', width: 110, render: (v) => v ?? '—' },
              { title: t('assessment.org'), dataIndex: 'orgName' },
            ]}
          />
          <CursorPager pages={pages} total={q.data?.total ?? 0} nextCursor={q.data?.nextCursor} testId="drill-total" />
        </QueryState>
      </Card>
    </div>
  );
}
