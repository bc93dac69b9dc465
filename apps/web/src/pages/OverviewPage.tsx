import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Empty, Flex, Row, Statistic } from 'antd';
import dayjs from 'dayjs';
import { Suspense, lazy, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, today, unwrap } from '../api/client';
import { DateField } from '../components/DateField';
import { useMe } from '../components/me';
import { QueryState } from '../components/QueryState';
import { CockpitPanel } from '../features/cockpit/CockpitPanel';
import { formatDateTime } from '../components/format';
import { statsKeys } from '../api/queryKeys';

// Only the county administrator approves account requests: the panel loads for it alone, not with every cockpit.
const AccountRequestsPanel = lazy(() =>
  import('../features/account/AccountRequests').then((m) => ({ default: m.AccountRequestsPanel })),
);

type Bar = { name: string; count: number; membersLinked: number };

/** Bars: branches per township (county) or party groups per branch (township); line: members linked. */
/** ECharts loads after the figures: the overview's numbers show before its chart library has arrived. */
const Chart = lazy(() => import('../components/Chart'));

function BreakdownChart({ data, countLabel, title }: { data: Bar[]; countLabel: string; title: string }) {
  const { t } = useTranslation();
  return (
    <Suspense fallback={<div style={{ height: 380 }} />}>
      <Chart
        testId="breakdown-chart"
        label={title}
        height={380}
        rotateLabels
        axisNames={[countLabel, t('overview.members')]}
        categories={data.map((d) => d.name)}
        series={[
          { name: countLabel, kind: 'bar', values: data.map((d) => d.count), color: '#c8161d' },
          {
            name: t('overview.members'),
            kind: 'line',
            axis: 1,
            values: data.map((d) => d.membersLinked),
            color: '#d48806',
          },
        ]}
      />
    </Suspense>
  );
}

export function OverviewPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [asOf, setAsOf] = useState(today());
  // One stop per month from the county's first temporary organizations (2019) to this month.
  const months = useMemo(() => {
    const out: string[] = [];
    for (let d = dayjs('2019-06-01'); !d.isAfter(dayjs(today()), 'month'); d = d.add(1, 'month'))
      out.push(d.format('YYYY-MM'));
    return out;
  }, []);
  const monthEnd = (m: string) => {
    const end = dayjs(`${m}-01`).endOf('month');
    return (end.isAfter(dayjs(today())) ? dayjs(today()) : end).format('YYYY-MM-DD');
  };
  const q = useQuery({
    queryKey: statsKeys.overview(asOf),
    queryFn: () => unwrap(api.GET('/api/v1/stats/overview', { params: { query: { asOf } } })),
  });
  const figures: [string, keyof Schemas['Overview']['orgs'] | 'membersLinked' | 'units'][] = [
    ['overview.committee', 'committee'],
    ['overview.generalBranch', 'general_branch'],
    ['overview.branch', 'branch'],
    ['overview.group', 'group'],
    ['overview.membersLinked', 'membersLinked'],
    ['overview.units', 'units'],
  ];
  const scope = me.scope.orgName ?? me.scope.regionName ?? '';
  const month = asOf.slice(0, 7);
  return (
    <div className="lj-page">
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <h1 className="lj-page-title">{t('overview.scopeTitle', { scope })}</h1>
        <Flex align="center" gap={8} wrap>
          <label htmlFor="overview-month">{t('cockpit.slider')}</label>
          {/* The browser's own range field: antd's slider would add to what the cockpit loads first. */}
          <input
            id="overview-month"
            type="range"
            className="lj-range"
            data-testid="date-slider"
            min={0}
            max={months.length - 1}
            value={Math.max(0, months.indexOf(month))}
            aria-valuetext={month}
            onChange={(e) => setAsOf(monthEnd(months[Number(e.target.value)] as string))}
          />
          <output htmlFor="overview-month" className="lj-range-value">
            {month}
          </output>
          <span>{t('overview.asOf')}</span>
          <DateField label={t('overview.asOf')} testId="as-of" value={asOf} max={today()} onChange={setAsOf} />
        </Flex>
      </Flex>
      {me.permissions.includes('account_requests:decide') && (
        <Suspense fallback={null}>
          <AccountRequestsPanel title="approve" />
        </Suspense>
      )}
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        {q.data && (
          <>
            {q.data.snapshot && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 16 }}
                data-testid="snapshot-note"
                message={t('overview.snapshotNote', {
                  date: q.data.asOf,
                  time: formatDateTime(q.data.snapshot.computedAt),
                  counties: q.data.snapshot.counties,
                })}
              />
            )}
            <Row gutter={[16, 16]}>
              {figures.map(([label, key]) => (
                <Col xs={12} md={8} xl={4} key={key}>
                  <Card>
                    <Statistic
                      title={t(label)}
                      value={key === 'membersLinked' || key === 'units' ? q.data[key] : q.data.orgs[key]}
                      styles={{ content: { color: key === 'membersLinked' ? '#c8161d' : undefined } }}
                    />
                    <span data-testid={`figure-${key}`} hidden>
                      {key === 'membersLinked' || key === 'units' ? q.data[key] : q.data.orgs[key]}
                    </span>
                  </Card>
                </Col>
              ))}
            </Row>
            <CockpitPanel asOf={q.data.asOf} data={q.data.work} rankingLevel={q.data.rankingLevel} />
            {q.data.byTownship.length > 1 ? (
              <Card
                title={
                  <h2 className="lj-card-title">
                    {t(q.data.rankingLevel === 'county' ? 'overview.chartTitleCounty' : 'overview.chartTitle')}
                  </h2>
                }
                style={{ marginTop: 16 }}
              >
                <BreakdownChart
                  title={t(q.data.rankingLevel === 'county' ? 'overview.chartTitleCounty' : 'overview.chartTitle')}
                  countLabel={t('overview.branches')}
                  data={q.data.byTownship.map((x) => ({
                    name: x.name,
                    count: x.branches,
                    membersLinked: x.membersLinked,
                  }))}
                />
              </Card>
            ) : (
              <Card
                title={<h2 className="lj-card-title">{t('overview.branchChartTitle')}</h2>}
                style={{ marginTop: 16 }}
              >
                {q.data.byBranch.length > 0 ? (
                  <BreakdownChart
                    title={t('overview.branchChartTitle')}
                    countLabel={t('overview.groups')}
                    data={q.data.byBranch.map((x) => ({
                      name: x.name,
                      count: x.groups,
                      membersLinked: x.membersLinked,
                    }))}
                  />
                ) : (
                  <Empty description={t('overview.noTownship')} />
                )}
              </Card>
            )}
          </>
        )}
      </QueryState>
    </div>
  );
}
