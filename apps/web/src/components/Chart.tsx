import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export type ChartSeries = {
  name: string;
  kind: 'bar' | 'line';
  values: number[];
  color: string;
  /** 0: the left value axis; 1: the right one (a second quantity on the same categories). */
  axis?: 0 | 1;
};

const AXIS_COLOR = '#8c8c8c';
const LABEL_COLOR = '#595959';
/** The longest a slanted category label is written, in pixels. */
const LABEL_MAX = 110;
/** The legend's row above the chart. */
const LEGEND = 28;

/**
 * A category chart drawn by ECharts (the app's one chart engine), with its SVG renderer: bars and lines over the same
 * categories, one or two value axes, a legend of buttons that hide and show a series, and the values of the category
 * under the pointer. ECharts spaces the axis labels itself (it drops those that would overlap, slanted or level). For
 * screen readers the chart is an image named by `label`, followed by the same figures as a table.
 */
export default function Chart({
  categories,
  series,
  height,
  axisNames,
  rotateLabels = false,
  label,
  testId,
}: {
  categories: string[];
  series: ChartSeries[];
  height: number;
  axisNames?: [string, string?];
  rotateLabels?: boolean;
  /** What the chart shows, for screen readers. */
  label: string;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    chart.current = echarts.init(el, null, { renderer: 'svg' });
    const observer = new ResizeObserver(() => chart.current?.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  // The figures, not the arrays' identity: a parent's new render with the same figures draws nothing again.
  const figures = JSON.stringify({ categories, series, axisNames, rotateLabels });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `figures` stands for the props it is made of
  useEffect(() => {
    // New figures show every series again.
    setHidden(new Set());
    const twoAxes = series.some((s) => s.axis === 1);
    const valueAxis = (a: 0 | 1) => ({
      type: 'value' as const,
      name: axisNames?.[a],
      nameTextStyle: { color: AXIS_COLOR, align: a === 0 ? ('left' as const) : ('right' as const) },
      minInterval: 1,
      axisLabel: { color: AXIS_COLOR },
      splitLine: { show: a === 0, lineStyle: { color: '#f0f0f0' } },
    });
    chart.current?.setOption(
      {
        animation: false,
        // The legend is the buttons above the chart (reached by keyboard, saying whether they are pressed).
        legend: { show: false },
        tooltip: { trigger: 'axis', className: 'lj-chart-tooltip', confine: true },
        grid: { left: 8, right: 8, top: axisNames ? 28 : 12, bottom: 4, containLabel: true },
        xAxis: {
          type: 'category',
          data: categories,
          axisTick: { alignWithLabel: true },
          axisLine: { lineStyle: { color: AXIS_COLOR } },
          axisLabel: {
            color: LABEL_COLOR,
            hideOverlap: true,
            ...(rotateLabels ? { rotate: 30, width: LABEL_MAX, overflow: 'truncate' as const } : {}),
          },
        },
        yAxis: twoAxes ? [valueAxis(0), valueAxis(1)] : [valueAxis(0)],
        series: series.map((s) => ({
          name: s.name,
          type: s.kind,
          data: s.values,
          yAxisIndex: s.axis ?? 0,
          itemStyle: { color: s.color },
          ...(s.kind === 'bar' ? { barMaxWidth: 48 } : { symbolSize: 6, showSymbol: categories.length <= 40 }),
        })),
      },
      true,
    );
  }, [figures]);
  const toggle = (name: string) => {
    chart.current?.dispatchAction({ type: 'legendToggleSelect', name });
    setHidden((h) => {
      const next = new Set(h);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  };
  return (
    <div data-testid={testId}>
      <div className="lj-chart-legend">
        {series.map((s) => {
          const off = hidden.has(s.name);
          return (
            <button key={s.name} type="button" aria-pressed={!off} onClick={() => toggle(s.name)}>
              <svg width={16} height={10} aria-hidden="true">
                {s.kind === 'bar' ? (
                  <rect width={16} height={10} rx={2} fill={off ? '#d9d9d9' : s.color} />
                ) : (
                  <>
                    <line x1={0} x2={16} y1={5} y2={5} stroke={off ? '#d9d9d9' : s.color} strokeWidth={2} />
                    <circle cx={8} cy={5} r={3.5} fill="#fff" stroke={off ? '#d9d9d9' : s.color} strokeWidth={2} />
                  </>
                )}
              </svg>
              {s.name}
            </button>
          );
        })}
      </div>
      <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height: height - LEGEND }} />
      <div className="lj-sr-only">
        <table>
          <caption>{label}</caption>
          <thead>
            <tr>
              <th scope="col">{label}</th>
              {series.map((s) => (
                <th scope="col" key={s.name}>
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: two categories may share a name (two branches named alike)
              <tr key={i}>
                <th scope="row">{c}</th>
                {series.map((s) => (
                  <td key={s.name}>{s.values[i] ?? '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
