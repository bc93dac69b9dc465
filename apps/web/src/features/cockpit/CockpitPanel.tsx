import type { TFunction } from 'i18next';
import { Card, Col, Row, Statistic, Tag } from 'antd';
import { Suspense, lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Schemas } from '../../api/client';
import { formatShare as pct } from '../../components/format';

/** ECharts loads after the figures: the cockpit's numbers show before its chart library has arrived. */
const Chart = lazy(() => import('../../components/Chart'));
/** So do the tables: antd's Table is heavier than the whole first screen's figures. */
const GradesTable = lazy(() => import('./CockpitTables').then((m) => ({ default: m.GradesTable })));
const TownshipRanking = lazy(() => import('./CockpitTables').then((m) => ({ default: m.TownshipRanking })));

function Trend({ data }: { data: Schemas['Cockpit']['trend'] }) {
  const { t } = useTranslation();
  return (
    <Suspense fallback={<div style={{ height: 260 }} />}>
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
    </Suspense>
  );
}

/** Where the scope stands at a date: every figure opens the records behind it. */
export function CockpitPanel({
  asOf,
  data: c,
  rankingLevel = 'township',
}: {
  asOf: string;
  data: Schemas['Cockpit'];
  rankingLevel?: 'township' | 'county';
}) {
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
            {(['open', 'in_progress', 'awaiting_confirmation', 'closed'] as const).map((s) =>
              figure(s, t(`itemStatus.${s}`), c.items[s], `/items?status=${s}&asOf=${asOf}`),
            )}
            {figure(
              'overdue',
              t('item.overdue'),
              c.items.overdue,
              `/items?overdue=true&asOf=${asOf}`,
              c.items.overdue ? '#c8161d' : undefined,
            )}
            {figure(
              'closedThisMonth',
              t('cockpit.closedThisMonth'),
              c.items.closedThisMonth,
              `/items?status=closed&asOf=${asOf}`,
            )}
            {figure(
              'median',
              t('cockpit.medianDays'),
              c.items.medianDaysToClose ?? '—',
              `/items?status=closed&asOf=${asOf}`,
            )}
            {figure(
              'confirmed',
              t('cockpit.confirmedShare'),
              pct(c.items.confirmedShare),
              `/items?status=closed&asOf=${asOf}`,
            )}
            {figure('reopen', t('cockpit.reopenRate'), pct(c.items.reopenRate))}
            {figure(
              'satisfaction',
              t('cockpit.satisfaction', { count: c.items.rated }),
              c.items.satisfaction === null ? '—' : `${c.items.satisfaction} ★`,
            )}
            {figure('escalations', t('cockpit.escalations'), c.escalations.count, `/items?escalated=true&asOf=${asOf}`)}
            {figure(
              'registered',
              t('cockpit.registered'),
              c.households.registered,
              `/households?status=registered&asOf=${asOf}`,
            )}
            {figure('people', t('cockpit.people'), c.households.people, `/households?status=registered&asOf=${asOf}`)}
            {c.households.coverageGaps !== null &&
              figure(
                'gaps',
                t('cockpit.coverageGaps'),
                c.households.coverageGaps,
                `/households?gap=coverage&asOf=${asOf}`,
                c.households.coverageGaps > 0 ? '#cf1322' : undefined,
              )}
            {(['unstable_exited', 'marginal', 'sudden_hardship'] as const).map((m) =>
              figure(
                m,
                t(`households.monitoring.categories.${m}`),
                c.households.monitored[m],
                `/households?status=monitored&asOf=${asOf}&monitoringCategory=${m}`,
              ),
            )}
          </Row>
          <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
            <Col xs={24} lg={14}>
              <Card size="small" title={<h2 className="lj-card-title">{t('cockpit.trend')}</h2>}>
                <Trend data={c.trend} />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card
                size="small"
                title={<h2 className="lj-card-title">{t('cockpit.exits')}</h2>}
                style={{ marginBottom: 12 }}
              >
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
              <Card size="small" title={<h2 className="lj-card-title">{gradesTitle(t, c.gradesPeriod)}</h2>}>
                {c.grades ? (
                  <Link to="/assessment">
                    <Suspense fallback={<div style={{ height: 200 }} />}>
                      <GradesTable grades={c.grades} />
                    </Suspense>
                  </Link>
                ) : (
                  '—'
                )}
              </Card>
            </Col>
          </Row>
          {c.byTownship.length > 0 && (
            <Card
              size="small"
              title={
                <h2 className="lj-card-title">
                  {t(rankingLevel === 'county' ? 'cockpit.rankingCounty' : 'cockpit.ranking')}
                </h2>
              }
              style={{ marginTop: 12 }}
            >
              <div data-testid="township-ranking">
                <Suspense fallback={<div style={{ minHeight: 40 + 39 * c.byTownship.length }} />}>
                  <TownshipRanking rows={c.byTownship} level={rankingLevel} />
                </Suspense>
              </div>
            </Card>
          )}
        </>
      )}
    </>
  );
}

/** Which year the grades are of: a cockpit looked at years later must not pass them off as current. */
function gradesTitle(t: TFunction, period: { from: string; to: string } | null | undefined) {
  if (!period) return t('cockpit.grades');
  const year = period.from.slice(0, 4);
  return period.from === `${year}-01-01` && period.to === `${year}-12-31`
    ? t('cockpit.gradesOfYear', { year })
    : t('cockpit.gradesOfPeriod', { from: period.from, to: period.to });
}
