import { LinkOutlined, SendOutlined } from '@ant-design/icons';
import { SKILLS } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import {
  Breadcrumb,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Flex,
  Form,
  Image,
  Input,
  List,
  Modal,
  Radio,
  Rate,
  Row,
  Select,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { UploadFile } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type Schemas, allPages, api, unwrap } from '../api/client';
import { QueryState } from '../components/QueryState';
import { PhotoPicker } from '../components/PhotoPicker';
import { photosOf } from '../components/photos';
import { useServerAction } from '../components/useServerAction';
import { DisputeCard } from '../features/items/DisputeCard';
import { EditItemButton, EndLinkButton } from '../features/items/ItemEditing';
import { KeptItemEdits, useKeptItemEdits } from '../features/items/ItemOfflineEdit';
import { ItemSourceReports } from '../features/items/ItemSourceReports';
import { ItemClock } from '../features/items/ItemClock';
import { ItemStatusTag } from '../features/items/ItemStatusTag';
import { validValues } from '../components/validValues';
import { factDayRules } from '../components/StepDateFields';
import { useRecordTitle } from '../components/pageTitle';
import { formatDateTime } from '../components/format';
import { itemKeys } from '../api/queryKeys';
import { ResidentMessagesCard } from '../features/notices/ResidentMessagesCard';

type Item = Schemas['ItemDetail'];
type Status = Item['status'];
const when = (iso: string) => formatDateTime(iso);

function Transitions({ item }: { item: Item }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [to, setTo] = useState<Status | null>(null);
  const { busy, run } = useServerAction({ evidence: t('item.evidence'), reason: t('item.reason') });
  const back = to === 'in_progress' && (item.status === 'awaiting_confirmation' || item.status === 'closed');
  const label = (s: Status) =>
    s === 'in_progress' && item.status !== 'open' ? t('item.to.in_progress_back') : t(`item.to.${s as 'in_progress'}`);
  const submit = async () => {
    if (!to) return;
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/items/{id}/transitions', {
            params: { path: { id: item.id } },
            body: {
              to,
              version: item.version,
              ...(v.reason ? { reason: v.reason } : {}),
              ...(v.evidence ? { evidence: v.evidence } : {}),
            },
          }),
        ),
      t('item.done'),
    );
    if (ok) {
      setTo(null);
      form.resetFields();
    }
  };
  return (
    <>
      {item.abilities.transitions.map((s) => (
        <Button key={s} type={s === 'closed' ? 'primary' : 'default'} onClick={() => setTo(s)} data-testid={`to-${s}`}>
          {label(s)}
        </Button>
      ))}
      <Modal
        open={to !== null}
        title={to ? label(to) : ''}
        onCancel={() => setTo(null)}
        onOk={submit}
        confirmLoading={busy}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          {to === 'closed' && (
            <Form.Item
              name="evidence"
              label={t('item.evidence')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          )}
          <Form.Item
            name="reason"
            label={t('item.reason')}
            rules={back ? [{ required: true, whitespace: true, message: t('common.required') }] : []}
          >
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** A call back to the resident of a report that staff entered, recorded by someone who neither entered it nor worked it. */
function ResidentCall({ item }: { item: Item }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [open, setOpen] = useState(false);
  const { busy, run } = useServerAction({
    solved: t('item.residentSaid'),
    calledAt: t('item.calledAt'),
    residentWords: t('item.residentWords'),
  });
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/items/{id}/resident-call', {
            params: { path: { id: item.id } },
            body: {
              solved: v.solved,
              calledAt: (v.calledAt as Dayjs).toISOString(),
              residentWords: v.residentWords,
              version: item.version,
            },
          }),
        ),
      t('item.done'),
    );
    if (ok) {
      setOpen(false);
      form.resetFields();
    }
  };
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="resident-call">
        {t('item.residentCall')}
      </Button>
      <Modal
        open={open}
        title={t('item.residentCall')}
        onCancel={() => setOpen(false)}
        onOk={submit}
        confirmLoading={busy}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('item.residentCallHint')}</Typography.Paragraph>
        <Form form={form} layout="vertical" initialValues={{ solved: true, calledAt: dayjs() }}>
          <Form.Item name="solved" label={t('item.residentSaid')}>
            <Radio.Group
              options={[
                { value: true, label: t('item.residentSolved') },
                { value: false, label: t('item.residentNotSolved') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="calledAt"
            label={t('item.calledAt')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <DatePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              disabledDate={(d) => d.isAfter(dayjs(), 'day')}
            />
          </Form.Item>
          <Form.Item
            name="residentWords"
            label={t('item.residentWords')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** Those who assist and are not Party members (the electricians): named, with unit, role and dates; never a membership. */
function Participants({ item }: { item: Item }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [open, setOpen] = useState(false);
  const { busy, run } = useServerAction({
    name: t('item.participantName'),
    unitName: t('item.participantUnit'),
    role: t('item.participantRole'),
    startOn: t('item.participantStart'),
  });
  const add = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/items/{id}/participants', {
            params: { path: { id: item.id } },
            body: {
              name: v.name,
              unitName: v.unitName,
              role: v.role,
              startOn: (v.startOn as Dayjs).format('YYYY-MM-DD'),
            },
          }),
        ),
      t('item.done'),
    );
    if (ok) {
      setOpen(false);
      form.resetFields();
    }
  };
  const end = (p: Item['participantRecords'][number]) =>
    run(
      () =>
        unwrap(
          api.POST('/api/v1/items/{id}/participants/{participantId}/end', {
            params: { path: { id: item.id, participantId: p.id } },
            body: { endOn: dayjs().format('YYYY-MM-DD'), version: p.version },
          }),
        ),
      t('item.done'),
    );
  if (item.participantRecords.length === 0 && !item.abilities.participants) return null;
  return (
    <Card
      title={t('item.participants')}
      style={{ marginBottom: 16 }}
      extra={
        item.abilities.participants && (
          <Button size="small" onClick={() => setOpen(true)} data-testid="participant-add">
            {t('item.participantAdd')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('item.participantsHint')}
      </Typography.Paragraph>
      <List
        size="small"
        dataSource={item.participantRecords}
        locale={{ emptyText: <Empty description={t('item.noParticipants')} /> }}
        renderItem={(p) => (
          <List.Item
            data-testid="participant"
            actions={
              item.abilities.participants && !p.endOn
                ? [
                    <Button key="end" size="small" loading={busy} onClick={() => end(p)}>
                      {t('item.participantEnd')}
                    </Button>,
                  ]
                : []
            }
          >
            <List.Item.Meta
              title={`${p.name}（${p.role}）`}
              description={`${p.unitName} · ${p.startOn} — ${p.endOn ?? t('item.participantOngoing')}`}
            />
          </List.Item>
        )}
      />
      <Modal
        open={open}
        title={t('item.participantAdd')}
        onCancel={() => setOpen(false)}
        onOk={add}
        confirmLoading={busy}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ startOn: dayjs() }}>
          <Form.Item
            name="name"
            label={t('item.participantName')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item
            name="unitName"
            label={t('item.participantUnit')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="role"
            label={t('item.participantRole')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={100} placeholder={t('item.participantRolePlaceholder')} />
          </Form.Item>
          <Form.Item name="startOn" label={t('item.participantStart')} rules={factDayRules(t)}>
            <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function Suggestions({ item }: { item: Item }) {
  const { t } = useTranslation();
  const [skill, setSkill] = useState<string | undefined>(item.neededSkill ?? undefined);
  const { busy, run } = useServerAction();
  const q = useQuery({
    queryKey: itemKeys.suggestions(item.id, skill),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/items/{id}/suggestions', {
          params: { path: { id: item.id }, query: skill ? { skill: skill as (typeof SKILLS)[number] } : {} },
        }),
      ),
  });
  return (
    <Card
      title={t('item.suggestions')}
      extra={
        <Select
          aria-label={t('item.skill')}
          style={{ width: 120 }}
          value={skill}
          placeholder={t('item.skill')}
          onChange={setSkill}
          options={SKILLS.map((s) => ({ value: s, label: t(`skill.${s}`) }))}
        />
      }
      style={{ marginBottom: 16 }}
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {item.abilities.link ? t('item.suggestionsHint') : t('item.needGroup')}
      </Typography.Paragraph>
      <List
        size="small"
        loading={q.isLoading}
        pagination={(q.data?.members.length ?? 0) > 6 ? { pageSize: 6, size: 'small', showSizeChanger: false } : false}
        dataSource={q.data?.members ?? []}
        locale={{ emptyText: <Empty description={t('item.noSuggestions')} /> }}
        renderItem={(m) => (
          <List.Item
            data-testid="suggestion"
            actions={
              item.abilities.link
                ? [
                    <Button
                      key="link"
                      size="small"
                      icon={<LinkOutlined />}
                      loading={busy}
                      onClick={() =>
                        run(
                          () =>
                            unwrap(
                              api.POST('/api/v1/items/{id}/links', {
                                params: { path: { id: item.id } },
                                body: { memberId: m.memberId },
                              }),
                            ),
                          t('item.linked2', { name: m.name }),
                        )
                      }
                    >
                      {t('item.link')}
                    </Button>,
                  ]
                : []
            }
          >
            <List.Item.Meta
              title={
                <span>
                  {m.name}
                  {m.title && <Typography.Text type="secondary">（{m.title}）</Typography.Text>}{' '}
                  <Tag>{t(`item.near.${m.nearness}`)}</Tag>
                </span>
              }
              description={
                <>
                  <div>{`${m.unitName} · ${t('item.load', { count: m.load })}`}</div>
                  <Flex wrap gap={4} style={{ marginTop: 4 }} data-testid="suggestion-reasons">
                    {m.reasons.map((r) => (
                      <Tag key={r} color="blue" style={{ marginInlineEnd: 0 }}>
                        {t(`item.why.${r}`, { skill: t(`skill.${skill ?? q.data?.skill ?? 'electricity'}`) })}
                      </Tag>
                    ))}
                  </Flex>
                </>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

function Escalation({ item }: { item: Item }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({ toOrgId: t('item.target'), reason: t('item.reason') });
  const targets = useQuery({
    queryKey: itemKeys.escalationTargets(item.neededSkill),
    // The county's whole ranking: a choice among all of them, read to the end.
    queryFn: async () => ({
      items: await allPages((cursor) =>
        unwrap(
          api.GET('/api/v1/escalation-targets', {
            params: {
              query: {
                limit: 200,
                cursor,
                ...(item.neededSkill ? { skill: item.neededSkill as (typeof SKILLS)[number] } : {}),
              },
            },
          }),
        ),
      ),
    }),
    enabled: open,
  });
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/items/{id}/escalate', {
            params: { path: { id: item.id } },
            body: { toOrgId: v.toOrgId, reason: v.reason, version: item.version },
          }),
        ),
      t('item.done'),
    );
    if (ok) setOpen(false);
  };
  return (
    <>
      <Button icon={<SendOutlined />} onClick={() => setOpen(true)}>
        {t('item.escalate')}
      </Button>
      <Modal
        open={open}
        title={t('item.escalateTitle')}
        onCancel={() => setOpen(false)}
        onOk={submit}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="toOrgId"
            label={t('item.target')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={targets.isLoading}
              options={targets.data?.items.map((o) => ({
                value: o.id,
                label: `${o.name}${o.membersWithSkill ? `（${o.membersWithSkill}）` : ''}`,
              }))}
            />
          </Form.Item>
          <Form.Item
            name="reason"
            label={t('item.reason')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Progress({ item }: { item: Item }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const { busy, run } = useServerAction({ text: t('item.progress') });
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(async () => {
      const photos = await photosOf(files);
      await unwrap(
        api.POST('/api/v1/items/{id}/events', {
          params: { path: { id: item.id } },
          body: { text: v.text, public: Boolean(v.public), photos },
        }),
      );
    }, t('item.done'));
    if (ok) {
      form.resetFields();
      setFiles([]);
    }
  };
  return (
    <Form form={form} layout="vertical" style={{ marginBottom: 16 }}>
      <Form.Item
        name="text"
        label={t('item.progress')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input.TextArea rows={2} maxLength={2000} placeholder={t('item.progressPlaceholder')} />
      </Form.Item>
      <PhotoPicker look="list" files={files} onChange={setFiles} />
      <Flex justify="space-between" style={{ marginTop: 8 }}>
        <Form.Item name="public" valuePropName="checked" noStyle>
          <Checkbox>{t('item.public')}</Checkbox>
        </Form.Item>
        <Button onClick={submit} loading={busy}>
          {t('item.addProgress')}
        </Button>
      </Flex>
    </Form>
  );
}

export function ItemPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: itemKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/items/{id}', { params: { path: { id } } })),
  });
  const item = q.data;
  const kept = useKeptItemEdits(item);
  useRecordTitle(item ? t('lists.item', { no: item.no }) : null);
  return (
    <div className="lj-page">
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        {item && (
          <>
            <Breadcrumb
              style={{ marginBottom: 12 }}
              items={[
                { title: <Link to="/lists">{t('lists.title')}</Link> },
                { title: <Link to={`/lists/${item.listId}`}>{item.listTitle}</Link> },
                { title: t('lists.item', { no: item.no }) },
              ]}
            />
            <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
              <Flex align="center" gap={8} wrap>
                <Typography.Title level={3} style={{ margin: 0 }} data-testid="item-title">
                  {t('lists.item', { no: item.no })}：{item.problem}
                </Typography.Title>
                <span data-testid="item-status">
                  <ItemStatusTag status={item.status} overdue={item.overdue} light={item.light} />
                </span>
                {item.reopenedCount > 0 && (
                  <Tag color="orange">{t('item.reopened', { count: item.reopenedCount })}</Tag>
                )}
                {item.escalatedTo && <Tag color="magenta">{t('item.escalatedTo', { org: item.escalatedTo.name })}</Tag>}
              </Flex>
              <Flex gap={8} wrap className="lj-no-print">
                <EditItemButton item={item} kept={kept} />
                <Transitions item={item} />
                {item.abilities.recordResidentCall && <ResidentCall item={item} />}
                {item.abilities.escalate && <Escalation item={item} />}
              </Flex>
            </Flex>
            <KeptItemEdits kept={kept} />
            <Row gutter={16}>
              <Col xs={24} lg={15}>
                <Card style={{ marginBottom: 16 }}>
                  <Descriptions column={{ xs: 1, md: 2 }} size="small">
                    <Descriptions.Item label={t('lists.org')}>{item.orgName}</Descriptions.Item>
                    <Descriptions.Item label={t('reports.place')}>{item.regionName ?? '—'}</Descriptions.Item>
                    <Descriptions.Item label={t('lists.ledger.group')}>
                      {item.responsibleGroup?.name ?? '—'}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('lists.ledger.due')}>
                      <span className={item.overdue ? 'lj-overdue' : undefined}>{item.dueOn ?? '—'}</span>
                    </Descriptions.Item>
                    <Descriptions.Item label={t('lists.ledger.measures')} span={2}>
                      {item.measures ?? '—'}
                    </Descriptions.Item>
                    {item.closedAt && (
                      <Descriptions.Item label={t('lists.ledger.closedAt')}>
                        {when(item.closedAt)}（{item.closedBy}）
                      </Descriptions.Item>
                    )}
                    {item.closeEvidence && (
                      <Descriptions.Item label={t('item.evidence')}>{item.closeEvidence}</Descriptions.Item>
                    )}
                    {item.residentConfirmation && (
                      <Descriptions.Item label={t('item.residentConfirmation')} span={2}>
                        <span data-testid="resident-confirmation">
                          {t(`item.residentChannel.${item.residentConfirmation.channel}`)} ·{' '}
                          {when(item.residentConfirmation.at)}
                          {item.residentConfirmation.recordedBy &&
                            `；${t('item.callRecord', { by: item.residentConfirmation.recordedBy, at: when(item.residentConfirmation.callAt ?? item.residentConfirmation.at) })}`}
                          {item.residentConfirmation.words && `：“${item.residentConfirmation.words}”`}
                        </span>
                      </Descriptions.Item>
                    )}
                    {item.residentRating && (
                      <Descriptions.Item label={t('item.residentRating')} span={2}>
                        <span data-testid="resident-rating">
                          <Rate disabled value={item.residentRating.stars} style={{ fontSize: 14 }} />{' '}
                          {t('item.ratingStars', { stars: item.residentRating.stars })} · {when(item.residentRating.at)}
                          {item.residentRating.comment && `：“${item.residentRating.comment}”`}
                        </span>
                      </Descriptions.Item>
                    )}
                    {item.resolution.daysFromReport !== null && (
                      <Descriptions.Item label={t('item.resolution')}>
                        {t('item.resolutionText', { days: item.resolution.daysFromReport, hops: item.resolution.hops })}
                      </Descriptions.Item>
                    )}
                  </Descriptions>
                </Card>
                <ItemClock item={item} />
                {item.kind === 'dispute' && <DisputeCard item={item} />}
                <Card title={t('item.timeline')} style={{ marginBottom: 16 }}>
                  {item.abilities.progress && <Progress item={item} />}
                  <Timeline
                    items={item.events.map((e) => ({
                      color:
                        e.kind === 'feedback' ? 'green' : e.kind === 'escalation' ? 'red' : e.public ? 'blue' : 'gray',
                      content: (
                        <div data-testid="item-event">
                          <Typography.Text type="secondary">
                            {when(e.at)} · {e.actor}
                            {!e.public && ' · 内部'}
                          </Typography.Text>
                          <div>{e.text}</div>
                          {e.photoIds.length > 0 && (
                            <Image.PreviewGroup>
                              <Flex gap={6} wrap style={{ marginTop: 6 }}>
                                {e.photoIds.map((id) => (
                                  <Image
                                    key={id}
                                    width={72}
                                    height={72}
                                    style={{ objectFit: 'cover' }}
                                    src={`/api/v1/photos/${id}`}
                                    alt=""
                                  />
                                ))}
                              </Flex>
                            </Image.PreviewGroup>
                          )}
                        </div>
                      ),
                    }))}
                  />
                </Card>
                <ResidentMessagesCard messages={item.residentMessages} />
              </Col>
              <Col xs={24} lg={9}>
                <Card title={t('item.people')} style={{ marginBottom: 16 }}>
                  <List
                    size="small"
                    dataSource={item.members}
                    locale={{ emptyText: <Empty /> }}
                    renderItem={(m) => (
                      <List.Item
                        data-testid="item-member"
                        actions={
                          item.abilities.edit && m.role === 'linked'
                            ? [<EndLinkButton key="end" item={item} member={m} />]
                            : undefined
                        }
                      >
                        <List.Item.Meta
                          title={
                            <span>
                              {m.name} <Tag color={m.role === 'linked' ? 'gold' : 'red'}>{t(`item.${m.role}`)}</Tag>
                            </span>
                          }
                          description={m.reason ? `${m.unitName} · ${m.reason}` : m.unitName}
                        />
                      </List.Item>
                    )}
                  />
                </Card>
                <Participants item={item} />
                {item.status !== 'closed' && <Suggestions item={item} />}
                <ItemSourceReports reports={item.reports} />
              </Col>
            </Row>
          </>
        )}
      </QueryState>
    </div>
  );
}
