import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, List, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, unwrap } from '../../api/client';
import { CursorPager, useCursorPages } from '../../components/CursorPager';
import { QueryState } from '../../components/QueryState';
import { householdKeys } from '../../api/queryKeys';

/** For each coverage rule, the households that break it, with a link to each. */
export function GapsPanel() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: householdKeys.gaps(), queryFn: () => unwrap(api.GET('/api/v1/coverage-gaps')) });
  return (
    <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
      <Flex vertical gap={16}>
        {q.data?.conditions.map((g) => (
          <Card
            key={g.condition}
            size="small"
            data-testid={`gap-${g.condition}`}
            title={
              <Flex gap={8} align="center" wrap>
                <span>{t(`households.gaps.conditions.${g.condition}`)}</span>
                <Tag color={g.total ? 'red' : 'green'}>{g.total}</Tag>
              </Flex>
            }
            extra={
              g.roles.length > 0 && (
                <Typography.Text type="secondary">
                  {t('households.gaps.needs', { roles: g.roles.map((r) => t(`households.roles.${r}`)).join(' / ') })}
                </Typography.Text>
              )
            }
          >
            {g.total === 0 ? (
              <Typography.Text type="secondary">{t('households.gaps.none')}</Typography.Text>
            ) : (
              <>
                <List
                  grid={{ gutter: 8, xs: 2, sm: 3, md: 4, lg: 6 }}
                  dataSource={g.households}
                  renderItem={(h) => (
                    <List.Item>
                      <Link to={`/households/${h.id}`}>{h.headName}</Link>{' '}
                      <Typography.Text type="secondary">{h.regionName}</Typography.Text>
                    </List.Item>
                  )}
                />
                {g.total > g.households.length && (
                  // The view names the first few; the register pages through all of them, filtered by this gap.
                  <Link
                    to={`/households?gap=${g.condition === 'primary_helper' ? 'no_primary_helper' : g.condition}${q.data?.asOf ? `&asOf=${q.data.asOf}` : ''}`}
                  >
                    {t('households.gaps.more', { n: g.total - g.households.length })}
                  </Link>
                )}
              </>
            )}
          </Card>
        ))}
      </Flex>
    </QueryState>
  );
}

/** Each helper's load: households (primary and stacked), still-poor ones, visits lately. */
export function WorkloadPanel() {
  const { t } = useTranslation();
  const pages = useCursorPages();
  const q = useQuery({
    queryKey: householdKeys.workload(pages.cursor),
    queryFn: () => unwrap(api.GET('/api/v1/helper-workload', { params: { query: { cursor: pages.cursor } } })),
  });
  return (
    <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
      <Table<Schemas['HelperWorkload']>
        rowKey="memberId"
        size="small"
        dataSource={q.data?.items}
        pagination={false}
        locale={{ emptyText: <Empty description={t('households.workload.empty')} /> }}
        columns={[
          {
            title: t('households.name'),
            dataIndex: 'name',
            render: (v, r) => <Link to={`/households?helper=${r.memberId}`}>{v}</Link>,
          },
          { title: t('members.unit'), dataIndex: 'unitName' },
          {
            title: t('households.workload.households'),
            dataIndex: 'households',
            align: 'right',
          },
          { title: t('households.workload.primaries'), dataIndex: 'primaries', align: 'right' },
          { title: t('households.workload.stacked'), dataIndex: 'stacked', align: 'right' },
          { title: t('households.workload.assisted'), dataIndex: 'assisted', align: 'right' },
          {
            title: t('households.workload.visits'),
            dataIndex: 'visits90d',
            align: 'right',
          },
          { title: t('households.workload.lastVisit'), dataIndex: 'lastVisitOn', render: (v) => v ?? '—' },
        ]}
      />
      <CursorPager pages={pages} total={q.data?.total ?? 0} nextCursor={q.data?.nextCursor} />
    </QueryState>
  );
}
