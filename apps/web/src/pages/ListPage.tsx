import { PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Button, Card, Flex, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ExportButton } from '../components/ExportButton';
import { type Schemas, api, unwrap } from '../api/client';
import { QueryState } from '../components/QueryState';
import { ItemStatusTag } from '../features/items/ItemStatusTag';
import { useRecordTitle } from '../components/pageTitle';

type Item = Schemas['ItemSummary'];
const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }) : '');

/** A problem list laid out as the county's ledger (台账), printable. */
export function ListPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const list = useQuery({ queryKey: ['problem-list', id], queryFn: () => unwrap(api.GET('/api/v1/problem-lists/{id}', { params: { path: { id } } })) });
  useRecordTitle(list.data?.title);
  const items = useQuery({
    queryKey: ['items', 'list', id],
    queryFn: () => unwrap(api.GET('/api/v1/items', { params: { query: { listId: id, limit: 200 } } })),
  });
  const rows = [...(items.data?.items ?? [])].sort((a, b) => a.no - b.no);
  return (
    <div className="lj-page">
      <QueryState loading={list.isLoading} error={list.error}>
        {list.data && (
          <>
            <Breadcrumb className="lj-no-print" style={{ marginBottom: 12 }} items={[{ title: <Link to="/lists">{t('lists.title')}</Link> }, { title: list.data.title }]} />
            <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
              <div>
                <Typography.Title level={3} style={{ margin: 0 }} data-testid="list-title">
                  {list.data.title}
                </Typography.Title>
                <Typography.Text type="secondary">
                  {list.data.orgName} · {t('lists.listedOn')} {list.data.listedOn} · {t('lists.items')} {list.data.itemCount} · {t('lists.closed')}{' '}
                  {list.data.closedCount}
                </Typography.Text>
              </div>
              <Flex gap={8} className="lj-no-print">
                <ExportButton kind="problem_list" params={{ id }} testId="export-xlsx">
                  {t('lists.export')}
                </ExportButton>
                <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
                  {t('lists.print')}
                </Button>
              </Flex>
            </Flex>
            <Card>
              <Table<Item>
                className="lj-ledger"
                rowKey="id"
                size="small"
                bordered
                loading={items.isLoading}
                dataSource={rows}
                pagination={false}
                scroll={{ x: 1500 }}
                columns={[
                  { title: t('lists.ledger.no'), dataIndex: 'no', width: 56, align: 'center' },
                  {
                    title: t('lists.ledger.problem'),
                    dataIndex: 'problem',
                    width: 220,
                    render: (v, i) => (
                      <Link to={`/items/${i.id}`} data-testid="ledger-item">
                        {v}
                      </Link>
                    ),
                  },
                  { title: t('lists.ledger.group'), dataIndex: ['responsibleGroup', 'name'], width: 130, render: (v) => v ?? '—' },
                  {
                    title: t('lists.ledger.people'),
                    dataIndex: 'responsibleMembers',
                    width: 110,
                    render: (v: string[], i) => (
                      <>
                        {v.join('、') || '—'}
                        {i.participants.length > 0 && (
                          <div className="lj-muted" data-testid="ledger-participants">
                            {t('lists.ledger.assisting', { names: i.participants.join('、') })}
                          </div>
                        )}
                      </>
                    ),
                  },
                  { title: t('lists.ledger.measures'), dataIndex: 'measures', width: 200, render: (v) => v ?? '—' },
                  {
                    title: t('lists.ledger.due'),
                    dataIndex: 'dueOn',
                    width: 110,
                    render: (v, i) => <span className={i.overdue ? 'lj-overdue' : undefined}>{v ?? '—'}</span>,
                  },
                  { title: t('lists.ledger.progress'), dataIndex: 'latestProgress', width: 200, render: (v) => v ?? '—' },
                  { title: t('lists.ledger.status'), dataIndex: 'status', width: 150, render: (v, i) => <ItemStatusTag status={v} overdue={i.overdue} /> },
                  { title: t('lists.ledger.closedAt'), dataIndex: 'closedAt', width: 110, render: day },
                  { title: t('lists.ledger.closedBy'), dataIndex: 'closedBy', width: 100, render: (v) => v ?? '' },
                ]}
              />
            </Card>
          </>
        )}
      </QueryState>
    </div>
  );
}
