import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, Input, Select, Table, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ExportButton } from '../components/ExportButton';
import { Link, useNavigate } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { allRegions } from '../components/regions';
import { QueryState } from '../components/QueryState';
import { LevelTag, StatusTag } from '../features/orgs/tags';
import { orgKeys, regionKeys } from '../api/queryKeys';

type Org = Schemas['OrgSummary'];
interface Node extends DataNode {
  key: string;
  org: Org;
  children?: Node[];
}

function NodeTitle({ org }: { org: Org }) {
  const { t } = useTranslation();
  return (
    <span className="lj-tree-title" data-testid="org-node">
      <LevelTag level={org.level} kind={org.kind} />
      <span>{org.name}</span>
      {org.status !== 'active' && <StatusTag status={org.status} />}
      <span className="lj-muted">
        {t('tree.members', { count: org.memberCount })}
        {org.childCount > 0 ? ` · ${t('tree.children', { count: org.childCount })}` : ''}
      </span>
    </span>
  );
}

const toNode = (org: Org): Node => ({ key: org.id, org, title: <NodeTitle org={org} />, isLeaf: org.childCount === 0 });

function replaceChildren(nodes: Node[], key: string, children: Node[]): Node[] {
  return nodes.map((n) =>
    n.key === key
      ? { ...n, children }
      : n.children
        ? { ...n, children: replaceChildren(n.children, key, children) }
        : n,
  );
}

async function fetchOrgs(query: Record<string, string | number>) {
  return unwrap(api.GET('/api/v1/orgs', { params: { query: { limit: 200, ...query } } }));
}

export function OrgTreePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [township, setTownship] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [tree, setTree] = useState<Node[]>([]);
  const [expanded, setExpanded] = useState<string[]>([]);
  const townships = useQuery({
    queryKey: regionKeys.list('township'),
    queryFn: () => allRegions({ level: 'township' }),
  });
  const roots = useQuery({
    queryKey: orgKeys.roots(township),
    queryFn: () => fetchOrgs({ roots: 'true', ...(township ? { regionId: township } : {}) }),
  });
  const search = useQuery({
    queryKey: orgKeys.search(q, township),
    queryFn: () => fetchOrgs({ q, limit: 50, ...(township ? { regionId: township } : {}) }),
    enabled: q.length > 0,
  });

  useEffect(() => {
    if (!roots.data) return;
    const nodes = roots.data.items.map(toNode);
    setTree(nodes);
    setExpanded(nodes.length === 1 && nodes[0] ? [nodes[0].key] : []);
  }, [roots.data]);

  const loadChildren = useCallback(
    async (node: { key: React.Key; children?: unknown[] }) => {
      if (node.children && node.children.length > 0) return;
      const children = await fetchOrgs({ parentId: String(node.key), ...(township ? { regionId: township } : {}) });
      setTree((prev) => replaceChildren(prev, String(node.key), children.items.map(toNode)));
    },
    [township],
  );

  return (
    <div className="lj-page">
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('tree.title')}
        </Typography.Title>
        <Flex gap={8} wrap>
          <Select
            aria-label={t('tree.township')}
            allowClear
            style={{ width: 200 }}
            placeholder={t('tree.township')}
            value={township}
            onChange={setTownship}
            options={townships.data?.items.map((r) => ({ value: r.code, label: r.name }))}
            data-testid="township-filter"
          />
          <Input.Search
            allowClear
            style={{ width: 260 }}
            placeholder={t('tree.search')}
            onSearch={(v) => setQ(v.trim())}
          />
          <ExportButton kind="org_roster" params={{}} testId="roster-export">
            {t('exports.roster')}
          </ExportButton>
        </Flex>
      </Flex>
      <Card>
        {q ? (
          <Table<Org>
            rowKey="id"
            loading={search.isLoading}
            dataSource={search.data?.items}
            pagination={false}
            locale={{ emptyText: <Empty description={t('tree.empty')} /> }}
            columns={[
              { title: t('create.name'), dataIndex: 'name', render: (v, o) => <Link to={`/orgs/${o.id}`}>{v}</Link> },
              { title: t('create.level'), dataIndex: 'level', render: (v, o) => <LevelTag level={v} kind={o.kind} /> },
              { title: t('org.region'), dataIndex: 'regionName' },
              { title: t('org.members'), dataIndex: 'memberCount' },
              { title: '', dataIndex: 'status', render: (v) => <StatusTag status={v} /> },
            ]}
          />
        ) : (
          <QueryState loading={roots.isLoading} error={roots.error} retry={() => roots.refetch()}>
            {tree.length === 0 ? (
              <Empty description={t('tree.empty')}>
                <Typography.Text type="secondary">{t('tree.emptyHint')}</Typography.Text>
              </Empty>
            ) : (
              <Tree<Node>
                showLine
                blockNode
                treeData={tree}
                expandedKeys={expanded}
                onExpand={(keys) => setExpanded(keys.map(String))}
                loadData={loadChildren}
                onSelect={(_, info) => navigate(`/orgs/${info.node.key}`)}
              />
            )}
          </QueryState>
        )}
      </Card>
    </div>
  );
}
