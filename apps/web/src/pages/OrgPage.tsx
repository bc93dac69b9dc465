import { DESIGNATED_ROLES } from '@lianjian/shared';
import { ApartmentOutlined, CalendarOutlined, PlusOutlined, UserAddOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Collapse,
  DatePicker,
  Descriptions,
  Empty,
  Flex,
  List,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type Schemas, api, today, unwrap } from '../api/client';
import { OrgLifePanel } from '../features/activities/OrgLifePanel';
import { QueryState } from '../components/QueryState';
import { CreateOrgModal } from '../features/orgs/CreateOrgModal';
import { EndMembershipModal } from '../features/orgs/EndMembershipModal';
import { LinkMemberModal } from '../features/orgs/LinkMemberModal';
import { OrgStatusActions } from '../features/orgs/OrgStatusActions';
import { LevelTag, RoleTag, StatusTag } from '../features/orgs/tags';
import { useRecordTitle } from '../components/pageTitle';
import { orgKeys } from '../api/queryKeys';

type Membership = Schemas['Membership'];

function Roster(props: {
  rows: Membership[];
  canEnd: (m: Membership) => boolean;
  onEnd: (m: Membership) => void;
  showEnd: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Table<Membership>
      rowKey="id"
      size="small"
      dataSource={props.rows}
      pagination={props.rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      columns={[
        {
          title: t('members.name'),
          dataIndex: 'memberName',
          width: 110,
          render: (v, m) => <Link to={`/members/${m.memberId}/record`}>{v}</Link>,
        },
        { title: t('link.role'), dataIndex: 'role', width: 100, render: (r) => <RoleTag role={r} /> },
        { title: t('members.unit'), dataIndex: 'unitName', ellipsis: true },
        { title: t('link.startOn'), dataIndex: 'startOn', width: 110 },
        {
          title: t('link.reason'),
          dataIndex: 'linkReason',
          ellipsis: true,
          render: (v, m) => (
            <span>
              {v}
              {m.designatedBy && (
                <Typography.Text type="secondary">（{t('org.designatedBy', { org: m.designatedBy })}）</Typography.Text>
              )}
            </span>
          ),
        },
        ...(props.showEnd
          ? [
              {
                title: '',
                key: 'actions',
                width: 70,
                render: (_: unknown, m: Membership) =>
                  props.canEnd(m) && m.active ? (
                    <Button size="small" type="link" danger onClick={() => props.onEnd(m)}>
                      {t('org.endMembership')}
                    </Button>
                  ) : null,
              },
            ]
          : []),
      ]}
    />
  );
}

export function OrgPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const [linkOpen, setLinkOpen] = useState(false);
  const [createOpen, setCreateOpen] = useState(false);
  const [ending, setEnding] = useState<Membership | null>(null);
  const [asOf, setAsOf] = useState(today());
  const org = useQuery({
    queryKey: orgKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}', { params: { path: { id } } })),
  });
  const roster = useQuery({
    queryKey: orgKeys.memberships(id, { status: 'active', asOf }),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/orgs/{id}/memberships', {
          params: { path: { id }, query: { includeGroups: 'true', status: 'active', asOf, limit: 500 } },
        }),
      ),
  });
  const history = useQuery({
    queryKey: orgKeys.memberships(id, { status: 'all' }),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/orgs/{id}/memberships', {
          params: { path: { id }, query: { includeGroups: 'true', status: 'all', limit: 500 } },
        }),
      ),
  });
  const children = useQuery({
    queryKey: orgKeys.children(id),
    queryFn: () => unwrap(api.GET('/api/v1/orgs', { params: { query: { parentId: id, limit: 200 } } })),
  });
  const groups = (children.data?.items ?? []).filter((c) => c.level === 'group');

  const byOrg = useMemo(() => {
    const map = new Map<string, Membership[]>();
    for (const m of roster.data?.items ?? []) map.set(m.orgId, [...(map.get(m.orgId) ?? []), m]);
    return map;
  }, [roster.data]);

  const events = useMemo(() => {
    const out: { date: string; text: string; color: string }[] = [];
    for (const m of history.data?.items ?? []) {
      out.push({
        date: m.startOn,
        color: 'green',
        text: t('org.joined', { name: m.memberName, role: t(`role.${m.role}`), org: m.orgName }),
      });
      if (m.endOn)
        out.push({
          date: m.endOn,
          color: 'gray',
          text: t('org.left', { name: m.memberName, org: m.orgName, reason: m.endReason ?? '' }),
        });
    }
    return out.sort((a, b) => b.date.localeCompare(a.date)).slice(0, 200);
  }, [history.data, t]);

  const o = org.data;
  useRecordTitle(o?.name);
  return (
    <div className="lj-page">
      <QueryState loading={org.isLoading} error={org.error} retry={() => org.refetch()}>
        {o && (
          <>
            <Breadcrumb
              style={{ marginBottom: 12 }}
              items={[
                { title: <Link to="/orgs">{t('nav.orgs')}</Link> },
                ...(o.parent ? [{ title: <Link to={`/orgs/${o.parent.id}`}>{o.parent.name}</Link> }] : []),
                { title: o.name },
              ]}
            />
            <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
              <Flex align="center" gap={8} wrap>
                <Typography.Title level={3} style={{ margin: 0 }} data-testid="org-name">
                  {o.name}
                </Typography.Title>
                <LevelTag level={o.level} kind={o.kind} />
                <StatusTag status={o.status} />
              </Flex>
              <Flex gap={8} wrap className="lj-no-print">
                {/* Recording a meeting is a secretary's most frequent act: in the header, not a tab away. */}
                {o.abilities.recordMeeting && (
                  <Link to={`/orgs/${o.id}/meetings/new`}>
                    <Button icon={<CalendarOutlined />} data-testid="record-meeting-top">
                      {t('activity.record')}
                    </Button>
                  </Link>
                )}
                <OrgStatusActions org={o} />
                {o.abilities.createChild && (
                  <Button icon={<PlusOutlined />} onClick={() => setCreateOpen(true)}>
                    {t('org.createChild')}
                  </Button>
                )}
                {o.abilities.linkMember && (
                  <Button
                    type="primary"
                    icon={<UserAddOutlined />}
                    onClick={() => setLinkOpen(true)}
                    data-testid="link-member"
                  >
                    {t('org.linkMember')}
                  </Button>
                )}
              </Flex>
            </Flex>
            {o.status === 'dissolved' && (
              <Alert
                type="warning"
                showIcon
                title={t('org.dissolvedNotice', { date: o.dissolvedOn })}
                style={{ marginBottom: 16 }}
              />
            )}
            <Card style={{ marginBottom: 16 }}>
              <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small">
                <Descriptions.Item label={t('org.mission')} span={3}>
                  {o.mission}
                </Descriptions.Item>
                <Descriptions.Item label={t('org.approvingOrg')}>
                  {o.approvingOrg?.name ?? t('common.none')}
                </Descriptions.Item>
                <Descriptions.Item label={t('org.approval')}>
                  {o.approvedOn ?? '—'} {o.approvalDocNo ?? ''}
                </Descriptions.Item>
                <Descriptions.Item label={t('org.mode')}>{t(`mode.${o.mode}`)}</Descriptions.Item>
                <Descriptions.Item label={t('org.anchor')}>
                  {t(`anchor.${o.anchorType}`)} · {o.anchorName}
                </Descriptions.Item>
                <Descriptions.Item label={t('org.region')}>{o.regionName}</Descriptions.Item>
                <Descriptions.Item label={t('org.covered')}>
                  {o.coveredRegions.map((r) => r.name).join('、')}
                </Descriptions.Item>
                <Descriptions.Item label={t('org.established')}>{o.establishedOn}</Descriptions.Item>
                <Descriptions.Item label={t('org.plannedEnd')}>{o.plannedEndOn ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('org.members')}>
                  {t('org.total', { count: o.memberCount })}
                </Descriptions.Item>
              </Descriptions>
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
                {t('org.rules')}
              </Typography.Paragraph>
            </Card>
            <Card>
              <Tabs
                items={[
                  {
                    key: 'members',
                    label: `${t('org.byGroup')}（${o.memberCount}）`,
                    children: (
                      <QueryState loading={roster.isLoading} error={roster.error}>
                        <Flex justify="flex-end" align="center" gap={8} style={{ marginBottom: 12 }}>
                          <span>{t('org.asOf')}</span>
                          <DatePicker
                            allowClear={false}
                            value={dayjs(asOf)}
                            onChange={(d) => d && setAsOf(d.format('YYYY-MM-DD'))}
                          />
                        </Flex>
                        {(roster.data?.items.length ?? 0) === 0 ? (
                          <Empty description={t('org.noMembers')} />
                        ) : (
                          <Collapse
                            defaultActiveKey={[o.id, ...groups.map((g) => g.id)]}
                            items={[
                              { id: o.id, name: groups.length ? t('org.direct') : o.name },
                              ...groups.map((g) => ({ id: g.id, name: g.name })),
                            ]
                              .filter((g) => (byOrg.get(g.id)?.length ?? 0) > 0)
                              .map((g) => ({
                                key: g.id,
                                label: (
                                  <span data-testid="group-panel">
                                    {g.name} <Tag>{byOrg.get(g.id)?.length ?? 0}</Tag>
                                  </span>
                                ),
                                children: (
                                  <Roster
                                    rows={byOrg.get(g.id) ?? []}
                                    canEnd={(m) =>
                                      // A designated role is ended by whoever designated it, as the server rules.
                                      o.abilities.endMembership &&
                                      (m.role === 'group_leader'
                                        ? o.abilities.endGroupLeaders
                                        : !(DESIGNATED_ROLES as readonly string[]).includes(m.role) ||
                                          o.abilities.endLeaders)
                                    }
                                    showEnd={asOf === today()}
                                    onEnd={setEnding}
                                  />
                                ),
                              }))}
                          />
                        )}
                      </QueryState>
                    ),
                  },
                  {
                    key: 'life',
                    label: t('activity.tab'),
                    children: <OrgLifePanel org={o} canRecord={o.abilities.recordMeeting} />,
                  },
                  {
                    key: 'history',
                    label: t('org.history'),
                    children:
                      events.length === 0 ? (
                        <Empty />
                      ) : (
                        <div style={{ maxHeight: 640, overflowY: 'auto', paddingTop: 8 }}>
                          <Timeline items={events.map((e) => ({ color: e.color, content: `${e.date}　${e.text}` }))} />
                        </div>
                      ),
                  },
                  {
                    key: 'children',
                    label: `${t('org.children')}（${children.data?.total ?? 0}）`,
                    children: (
                      <List
                        dataSource={children.data?.items ?? []}
                        locale={{ emptyText: <Empty description={t('org.noChildren')} /> }}
                        renderItem={(c) => (
                          <List.Item>
                            <Flex gap={8} align="center">
                              <ApartmentOutlined />
                              <LevelTag level={c.level} kind={c.kind} />
                              <Link to={`/orgs/${c.id}`}>{c.name}</Link>
                              <StatusTag status={c.status} />
                              <span className="lj-muted">{t('tree.members', { count: c.memberCount })}</span>
                            </Flex>
                          </List.Item>
                        )}
                      />
                    ),
                  },
                  {
                    key: 'units',
                    label: `${t('org.linkedUnits')}（${o.linkedUnits.length}）`,
                    children: (
                      <Table
                        rowKey="id"
                        size="small"
                        dataSource={o.linkedUnits}
                        pagination={false}
                        locale={{ emptyText: <Empty description={t('org.noUnits')} /> }}
                        columns={[
                          { title: t('members.unit'), dataIndex: 'name' },
                          { title: t('create.kind'), dataIndex: 'type', render: (v) => t(`unitType.${v}`) },
                          { title: t('link.startOn'), dataIndex: 'linkedOn' },
                          { title: t('link.reason'), dataIndex: 'purpose', render: (v) => v ?? '—' },
                        ]}
                      />
                    ),
                  },
                ]}
              />
            </Card>
            <LinkMemberModal org={o} groups={groups} open={linkOpen} onClose={() => setLinkOpen(false)} />
            <CreateOrgModal parent={o} open={createOpen} onClose={() => setCreateOpen(false)} />
            <EndMembershipModal membership={ending} onClose={() => setEnding(null)} />
          </>
        )}
      </QueryState>
    </div>
  );
}
