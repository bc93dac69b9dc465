import { REPORT_CATEGORIES, REPORT_SOURCES } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import type { TableColumnsType } from 'antd';
import { Button, Card, Empty, Flex, Grid, Select, Table, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { ExportButton } from '../components/ExportButton';
import { QueryState } from '../components/QueryState';
import { CombModal } from '../features/items/CombModal';
import { DismissReportModal } from '../features/reports/DismissReportModal';
import { ReportEntryModal } from '../features/reports/ReportEntryModal';
import { ReportPhone, ReportPhotos } from '../features/reports/ReportEvidence';
import { JoinItemModal } from '../features/items/JoinItemModal';
import { formatDateTime } from '../components/format';
import { reportKeys } from '../api/queryKeys';

type Report = Schemas['Report'];

/**
 * The reports inbox: new reports first, with the residents' photos and (masked) phones; enter a report from a visit
 * or the hotline, select and comb reports into a problem list, or dismiss one with a reason the resident reads.
 */
export function ReportsPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Report['status'] | undefined>('new');
  const [category, setCategory] = useState<(typeof REPORT_CATEGORIES)[number] | undefined>();
  const [source, setSource] = useState<(typeof REPORT_SOURCES)[number] | undefined>();
  const [selected, setSelected] = useState<Report[]>([]);
  const [combing, setCombing] = useState(false);
  const [entering, setEntering] = useState(false);
  const [dismissing, setDismissing] = useState<Report | null>(null);
  const [joining, setJoining] = useState(false);
  // On a phone (below antd's md) the table keeps to the screen: one column holds the report with its time, place,
  // source and phone, beside its status; wider screens get a column each, scrolling inside the card when narrow.
  const compact = !Grid.useBreakpoint().md;
  // Where the table scrolls sideways, its scroller takes the keyboard's focus, so that it can be scrolled without a
  // pointer even when no row has a control to tab to (every report already combed or dismissed).
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    for (const el of scroller.current?.querySelectorAll<HTMLElement>('.ant-table-content') ?? []) {
      el.tabIndex = 0;
      el.setAttribute('role', 'region');
      el.setAttribute('aria-label', t('reports.title'));
    }
  });
  const q = useQuery({
    queryKey: reportKeys.list({ status, category, source }),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/reports', {
          params: {
            query: {
              limit: 100,
              ...(status ? { status } : {}),
              ...(category ? { category } : {}),
              ...(source ? { source } : {}),
            },
          },
        }),
      ),
  });
  const wideColumns: TableColumnsType<Report> = [
    {
      title: t('reports.reportedAt'),
      dataIndex: 'reportedAt',
      width: 150,
      render: (v: string) => formatDateTime(v),
    },
    { title: t('reports.source'), dataIndex: 'source', width: 90, render: (v) => t(`reports.sources.${v}`) },
    {
      title: t('resident.category'),
      dataIndex: 'category',
      width: 90,
      render: (v) => <Tag>{t(`category.${v}`)}</Tag>,
    },
    { title: t('reports.place'), dataIndex: 'regionName', width: 110 },
    {
      title: t('reports.description'),
      dataIndex: 'description',
      render: (v: string, r) => (
        <>
          {r.reporterName && <Typography.Text type="secondary">{r.reporterName}：</Typography.Text>}
          {v}
          <ReportPhotos report={r} />
        </>
      ),
    },
    {
      title: t('reports.phone'),
      dataIndex: 'phone',
      width: 130,
      render: (_, r) => <ReportPhone report={r} />,
    },
    { title: t('reports.org'), dataIndex: 'orgName', width: 180, ellipsis: true, render: (v) => v ?? '—' },
  ];
  const statusColumn: TableColumnsType<Report>[number] = {
    title: t('reports.status'),
    dataIndex: 'status',
    width: compact ? 88 : 120,
    render: (v, r) =>
      r.itemId ? (
        <Link to={`/items/${r.itemId}`}>{t(`reports.statuses.${v}`)}</Link>
      ) : (
        <>
          <Tag color={v === 'new' ? 'blue' : undefined}>{t(`reports.statuses.${v}`)}</Tag>
          {r.dismissal && (
            <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }} data-testid="dismissal">
              {t(`dismissal.${r.dismissal.kind}`)}：{r.dismissal.reason}
            </Typography.Paragraph>
          )}
          {r.abilities.dismiss && (
            <Button
              size="small"
              type="link"
              danger
              style={{ padding: 0, display: 'block' }}
              onClick={() => setDismissing(r)}
            >
              {t('reports.dismiss')}
            </Button>
          )}
        </>
      ),
  };
  return (
    <div className="lj-page">
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('reports.title')}
        </Typography.Title>
        <Flex gap={8} wrap>
          <ExportButton
            kind="reports"
            params={{ ...(status ? { status } : {}), ...(category ? { category } : {}), ...(source ? { source } : {}) }}
            testId="reports-export"
          >
            {t('exports.reports')}
          </ExportButton>
          <Select
            aria-label={t('resident.category')}
            allowClear
            style={{ width: 120 }}
            placeholder={t('resident.category')}
            onChange={setCategory}
            options={REPORT_CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
          />
          <Select
            aria-label={t('reports.source')}
            allowClear
            style={{ width: 120 }}
            placeholder={t('reports.source')}
            onChange={setSource}
            options={REPORT_SOURCES.map((s) => ({ value: s, label: t(`reports.sources.${s}`) }))}
          />
          <Select
            aria-label={t('reports.status')}
            allowClear
            style={{ width: 160 }}
            value={status}
            placeholder={t('reports.status')}
            onChange={(v) => {
              setStatus(v);
              setSelected([]);
            }}
            options={(['new', 'listed', 'dismissed'] as const).map((s) => ({
              value: s,
              label: t(`reports.statuses.${s}`),
            }))}
          />
          <Button onClick={() => setEntering(true)} data-testid="enter-report">
            {t('reports.enter')}
          </Button>
          <Button type="primary" disabled={selected.length === 0} onClick={() => setCombing(true)} data-testid="comb">
            {t('reports.comb', { count: selected.length })}
          </Button>
          <Button disabled={selected.length === 0} onClick={() => setJoining(true)} data-testid="join">
            {t('reports.join')}
          </Button>
        </Flex>
      </Flex>
      <Card ref={scroller}>
        <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
          <Table<Report>
            rowKey="id"
            dataSource={q.data?.items}
            // Wider than a phone: the table scrolls inside its card, the report's text and photos keep their room.
            scroll={compact ? undefined : { x: 1100 }}
            tableLayout={compact ? 'fixed' : undefined}
            pagination={{ pageSize: 20, showSizeChanger: false, showTotal: (total) => t('common.total', { total }) }}
            rowSelection={{
              selectedRowKeys: selected.map((r) => r.id),
              onChange: (_, rows) => setSelected(rows),
              getCheckboxProps: (r) => ({ disabled: r.status !== 'new' }),
            }}
            locale={{ emptyText: <Empty description={t('reports.empty')} /> }}
            columns={[
              ...(compact
                ? [
                    {
                      key: 'report',
                      title: t('reports.description'),
                      render: (_: unknown, r: Report) => (
                        <div data-testid="report-card">
                          <Typography.Text type="secondary">
                            {formatDateTime(r.reportedAt)} · {r.regionName} · {t(`reports.sources.${r.source}`)}
                          </Typography.Text>
                          <div>
                            <Tag>{t(`category.${r.category}`)}</Tag>
                            {r.reporterName && <Typography.Text type="secondary">{r.reporterName}：</Typography.Text>}
                            {r.description}
                          </div>
                          <ReportPhotos report={r} />
                          {r.phone && <ReportPhone report={r} />}
                          {r.orgName && <Typography.Text type="secondary">{r.orgName}</Typography.Text>}
                        </div>
                      ),
                    },
                  ]
                : wideColumns),
              statusColumn,
            ]}
          />
        </QueryState>
      </Card>
      {combing && <CombModal reports={selected} open={combing} onClose={() => setCombing(false)} />}
      <ReportEntryModal open={entering} onClose={() => setEntering(false)} />
      <DismissReportModal
        report={dismissing}
        onClose={() => {
          setSelected((rows) => rows.filter((r) => r.id !== dismissing?.id));
          setDismissing(null);
        }}
      />
      {joining && <JoinItemModal reports={selected} open={joining} onClose={() => setJoining(false)} />}
    </div>
  );
}
