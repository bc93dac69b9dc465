import { PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Button, Card, Flex, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ExportButton } from '../components/ExportButton';
import { type Schemas, api, unwrap } from '../api/client';
import { QueryState } from '../components/QueryState';
import { AddItemButton } from '../features/items/AddItemModal';
import { ItemStatusTag } from '../features/items/ItemStatusTag';
import { useRecordTitle } from '../components/pageTitle';
import { PHONE, useMedia } from '../components/useMedia';
import { formatDay } from '../components/format';
import { itemKeys } from '../api/queryKeys';

type Item = Schemas['ItemSummary'];
const day = (iso: string | null) => (iso ? formatDay(iso) : '');

/** A problem list laid out as the county's ledger (台账), printable. */
export function ListPage() {
  const phone = useMedia(PHONE);
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: itemKeys.problemList(id),
    queryFn: () => unwrap(api.GET('/api/v1/problem-lists/{id}', { params: { path: { id } } })),
  });
  useRecordTitle(list.data?.title);
  const items = useQuery({
    queryKey: itemKeys.ofList(id),
    queryFn: () => unwrap(api.GET('/api/v1/items', { params: { query: { listId: id, limit: 200 } } })),
  });
  const rows = [...(items.data?.items ?? [])].sort((a, b) => a.no - b.no);
  return (
    <div className="lj-page">
      <QueryState loading={list.isLoading} error={list.error}>
        {list.data && (
          <>
            <Breadcrumb
              className="lj-no-print"
              style={{ marginBottom: 12 }}
              items={[{ title: <Link to="/lists">{t('lists.title')}</Link> }, { title: list.data.title }]}
            />
            <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
              <div>
                <Typography.Title level={3} style={{ margin: 0 }} data-testid="list-title">
                  {list.data.title}
                </Typography.Title>
                <Typography.Text type="secondary">
                  {list.data.orgName} · {t('lists.listedOn')} {list.data.listedOn} · {t('lists.items')}{' '}
                  {list.data.itemCount} · {t('lists.closed')} {list.data.closedCount}
                </Typography.Text>
              </div>
              <Flex gap={8} wrap className="lj-no-print">
                <AddItemButton list={list.data} />
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
                // On a screen or an A4 landscape sheet every column fits, its text wrapping; on a phone the ledger
                // scrolls with its number and problem held in view.
                tableLayout="fixed"
                scroll={phone ? { x: 960 } : undefined}
                columns={[
                  {
                    title: t('lists.ledger.no'),
                    dataIndex: 'no',
                    width: 48,
                    align: 'center',
                    fixed: phone ? 'left' : undefined,
                  },
                  {
                    title: t('lists.ledger.problem'),
                    dataIndex: 'problem',
                    fixed: phone ? 'left' : undefined,
                    width: phone ? 120 : undefined,
                    render: (v, i) => (
                      <Link to={`/items/${i.id}`} data-testid="ledger-item">
                        {v}
                      </Link>
                    ),
                  },
                  { title: t('lists.ledger.group'), dataIndex: ['responsibleGroup', 'name'], render: (v) => v ?? '—' },
                  {
                    title: t('lists.ledger.people'),
                    dataIndex: 'responsibleMembers',
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
                  { title: t('lists.ledger.measures'), dataIndex: 'measures', render: (v) => v ?? '—' },
                  {
                    title: t('lists.ledger.due'),
                    dataIndex: 'dueOn',
                    width: 96,
                    render: (v, i) => <span className={i.overdue ? 'lj-overdue' : undefined}>{v ?? '—'}</span>,
                  },
                  { title: t('lists.ledger.progress'), dataIndex: 'latestProgress', render: (v) => v ?? '—' },
                  {
                    title: t('lists.ledger.status'),
                    dataIndex: 'status',
                    width: 104,
                    render: (v, i) => <ItemStatusTag status={v} overdue={i.overdue} light={i.light} />,
                  },
                  { title: t('lists.ledger.closedAt'), dataIndex: 'closedAt', width: 96, render: day },
                  { title: t('lists.ledger.closedBy'), dataIndex: 'closedBy', width: 80, render: (v) => v ?? '' },
                ]}
              />
            </Card>
          </>
        )}
      </QueryState>
    </div>
  );
}
