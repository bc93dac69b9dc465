import { SKILLS } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { ExportButton } from '../components/ExportButton';
import { CursorPager, useCursorPages } from '../components/CursorPager';
import { errorText } from '../components/errorText';
import { memberKeys } from '../api/queryKeys';

type Member = Schemas['Member'];
type Filters = {
  q?: string;
  skill?: (typeof SKILLS)[number];
  partyStatus?: 'full' | 'probationary' | 'none';
  linked?: 'true' | 'false';
};

/** Member search: name, full pinyin or initials, skill, party status, linked or not; keyset pages. */
export function MembersPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>({});
  const pages = useCursorPages();
  const cursor = pages.cursor;
  const q = useQuery({
    queryKey: memberKeys.list(filters, cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/members', { params: { query: { ...filters, limit: 20, ...(cursor ? { cursor } : {}) } } }),
      ),
  });
  const update = (patch: Filters) => {
    setFilters((f) => ({ ...f, ...patch }));
    pages.reset();
  };
  return (
    <div className="lj-page">
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('members.title')}
        </Typography.Title>
        <ExportButton
          kind="member_list"
          params={filters.partyStatus ? { partyStatus: filters.partyStatus } : {}}
          testId="members-export"
        >
          {t('exports.members')}
        </ExportButton>
      </Flex>
      <Card>
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            style={{ width: 280 }}
            placeholder={t('members.search')}
            onSearch={(v) => update({ q: v.trim() || undefined })}
            data-testid="member-search"
          />
          <Select
            aria-label={t('members.skill')}
            allowClear
            style={{ width: 140 }}
            placeholder={t('members.skill')}
            onChange={(v) => update({ skill: v })}
            options={SKILLS.map((s) => ({ value: s, label: t(`skill.${s}`) }))}
          />
          <Select
            aria-label={t('members.partyStatus')}
            allowClear
            style={{ width: 160 }}
            placeholder={t('members.partyStatus')}
            onChange={(v) => update({ partyStatus: v })}
            options={(['full', 'probationary', 'none'] as const).map((s) => ({
              value: s,
              label: t(`partyStatus.${s}`),
            }))}
          />
          <Select
            aria-label={t('members.linked')}
            allowClear
            style={{ width: 140 }}
            placeholder={t('members.linked')}
            onChange={(v) => update({ linked: v })}
            options={[
              { value: 'true', label: t('members.linkedYes') },
              { value: 'false', label: t('members.linkedNo') },
            ]}
          />
        </Flex>
        {q.error ? (
          <Typography.Text type="danger">{errorText(q.error)}</Typography.Text>
        ) : (
          <Table<Member>
            rowKey="id"
            loading={q.isLoading}
            dataSource={q.data?.items}
            pagination={false}
            scroll={{ x: 900 }}
            locale={{ emptyText: <Empty description={t('members.empty')} /> }}
            columns={[
              {
                title: t('members.name'),
                dataIndex: 'name',
                width: 100,
                render: (v, m) => <Link to={`/members/${m.id}/record`}>{v}</Link>,
              },
              {
                title: t('members.partyStatus'),
                dataIndex: 'partyStatus',
                width: 130,
                render: (v) => (
                  <Tag color={v === 'none' ? 'default' : v === 'full' ? 'red' : 'orange'}>{t(`partyStatus.${v}`)}</Tag>
                ),
              },
              { title: t('members.unit'), dataIndex: 'unitName', ellipsis: true },
              { title: t('members.title2'), dataIndex: 'title', width: 120, render: (v) => v ?? '—' },
              { title: t('members.homeOrg'), dataIndex: 'homeOrgName', ellipsis: true, render: (v) => v ?? '—' },
              {
                title: t('members.skills'),
                dataIndex: 'skills',
                render: (skills: string[]) => skills.map((s) => <Tag key={s}>{t(`skill.${s}`)}</Tag>),
              },
              { title: t('members.memberships'), dataIndex: 'activeMemberships', width: 140, align: 'right' },
            ]}
          />
        )}
        <CursorPager pages={pages} total={q.data?.total ?? 0} nextCursor={q.data?.nextCursor} testId="member-total" />
      </Card>
    </div>
  );
}
