import { Card, Col, Row, Statistic, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Schemas } from '../../api/client';
import { Chart } from '../../components/Chart';

function Trend({ data }: { data: Schemas['Cockpit']['trend'] }) {
  const { t } = useTranslation();
  return (
    <Chart
      testId="trend-chart"
      label={t('cockpit.trend')}
      height={260}
      categories={data.map((d) => d.month)}
      series={[
        { name: t('cockpit.created'), kind: 'line', values: data.map((d) => d.created), color: '#d48806' },
        { name: t('cockpit.closed'), kind: 'line', values: data.map((d) => d.closed), color: '#389e0d' },
      ]}
    />
  );
}

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);

/** Where the scope stands at a date: every figure opens the records behind it. */
export function CockpitPanel({ asOf, data: c, rankingLevel = 'township' }: { asOf: string; data: Schemas['Cockpit']; rankingLevel?: 'township' | 'county' }) {
  const { t } = useTranslation();
  const figure = (key: string, label: string, value: number | string, to?: string, color?: string) => (
    <Col xs={12} md={8} xl={4} key={key}>
      <Card size="small">
        {to ? (
          <Link to={to} data-testid={`cockpit-${key}`}>
            <Statistic title={label} value={value} styles={{ content: { color } }} />
          </Link>
        ) : (
          <Statistic title={label} value={value} styles={{ content: { color } }} />
        )}
      </Card>
    </Col>
  );
  return (
    <>
      {c && (
        <>
          <Row gutter={[12, 12]} style={{ marginTop: 16 }}>
            {(['open', 'in_progress', 'awaiting_confirmation', 'closed'] as const).map((s) => figure(s, t(`itemStatus.${s}`), c.items[s], `/items?status=${s}&asOf=${asOf}`))}
            {figure('overdue', t('item.overdue'), c.items.overdue, `/items?overdue=true&asOf=${asOf}`, c.items.overdue ? '#c8161d' : undefined)}
            {figure('closedThisMonth', t('cockpit.closedThisMonth'), c.items.closedThisMonth, `/items?status=closed&asOf=${asOf}`)}
            {figure('median', t('cockpit.medianDays'), c.items.medianDaysToClose ?? '—', `/items?status=closed&asOf=${asOf}`)}
            {figure('confirmed', t('cockpit.confirmedShare'), pct(c.items.confirmedShare), `/items?status=closed&asOf=${asOf}`)}
            {figure('reopen', t('cockpit.reopenRate'), pct(c.items.reopenRate))}
            {figure('escalations', t('cockpit.escalations'), c.escalations.count, `/items?escalated=true&asOf=${asOf}`)}
            {figure('registered', t('cockpit.registered'), c.households.registered, `/households?status=registered&asOf=${asOf}`)}
            {figure('people', t('cockpit.people'), c.households.people, `/households?status=registered&asOf=${asOf}`)}
            {(['unstable_exited', 'marginal', 'sudden_hardship'] as const).map((m) =>
              figure(m, t(`households.monitoring.categories.${m}`), c.households.monitored[m], `/households?status=monitored&asOf=${asOf}&monitoringCategory=${m}`),
            )}
          </Row>
          <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
            <Col xs={24} lg={14}>
              <Card size="small" title={t('cockpit.trend')}>
                <Trend data={c.trend} />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card size="small" title={t('cockpit.exits')} style={{ marginBottom: 12 }}>
                {Object.keys(c.exits).length === 0 ? (
                  '—'
                ) : (
                  <Link to="/households?tab=exits">
                    {Object.entries(c.exits).map(([s, n]) => (
                      <Tag key={s}>
                        {t(`households.exitSteps.${s}`)} {n}
                      </Tag>
                    ))}
                  </Link>
                )}
              </Card>
              <Card size="small" title={t('cockpit.grades')}>
                {c.grades ? (
                  <Link to="/assessment">
                    <Table
                      size="small"
                      pagination={false}
                      rowKey="g"
                      dataSource={(['good', 'fair', 'average', 'poor'] as const).map((g) => ({ g, n: c.grades?.[g] ?? 0 }))}
                      columns={[
                        { title: t('assessment.grade'), dataIndex: 'g', render: (g) => t(`assessment.grades.${g}`) },
                        { title: '#', dataIndex: 'n' },
                      ]}
                    />
                  </Link>
                ) : (
                  '—'
                )}
              </Card>
            </Col>
          </Row>
          {c.byTownship.length > 0 && (
            <Card size="small" title={t(rankingLevel === 'county' ? 'cockpit.rankingCounty' : 'cockpit.ranking')} style={{ marginTop: 12 }}>
              <Table
                size="small"
                rowKey="regionCode"
                pagination={false}
                dataSource={c.byTownship}
                data-testid="township-ranking"
                columns={[
                  { title: '#', key: 'rank', width: 48, render: (_, __, i) => i + 1 },
                  { title: t(rankingLevel === 'county' ? 'cockpit.county' : 'assessment.township'), dataIndex: 'name' },
                  { title: t('item.overdue'), dataIndex: 'overdue', align: 'right', sorter: (a, b) => a.overdue - b.overdue },
                  { title: t('cockpit.openItems'), dataIndex: 'open', align: 'right', sorter: (a, b) => a.open - b.open },
                  { title: t('cockpit.closed'), dataIndex: 'closed', align: 'right', sorter: (a, b) => a.closed - b.closed },
                  { title: t('cockpit.confirmedShare'), dataIndex: 'confirmedShare', align: 'right', render: (v: number | null) => pct(v) },
                  { title: t('cockpit.registered'), dataIndex: 'registered', align: 'right', sorter: (a, b) => a.registered - b.registered },
                ]}
              />
            </Card>
          )}
        </>
      )}
    </>
  );
}
