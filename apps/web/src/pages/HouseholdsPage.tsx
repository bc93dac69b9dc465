import { UploadOutlined } from '@ant-design/icons';
import { COVERAGE_CONDITIONS, POVERTY_CAUSES } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Flex, Input, Select, Table, Tabs, Tag, Typography } from 'antd';
import type { SortOrder } from 'antd/es/table/interface';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { useMe } from '../components/me';
import { ExportButton } from '../components/ExportButton';
import { CursorPager, useCursorPages } from '../components/CursorPager';
import { QueryState } from '../components/QueryState';
import { GapsPanel, WorkloadPanel } from '../features/households/CoveragePanels';
import { ExitsPanel } from '../features/households/ExitsPanel';
import { ImportModal } from '../features/households/ImportModal';
import { MonitoringPanel } from '../features/households/MonitoringPanel';
import { SettingsPanel } from '../features/households/SettingsPanel';
import { householdKeys, regionKeys } from '../api/queryKeys';
import { allRegions } from '../components/regions';
import { BULK_HELPER_MAX, BulkHelperModal } from '../features/households/BulkHelperModal';

type Status = Schemas['Household']['status'];
type Gap = 'no_primary_helper' | 'coverage' | (typeof COVERAGE_CONDITIONS)[number];
type Category = 'unstable_exited' | 'marginal' | 'sudden_hardship';
type Sort = 'name' | 'village' | 'status' | 'helpers';
const PAGE_SIZE = 20;

/** The table's sort order of a column, as the server sorts the register. */
const orderOf = (sort: { by: Sort; dir: 'asc' | 'desc' }, column: Sort): SortOrder =>
  sort.by === column ? (sort.dir === 'asc' ? 'ascend' : 'descend') : null;

export const statusColor = (s: Status) =>
  s === 'registered' ? 'red' : s === 'exited' ? 'green' : s === 'returned' ? 'magenta' : 'orange';

/** The register: filters, import from XLSX/CSV, export (masked). */
function RegisterPanel() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const helperId = params.get('helper') ?? undefined;
  // Opened from the cockpit at a past date: the register as it was then.
  const asOf = params.get('asOf') ?? undefined;
  const [q, setQ] = useState<string>();
  // Kept in the page's memory only: never in its address, the request's URL or the browser's history.
  const [idNumber, setIdNumber] = useState<string>();
  const [status, setStatus] = useState<Status | undefined>((params.get('status') ?? undefined) as Status | undefined);
  const [cause, setCause] = useState<(typeof POVERTY_CAUSES)[number]>();
  const [gap, setGap] = useState<Gap | undefined>((params.get('gap') ?? undefined) as Gap | undefined);
  const [category, setCategory] = useState<Category | undefined>(
    (params.get('monitoringCategory') ?? undefined) as Category | undefined,
  );
  const [importing, setImporting] = useState(false);
  const [township, setTownship] = useState<string>();
  const [village, setVillage] = useState<string>();
  const [sort, setSort] = useState<{ by: Sort; dir: 'asc' | 'desc' }>({ by: 'name', dir: 'asc' });
  const [selected, setSelected] = useState<string[]>([]);
  const [bulk, setBulk] = useState(false);
  // The townships the account reaches, then the chosen one's villages: a township account has its own only.
  const townships = useQuery({
    queryKey: regionKeys.list('township'),
    queryFn: () => allRegions({ level: 'township' }),
  });
  const villages = useQuery({
    queryKey: regionKeys.villages(township ?? ''),
    queryFn: () => allRegions({ level: 'village', parentCode: township as string }),
    enabled: Boolean(township),
  });
  const regionCode = village ?? township;
  const filter = {
    ...(q ? { q } : {}),
    ...(regionCode ? { regionCode } : {}),
    sort: sort.by,
    dir: sort.dir,
    ...(status ? { status } : {}),
    ...(cause ? { cause } : {}),
    ...(gap ? { gap } : {}),
    ...(category ? { monitoringCategory: category } : {}),
    ...(helperId ? { helperId } : {}),
    ...(asOf ? { asOf } : {}),
    ...(idNumber ? { idNumber } : {}),
  };
  const pages = useCursorPages(JSON.stringify(filter));
  // The register is searched with a POST: an ID number in the filter stays in the request body.
  const list = useQuery({
    queryKey: householdKeys.list(filter, pages.cursor ?? (pages.jumpedTo ? `page-${pages.jumpedTo}` : undefined)),
    queryFn: () =>
      unwrap(
        api.POST('/api/v1/households/search', {
          body: {
            limit: PAGE_SIZE,
            ...filter,
            ...(pages.cursor ? { cursor: pages.cursor } : {}),
            ...(pages.jumpedTo ? { page: pages.jumpedTo } : {}),
          },
        }),
      ),
  });
  const canImport = me.permissions.includes('households:write') && me.scope.regionCode !== null;
  // Households lacking a helper, shown by a gap filter, may be given one helper together.
  const canBulk = Boolean(gap) && me.permissions.includes('households:write');
  // Only rows of the page shown: a change of filter or page leaves nothing chosen out of sight.
  const chosen = canBulk ? selected.filter((id) => list.data?.items.some((h) => h.id === id)) : [];
  return (
    <>
      <Flex gap={8} wrap style={{ marginBottom: 16 }} justify="space-between">
        <Flex gap={8} wrap>
          <Input.Search
            allowClear
            style={{ width: 260 }}
            placeholder={t('households.search')}
            aria-label={t('households.search')}
            onSearch={(v) => setQ(v.trim() || undefined)}
          />
          <Input.Search
            allowClear
            style={{ width: 220 }}
            maxLength={18}
            autoComplete="off"
            placeholder={t('households.idSearch')}
            aria-label={t('households.idSearch')}
            onSearch={(v) => setIdNumber(v.trim().toUpperCase() || undefined)}
            data-testid="household-id-search"
          />
          <Select
            aria-label={t('households.townshipFilter')}
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 150 }}
            placeholder={t('households.townshipFilter')}
            value={township}
            onChange={(v?: string) => {
              setTownship(v);
              setVillage(undefined);
            }}
            options={(townships.data?.items ?? []).map((r) => ({ value: r.code, label: r.name }))}
            data-testid="household-township"
          />
          <Select
            aria-label={t('households.villageFilter')}
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 170 }}
            disabled={!township}
            placeholder={t('households.villageFilter')}
            value={village}
            onChange={setVillage}
            options={(villages.data?.items ?? []).map((r) => ({ value: r.code, label: r.name }))}
            data-testid="household-village"
          />
          <Select
            aria-label={t('households.status')}
            allowClear
            style={{ width: 130 }}
            placeholder={t('households.status')}
            value={status}
            onChange={setStatus}
            options={(['registered', 'exited', 'monitored', 'risk_eliminated', 'returned'] as const).map((s) => ({
              value: s,
              label: t(`households.statuses.${s}`),
            }))}
          />
          <Select
            aria-label={t('households.cause')}
            allowClear
            style={{ width: 150 }}
            placeholder={t('households.cause')}
            onChange={setCause}
            options={POVERTY_CAUSES.map((c) => ({ value: c, label: t(`households.causes.${c}`) }))}
          />
          <Select
            aria-label={t('households.monitoring.category')}
            allowClear
            style={{ width: 150 }}
            placeholder={t('households.monitoring.category')}
            value={category}
            onChange={setCategory}
            options={(['unstable_exited', 'marginal', 'sudden_hardship'] as const).map((c) => ({
              value: c,
              label: t(`households.monitoring.categories.${c}`),
            }))}
          />
          <Select
            aria-label={t('households.gapFilter')}
            allowClear
            style={{ width: 200 }}
            placeholder={t('households.gapFilter')}
            value={gap}
            onChange={setGap}
            data-testid="household-gap"
            options={[
              { value: 'no_primary_helper', label: t('households.gapOnly') },
              { value: 'coverage', label: t('households.gapCoverage') },
              // One rule's gap, as the coverage-gaps tab links to it.
              ...COVERAGE_CONDITIONS.map((c) => ({ value: c, label: t(`households.gaps.conditions.${c}`) })),
            ]}
          />
          {asOf && (
            <Tag
              closable
              color="blue"
              onClose={() => {
                params.delete('asOf');
                setParams(params);
              }}
            >
              {t('cockpit.asOfTag', { date: asOf })}
            </Tag>
          )}
          {helperId && (
            <Tag
              closable
              onClose={() => {
                params.delete('helper');
                setParams(params);
              }}
            >
              {t('households.helpers')}
            </Tag>
          )}
        </Flex>
        <Flex gap={8}>
          {canImport && (
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="import-open">
              {t('households.import.open')}
            </Button>
          )}
          <ExportButton kind="households" params={filter} testId="households-export">
            {t('households.exportXlsx')}
          </ExportButton>
        </Flex>
      </Flex>
      {canBulk && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={
            chosen.length > BULK_HELPER_MAX
              ? t('households.bulk.tooMany', { max: BULK_HELPER_MAX })
              : t('households.bulk.hint', { max: BULK_HELPER_MAX })
          }
          action={
            <Button
              type="primary"
              size="small"
              disabled={chosen.length === 0 || chosen.length > BULK_HELPER_MAX}
              onClick={() => setBulk(true)}
              data-testid="bulk-helper-open"
            >
              {t('households.bulk.open', { count: chosen.length })}
            </Button>
          }
        />
      )}
      <QueryState loading={list.isLoading} error={list.error} retry={() => list.refetch()}>
        <Table<Schemas['Household']>
          rowKey="id"
          dataSource={list.data?.items}
          pagination={false}
          {...(canBulk
            ? { rowSelection: { selectedRowKeys: chosen, onChange: (keys) => setSelected(keys as string[]) } }
            : {})}
          onChange={(_p, _f, sorter) => {
            const s = Array.isArray(sorter) ? sorter[0] : sorter;
            const by = s?.order ? (s.columnKey as Sort) : 'name';
            setSort({ by, dir: s?.order === 'descend' ? 'desc' : 'asc' });
          }}
          locale={{ emptyText: <Empty description={t('households.empty')} /> }}
          columns={[
            {
              key: 'name',
              title: t('households.head'),
              dataIndex: 'headName',
              sorter: true,
              sortOrder: orderOf(sort, 'name'),
              // A name stays on one line; on a phone the township column gives way (the filter above names it).
              render: (v, h) => (
                <Link to={`/households/${h.id}`} style={{ whiteSpace: 'nowrap' }}>
                  {v}
                </Link>
              ),
            },
            { key: 'township', title: t('households.township'), dataIndex: 'townshipName', responsive: ['md'] },
            {
              key: 'village',
              title: t('households.village'),
              dataIndex: 'regionName',
              sorter: true,
              sortOrder: orderOf(sort, 'village'),
            },
            {
              key: 'status',
              title: t('households.status'),
              dataIndex: 'status',
              sorter: true,
              sortOrder: orderOf(sort, 'status'),
              render: (v: Status) => <Tag color={statusColor(v)}>{t(`households.statuses.${v}`)}</Tag>,
            },
            { title: t('households.cause'), dataIndex: 'primaryCause', render: (v) => t(`households.causes.${v}`) },
            { title: t('households.size'), dataIndex: 'size', align: 'right' },
            { title: t('households.perCapita'), dataIndex: 'perCapitaIncome', align: 'right' },
            {
              key: 'helpers',
              title: t('households.helpers'),
              dataIndex: 'activeHelpers',
              sorter: true,
              sortOrder: orderOf(sort, 'helpers'),
              render: (v, h) =>
                h.hasPrimaryHelper || (h.status !== 'registered' && h.status !== 'monitored') ? (
                  v
                ) : (
                  <Tag color="red">{t('households.noPrimary')}</Tag>
                ),
            },
          ]}
        />
      </QueryState>
      <CursorPager
        pages={pages}
        total={list.data?.total ?? 0}
        nextCursor={list.data?.nextCursor}
        testId="household-total"
        pageSize={PAGE_SIZE}
        totalText={t('households.totalHouseholds', { total: list.data?.total ?? 0 })}
        jumpable
      />
      <ImportModal open={importing} onClose={() => setImporting(false)} />
      <BulkHelperModal
        householdIds={chosen}
        open={bulk}
        onClose={() => setBulk(false)}
        onDone={() => {
          setBulk(false);
          setSelected([]);
        }}
      />
    </>
  );
}

/** Households: the register, coverage gaps, helpers' load, exits, monitoring and the county's thresholds. */
export function HouseholdsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'register';
  const items = [
    { key: 'register', label: t('households.tabs.register'), children: <RegisterPanel /> },
    { key: 'gaps', label: t('households.tabs.gaps'), children: <GapsPanel /> },
    { key: 'workload', label: t('households.tabs.workload'), children: <WorkloadPanel /> },
    { key: 'exits', label: t('households.tabs.exits'), children: <ExitsPanel /> },
    { key: 'monitoring', label: t('households.tabs.monitoring'), children: <MonitoringPanel /> },
    ...(me.permissions.includes('settings:write')
      ? [{ key: 'settings', label: t('households.tabs.settings'), children: <SettingsPanel /> }]
      : []),
  ];
  return (
    <div className="lj-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('households.title')}
      </Typography.Title>
      <Card>
        <Tabs
          activeKey={tab}
          destroyOnHidden
          onChange={(k) => setParams(k === 'register' ? {} : { tab: k })}
          items={items}
        />
      </Card>
    </div>
  );
}
