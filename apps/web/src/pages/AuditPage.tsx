import { SafetyCertificateOutlined } from '@ant-design/icons';
import {
  AUDIT_ACTIONS,
  AUDIT_ENTITIES,
  type AuditLanguage,
  auditActionWord,
  auditEntityWord,
  auditFieldWord,
  auditValueWord,
} from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Empty, Flex, Input, Select, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { auditKeys } from '../api/queryKeys';
import { CursorPager, useCursorPages } from '../components/CursorPager';
import { ExportButton } from '../components/ExportButton';
import { QueryState } from '../components/QueryState';
import { formatDateTime } from '../components/format';
import { AccountRequestsPanel } from '../features/account/AccountRequests';

type AuditEvent = Schemas['AuditEvent'];
type Change = Schemas['AuditChange'];
const FILTERS = ['username', 'action', 'entityType', 'entityId', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** The mark the server puts in place of the register's content (audit.view.ts). */
const HIDDEN = '（业务内容，审计视图不显示）';

const fmt = (iso: string) => formatDateTime(iso, { seconds: true });

/** The screens' words for the enumerations a field holds, by the field's key. */
const VALUE_KEYS: Record<string, string[]> = {
  status: ['status', 'itemStatus'],
  to: ['status', 'itemStatus'],
  from: ['status', 'itemStatus'],
  level: ['level'],
  mode: ['mode'],
  kind: ['kind', 'activity.kinds'],
  role: ['role', 'userRole'],
  category: ['category'],
};

/**
 * The audit administrator's viewer: each event in words (the action, the record by its name, what changed as
 * "field: before → after"), filtered by who, what, which kind of record and when; one record's history through its
 * link; the hash chain verified on demand. The filters live in the address, so a record's history can be linked.
 */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const lang: AuditLanguage = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
  const [search, setSearch] = useSearchParams();
  const filters: Filters = {};
  for (const k of FILTERS) {
    const v = search.get(k);
    if (v) filters[k] = v;
  }
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
  const set = (patch: Filters) =>
    setSearch((s) => {
      const next = new URLSearchParams(s);
      for (const [k, v] of Object.entries(patch)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      return next;
    });
  const day = (d: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : undefined);
  const history = (e: AuditEvent) =>
    `/audit?${new URLSearchParams({ entityType: e.entityType, entityId: e.entityId })}`;

  const value = (field: string, v: unknown, names: Record<string, string>) => {
    if (v === HIDDEN) return t('audit.hidden');
    if (v === null || v === undefined) return t('audit.none');
    if (typeof v === 'string') {
      if (names[v]) return names[v];
      const leaf = field.split('.').at(-1) ?? field;
      const keys = VALUE_KEYS[leaf];
      if (keys) return t(keys.map((k) => `${k}.${v}`) as unknown as string, { defaultValue: v });
    }
    return auditValueWord(v, lang);
  };
  const line = (c: Change, names: Record<string, string>) => {
    const label = auditFieldWord(c.field.split('.').at(-1) ?? c.field, lang);
    const before = c.before === null ? null : value(c.field, c.before, names);
    const after = value(c.field, c.after, names);
    return before === null ? `${label}：${after}` : `${label}：${before} → ${after}`;
  };
  const recordFilter = filters.entityId ? events.data?.items.find((e) => e.entityId === filters.entityId) : undefined;

  return (
    <div className="lj-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('audit.title')}
        </Typography.Title>
        <Flex gap={8} wrap>
          <ExportButton kind="audit_log" params={filters} testId="audit-export">
            {t('audit.export')}
          </ExportButton>
          <Button
            icon={<SafetyCertificateOutlined />}
            loading={verify.isFetching}
            onClick={() => void verify.refetch()}
            data-testid="audit-verify"
          >
            {t('audit.verify')}
          </Button>
        </Flex>
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
            aria-label={t('audit.filterUser')}
            defaultValue={filters.username}
            onSearch={(v) => set({ username: v.trim() || undefined })}
            data-testid="audit-user"
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 220 }}
            placeholder={t('audit.filterAction')}
            aria-label={t('audit.filterAction')}
            value={filters.action}
            onChange={(v?: string) => set({ action: v })}
            options={Object.keys(AUDIT_ACTIONS).map((a) => ({ value: a, label: auditActionWord(a, lang) }))}
            data-testid="audit-action"
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 180 }}
            placeholder={t('audit.filterEntity')}
            aria-label={t('audit.filterEntity')}
            value={filters.entityType}
            onChange={(v?: string) => set({ entityType: v, entityId: undefined })}
            options={Object.keys(AUDIT_ENTITIES).map((e) => ({ value: e, label: auditEntityWord(e, lang) }))}
            data-testid="audit-entity-type"
          />
          <DatePicker
            placeholder={t('audit.from')}
            aria-label={t('audit.from')}
            value={filters.from ? dayjs(filters.from) : null}
            onChange={(d) => set({ from: day(d) })}
          />
          <DatePicker
            placeholder={t('audit.to')}
            aria-label={t('audit.to')}
            value={filters.to ? dayjs(filters.to) : null}
            onChange={(d) => set({ to: day(d) })}
          />
        </Flex>
        {filters.entityId && (
          <Alert
            style={{ marginBottom: 12 }}
            type="info"
            data-testid="audit-record-filter"
            title={t('audit.filtered', {
              name:
                recordFilter?.entityName ?? auditEntityWord(recordFilter?.entityType ?? filters.entityType ?? '', lang),
            })}
            action={
              <Button size="small" onClick={() => set({ entityId: undefined, entityType: undefined })}>
                {t('audit.clearRecord')}
              </Button>
            }
          />
        )}
        <QueryState loading={events.isLoading} error={events.error} retry={() => events.refetch()}>
          <Table<AuditEvent>
            rowKey="id"
            size="small"
            pagination={false}
            scroll={{ x: 900 }}
            dataSource={events.data?.items ?? []}
            locale={{ emptyText: <Empty description={t('audit.empty')} /> }}
            data-testid="audit-table"
            columns={[
              { title: '#', dataIndex: 'seq', width: 70 },
              { title: t('audit.at'), width: 170, render: (_, e) => fmt(e.at) },
              { title: t('audit.user'), width: 110, render: (_, e) => e.username ?? t('audit.system') },
              {
                title: t('audit.action'),
                width: 150,
                render: (_, e) => <span data-testid="audit-action-word">{auditActionWord(e.action, lang)}</span>,
              },
              {
                title: t('audit.record'),
                width: 240,
                render: (_, e) => (
                  <>
                    <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                      {auditEntityWord(e.entityType, lang)}
                    </Typography.Text>
                    <Link to={history(e)} title={t('audit.history')} data-testid="audit-record-link">
                      {e.entityName || auditEntityWord(e.entityType, lang)}
                    </Link>
                    {e.entityLink && (
                      <Link to={e.entityLink} style={{ marginLeft: 8, fontSize: 12 }}>
                        {t('audit.open')}
                      </Link>
                    )}
                  </>
                ),
              },
              {
                title: t('audit.changes'),
                render: (_, e) =>
                  e.changes.length === 0 ? (
                    <Typography.Text type="secondary">{t('audit.noChange')}</Typography.Text>
                  ) : (
                    <Changes lines={e.changes.map((c) => line(c, e.names))} more={(n) => t('audit.more', { n })} />
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

/** What changed, a line per field: the first lines shown, the rest folded under a native disclosure. */
function Changes({ lines, more }: { lines: string[]; more: (n: number) => string }) {
  const FIRST = 4;
  return (
    <div style={{ fontSize: 12, whiteSpace: 'pre-line' }} data-testid="audit-changes">
      {lines.slice(0, FIRST).join('\n')}
      {lines.length > FIRST && (
        <details>
          <summary style={{ cursor: 'pointer' }}>{more(lines.length - FIRST)}</summary>
          {lines.slice(FIRST).join('\n')}
        </details>
      )}
    </div>
  );
}
