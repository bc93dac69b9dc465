import { PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Flex, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { allPublicRegions } from '../components/regions';
import { QueryState } from '../components/QueryState';
import { useDocumentTitle } from '../components/pageTitle';
import { publicKeys } from '../api/queryKeys';

const STATUS_COLOR = { open: 'default', in_progress: 'blue', awaiting_confirmation: 'gold', closed: 'green' } as const;

function Shell({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  useDocumentTitle([t('board.title')], t('app.name'));
  return (
    <div className="lj-resident">
      <header className="lj-resident-header lj-no-print">
        <span className="lj-brand-mark">联</span>
        <span>{t('board.title')}</span>
      </header>
      <main className="lj-resident-main">{children}</main>
    </div>
  );
}

/** Choose a township, then a village. */
function Picker() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [township, setTownship] = useState<string>();
  const townships = useQuery({
    queryKey: publicKeys.regions(),
    queryFn: () => allPublicRegions(),
  });
  const villages = useQuery({
    queryKey: publicKeys.regions(township),
    enabled: Boolean(township),
    queryFn: () => allPublicRegions(township),
  });
  return (
    <Card>
      <Flex vertical gap={12}>
        <Select
          aria-label={t('resident.township')}
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('resident.township')}
          onChange={setTownship}
          options={townships.data?.items.map((r) => ({ value: r.code, label: r.name }))}
          data-testid="board-township"
        />
        <Select
          aria-label={t('resident.village')}
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('resident.village')}
          disabled={!township}
          onChange={(code) => navigate(`/v/${code}`)}
          options={villages.data?.items.map((r) => ({ value: r.code, label: r.name }))}
          data-testid="board-village"
        />
      </Flex>
    </Card>
  );
}

/** The village notice board: public, printable; names and outcomes only. */
function Board() {
  const { code = '' } = useParams();
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: publicKeys.board(code),
    queryFn: () => unwrap(api.GET('/api/v1/public/villages/{code}/board', { params: { path: { code } } })),
  });
  const b = q.data;
  const notices = (rows: NonNullable<typeof b>['exits'], testId: string) =>
    rows.length === 0 ? (
      <Empty description={t('board.noNotice')} />
    ) : (
      <Table
        rowKey={(r) => `${r.headName}-${r.noticeStartOn}-${r.outcome}`}
        size="small"
        pagination={false}
        // Fixed columns that wrap their text: the board fits a phone's width, its last column (status) in view.
        tableLayout="fixed"
        dataSource={rows}
        data-testid={testId}
        columns={[
          { title: t('households.notice.head'), dataIndex: 'headName' },
          { title: t('households.notice.outcome'), dataIndex: 'outcome' },
          {
            title: t('board.period'),
            key: 'p',
            // Each day whole on its line: a phone wraps at the tilde, never inside a date.
            render: (_, r) => (
              <>
                <span className="lj-nowrap">{r.noticeStartOn}</span> ~{' '}
                <span className="lj-nowrap">{r.noticeEndsOn}</span>
              </>
            ),
          },
          {
            title: t('board.daysLeft'),
            dataIndex: 'daysLeft',
            render: (v: number) => (v > 0 ? t('households.exitList.daysLeft', { n: v }) : t('board.ended')),
          },
        ]}
      />
    );
  return (
    <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
      {b && (
        <Flex vertical gap={12} data-testid="village-board">
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {b.townshipName} {b.villageName} · {t('board.title')}
            </Typography.Title>
            <Button icon={<PrinterOutlined />} className="lj-no-print" onClick={() => window.print()}>
              {t('households.exitList.print')}
            </Button>
          </Flex>
          <Card size="small" title={t('board.exits')}>
            {notices(b.exits, 'board-exits')}
          </Card>
          <Card size="small" title={t('board.monitoring')}>
            {notices(b.monitoring, 'board-monitoring')}
          </Card>
          <Typography.Paragraph type="secondary">{b.howToObject}</Typography.Paragraph>
          <Card size="small" title={t('board.items')}>
            {b.items.length === 0 ? (
              <Empty description={t('board.noItems')} />
            ) : (
              [...new Set(b.items.map((i) => i.listTitle))].map((title) => (
                <div key={title} style={{ marginBottom: 12 }}>
                  <Typography.Text strong>{title}</Typography.Text>
                  <Table
                    rowKey={(r) => `${r.listTitle}-${r.no}`}
                    size="small"
                    pagination={false}
                    tableLayout="fixed"
                    dataSource={b.items.filter((i) => i.listTitle === title)}
                    columns={[
                      { title: '#', dataIndex: 'no', width: 40 },
                      { title: t('board.problem'), dataIndex: 'problem' },
                      {
                        title: t('households.status'),
                        dataIndex: 'status',
                        width: 110,
                        render: (v: keyof typeof STATUS_COLOR, r) => (
                          <Flex gap={4} wrap>
                            <Tag color={STATUS_COLOR[v]}>{t(`itemStatus.${v}`)}</Tag>
                            {r.residentConfirmed && <Tag color="green">{t('board.confirmed')}</Tag>}
                          </Flex>
                        ),
                      },
                    ]}
                  />
                </div>
              ))
            )}
          </Card>
          <Typography.Text type="secondary">{b.today}</Typography.Text>
        </Flex>
      )}
    </QueryState>
  );
}

export function VillageBoardApp() {
  return (
    <Shell>
      <Routes>
        <Route path="/v" element={<Picker />} />
        <Route path="/v/:code" element={<Board />} />
      </Routes>
    </Shell>
  );
}
