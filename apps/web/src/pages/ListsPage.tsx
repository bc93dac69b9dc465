import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, Segmented, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { QueryState } from '../components/QueryState';
import { Board } from '../features/items/Board';
import { itemKeys } from '../api/queryKeys';

export function ListsPage() {
  const { t } = useTranslation();
  const [view, setView] = useState<'lists' | 'board'>('lists');
  const q = useQuery({
    queryKey: itemKeys.problemLists(),
    queryFn: () => unwrap(api.GET('/api/v1/problem-lists', { params: { query: { limit: 100 } } })),
  });
  return (
    <div className="lj-page">
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('lists.title')}
        </Typography.Title>
        <Segmented
          value={view}
          onChange={(v) => setView(v as 'lists' | 'board')}
          options={[
            { value: 'lists', label: t('lists.viewLists') },
            { value: 'board', label: t('lists.viewBoard') },
          ]}
        />
      </Flex>
      {view === 'board' ? (
        <Board />
      ) : (
        <Card>
          <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
            <Table<Schemas['ProblemList']>
              rowKey="id"
              dataSource={q.data?.items}
              pagination={{ pageSize: 20, showSizeChanger: false }}
              locale={{ emptyText: <Empty description={t('lists.empty')} /> }}
              columns={[
                { title: t('lists.listedOn'), dataIndex: 'listedOn', width: 120 },
                {
                  title: t('lists.name'),
                  dataIndex: 'title',
                  render: (v, l) => <Link to={`/lists/${l.id}`}>{v}</Link>,
                },
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
      )}
    </div>
  );
}
