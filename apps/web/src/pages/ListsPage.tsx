import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Empty, Flex, Input, Segmented, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { CursorPager, useCursorPages } from '../components/CursorPager';
import { QueryState } from '../components/QueryState';
import { RemoteSelect } from '../components/RemoteSelect';
import { Board } from '../features/items/Board';
import { itemKeys, orgKeys } from '../api/queryKeys';

const PAGE_SIZE = 20;

export function ListsPage() {
  const { t } = useTranslation();
  const [view, setView] = useState<'lists' | 'board'>('lists');
  const [title, setTitle] = useState<string>();
  const [orgId, setOrgId] = useState<string>();
  const [days, setDays] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  // Searched and filtered by the server, paged by its cursors like every list.
  const filter = {
    ...(title ? { q: title } : {}),
    ...(orgId ? { orgId } : {}),
    ...(days?.[0] ? { from: days[0].format('YYYY-MM-DD') } : {}),
    ...(days?.[1] ? { to: days[1].format('YYYY-MM-DD') } : {}),
  };
  const filtered = Object.keys(filter).length > 0;
  const pages = useCursorPages(JSON.stringify(filter));
  const q = useQuery({
    queryKey: itemKeys.problemListPage(filter, pages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/problem-lists', {
          params: { query: { limit: PAGE_SIZE, ...filter, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
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
          <Flex gap={8} wrap style={{ marginBottom: 16 }}>
            <Input.Search
              allowClear
              style={{ width: 220 }}
              maxLength={50}
              placeholder={t('lists.search')}
              aria-label={t('lists.search')}
              onSearch={(v) => setTitle(v.trim() || undefined)}
              data-testid="lists-search"
            />
            <RemoteSelect
              allowClear
              style={{ width: 240 }}
              queryKey={(term) => orgKeys.search(term)}
              search={async (term) =>
                (await unwrap(api.GET('/api/v1/orgs', { params: { query: { q: term, limit: 20 } } }))).items.map(
                  (o) => ({ value: o.id, label: o.name }),
                )
              }
              value={orgId}
              onChange={(v) => setOrgId(v ?? undefined)}
              placeholder={t('lists.orgFilter')}
              aria-label={t('lists.orgFilter')}
              data-testid="lists-org"
            />
            <DatePicker.RangePicker
              allowEmpty={[true, true]}
              value={days}
              onChange={(v) => setDays(v)}
              placeholder={[t('lists.from'), t('lists.to')]}
              aria-label={t('lists.from')}
              data-testid="lists-days"
            />
          </Flex>
          <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
            <Table<Schemas['ProblemList']>
              rowKey="id"
              dataSource={q.data?.items}
              pagination={false}
              locale={{ emptyText: <Empty description={t(filtered ? 'lists.noMatch' : 'lists.empty')} /> }}
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
          <CursorPager
            pages={pages}
            total={q.data?.total ?? 0}
            nextCursor={q.data?.nextCursor}
            pageSize={PAGE_SIZE}
            testId="lists-total"
          />
        </Card>
      )}
    </div>
  );
}
