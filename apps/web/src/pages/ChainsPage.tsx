import { useQuery } from '@tanstack/react-query';
import { Card, Col, Descriptions, Empty, List, Row, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { CursorPager, useCursorPages } from '../components/CursorPager';
import { QueryState } from '../components/QueryState';
import { ItemStatusTag } from '../features/items/ItemStatusTag';
import { chainKeys } from '../api/queryKeys';

function ParticipationTable({ data }: { data: Schemas['Chain']['participation'] }) {
  const { t } = useTranslation();
  return (
    <Table
      rowKey="id"
      size="small"
      style={{ marginTop: 16 }}
      dataSource={data.items}
      pagination={data.items.length > 8 ? { pageSize: 8, showSizeChanger: false } : false}
      title={() =>
        t('chains.participationTitle', { households: data.households, income: data.incomeYuan.toLocaleString('zh-CN') })
      }
      locale={{ emptyText: t('chains.noParticipation') }}
      columns={[
        { title: t('chains.household'), dataIndex: 'holder' },
        { title: t('reports.place'), dataIndex: 'regionName' },
        { title: t('chains.kind'), dataIndex: 'kind', render: (v) => t(`chains.kinds.${v}`) },
        { title: t('chains.stage'), dataIndex: 'stageName', render: (v) => v ?? '—' },
        {
          title: t('chains.income'),
          dataIndex: 'incomeYuan',
          align: 'right',
          render: (v: number) => v.toLocaleString('zh-CN'),
        },
        { title: t('chains.year'), dataIndex: 'year', width: 70 },
      ]}
    />
  );
}

function ChainView({ chain }: { chain: Schemas['Chain'] }) {
  const { t } = useTranslation();
  return (
    <Card
      title={`${chain.name} · ${chain.product}`}
      extra={<Typography.Text type="secondary">{chain.orgName}</Typography.Text>}
      style={{ marginBottom: 16 }}
    >
      <Row gutter={8} wrap={false} style={{ overflowX: 'auto' }}>
        {chain.stages.map((s) => (
          <Col key={s.id} flex="1 0 200px">
            <Card
              size="small"
              title={`${s.seq}. ${s.name}`}
              data-testid="chain-stage"
              styles={{ body: { minHeight: 160 } }}
            >
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('chains.placed')}
              </Typography.Text>
              <div style={{ margin: '4px 0 8px' }}>
                {s.placements.map((p) => (
                  <Tag
                    key={`${p.kind}-${p.refId}`}
                    color={p.kind === 'unit' ? 'blue' : undefined}
                    style={{ marginBottom: 4 }}
                  >
                    {p.name}
                  </Tag>
                ))}
              </div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('chains.blockages')}
              </Typography.Text>
              {s.blockages.length === 0 ? (
                <div style={{ fontSize: 12, color: 'rgba(0,0,0,.65)' }}>{t('chains.noBlockage')}</div>
              ) : (
                s.blockages.map((b) => (
                  <div key={b.id} style={{ marginTop: 4 }}>
                    <Link to={`/items/${b.id}`}>{b.problem}</Link>{' '}
                    <ItemStatusTag status={b.status} overdue={b.overdue} />
                  </div>
                ))
              )}
            </Card>
          </Col>
        ))}
      </Row>
      <ParticipationTable data={chain.participation} />
    </Card>
  );
}

function ProjectView({ project }: { project: Schemas['Project'] }) {
  const { t } = useTranslation();
  return (
    <Card
      title={project.name}
      extra={<Typography.Text type="secondary">{project.orgName}</Typography.Text>}
      style={{ marginBottom: 16 }}
    >
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={6}>
          <Statistic
            title={t('chains.investment')}
            value={t('chains.yuan', { value: (project.investmentYuan / 1e8).toFixed(2) })}
          />
        </Col>
        <Col span={6}>
          <Statistic
            title={t('chains.area')}
            value={t('chains.mu', { value: project.areaMu.toLocaleString('zh-CN') })}
          />
        </Col>
        <Col span={6}>
          <Statistic
            title={t('chains.beneficiaries')}
            value={t('chains.people', { value: project.beneficiaries.toLocaleString('zh-CN') })}
          />
        </Col>
        <Col span={6}>
          <Statistic
            title={t('chains.contracts')}
            value={t('chains.signedArea', { value: project.signedAreaMu.toLocaleString('zh-CN') })}
          />
        </Col>
      </Row>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('chains.about')}>{project.description}</Descriptions.Item>
      </Descriptions>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={project.contracts}
        title={() => t('chains.contracts')}
        columns={[
          { title: t('chains.holder'), dataIndex: 'holder' },
          { title: t('reports.place'), dataIndex: 'regionName' },
          { title: t('chains.area'), dataIndex: 'areaMu', align: 'right' },
          { title: t('chains.signedOn'), dataIndex: 'signedOn', render: (v) => v ?? '—' },
          {
            title: t('reports.status'),
            dataIndex: 'status',
            render: (v) => (
              <Tag color={v === 'disputed' ? 'red' : v === 'signed' ? 'green' : undefined}>
                {t(`chains.contractStatus.${v}`)}
              </Tag>
            ),
          },
        ]}
      />
      <List
        size="small"
        header={t('chains.items')}
        dataSource={project.items}
        locale={{ emptyText: '—' }}
        renderItem={(i) => (
          <List.Item>
            <Link to={`/items/${i.id}`}>{i.problem}</Link> <ItemStatusTag status={i.status} overdue={i.overdue} />
          </List.Item>
        )}
      />
      <ParticipationTable data={project.participation} />
    </Card>
  );
}

/** Industry chains stage by stage, and projects with their land transfer. */
export function ChainsPage() {
  const { t } = useTranslation();
  const chainPages = useCursorPages();
  const projectPages = useCursorPages();
  const page = (cursor: string | undefined) => ({ limit: 10, ...(cursor ? { cursor } : {}) });
  const chains = useQuery({
    queryKey: chainKeys.chains(chainPages.cursor),
    queryFn: () => unwrap(api.GET('/api/v1/chains', { params: { query: page(chainPages.cursor) } })),
  });
  const projects = useQuery({
    queryKey: chainKeys.projects(projectPages.cursor),
    queryFn: () => unwrap(api.GET('/api/v1/projects', { params: { query: page(projectPages.cursor) } })),
  });
  return (
    <div className="lj-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('chains.title')}
      </Typography.Title>
      <Tabs
        items={[
          {
            key: 'chains',
            label: t('chains.chains'),
            children: (
              <QueryState loading={chains.isLoading} error={chains.error}>
                {chains.data?.items.length ? (
                  <>
                    {chains.data.items.map((c) => (
                      <ChainView key={c.id} chain={c} />
                    ))}
                    <CursorPager pages={chainPages} total={chains.data.total} nextCursor={chains.data.nextCursor} />
                  </>
                ) : (
                  <Empty description={t('chains.noChains')} />
                )}
              </QueryState>
            ),
          },
          {
            key: 'projects',
            label: t('chains.projects'),
            children: (
              <QueryState loading={projects.isLoading} error={projects.error}>
                {projects.data?.items.length ? (
                  <>
                    {projects.data.items.map((p) => (
                      <ProjectView key={p.id} project={p} />
                    ))}
                    <CursorPager
                      pages={projectPages}
                      total={projects.data.total}
                      nextCursor={projects.data.nextCursor}
                    />
                  </>
                ) : (
                  <Empty description={t('chains.noProjects')} />
                )}
              </QueryState>
            ),
          },
        ]}
      />
    </div>
  );
}
