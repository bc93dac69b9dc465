import { ORG_MODES } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, DatePicker, Empty, Flex, Row, Select, Statistic, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { GraphChart } from 'echarts/charts';
import { LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { LabelLayout } from 'echarts/features';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, today, unwrap } from '../api/client';
import { allRegions } from '../components/regions';
import { useMe } from '../components/me';
import { QueryState } from '../components/QueryState';
import { shortLabel } from '../features/network/labels';
import { regionKeys, statsKeys } from '../api/queryKeys';

echarts.use([GraphChart, LegendComponent, TooltipComponent, SVGRenderer, LabelLayout]);

type Network = Schemas['Network'];
const CATEGORIES = ['org', 'unit', 'member'] as const;
const COLORS = { org: '#c8161d', unit: '#1677ff', member: '#d48806' };

/**
 * The network of one township: organizations and units labelled (short names, dark text on a white halo; a label
 * that would cover another is hidden, the larger node's kept), members named on hover. Laid out once, without the
 * force animation, so that the picture stays still and its labels can be checked; drawn as SVG.
 */
function Graph({ data }: { data: Network }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  // Room grows with the graph: a county's township with a hundred nodes needs more than a village's twenty.
  const height = Math.min(900, Math.max(520, 320 + data.nodes.length * 5));
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    const size = (n: Network['nodes'][number]) =>
      n.kind === 'org' ? 22 : n.kind === 'unit' ? Math.min(26, 8 + n.weight) : 8 + 3 * n.weight;
    chart.setOption({
      tooltip: {
        formatter: (p: { dataType: string; data: { fullName?: string; label?: string } }) =>
          p.dataType === 'edge' ? (typeof p.data.label === 'string' ? p.data.label : '') : (p.data.fullName ?? ''),
      },
      legend: { data: CATEGORIES.map((c) => t(`network.kinds.${c}`)), bottom: 0 },
      series: [
        {
          type: 'graph',
          layout: 'force',
          roam: true,
          draggable: true,
          // The layout is not fitted to the box: a little room around it keeps the outer nodes in view.
          zoom: 0.85,
          bottom: 28,
          // A circular start (not a random one) gives the same picture on every load.
          force: {
            initLayout: 'circular',
            repulsion: 300,
            edgeLength: [60, 150],
            gravity: 0.18,
            layoutAnimation: false,
          },
          labelLayout: { hideOverlap: true },
          emphasis: { focus: 'adjacency', label: { show: true } },
          categories: CATEGORIES.map((c) => ({ name: t(`network.kinds.${c}`), itemStyle: { color: COLORS[c] } })),
          data: data.nodes.map((n) => ({
            id: n.id,
            name: shortLabel(n.name, n.kind),
            fullName: n.name,
            category: CATEGORIES.indexOf(n.kind),
            symbolSize: size(n),
            label: {
              show: n.kind !== 'member',
              position: 'right',
              fontSize: 11,
              // The box ECharts measures to hide overlapping labels is the line's: a CJK face draws 1.45 em high,
              // so the line is made as tall as the glyphs (and a little wider), or two labels 14 px apart touch.
              lineHeight: 17,
              padding: [0, 2],
              color: '#262626',
              textBorderColor: '#fff',
              textBorderWidth: 3,
            },
          })),
          links: data.links.map((l) => ({
            source: l.source,
            target: l.target,
            label: l.label ?? '',
            lineStyle: {
              color: l.kind === 'linked_by_need' ? '#d48806' : l.kind === 'lends' ? '#91caff' : '#bfbfbf',
              width: l.kind === 'linked_by_need' ? 2.5 : 1,
              type: l.kind === 'member' ? 'dashed' : 'solid',
              opacity: 0.7,
            },
          })),
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [data, t]);
  return <div ref={ref} style={{ width: '100%', height }} data-testid="network-graph" />;
}

/** How the temporary organizations cut across units, and how far a resident's problem travels to its solver. */
export function NetworkPage() {
  const { t } = useTranslation();
  const me = useMe();
  const county = (me.scope.regionCode ?? '').length === 6;
  const [township, setTownship] = useState<string | undefined | null>(null);
  const [mode, setMode] = useState<(typeof ORG_MODES)[number]>();
  const [asOf, setAsOf] = useState(today());
  const townships = useQuery({
    queryKey: regionKeys.list('township'),
    enabled: county,
    queryFn: () => allRegions({ level: 'township' }),
  });
  // A county opens on its first township: the whole county is too dense a graph to read.
  const region = township === null ? (county ? townships.data?.items[0]?.code : undefined) : township;
  const q = useQuery({
    queryKey: statsKeys.network({ region, mode, asOf }),
    enabled: !county || township !== null || townships.isFetched,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/stats/network', {
          params: { query: { asOf, ...(region ? { regionCode: region } : {}), ...(mode ? { mode } : {}) } },
        }),
      ),
  });
  return (
    <div className="lj-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('network.title')}
      </Typography.Title>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        {county && (
          <Select
            aria-label={t('assessment.township')}
            allowClear
            style={{ width: 140 }}
            placeholder={t('assessment.township')}
            value={region}
            onChange={(v) => setTownship(v ?? undefined)}
            options={townships.data?.items.map((x) => ({ value: x.code, label: x.name }))}
          />
        )}
        <Select
          aria-label={t('network.mode')}
          allowClear
          style={{ width: 160 }}
          placeholder={t('network.mode')}
          value={mode}
          onChange={setMode}
          options={ORG_MODES.map((m) => ({ value: m, label: t(`mode.${m}`) }))}
        />
        <DatePicker allowClear={false} value={dayjs(asOf)} onChange={(d) => d && setAsOf(d.format('YYYY-MM-DD'))} />
      </Flex>
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        {q.data && (
          <>
            <Card size="small" style={{ marginBottom: 12 }}>
              {q.data.nodes.length ? <Graph data={q.data} /> : <Empty description={t('network.empty')} />}
            </Card>
            <Row gutter={12} style={{ marginBottom: 12 }}>
              <Col xs={12} md={6}>
                <Card size="small">
                  <Statistic title={t('network.medianHops')} value={q.data.flattening.medianHops ?? '—'} />
                </Card>
              </Col>
              <Col xs={12} md={6}>
                <Card size="small">
                  <Statistic title={t('network.medianDays')} value={q.data.flattening.medianDaysToSolver ?? '—'} />
                </Card>
              </Col>
            </Row>
            <Card size="small" title={t('network.flattening')}>
              <Table
                rowKey="itemId"
                size="small"
                dataSource={q.data.flattening.items}
                pagination={{ pageSize: 10, showSizeChanger: false }}
                data-testid="flattening"
                columns={[
                  {
                    title: t('board.problem'),
                    dataIndex: 'problem',
                    render: (v, r) => <Link to={`/items/${r.itemId}`}>{v}</Link>,
                  },
                  { title: t('assessment.org'), dataIndex: 'orgName' },
                  { title: t('network.solver'), dataIndex: 'solver', render: (v) => v ?? '—' },
                  { title: t('network.hops'), dataIndex: 'hops', align: 'right', sorter: (a, b) => a.hops - b.hops },
                  {
                    title: t('network.daysToSolver'),
                    dataIndex: 'daysToSolver',
                    align: 'right',
                    sorter: (a, b) => (a.daysToSolver ?? 0) - (b.daysToSolver ?? 0),
                  },
                  { title: t('network.daysToClose'), dataIndex: 'daysToClose', align: 'right' },
                ]}
              />
            </Card>
          </>
        )}
      </QueryState>
    </div>
  );
}
