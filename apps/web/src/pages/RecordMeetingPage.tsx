import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { REPORT_CATEGORIES } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import type { UploadFile } from 'antd';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Empty,
  Flex,
  Form,
  Input,
  Radio,
  Select,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { type Schemas, api, today, unwrap } from '../api/client';
import { PhotoPicker } from '../components/PhotoPicker';
import { photosOf } from '../components/photos';
import { QueryState } from '../components/QueryState';
import { useServerAction } from '../components/useServerAction';
import { validValues } from '../components/validValues';
import { useRecordTitle } from '../components/pageTitle';
import { activityKeys, orgKeys } from '../api/queryKeys';

type Kind = Schemas['NewActivity']['kind'];
type Status = 'present' | 'excused' | 'absent';
const STATUSES: Status[] = ['present', 'excused', 'absent'];
const KINDS: Record<string, Kind[]> = {
  group: ['group_meeting', 'study_session', 'themed_party_day', 'joint_activity', 'onsite_meeting'],
  default: ['branch_meeting', 'study_session', 'themed_party_day', 'joint_activity', 'onsite_meeting'],
};

interface DecisionDraft {
  key: number;
  text: string;
  toList: boolean;
  category?: (typeof REPORT_CATEGORIES)[number];
}

/**
 * Records a meeting from a phone: who belonged to the organization on the day is listed, each name unmarked until
 * marked present, excused (with the reason) or absent in one tap (or the rest at once, as a deliberate act): a
 * careless save cannot count the absent as present. Decisions can go straight onto a problem list; photos. A meeting
 * of the organization already recorded that day is pointed out before a second one is saved.
 */
export function RecordMeetingPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    kind: t('activity.kind'),
    heldOn: t('activity.heldOn'),
    place: t('activity.place'),
    topic: t('activity.topic'),
    minutes: t('activity.minutes'),
    reason: t('activity.reason'),
  });
  const [day, setDay] = useState<Dayjs>(dayjs(today()));
  const [kind, setKind] = useState<Kind | undefined>();
  const [marks, setMarks] = useState<Record<string, { status: Status; reason?: string }>>({});
  const [guests, setGuests] = useState<Set<string>>(new Set());
  const [decisions, setDecisions] = useState<DecisionDraft[]>([]);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const org = useQuery({
    queryKey: orgKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}', { params: { path: { id } } })),
  });
  useRecordTitle(org.data ? `${t('activity.record')} · ${org.data.name}` : null);
  const on = day.format('YYYY-MM-DD');
  const roster = useQuery({
    queryKey: activityKeys.roster(id, on),
    queryFn: () => unwrap(api.GET('/api/v1/activities/roster', { params: { query: { orgId: id, on } } })),
  });
  const kinds = KINDS[org.data?.level === 'group' ? 'group' : 'default'] as Kind[];
  const effectiveKind = kind ?? kinds[0];
  const statusOf = (memberId: string): Status | undefined => marks[memberId]?.status;
  // A refusal about the roll is stale once the roll changes.
  const mark = (memberId: string, status: Status) => {
    setError(null);
    setMarks((m) => ({ ...m, [memberId]: { status, reason: m[memberId]?.reason } }));
  };
  const markRest = (status: Status) => {
    setError(null);
    setMarks((m) => {
      const next = { ...m };
      for (const x of roster.data?.members ?? []) if (!next[x.memberId]) next[x.memberId] = { status };
      return next;
    });
  };
  const counts = (roster.data?.members ?? []).reduce(
    (acc, m) => {
      acc[statusOf(m.memberId) ?? 'unmarked']++;
      return acc;
    },
    { present: 0, excused: 0, absent: 0, unmarked: 0 } as Record<Status | 'unmarked', number>,
  );
  // Meetings of this organization already recorded that day (its party groups' are their own).
  const sameDay = useQuery({
    queryKey: activityKeys.ofOrg(id, { from: on, to: on }),
    queryFn: () => unwrap(api.GET('/api/v1/activities', { params: { query: { orgId: id, from: on, to: on } } })),
  });
  const alreadyHeld = (sameDay.data?.items ?? []).filter((a) => a.orgId === id);

  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    setError(null);
    const members = roster.data?.members ?? [];
    const unmarked = members.filter((m) => !statusOf(m.memberId));
    if (unmarked.length) {
      setError(
        t('activity.unmarked', {
          n: unmarked.length,
          names: unmarked
            .slice(0, 5)
            .map((m) => m.name)
            .join('、'),
        }),
      );
      return;
    }
    const missingReason = members.find((m) => statusOf(m.memberId) === 'excused' && !marks[m.memberId]?.reason?.trim());
    if (missingReason) {
      setError(`${missingReason.name}：${t('activity.reason')}`);
      return;
    }
    const photos = await photosOf(files);
    let created: { id: string } | null = null;
    const ok = await run(async () => {
      created = await unwrap(
        api.POST('/api/v1/activities', {
          body: {
            orgId: id,
            kind: effectiveKind,
            heldOn: on,
            place: v.place,
            topic: v.topic,
            ...(v.minutes?.trim() ? { minutes: v.minutes } : {}),
            attendance: [
              ...members.map((m) => ({
                memberId: m.memberId,
                status: statusOf(m.memberId) as Status,
                ...(statusOf(m.memberId) === 'excused' ? { reason: marks[m.memberId]?.reason?.trim() } : {}),
              })),
              ...(effectiveKind === 'joint_activity'
                ? [...guests].map((g) => ({ memberId: g, status: 'present' as const }))
                : []),
            ],
            decisions: decisions
              .filter((d) => d.text.trim())
              .map((d) => ({
                text: d.text.trim(),
                ...(d.toList ? { item: { problem: d.text.trim(), category: d.category ?? 'other' } } : {}),
              })),
            photos,
          },
        }),
      );
    }, t('activity.saved'));
    if (ok && created) navigate(`/activities/${(created as { id: string }).id}`);
  };

  return (
    <div className="lj-page lj-narrow">
      <QueryState loading={org.isLoading} error={org.error} retry={() => org.refetch()}>
        {org.data && (
          <>
            <Breadcrumb
              style={{ marginBottom: 12 }}
              items={[{ title: <Link to={`/orgs/${id}`}>{org.data.name}</Link> }, { title: t('activity.record') }]}
            />
            <Typography.Title level={4} style={{ marginTop: 0 }}>
              {t('activity.record')}
            </Typography.Title>
            {!org.data.abilities.recordMeeting ? (
              <Alert type="info" showIcon title={t('activity.cannotRecord')} data-testid="meeting-read-only" />
            ) : (
              <Form form={form} layout="vertical" initialValues={{ place: '' }}>
                <Flex gap={8} wrap>
                  <Form.Item label={t('activity.kind')} style={{ flex: '1 1 160px' }}>
                    <Select
                      aria-label={t('activity.kind')}
                      value={effectiveKind}
                      onChange={setKind}
                      options={kinds.map((k) => ({ value: k, label: t(`activity.kinds.${k}`) }))}
                      data-testid="meeting-kind"
                    />
                  </Form.Item>
                  <Form.Item label={t('activity.heldOn')} style={{ flex: '1 1 140px' }}>
                    <DatePicker
                      value={day}
                      allowClear={false}
                      inputReadOnly
                      style={{ width: '100%' }}
                      disabledDate={(d) => d.isAfter(dayjs(today()), 'day')}
                      onChange={(d) => {
                        if (d) {
                          setDay(d);
                          setMarks({});
                        }
                      }}
                    />
                  </Form.Item>
                </Flex>
                {alreadyHeld.length > 0 && (
                  <Alert
                    type="warning"
                    showIcon
                    style={{ marginBottom: 16 }}
                    data-testid="same-day-meeting"
                    title={t('activity.sameDay', {
                      date: on,
                      topics: alreadyHeld.map((a) => `“${a.topic}”`).join('、'),
                    })}
                    description={
                      <Flex gap={12} wrap>
                        {alreadyHeld.map((a) => (
                          <Link key={a.id} to={`/activities/${a.id}`}>
                            {a.topic}
                          </Link>
                        ))}
                      </Flex>
                    }
                  />
                )}
                <Form.Item
                  name="topic"
                  label={t('activity.topic')}
                  rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                >
                  <Input maxLength={200} data-testid="meeting-topic" />
                </Form.Item>
                <Form.Item
                  name="place"
                  label={t('activity.place')}
                  rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                >
                  <Input maxLength={200} data-testid="meeting-place" />
                </Form.Item>
                <Card
                  size="small"
                  title={t('activity.attendance')}
                  extra={<Typography.Text type="secondary">{t('activity.rollCounts', counts)}</Typography.Text>}
                  style={{ marginBottom: 16 }}
                >
                  <QueryState loading={roster.isLoading} error={roster.error} retry={() => roster.refetch()}>
                    <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
                      {t('activity.rosterOf', { date: on, n: roster.data?.members.length ?? 0 })} ·{' '}
                      {t('activity.tapHint')}
                    </Typography.Paragraph>
                    {(roster.data?.members.length ?? 0) === 0 ? (
                      <Empty description={t('activity.noRoster')} />
                    ) : (
                      <>
                        <Flex wrap gap={8} style={{ marginBottom: 8 }}>
                          <Button
                            size="small"
                            onClick={() => markRest('present')}
                            disabled={counts.unmarked === 0}
                            data-testid="rest-present"
                          >
                            {t('activity.restPresent')}
                          </Button>
                          <Button
                            size="small"
                            onClick={() => markRest('absent')}
                            disabled={counts.unmarked === 0}
                            data-testid="rest-absent"
                          >
                            {t('activity.restAbsent')}
                          </Button>
                        </Flex>
                        <ul className="lj-attendance">
                          {roster.data?.members.map((m) => {
                            const status = statusOf(m.memberId);
                            return (
                              <li key={m.memberId} data-testid={`attend-${m.name}`} data-status={status ?? 'unmarked'}>
                                <Flex justify="space-between" align="center" gap={8} wrap>
                                  <span className="lj-attendance-name">{m.name}</span>
                                  <Radio.Group
                                    optionType="button"
                                    buttonStyle="solid"
                                    value={status}
                                    aria-label={m.name}
                                    onChange={(e) => mark(m.memberId, e.target.value as Status)}
                                    options={STATUSES.map((x) => ({ value: x, label: t(`activity.statuses.${x}`) }))}
                                  />
                                </Flex>
                                {status === 'excused' && (
                                  <Input
                                    placeholder={t('activity.reason')}
                                    aria-label={`${m.name} ${t('activity.reason')}`}
                                    value={marks[m.memberId]?.reason ?? ''}
                                    onChange={(e) =>
                                      setMarks({
                                        ...marks,
                                        [m.memberId]: { status: 'excused', reason: e.target.value },
                                      })
                                    }
                                    style={{ marginTop: 6 }}
                                    data-testid={`reason-${m.name}`}
                                  />
                                )}
                              </li>
                            );
                          })}
                        </ul>
                      </>
                    )}
                    {effectiveKind === 'joint_activity' && (roster.data?.guests.length ?? 0) > 0 && (
                      <>
                        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
                          {t('activity.guests')}
                        </Typography.Paragraph>
                        <Flex wrap gap={8}>
                          {roster.data?.guests.map((g) => (
                            <Tag.CheckableTag
                              key={g.memberId}
                              className="lj-tap"
                              checked={guests.has(g.memberId)}
                              onChange={(checked) => {
                                const next = new Set(guests);
                                if (checked) next.add(g.memberId);
                                else next.delete(g.memberId);
                                setGuests(next);
                              }}
                            >
                              {g.name} · {g.unitName}
                            </Tag.CheckableTag>
                          ))}
                        </Flex>
                      </>
                    )}
                  </QueryState>
                </Card>
                <Card size="small" title={t('activity.decisions')} style={{ marginBottom: 16 }}>
                  <Flex vertical gap={12}>
                    {decisions.map((d, i) => (
                      <Flex key={d.key} vertical gap={6}>
                        <Flex gap={6}>
                          <Input.TextArea
                            autoSize
                            maxLength={1000}
                            value={d.text}
                            placeholder={`${t('activity.decision')} ${i + 1}`}
                            onChange={(e) =>
                              setDecisions(decisions.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)))
                            }
                            data-testid={`decision-${i}`}
                          />
                          <Button
                            icon={<DeleteOutlined />}
                            aria-label={t('common.cancel')}
                            onClick={() => setDecisions(decisions.filter((_, j) => j !== i))}
                          />
                        </Flex>
                        <Flex gap={8} align="center" wrap>
                          <Checkbox
                            checked={d.toList}
                            onChange={(e) =>
                              setDecisions(decisions.map((x, j) => (j === i ? { ...x, toList: e.target.checked } : x)))
                            }
                          >
                            {t('activity.toList')}
                          </Checkbox>
                          {d.toList && (
                            <Select
                              aria-label={t('activity.category')}
                              style={{ width: 140 }}
                              showSearch={{ optionFilterProp: 'label' }}
                              data-testid={`decision-category-${i}`}
                              placeholder={t('activity.category')}
                              value={d.category}
                              onChange={(c) =>
                                setDecisions(decisions.map((x, j) => (j === i ? { ...x, category: c } : x)))
                              }
                              options={REPORT_CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
                            />
                          )}
                        </Flex>
                      </Flex>
                    ))}
                    <Button
                      icon={<PlusOutlined />}
                      onClick={() =>
                        setDecisions([...decisions, { key: Date.now() + decisions.length, text: '', toList: false }])
                      }
                      data-testid="add-decision"
                    >
                      {t('activity.addDecision')}
                    </Button>
                  </Flex>
                </Card>
                <Form.Item name="minutes" label={t('activity.minutes')}>
                  <Input.TextArea rows={3} maxLength={20000} />
                </Form.Item>
                <Form.Item label={t('activity.photos')}>
                  <PhotoPicker files={files} onChange={setFiles} />
                </Form.Item>
                {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
                <Button type="primary" size="large" block loading={busy} onClick={submit} data-testid="save-meeting">
                  {t('activity.save')}
                </Button>
              </Form>
            )}
          </>
        )}
      </QueryState>
    </div>
  );
}
