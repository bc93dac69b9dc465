import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { DIMENSIONS, METRIC_KEYS } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Flex, Input, InputNumber, Select, Table } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { QueryState } from '../../components/QueryState';
import { useServerAction } from '../../components/useServerAction';
import { schemesOfYear } from './schemes';
import { assessmentKeys } from '../../api/queryKeys';

type Indicator = Schemas['Indicator'];

/** The year's scheme for a tier: indicators under three dimensions, weights that must sum to 100. */
export function SchemePanel() {
  const { t } = useTranslation();
  const [year, setYear] = useState(2020);
  const [tier, setTier] = useState<'county' | 'township'>('township');
  const [draft, setDraft] = useState<Indicator[]>([]);
  const [name, setName] = useState('');
  const [weights, setWeights] = useState({ daily: 40, final: 60 });
  const [cutoffs, setCutoffs] = useState({ good: 90, fair: 75, average: 60 });
  const { busy, run } = useServerAction();
  const q = useQuery({
    queryKey: assessmentKeys.schemes(year),
    queryFn: () => schemesOfYear(year),
  });
  const current = q.data?.items.find((s) => s.tier === tier);
  useEffect(() => {
    setDraft(current?.indicators ?? []);
    setWeights({ daily: current?.dailyWeight ?? 40, final: current?.finalWeight ?? 60 });
    setCutoffs(current?.cutoffs ?? { good: 90, fair: 75, average: 60 });
    setName(current?.name ?? `${year}年度${tier === 'county' ? '县属临时党组织' : '乡镇临时党支部'}考核方案`);
  }, [current, tier, year]);
  const sum = draft.reduce((s, i) => s + (i.weight ?? 0), 0);
  const update = (i: number, patch: Partial<Indicator>) =>
    setDraft(draft.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const save = () =>
    run(
      () =>
        unwrap(
          api.PUT('/api/v1/assessment-schemes', {
            body: {
              year,
              tier,
              name,
              dailyWeight: weights.daily,
              finalWeight: weights.final,
              cutoffs,
              indicators: draft,
            },
          }),
        ),
      t('households.settings.saved'),
    );
  return (
    <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        {t('assessment.year')}
        <InputNumber
          aria-label={t('assessment.year')}
          min={2015}
          max={2100}
          value={year}
          onChange={(v) => v && setYear(v)}
          style={{ width: 90 }}
        />
        <Select
          aria-label={t('assessment.tier')}
          style={{ width: 280 }}
          value={tier}
          onChange={setTier}
          options={(['county', 'township'] as const).map((x) => ({ value: x, label: t(`assessment.tiers.${x}`) }))}
        />
        <Input
          aria-label={t('assessment.schemeNameLabel')}
          style={{ width: 320 }}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Button onClick={() => setDraft(q.data?.template ?? [])}>{t('assessment.useTemplate')}</Button>
      </Flex>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        {t('assessment.daily')}
        <InputNumber
          min={0}
          max={100}
          value={weights.daily}
          onChange={(v) => setWeights({ daily: v ?? 0, final: 100 - (v ?? 0) })}
          addonAfter="%"
          style={{ width: 110 }}
        />
        {t('assessment.yearEnd')}
        <InputNumber
          min={0}
          max={100}
          value={weights.final}
          onChange={(v) => setWeights({ final: v ?? 0, daily: 100 - (v ?? 0) })}
          addonAfter="%"
          style={{ width: 110 }}
        />
        {(['good', 'fair', 'average'] as const).map((g) => (
          <Flex key={g} gap={4} align="center">
            {t(`assessment.grades.${g}`)} ≥
            <InputNumber
              min={0}
              max={100}
              value={cutoffs[g]}
              onChange={(v) => setCutoffs({ ...cutoffs, [g]: v ?? 0 })}
              style={{ width: 70 }}
            />
          </Flex>
        ))}
      </Flex>
      <Table<Indicator>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={draft}
        columns={[
          {
            title: t('assessment.dimension'),
            dataIndex: 'dimension',
            width: 130,
            render: (v, _, i) => (
              <Select
                value={v}
                style={{ width: 120 }}
                onChange={(d) => update(i, { dimension: d })}
                options={DIMENSIONS.map((d) => ({ value: d, label: t(`assessment.dimensions.${d}`) }))}
              />
            ),
          },
          {
            title: t('assessment.name'),
            dataIndex: 'name',
            render: (v, _, i) => (
              <Input value={v} maxLength={60} onChange={(e) => update(i, { name: e.target.value })} />
            ),
          },
          {
            title: t('assessment.weight'),
            dataIndex: 'weight',
            width: 90,
            render: (v, _, i) => (
              <InputNumber min={1} max={100} value={v} onChange={(w) => update(i, { weight: w ?? 0 })} />
            ),
          },
          {
            title: t('assessment.method'),
            dataIndex: 'method',
            width: 140,
            render: (v, _, i) => (
              <Select
                value={v}
                style={{ width: 130 }}
                onChange={(m) => update(i, { method: m })}
                options={(['computed', 'scored'] as const).map((m) => ({
                  value: m,
                  label: t(`assessment.methods.${m}`),
                }))}
              />
            ),
          },
          {
            title: t('assessment.metric'),
            dataIndex: 'metric',
            width: 200,
            render: (v, r, i) =>
              r.method === 'computed' ? (
                <Select
                  value={v}
                  style={{ width: 190 }}
                  onChange={(m) => update(i, { metric: m })}
                  options={METRIC_KEYS.map((m) => ({ value: m, label: t(`assessment.metrics.${m}`) }))}
                />
              ) : (
                '—'
              ),
          },
          {
            title: t('assessment.target'),
            dataIndex: 'target',
            width: 100,
            render: (v, r, i) =>
              r.method === 'computed' ? (
                <InputNumber min={0.01} value={v} onChange={(x) => update(i, { target: x ?? undefined })} />
              ) : (
                '—'
              ),
          },
          {
            title: '',
            key: 'del',
            width: 50,
            render: (_, __, i) => (
              <Button
                icon={<DeleteOutlined />}
                aria-label={t('common.cancel')}
                onClick={() => setDraft(draft.filter((_, j) => j !== i))}
              />
            ),
          },
        ]}
      />
      <Flex gap={12} align="center" style={{ marginTop: 12 }}>
        <Button
          icon={<PlusOutlined />}
          onClick={() =>
            setDraft([
              ...draft,
              { key: `k${Date.now().toString(36)}`, dimension: 'results', name: '', weight: 0, method: 'scored' },
            ])
          }
        >
          {t('assessment.addIndicator')}
        </Button>
        <Alert type={sum === 100 ? 'success' : 'warning'} showIcon title={t('assessment.weightSum', { sum })} />
        <Button type="primary" disabled={sum !== 100 || draft.length === 0} loading={busy} onClick={save}>
          {t('assessment.saveScheme')}
        </Button>
      </Flex>
    </QueryState>
  );
}
