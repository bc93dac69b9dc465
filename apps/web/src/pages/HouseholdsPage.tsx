import { useQuery } from '@tanstack/react-query';
import { Card, Checkbox, Empty, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { QueryState } from '../components/QueryState';

type Status = Schemas['Household']['status'];

/** The register: filters by status and search, and the coverage gap (no primary helper). */
export function HouseholdsPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState<string>();
  const [status, setStatus] = useState<Status>();
  const [gap, setGap] = useState(false);
  const list = useQuery({
    queryKey: ['households', q, status, gap],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/households', {
          params: { query: { limit: 100, ...(q ? { q } : {}), ...(status ? { status } : {}), ...(gap ? { gap: 'no_primary_helper' as const } : {}) } },
        }),
      ),
  });
  return (
    <div className="lj-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('households.title')}
      </Typography.Title>
      <Card>
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear style={{ width: 240 }} placeholder={t('households.search')} onSearch={(v) => setQ(v.trim() || undefined)} />
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t('households.status')}
            onChange={setStatus}
            options={(['registered', 'exited', 'monitored', 'risk_eliminated', 'returned'] as const).map((s) => ({ value: s, label: t(`households.statuses.${s}`) }))}
          />
          <Checkbox checked={gap} onChange={(e) => setGap(e.target.checked)}>
            {t('households.gapOnly')}
          </Checkbox>
        </Flex>
        <QueryState loading={list.isLoading} error={list.error} retry={() => list.refetch()}>
          <Table<Schemas['Household']>
            rowKey="id"
            dataSource={list.data?.items}
            pagination={{ pageSize: 20, showSizeChanger: false, showTotal: (total) => t('common.total', { total }) }}
            locale={{ emptyText: <Empty description={t('households.empty')} /> }}
            columns={[
              { title: t('households.head'), dataIndex: 'headName', render: (v, h) => <Link to={`/households/${h.id}`}>{v}</Link> },
              { title: t('households.village'), dataIndex: 'regionName' },
              { title: t('households.status'), dataIndex: 'status', render: (v) => <Tag color={v === 'registered' ? 'red' : v === 'exited' ? 'green' : 'orange'}>{t(`households.statuses.${v}`)}</Tag> },
              { title: t('households.cause'), dataIndex: 'primaryCause', render: (v) => t(`households.causes.${v}`) },
              { title: t('households.size'), dataIndex: 'size', align: 'right' },
              { title: t('households.perCapita'), dataIndex: 'perCapitaIncome', align: 'right' },
              {
                title: t('households.helpers'),
                dataIndex: 'activeHelpers',
                render: (v, h) => (h.hasPrimaryHelper || h.status === 'exited' ? v : <Tag color="red">{t('households.noPrimary')}</Tag>),
              },
            ]}
          />
        </QueryState>
      </Card>
    </div>
  );
}
