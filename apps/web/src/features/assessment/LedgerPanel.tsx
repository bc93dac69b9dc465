import { CalculatorOutlined, DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  DatePicker,
  Drawer,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, allPages, api, unwrap } from '../../api/client';
import { allRegions } from '../../components/regions';
import { useMe } from '../../components/me';
import { QueryState } from '../../components/QueryState';
import { useServerAction } from '../../components/useServerAction';
import { CompareChart } from './CompareChart';
import { validValues } from '../../components/validValues';
import { factDayRules } from '../../components/StepDateFields';
import { formatDateTime, formatDay } from '../../components/format';
import { PHONE, useMedia } from '../../components/useMedia';
import { assessmentKeys, regionKeys } from '../../api/queryKeys';

type Ledger = Schemas['Ledger'];
type Row = Schemas['LedgerRow'];
type Evidence = Row['cells'][number]['evidence'][number];
export const gradeColor = { good: 'green', fair: 'blue', average: 'gold', poor: 'red' } as const;

const evidenceLink = (e: Evidence) =>
  e.type === 'activity'
    ? `/activities/${e.id}`
    : e.type === 'item'
      ? `/items/${e.id}`
      : e.type === 'household'
        ? `/households/${e.id}`
        : null;

/** What a score was computed from: the records themselves, each linking to its page. */
function EvidenceDrawer({
  open,
  title,
  value,
  score,
  evidence,
  onClose,
}: {
  open: boolean;
  title: string;
  value?: number | null;
  score?: number;
  evidence: Evidence[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Drawer open={open} onClose={onClose} title={title} size={520} destroyOnHidden>
      {value !== undefined && (
        <Typography.Paragraph>
          {t('assessment.value')}：{value ?? '—'}　{t('assessment.score')}：{score}
        </Typography.Paragraph>
      )}
      <List
        size="small"
        dataSource={evidence}
        locale={{ emptyText: <Empty description={t('assessment.noEvidence')} /> }}
        data-testid="evidence-list"
        renderItem={(e) => {
          const to = evidenceLink(e);
          return <List.Item>{to ? <Link to={to}>{e.label}</Link> : e.label}</List.Item>;
        }}
      />
    </Drawer>
  );
}

function ConsequenceModal({
  ledger,
  row,
  kind,
  onClose,
}: {
  ledger: Ledger;
  row: Row | null;
  kind: 'tilt' | 'list' | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    decidedOn: t('assessment.decidedOn'),
    listedOn: t('assessment.listedOn'),
    amountYuan: t('assessment.amount'),
    purpose: t('assessment.purpose'),
    approver: t('assessment.approver'),
    reason: t('assessment.reason'),
    plan: t('assessment.plan'),
    tasks: t('assessment.tasks'),
    deadline: t('assessment.deadline'),
    responsible: t('assessment.responsible'),
  });
  const submit = async () => {
    if (!row || !kind) return;
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () =>
        kind === 'tilt'
          ? unwrap(
              api.POST('/api/v1/tilts', {
                body: {
                  ledgerId: ledger.id,
                  orgId: row.orgId,
                  amountYuan: v.amount,
                  purpose: v.purpose,
                  approver: v.approver,
                  decidedOn: v.on.format('YYYY-MM-DD'),
                },
              }),
            )
          : unwrap(
              api.POST('/api/v1/rectifications', {
                body: {
                  orgId: row.orgId,
                  ledgerId: ledger.id,
                  listedOn: v.on.format('YYYY-MM-DD'),
                  reason: v.reason,
                  plan: v.plan,
                  tasks: String(v.tasks)
                    .split('\n')
                    .map((x: string) => x.trim())
                    .filter(Boolean),
                  deadline: v.deadline.format('YYYY-MM-DD'),
                  responsible: v.responsible,
                },
              }),
            ),
      t('item.done'),
    );
    if (ok) onClose();
  };
  return (
    <Modal
      open={Boolean(row && kind)}
      title={`${row?.orgName ?? ''} · ${kind === 'tilt' ? t('assessment.tilt') : t('assessment.list')}`}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          on: dayjs(),
          deadline: dayjs().add(3, 'month'),
          reason: row
            ? `${ledger.periodFrom.slice(0, 4)}年度考核总分 ${row.total}，等次“${t(`assessment.grades.${row.grade}`)}”`
            : '',
        }}
      >
        <Form.Item
          name="on"
          label={kind === 'tilt' ? t('assessment.decidedOn') : t('assessment.listedOn')}
          rules={factDayRules(t)}
        >
          <DatePicker />
        </Form.Item>
        {kind === 'tilt' ? (
          <>
            <Form.Item
              name="amount"
              label={t('assessment.amount')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <InputNumber min={0} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              name="purpose"
              label={t('assessment.purpose')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input maxLength={500} />
            </Form.Item>
            <Form.Item
              name="approver"
              label={t('assessment.approver')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input maxLength={100} />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item
              name="reason"
              label={t('assessment.reason')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea rows={2} maxLength={1000} />
            </Form.Item>
            <Form.Item
              name="plan"
              label={t('assessment.plan')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea rows={3} maxLength={4000} />
            </Form.Item>
            <Form.Item
              name="tasks"
              label={t('assessment.tasks')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea rows={3} />
            </Form.Item>
            <Form.Item name="deadline" label={t('assessment.deadline')} rules={[{ required: true }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item
              name="responsible"
              label={t('assessment.responsible')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input maxLength={100} />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

/** The tiered ledger shaped like the county's paper ledger: every score opens the records behind it. */
export function LedgerPanel() {
  const phone = useMedia(PHONE);
  const { t } = useTranslation();
  const me = useMe();
  const county = (me.scope.regionCode ?? '').length === 6;
  const canWrite = me.permissions.includes('assessment:write');
  const [year, setYear] = useState(2020);
  const [tier, setTier] = useState<'county' | 'township'>(county ? 'county' : 'township');
  const [township, setTownship] = useState<string | undefined>(county ? undefined : (me.scope.regionCode ?? undefined));
  const [chosen, setChosen] = useState<string | undefined>();
  const [evidence, setEvidence] = useState<{
    title: string;
    value?: number | null;
    score?: number;
    items: Evidence[];
  } | null>(null);
  const [compare, setCompare] = useState<Row | null>(null);
  const [consequence, setConsequence] = useState<{ row: Row; kind: 'tilt' | 'list' } | null>(null);
  const { busy, run } = useServerAction();
  const townships = useQuery({
    queryKey: regionKeys.list('township'),
    enabled: county,
    queryFn: () => allRegions({ level: 'township' }),
  });
  const scopeCode = tier === 'county' ? me.scope.regionCode : township;
  const versions = useQuery({
    queryKey: assessmentKeys.ledgers(year, tier, scopeCode),
    enabled: Boolean(scopeCode),
    queryFn: async () => ({
      items: await allPages((cursor) =>
        unwrap(
          api.GET('/api/v1/ledgers', {
            params: {
              query: { year, tier, limit: 200, ...(scopeCode ? { scopeCode } : {}), ...(cursor ? { cursor } : {}) },
            },
          }),
        ),
      ),
    }),
  });
  const ledgerId = chosen && versions.data?.items.some((l) => l.id === chosen) ? chosen : versions.data?.items[0]?.id;
  const ledger = useQuery({
    queryKey: assessmentKeys.ledger(ledgerId),
    enabled: Boolean(ledgerId),
    queryFn: () => unwrap(api.GET('/api/v1/ledgers/{id}', { params: { path: { id: ledgerId ?? '' } } })),
  });
  const l = ledger.data;
  const compute = () =>
    run(async () => {
      const r = await unwrap(
        api.POST('/api/v1/ledgers', {
          body: { year, tier, ...(tier === 'township' && scopeCode ? { scopeCode } : {}) },
        }),
      );
      setChosen(r.id);
    }, t('item.done'));
  const [computedCount, setComputedCount] = useState(0);
  const computeCounty = () =>
    run(async () => {
      const r = await unwrap(api.POST('/api/v1/ledgers/county', { body: { year } }));
      setComputedCount(r.ids.length);
      setChosen(undefined);
    }, t('item.done'));

  const columns: ColumnsType<Row> = l
    ? [
        {
          title: t('assessment.rank'),
          dataIndex: 'rank',
          width: 44,
          fixed: phone ? 'left' : undefined,
          sorter: (a, b) => a.rank - b.rank,
          defaultSortOrder: 'ascend',
        },
        {
          title: t('assessment.org'),
          dataIndex: 'orgName',
          width: phone ? 140 : undefined,
          fixed: phone ? 'left' : undefined,
          render: (v, r) => <Link to={`/orgs/${r.orgId}`}>{v}</Link>,
        },
        ...(['political', 'role', 'results'] as const).map((d) => ({
          title: t(`assessment.dimensions.${d}`),
          children: l.scheme.indicators
            .map((ind, i) => ({ ind, i }))
            .filter(({ ind }) => ind.dimension === d)
            .map(({ ind, i }) => ({
              title: `${ind.name}（${ind.weight}）`,
              key: ind.key,
              width: 56,
              align: 'right' as const,
              sorter: (a: Row, b: Row) => (a.cells[i]?.score ?? 0) - (b.cells[i]?.score ?? 0),
              render: (_: unknown, r: Row) => {
                const c = r.cells[i];
                return (
                  <Button
                    type="link"
                    size="small"
                    data-testid={`score-${ind.key}`}
                    onClick={() =>
                      setEvidence({
                        title: `${r.orgName} · ${ind.name}`,
                        value: c?.value,
                        score: c?.score,
                        items: c?.evidence ?? [],
                      })
                    }
                  >
                    {c?.score ?? 0}
                  </Button>
                );
              },
            })),
        })),
        {
          title: `${t('assessment.yearEnd')}（${l.scheme.finalWeight}%）`,
          dataIndex: 'yearEnd',
          width: 56,
          align: 'right',
          sorter: (a, b) => a.yearEnd - b.yearEnd,
        },
        {
          title: `${t('assessment.daily')}（${l.scheme.dailyWeight}%）`,
          dataIndex: 'daily',
          width: 56,
          align: 'right',
          sorter: (a, b) => a.daily - b.daily,
          render: (v, r) => (
            <Button
              type="link"
              size="small"
              onClick={() =>
                setEvidence({ title: `${r.orgName} · ${t('assessment.daily')}`, items: l.supervision[r.orgId] ?? [] })
              }
            >
              {v}
            </Button>
          ),
        },
        {
          title: t('assessment.total'),
          dataIndex: 'total',
          width: 56,
          align: 'right',
          sorter: (a, b) => a.total - b.total,
          render: (v) => <strong>{v}</strong>,
        },
        {
          title: t('assessment.grade'),
          dataIndex: 'grade',
          width: 56,
          render: (v: Row['grade']) => <Tag color={gradeColor[v]}>{t(`assessment.grades.${v}`)}</Tag>,
        },
        {
          title: '',
          key: 'act',
          width: 88,
          className: 'lj-no-print',
          render: (_, r) => (
            <Flex gap={4} vertical align="start">
              <Button size="small" onClick={() => setCompare(r)}>
                {t('assessment.compare')}
              </Button>
              {l?.abilities.consequences && (r.grade === 'good' || r.grade === 'fair') && (
                <Button size="small" onClick={() => setConsequence({ row: r, kind: 'tilt' })}>
                  {t('assessment.tilt')}
                </Button>
              )}
              {l?.abilities.consequences && r.grade === 'poor' && (
                <Button size="small" danger onClick={() => setConsequence({ row: r, kind: 'list' })}>
                  {t('assessment.list')}
                </Button>
              )}
            </Flex>
          ),
        },
      ]
    : [];

  return (
    <>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }} className="lj-no-print">
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
          onChange={(v) => {
            setTier(v);
            setChosen(undefined);
          }}
          options={(county ? (['county', 'township'] as const) : (['township'] as const)).map((x) => ({
            value: x,
            label: t(`assessment.tiers.${x}`),
          }))}
        />
        {tier === 'township' && county && (
          <Select
            aria-label={t('assessment.township')}
            style={{ width: 140 }}
            placeholder={t('assessment.township')}
            value={township}
            onChange={(v) => {
              setTownship(v);
              setChosen(undefined);
            }}
            options={townships.data?.items.map((x) => ({ value: x.code, label: x.name }))}
            data-testid="ledger-township"
          />
        )}
        {(versions.data?.items.length ?? 0) > 0 && (
          <Select
            aria-label={t('assessment.version')}
            style={{ width: 300 }}
            value={ledgerId}
            onChange={setChosen}
            options={versions.data?.items.map((v) => ({
              value: v.id,
              label: t('assessment.versionLabel', { v: v.version, at: formatDateTime(v.computedAt), by: v.computedBy }),
            }))}
          />
        )}
        {/* The ledger shown says whether its place may be computed again; before the first, the permission does. */}
        {(l ? l.abilities.compute : canWrite) && scopeCode && (
          <Button
            icon={<CalculatorOutlined />}
            loading={busy}
            onClick={compute}
            title={t('assessment.computeHint')}
            data-testid="compute-ledger"
          >
            {t('assessment.compute')}
          </Button>
        )}
        {canWrite && county && (
          <Popconfirm
            title={t('assessment.computeCountyConfirm')}
            onConfirm={computeCounty}
            okText={t('assessment.computeCounty')}
          >
            <Button loading={busy} data-testid="compute-county-ledgers">
              {t('assessment.computeCounty')}
            </Button>
          </Popconfirm>
        )}
        {computedCount > 0 && (
          <Typography.Text type="success">{t('assessment.computedCounty', { n: computedCount })}</Typography.Text>
        )}
        {l && (
          <>
            <Button icon={<DownloadOutlined />} href={`/api/v1/ledgers/${l.id}/export.xlsx`} download>
              {t('assessment.export')}
            </Button>
            <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
              {t('assessment.print')}
            </Button>
          </>
        )}
      </Flex>
      <QueryState
        loading={versions.isLoading || ledger.isLoading}
        error={versions.error ?? ledger.error}
        retry={() => versions.refetch()}
      >
        {!l ? (
          <Empty description={t(canWrite ? 'assessment.none' : 'assessment.noneReadOnly')} />
        ) : (
          <div className="lj-ledger">
            <Typography.Title level={4} style={{ textAlign: 'center' }}>
              {l.scopeName}
              {t(`assessment.tiers.${l.tier}`).replace(/（.*$/, '')}（{l.periodFrom} ~ {l.periodTo}）
            </Typography.Title>
            <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
              {l.scheme.name} ·{' '}
              {t('assessment.versionLabel', { v: l.version, at: formatDay(l.computedAt), by: l.computedBy })} ·{' '}
              {t('assessment.cutoffs', l.scheme.cutoffs)}
              {l.verificationCode && (
                <span data-testid="ledger-verification-code">
                  {' · '}
                  {t('assessment.verificationCode', { code: l.verificationCode })}
                </span>
              )}
            </Typography.Paragraph>
            {/* Every column on the screen and on an A4 landscape sheet, headers and names wrapping; on a phone the
                ledger scrolls with the rank and the organization held in view. */}
            <Table<Row>
              rowKey="orgId"
              size="small"
              bordered
              pagination={false}
              columns={columns}
              dataSource={l.items}
              tableLayout="fixed"
              scroll={phone ? { x: 1100 } : undefined}
              className="lj-ledger-compact"
              data-testid="ledger-table"
            />
          </div>
        )}
      </QueryState>
      {(versions.data?.items.length ?? 0) === 0 && versions.isFetched && canWrite && (
        <Alert style={{ marginTop: 12 }} type="info" showIcon title={t('assessment.computeHint')} />
      )}
      <EvidenceDrawer
        open={Boolean(evidence)}
        title={evidence?.title ?? ''}
        value={evidence?.value}
        score={evidence?.score}
        evidence={evidence?.items ?? []}
        onClose={() => setEvidence(null)}
      />
      <Drawer
        open={Boolean(compare)}
        onClose={() => setCompare(null)}
        title={`${compare?.orgName ?? ''} · ${t('assessment.compare')}`}
        size={640}
        destroyOnHidden
      >
        {compare && l && <CompareChart ledger={l} row={compare} />}
      </Drawer>
      {l && (
        <ConsequenceModal
          ledger={l}
          row={consequence?.row ?? null}
          kind={consequence?.kind ?? null}
          onClose={() => setConsequence(null)}
        />
      )}
    </>
  );
}
