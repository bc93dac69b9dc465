import { type Dimension, type Grade, type Metric, metricScore } from '@lianjian/shared';

export interface Indicator {
  key: string;
  dimension: Dimension;
  name: string;
  weight: number;
  method: 'computed' | 'scored';
  metric?: Metric;
  /** Computed: the value for full marks (higher-is-better) or for none (lower-is-better). */
  target?: number;
}

export interface SchemeSnapshot {
  id: string;
  name: string;
  year: number;
  tier: 'county' | 'township';
  dailyWeight: number;
  finalWeight: number;
  cutoffs: { good: number; fair: number; average: number };
  indicators: Indicator[];
}

export interface Evidence {
  type: 'activity' | 'item' | 'household' | 'supervision' | 'score';
  id: string;
  label: string;
}

/** What a ledger row was computed from: kept with the ledger so that the result can be reproduced. */
export interface OrgInputs {
  orgId: string;
  orgName: string;
  metrics: Partial<Record<Metric, { value: number; evidence: Evidence[] }>>;
  scored: Record<string, { score: number; evidence: string; assessor: string } | undefined>;
  supervision: { effect: number; evidence: Evidence[] };
}

export interface LedgerRow {
  orgId: string;
  orgName: string;
  cells: { key: string; value: number | null; score: number; evidence: Evidence[] }[];
  yearEnd: number;
  daily: number;
  total: number;
  grade: Grade;
  rank: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function gradeOf(total: number, cutoffs: SchemeSnapshot['cutoffs']): Grade {
  if (total >= cutoffs.good) return 'good';
  if (total >= cutoffs.fair) return 'fair';
  if (total >= cutoffs.average) return 'average';
  return 'poor';
}

/**
 * Scores a ledger from its inputs alone (a pure function): each indicator's score, the weighted year-end
 * score, the daily-supervision score (100 with the supervision effects applied, kept within 0–100), the total
 * by the scheme's two weights, the grade by its cut-offs and the rank (equal totals share a rank: 1, 2, 2, 4).
 */
export function scoreLedger(scheme: SchemeSnapshot, inputs: OrgInputs[]): LedgerRow[] {
  const rows = inputs.map((o) => {
    const cells = scheme.indicators.map((ind) => {
      if (ind.method === 'scored') {
        const s = o.scored[ind.key];
        return {
          key: ind.key,
          value: s ? s.score : null,
          score: s ? s.score : 0,
          evidence: s ? [{ type: 'score' as const, id: ind.key, label: `${s.assessor}：${s.evidence}` }] : [],
        };
      }
      const m = ind.metric ? o.metrics[ind.metric] : undefined;
      const value = m ? m.value : 0;
      return {
        key: ind.key,
        value: m ? round2(value) : null,
        score: ind.metric ? metricScore(ind.metric, value, ind.target ?? 1) : 0,
        evidence: m?.evidence ?? [],
      };
    });
    const yearEnd = round2(
      scheme.indicators.reduce((sum, ind, i) => sum + (ind.weight * (cells[i] as { score: number }).score) / 100, 0),
    );
    const daily = round2(Math.min(100, Math.max(0, 100 + o.supervision.effect)));
    const total = round2((scheme.dailyWeight * daily + scheme.finalWeight * yearEnd) / 100);
    return {
      orgId: o.orgId,
      orgName: o.orgName,
      cells,
      yearEnd,
      daily,
      total,
      grade: gradeOf(total, scheme.cutoffs),
      rank: 0,
    };
  });
  for (const r of rows) r.rank = 1 + rows.filter((x) => x.total > r.total).length;
  return rows.sort((a, b) => a.rank - b.rank || a.orgName.localeCompare(b.orgName, 'zh-CN'));
}
