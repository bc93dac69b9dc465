import { PrinterOutlined } from '@ant-design/icons';
import { EXIT_STATUSES, daysBetween } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Button, Empty, Flex, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, today, unwrap } from '../../api/client';
import { CursorPager, useCursorPages } from '../../components/CursorPager';
import { QueryState } from '../../components/QueryState';
import { householdKeys } from '../../api/queryKeys';

type Status = Schemas['ExitApplication']['status'];

export const exitColor = (s: Status) =>
  s === 'announced' ? 'green' : s === 'rejected' ? 'red' : s === 'in_notice' ? 'orange' : 'blue';

/** Exit applications in scope by stage; those in public notice link to the village's printable notice. */
export function ExitsPanel() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status | undefined>('in_notice');
  const pages = useCursorPages(status ?? '');
  const q = useQuery({
    queryKey: householdKeys.exits(status, pages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/exit-applications', {
          params: {
            query: { limit: 20, ...(status ? { status } : {}), ...(pages.cursor ? { cursor: pages.cursor } : {}) },
          },
        }),
      ),
  });
  return (
    <>
      <Flex gap={8} style={{ marginBottom: 16 }}>
        <Select
          aria-label={t('households.status')}
          allowClear
          style={{ width: 160 }}
          value={status}
          placeholder={t('households.status')}
          onChange={setStatus}
          options={EXIT_STATUSES.map((s) => ({ value: s, label: t(`households.exitSteps.${s}`) }))}
        />
      </Flex>
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        <Table<Schemas['ExitApplication']>
          rowKey="id"
          size="small"
          dataSource={q.data?.items}
          pagination={false}
          locale={{ emptyText: <Empty description={t('households.exitList.empty')} /> }}
          columns={[
            {
              title: t('households.head'),
              dataIndex: 'headName',
              render: (v, r) => <Link to={`/households/${r.householdId}`}>{v}</Link>,
            },
            { title: t('households.village'), dataIndex: 'regionName' },
            { title: t('households.exitActions.on'), dataIndex: 'appliedOn' },
            {
              title: t('households.status'),
              dataIndex: 'status',
              render: (v: Status) => <Tag color={exitColor(v)}>{t(`households.exitSteps.${v}`)}</Tag>,
            },
            {
              title: t('households.exitList.notice'),
              dataIndex: 'noticeEndsOn',
              render: (v: string | null, r) =>
                r.status === 'in_notice' && v ? (
                  <Flex gap={8} align="center">
                    <span>
                      {r.noticeStartOn} ~ {v}（
                      {t('households.exitList.daysLeft', { n: Math.max(0, daysBetween(today(), v)) })}）
                    </span>
                    <Link to={`/households/notice/${r.regionCode}`}>
                      <Button size="small" icon={<PrinterOutlined />}>
                        {t('households.exitList.print')}
                      </Button>
                    </Link>
                  </Flex>
                ) : (
                  (v ?? '—')
                ),
            },
          ]}
        />
        <CursorPager pages={pages} total={q.data?.total ?? 0} nextCursor={q.data?.nextCursor} testId="exit-total" />
      </QueryState>
    </>
  );
}
