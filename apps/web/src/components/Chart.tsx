import { type MouseEvent, useLayoutEffect, useRef, useState } from 'react';
import { labelEvery, textWidth, truncate, uniqueKeys, valueTicks } from './chartScale';

export type ChartSeries = {
  name: string;
  kind: 'bar' | 'line';
  values: number[];
  color: string;
  /** 0: the left value axis; 1: the right one (a second quantity on the same categories). */
  axis?: 0 | 1;
};

const FONT = 12;
const AXIS_COLOR = '#8c8c8c';
const GRID_COLOR = '#f0f0f0';
const LEGEND = 28;
/** The longest a slanted category label is written, in pixels. */
const LABEL_MAX = 110;

/**
 * A category chart drawn as SVG: bars and lines over the same categories, one or two value axes, a legend whose
 * buttons hide and show a series, and the values of the category under the pointer. The cockpit's charts are small and
 * few, so they are drawn here instead of loading a chart library with the page.
 */
export function Chart({
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
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [hover, setHover] = useState<number | null>(null);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Two categories may share a name (two branches of the same name): each keeps its own key.
  const keys = uniqueKeys(categories);
  const shown = series.filter((s) => !hidden.has(s.name));
  const twoAxes = series.some((s) => s.axis === 1);
  const ticks = [0, 1].map((a) => valueTicks(shown.filter((s) => (s.axis ?? 0) === a).flatMap((s) => s.values)));
  const top = axisNames ? 24 : 8;
  const right = twoAxes ? 12 + Math.max(...(ticks[1] ?? []).map((t) => textWidth(String(t)))) + 8 : 16;
  const bottom = rotateLabels ? 76 : 28;
  // Room on the left for the axis's numbers and, with labels slanted to the left, for the first category's label.
  const axisLeft = 12 + Math.max(...(ticks[0] ?? []).map((t) => textWidth(String(t)))) + 8;
  const slant = rotateLabels ? Math.min(LABEL_MAX, textWidth(categories[0] ?? '')) * Math.cos(Math.PI / 6) + 4 : 0;
  const firstHalfBand = categories.length ? (width - axisLeft - right) / categories.length / 2 : 0;
  const left = Math.max(axisLeft, slant - firstHalfBand);
  const plotW = Math.max(0, width - left - right);
  const plotH = Math.max(0, height - LEGEND - top - bottom);
  const band = categories.length ? plotW / categories.length : 0;
  const x = (i: number) => left + band * (i + 0.5);
  const y = (v: number, axis: 0 | 1) => {
    const t = ticks[axis] ?? [0, 1];
    return top + plotH - (v / (t[t.length - 1] ?? 1)) * plotH;
  };
  const bars = shown.filter((s) => s.kind === 'bar');
  const barW = bars.length ? Math.min(48, (band * 0.6) / bars.length) : 0;
  // Labels slanted at 30° are a line's height apart when their feet are about two and a half lines apart; level
  // ones need their width.
  const every = labelEvery(band, rotateLabels ? FONT * 2.5 : Math.max(0, ...categories.map((c) => textWidth(c))));

  const onMove = (e: MouseEvent<SVGRectElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const i = Math.floor((e.clientX - r.left) / (band || 1));
    setHover(i >= 0 && i < categories.length ? i : null);
  };
  const toggle = (name: string) =>
    setHidden((h) => {
      const next = new Set(h);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  const legend = (
    <div style={{ display: 'flex', justifyContent: 'center', gap: 16, height: LEGEND, alignItems: 'center' }}>
      {series.map((s) => {
        const off = hidden.has(s.name);
        const color = off ? GRID_COLOR : s.color;
        return (
          <button
            key={s.name}
            type="button"
            aria-pressed={!off}
            onClick={() => toggle(s.name)}
            style={{
              border: 0,
              background: 'none',
              padding: 0,
              cursor: 'pointer',
              fontSize: FONT,
              color: off ? AXIS_COLOR : '#333',
              display: 'flex',
              alignItems: 'center',
              gap: 6,
            }}
          >
            <svg width={16} height={10} aria-hidden="true">
              {s.kind === 'bar' ? (
                <rect width={16} height={10} rx={2} fill={color} />
              ) : (
                <>
                  <line x1={0} x2={16} y1={5} y2={5} stroke={color} strokeWidth={2} />
                  <circle cx={8} cy={5} r={3.5} fill="#fff" stroke={color} strokeWidth={2} />
                </>
              )}
            </svg>
            {s.name}
          </button>
        );
      })}
    </div>
  );

  return (
    <div ref={box} style={{ position: 'relative', width: '100%', height }} data-testid={testId}>
      {legend}
      {width > 0 && (
        <svg
          width={width}
          height={height - LEGEND}
          role="img"
          aria-label={label}
          style={{ display: 'block', fontFamily: 'inherit' }}
        >
          {axisNames?.map(
            (n, a) =>
              n && (
                <text
                  key={n}
                  x={a === 0 ? 4 : width - 4}
                  y={top - 10}
                  fontSize={FONT}
                  fill={AXIS_COLOR}
                  textAnchor={a === 0 ? 'start' : 'end'}
                >
                  {n}
                </text>
              ),
          )}
          {(ticks[0] ?? []).map((t) => (
            <g key={t}>
              <line x1={left} x2={left + plotW} y1={y(t, 0)} y2={y(t, 0)} stroke={t === 0 ? AXIS_COLOR : GRID_COLOR} />
              <text x={left - 8} y={y(t, 0) + 4} fontSize={FONT} fill={AXIS_COLOR} textAnchor="end">
                {t}
              </text>
            </g>
          ))}
          {twoAxes &&
            (ticks[1] ?? []).map((t) => (
              <text key={t} x={left + plotW + 8} y={y(t, 1) + 4} fontSize={FONT} fill={AXIS_COLOR}>
                {t}
              </text>
            ))}
          {hover !== null && (
            <rect x={left + band * hover} y={top} width={band} height={plotH} fill="rgba(0,0,0,0.04)" />
          )}
          {categories.map((c, i) =>
            i % every !== 0 ? null : rotateLabels ? (
              <text
                key={keys[i]}
                transform={`translate(${x(i)},${top + plotH + 12}) rotate(-30)`}
                fontSize={FONT}
                fill="#595959"
                textAnchor="end"
              >
                {truncate(c, LABEL_MAX)}
              </text>
            ) : (
              <text key={keys[i]} x={x(i)} y={top + plotH + 18} fontSize={FONT} fill="#595959" textAnchor="middle">
                {c}
              </text>
            ),
          )}
          {bars.map((s, b) => (
            <g key={s.name} fill={s.color} data-series={s.name}>
              {s.values.map((v, i) => {
                const axis = s.axis ?? 0;
                return (
                  <rect
                    key={keys[i]}
                    x={x(i) - (barW * bars.length) / 2 + b * barW}
                    y={y(v, axis)}
                    width={Math.max(1, barW - 2)}
                    height={Math.max(0, top + plotH - y(v, axis))}
                  />
                );
              })}
            </g>
          ))}
          {shown
            .filter((s) => s.kind === 'line')
            .map((s) => {
              const axis = s.axis ?? 0;
              return (
                <g key={s.name} data-series={s.name}>
                  <polyline
                    fill="none"
                    stroke={s.color}
                    strokeWidth={2}
                    points={s.values.map((v, i) => `${x(i)},${y(v, axis)}`).join(' ')}
                  />
                  {(categories.length <= 40 || hover !== null) &&
                    s.values.map((v, i) =>
                      categories.length <= 40 || i === hover ? (
                        <circle
                          key={keys[i]}
                          cx={x(i)}
                          cy={y(v, axis)}
                          r={3}
                          fill="#fff"
                          stroke={s.color}
                          strokeWidth={2}
                        />
                      ) : null,
                    )}
                </g>
              );
            })}
          {/* biome-ignore lint/a11y/noStaticElementInteractions: the pointer shows the values also listed in the legend's series; the chart is an image to assistive technology */}
          <rect
            x={left}
            y={top}
            width={plotW}
            height={plotH}
            fill="transparent"
            onMouseMove={onMove}
            onMouseLeave={() => setHover(null)}
          />
        </svg>
      )}
      {hover !== null && categories[hover] !== undefined && (
        <div
          role="tooltip"
          style={{
            position: 'absolute',
            top: LEGEND + top,
            left: x(hover) > width / 2 ? undefined : x(hover) + 12,
            right: x(hover) > width / 2 ? width - x(hover) + 12 : undefined,
            pointerEvents: 'none',
            background: '#fff',
            boxShadow: '0 2px 8px rgba(0,0,0,0.15)',
            borderRadius: 4,
            padding: '6px 10px',
            fontSize: FONT,
            whiteSpace: 'nowrap',
          }}
        >
          <div style={{ fontWeight: 600, marginBottom: 2 }}>{categories[hover]}</div>
          {shown.map((s) => (
            <div key={s.name}>
              <span
                style={{
                  display: 'inline-block',
                  width: 8,
                  height: 8,
                  borderRadius: 4,
                  background: s.color,
                  marginRight: 6,
                }}
              />
              {s.name}: {s.values[hover] ?? '—'}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
