import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Button, Calendar, Empty, Flex, List, Segmented, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, allPages, api, unwrap } from '../../api/client';
import { QueryState } from '../../components/QueryState';
import { activityKeys } from '../../api/queryKeys';

type Summary = Schemas['ActivitySummary'];

export const kindColor: Record<Summary['kind'], string> = {
  branch_meeting: 'red',
  group_meeting: 'blue',
  study_session: 'green',
  themed_party_day: 'magenta',
  joint_activity: 'orange',
  onsite_meeting: 'cyan',
};

/** An organization's meetings by month — calendar or list — with its party groups' missed-meeting reminders. */
export function OrgLifePanel({ org, canRecord }: { org: { id: string }; canRecord: boolean }) {
  const { t } = useTranslation();
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const [view, setView] = useState<'calendar' | 'list'>('list');
  const from = month.startOf('month').format('YYYY-MM-DD');
  const to = month.endOf('month').format('YYYY-MM-DD');
  const q = useQuery({
    queryKey: activityKeys.ofOrg(org.id, { from }),
    queryFn: async () => ({
      items: await allPages((cursor) =>
        unwrap(
          api.GET('/api/v1/activities', {
            params: { query: { orgId: org.id, from, to, limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
    }),
  });
  const latest = useQuery({
    queryKey: activityKeys.ofOrg(org.id, { limit: 1 }),
    queryFn: () => unwrap(api.GET('/api/v1/activities', { params: { query: { orgId: org.id, limit: 1 } } })),
  });
  const reminders = useQuery({
    queryKey: activityKeys.reminders(org.id),
    queryFn: async () => ({
      items: await allPages((cursor) =>
        unwrap(
          api.GET('/api/v1/meeting-reminders', {
            params: { query: { orgId: org.id, limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
    }),
  });
  const mine = reminders.data?.items ?? [];
  const byDay = new Map<string, Summary[]>();
  for (const a of q.data?.items ?? []) byDay.set(a.heldOn, [...(byDay.get(a.heldOn) ?? []), a]);
  // Open on the month of the latest meeting when the current month has none (a county reviewing past years).
  const latestMonth = latest.data?.items[0]?.heldOn;

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Flex gap={8} align="center" wrap>
          <Button onClick={() => setMonth(month.subtract(1, 'month'))}>‹</Button>
          <Typography.Text strong data-testid="life-month">
            {month.format('YYYY-MM')}
          </Typography.Text>
          <Button onClick={() => setMonth(month.add(1, 'month'))}>›</Button>
          {latestMonth && !latestMonth.startsWith(month.format('YYYY-MM')) && (
            <Button type="link" onClick={() => setMonth(dayjs(latestMonth))}>
              {latestMonth.slice(0, 7)}
            </Button>
          )}
          <Segmented
            value={view}
            onChange={(v) => setView(v as 'calendar' | 'list')}
            options={[
              { value: 'list', label: t('activity.list') },
              { value: 'calendar', label: t('activity.calendar') },
            ]}
          />
        </Flex>
        {canRecord && (
          <Link to={`/orgs/${org.id}/meetings/new`}>
            <Button type="primary" icon={<PlusOutlined />} data-testid="record-meeting">
              {t('activity.record')}
            </Button>
          </Link>
        )}
      </Flex>
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        {view === 'calendar' ? (
          <Calendar
            value={month}
            onPanelChange={(d) => setMonth(d)}
            onSelect={(d) => setMonth(d)}
            headerRender={() => null}
            cellRender={(d, info) =>
              info.type === 'date' ? (
                <Flex vertical gap={2}>
                  {(byDay.get(d.format('YYYY-MM-DD')) ?? []).map((a) => (
                    <Link key={a.id} to={`/activities/${a.id}`}>
                      <Badge
                        color={kindColor[a.kind]}
                        text={<span style={{ fontSize: 12 }}>{a.orgName.replace(/临时党支部$/, '')}</span>}
                      />
                    </Link>
                  ))}
                </Flex>
              ) : null
            }
          />
        ) : (
          <List
            dataSource={q.data?.items ?? []}
            locale={{ emptyText: <Empty description={t('activity.empty')} /> }}
            renderItem={(a) => (
              <List.Item>
                <List.Item.Meta
                  title={
                    <Flex gap={8} wrap align="center">
                      <span>{a.heldOn}</span>
                      <Tag color={kindColor[a.kind]}>{t(`activity.kinds.${a.kind}`)}</Tag>
                      <Link to={`/activities/${a.id}`}>{a.topic}</Link>
                    </Flex>
                  }
                  description={`${a.orgName} · ${a.place} · ${t('activity.counts', { present: a.present, excused: a.excused, absent: a.absent })}`}
                />
              </List.Item>
            )}
          />
        )}
      </QueryState>
      {mine.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          title={t('activity.reminders')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {mine.slice(0, 10).map((r) => (
                <li key={r.id}>
                  {t('activity.reminder', {
                    org: `${r.parentName ? `${r.parentName} ` : ''}${r.orgName}`,
                    last: r.lastMetOn ?? t('activity.never'),
                    due: r.dueOn,
                  })}
                </li>
              ))}
            </ul>
          }
        />
      ) : null}
    </Flex>
  );
}
