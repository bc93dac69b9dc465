import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Empty, Flex, Input, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../api/client';
import { CursorPager, useCursorPages } from '../components/CursorPager';
import { QueryState } from '../components/QueryState';
import { AccountRequestsPanel } from '../features/account/AccountRequests';
import { formatDateTime } from '../components/format';
import { auditKeys } from '../api/queryKeys';

type AuditEvent = Schemas['AuditEvent'];
type Filters = {
  username?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: string;
  to?: string;
};

const fmt = (iso: string) => formatDateTime(iso, { seconds: true });

/** Shows a before/after value as text: every field is text, never markup. */
const asText = (v: unknown) => (v == null ? '' : JSON.stringify(v));

/** The audit administrator's viewer: filters by who, when, what and record; the hash chain verified on demand. */
export function AuditPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>({});
  const key = JSON.stringify(filters);
  const pages = useCursorPages(key);
  const events = useQuery({
    queryKey: auditKeys.events(filters, pages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/audit-events', {
          params: { query: { ...filters, limit: 50, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
  });
  const verify = useQuery({
    queryKey: auditKeys.verify(),
    enabled: false,
    queryFn: () => unwrap(api.GET('/api/v1/audit/verify')),
  });
  const set = (patch: Filters) => setFilters((f) => ({ ...f, ...patch }));
  const day = (d: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : undefined);
  return (
    <div className="lj-page">
      <Flex justify="space-between" align="center">
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('audit.title')}
        </Typography.Title>
        <Button
          icon={<SafetyCertificateOutlined />}
          loading={verify.isFetching}
          onClick={() => void verify.refetch()}
          data-testid="audit-verify"
        >
          {t('audit.verify')}
        </Button>
      </Flex>
      <Alert type="info" showIcon title={t('audit.hint')} style={{ marginBottom: 12 }} />
      <AccountRequestsPanel title="approve" />
      {verify.data && (
        <Alert
          style={{ marginBottom: 12 }}
          type={verify.data.ok ? 'success' : 'error'}
          showIcon
          data-testid="audit-verify-result"
          title={
            verify.data.ok
              ? t('audit.verifyOk', { count: verify.data.count })
              : t('audit.verifyBroken', { seq: verify.data.brokenAt })
          }
        />
      )}
      <Card>
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            style={{ width: 180 }}
            placeholder={t('audit.filterUser')}
            onSearch={(v) => set({ username: v.trim() || undefined })}
            data-testid="audit-user"
          />
          <Input.Search
            allowClear
            style={{ width: 200 }}
            placeholder={t('audit.action')}
            onSearch={(v) => set({ action: v.trim() || undefined })}
          />
          <Input.Search
            allowClear
            style={{ width: 160 }}
            placeholder={t('audit.entity')}
            onSearch={(v) => set({ entityType: v.trim() || undefined })}
          />
          <Input.Search
            allowClear
            style={{ width: 300 }}
            placeholder={t('audit.entityId')}
            onSearch={(v) => set({ entityId: v.trim() || undefined })}
            data-testid="audit-entity-id"
          />
          <DatePicker placeholder={t('audit.from')} onChange={(d) => set({ from: day(d) })} />
          <DatePicker placeholder={t('audit.to')} onChange={(d) => set({ to: day(d) })} />
        </Flex>
        <QueryState loading={events.isLoading} error={events.error} retry={() => events.refetch()}>
          <Table<AuditEvent>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={events.data?.items ?? []}
            locale={{ emptyText: <Empty description={t('audit.empty')} /> }}
            data-testid="audit-table"
            columns={[
              { title: '#', dataIndex: 'seq', width: 70 },
              { title: t('audit.at'), width: 170, render: (_, e) => fmt(e.at) },
              { title: t('audit.user'), width: 110, render: (_, e) => e.username ?? '—' },
              {
                title: t('audit.action'),
                width: 190,
                render: (_, e) => (
                  <>
                    {t(`auditAction.${e.action}`, { defaultValue: e.action })}
                    <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                      {e.action}
                    </Typography.Text>
                  </>
                ),
              },
              { title: t('audit.entity'), dataIndex: 'entityType', width: 120 },
              {
                title: t('audit.detail'),
                render: (_, e) => (
                  <Typography.Paragraph
                    ellipsis={{ rows: 2, expandable: true }}
                    style={{ marginBottom: 0, fontSize: 12 }}
                  >
                    {[asText(e.before), asText(e.after)].filter(Boolean).join(' → ')}
                  </Typography.Paragraph>
                ),
              },
            ]}
          />
          <CursorPager pages={pages} total={events.data?.total ?? 0} nextCursor={events.data?.nextCursor} />
        </QueryState>
      </Card>
    </div>
  );
}
