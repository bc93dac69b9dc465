import { median } from '@lianjian/shared';
import { RadarChart } from 'echarts/charts';
import { LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';

echarts.use([RadarChart, LegendComponent, TooltipComponent, CanvasRenderer]);

/** One organization's indicator scores against the median of its tier, on a radar. */
export function CompareChart({ ledger, row }: { ledger: Schemas['Ledger']; row: Schemas['LedgerRow'] }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    const medians = ledger.scheme.indicators.map(
      (_, i) => median(ledger.items.map((r) => r.cells[i]?.score ?? 0)) ?? 0,
    );
    chart.setOption({
      tooltip: {},
      legend: { bottom: 0, data: [row.orgName, t('assessment.median')] },
      radar: {
        indicator: ledger.scheme.indicators.map((ind) => ({ name: ind.name, max: 100 })),
        radius: '50%',
        axisName: { width: 90, overflow: 'break' },
      },
      series: [
        {
          type: 'radar',
          data: [
            {
              name: row.orgName,
              value: row.cells.map((c) => c.score),
              itemStyle: { color: '#c8161d' },
              areaStyle: { opacity: 0.15 },
            },
            {
              name: t('assessment.median'),
              value: medians,
              itemStyle: { color: '#8c8c8c' },
              lineStyle: { type: 'dashed' },
            },
          ],
        },
      ],
    });
    return () => chart.dispose();
  }, [ledger, row, t]);
  return <div ref={ref} style={{ width: '100%', height: 460 }} data-testid="compare-chart" />;
}
