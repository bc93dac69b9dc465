import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { QueryState } from '../components/QueryState';

export function ListsPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['problem-lists'], queryFn: () => unwrap(api.GET('/api/v1/problem-lists', { params: { query: { limit: 100 } } })) });
  return (
    <div className="lj-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('lists.title')}
      </Typography.Title>
      <Card>
        <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
          <Table<Schemas['ProblemList']>
            rowKey="id"
            dataSource={q.data?.items}
            pagination={{ pageSize: 20, showSizeChanger: false }}
            locale={{ emptyText: <Empty description={t('lists.empty')} /> }}
            columns={[
              { title: t('lists.listedOn'), dataIndex: 'listedOn', width: 120 },
              { title: t('lists.name'), dataIndex: 'title', render: (v, l) => <Link to={`/lists/${l.id}`}>{v}</Link> },
              { title: t('lists.org'), dataIndex: 'orgName' },
              { title: t('lists.no'), dataIndex: 'no', width: 70 },
              { title: t('lists.items'), dataIndex: 'itemCount', width: 80, align: 'right' },
              { title: t('lists.closed'), dataIndex: 'closedCount', width: 90, align: 'right' },
              {
                title: t('lists.overdue'),
                dataIndex: 'overdueCount',
                width: 80,
                align: 'right',
                render: (v: number) => (v > 0 ? <span className="lj-overdue">{v}</span> : v),
              },
            ]}
          />
        </QueryState>
      </Card>
    </div>
  );
}
