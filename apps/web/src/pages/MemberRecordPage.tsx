import { useQuery } from '@tanstack/react-query';
import {
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  List,
  Modal,
  Row,
  Select,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { useMe } from '../components/me';
import { QueryState } from '../components/QueryState';
import { useServerAction } from '../components/useServerAction';
import { validValues } from '../components/validValues';
import { useRecordTitle } from '../components/pageTitle';
import { memberKeys } from '../api/queryKeys';

type Record = Schemas['MemberRecord'];

/** Sends an observation to the member's home organization; the temporary organization never grades or punishes. */
function SendFeedback({ record, open, onClose }: { record: Record; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    orgId: t('record.org'),
    period: t('record.period'),
    kind: t('record.kind'),
    text: t('record.text'),
  });
  const orgs = [...new Map(record.memberships.map((m) => [m.orgId, m.orgName])).entries()];
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () => unwrap(api.POST('/api/v1/feedback-to-home', { body: { ...v, memberId: record.member.id } })),
      t('item.done'),
    );
    if (ok) onClose();
  };
  return (
    <Modal open={open} title={t('record.send')} onCancel={onClose} onOk={submit} confirmLoading={busy} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('record.hint')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ orgId: orgs[0]?.[0], kind: 'good_work', period: `${new Date().getFullYear()}年` }}
      >
        <Form.Item name="orgId" label={t('record.org')} rules={[{ required: true, message: t('common.required') }]}>
          <Select options={orgs.map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item
          name="period"
          label={t('record.period')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="kind" label={t('record.kind')}>
          <Select
            options={(['good_work', 'commendation', 'shortcoming'] as const).map((k) => ({
              value: k,
              label: t(`record.kinds.${k}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="text"
          label={t('record.text')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A recommendation to the member's home organization: duty failure, or organizational action about a leader. */
function FileRecommendation({ record, open, onClose }: { record: Record; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({ orgId: t('record.org'), kind: t('record.kind'), text: t('record.text') });
  const orgs = [...new Map(record.memberships.map((m) => [m.orgId, m.orgName])).entries()];
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () => unwrap(api.POST('/api/v1/recommendations', { body: { ...v, memberId: record.member.id } })),
      t('item.done'),
    );
    if (ok) onClose();
  };
  return (
    <Modal
      open={open}
      title={t('recommendation.file')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('recommendation.hint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ orgId: orgs[0]?.[0], kind: 'duty_failure' }}>
        <Form.Item name="orgId" label={t('record.org')} rules={[{ required: true, message: t('common.required') }]}>
          <Select options={orgs.map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item name="kind" label={t('record.kind')}>
          <Select
            options={(['duty_failure', 'organizational_action'] as const).map((k) => ({
              value: k,
              label: t(`recommendation.kinds.${k}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="text"
          label={t('record.text')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A member's duty record across all their temporary organizations. */
export function MemberRecordPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const me = useMe();
  const [sending, setSending] = useState(false);
  const [recommending, setRecommending] = useState(false);
  const q = useQuery({
    queryKey: memberKeys.record(id),
    queryFn: () => unwrap(api.GET('/api/v1/members/{id}/record', { params: { path: { id } } })),
  });
  const r = q.data;
  useRecordTitle(r ? `${r.member.name} · ${t('record.title')}` : null);
  return (
    <div className="lj-page">
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        {r && (
          <>
            <Breadcrumb
              style={{ marginBottom: 12 }}
              items={[{ title: <Link to="/members">{t('nav.members')}</Link> }, { title: r.member.name }]}
            />
            <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 16 }}>
              <Typography.Title level={3} style={{ margin: 0 }} data-testid="record-name">
                {r.member.name} · {t('record.title')}
              </Typography.Title>
              {me.permissions.includes('feedback:write') && r.member.homePartyOrgName && (
                <Flex gap={8}>
                  <Button onClick={() => setSending(true)} data-testid="send-feedback">
                    {t('record.send')}
                  </Button>
                  <Button onClick={() => setRecommending(true)}>{t('recommendation.file')}</Button>
                </Flex>
              )}
            </Flex>
            <Card style={{ marginBottom: 16 }}>
              <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                <Descriptions.Item label={t('members.unit')}>{r.member.unitName}</Descriptions.Item>
                <Descriptions.Item label={t('record.home')}>{r.member.homePartyOrgName ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('members.partyStatus')}>
                  {t(`partyStatus.${r.member.partyStatus}`)}
                </Descriptions.Item>
              </Descriptions>
            </Card>
            <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
              {[
                [t('record.assigned'), r.items.assigned],
                [t('record.linked'), r.items.linked],
                [t('record.closed'), r.items.closed],
                [t('record.onTime'), r.items.closedOnTime],
                [t('record.reopened'), r.items.reopened],
                [t('record.households'), r.households.current],
                [t('activity.statuses.present'), r.activities.present],
                [t('activity.statuses.excused'), r.activities.excused],
                [t('activity.statuses.absent'), r.activities.absent],
              ].map(([label, value]) => (
                <Col key={String(label)} xs={12} sm={8} md={6} lg={4}>
                  <Card size="small">
                    <Statistic title={label} value={value as number} />
                  </Card>
                </Col>
              ))}
            </Row>
            <Card title={t('record.memberships')} style={{ marginBottom: 16 }}>
              <Table
                rowKey={(m) => `${m.orgId}-${m.startOn}-${m.role}`}
                size="small"
                pagination={false}
                dataSource={r.memberships}
                columns={[
                  {
                    title: t('record.orgCol'),
                    dataIndex: 'orgName',
                    render: (v, m) => <Link to={`/orgs/${m.orgId}`}>{v}</Link>,
                  },
                  { title: t('record.role'), dataIndex: 'role', render: (v) => t(`role.${v}`) },
                  { title: t('link.startOn'), dataIndex: 'startOn' },
                  {
                    title: t('record.until'),
                    dataIndex: 'endOn',
                    render: (v, m) => (v ? `${v}${m.endReason ? `（${m.endReason}）` : ''}` : t('record.current')),
                  },
                ]}
              />
            </Card>
            <Row gutter={16}>
              <Col xs={24} lg={12}>
                <Card title={t('record.activities')} style={{ marginBottom: 16 }}>
                  <List
                    size="small"
                    dataSource={r.activities.recent}
                    locale={{ emptyText: <Empty /> }}
                    renderItem={(a) => (
                      <List.Item>
                        <Flex gap={8} wrap>
                          <span>{a.heldOn}</span>
                          <Link to={`/activities/${a.id}`}>{a.topic}</Link>
                          <Tag>{t(`activity.statuses.${a.status}`)}</Tag>
                        </Flex>
                      </List.Item>
                    )}
                  />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={t('record.items')} style={{ marginBottom: 16 }}>
                  <List
                    size="small"
                    dataSource={r.items.recent}
                    locale={{ emptyText: <Empty /> }}
                    renderItem={(i) => (
                      <List.Item>
                        <Flex gap={8} wrap>
                          <Link to={`/items/${i.id}`}>{i.problem}</Link>
                          <Tag>{i.role === 'linked' ? t('record.linked') : t('record.assigned')}</Tag>
                          <Tag>{t(`itemStatus.${i.status}`)}</Tag>
                        </Flex>
                      </List.Item>
                    )}
                  />
                </Card>
                <Card title={t('record.households')} style={{ marginBottom: 16 }}>
                  <Typography.Paragraph>
                    {t('record.currentHouseholds', { n: r.households.current, total: r.households.total })}；
                    {t('record.visits', { n: r.visits.total, last: r.visits.lastOn ?? '—' })}
                  </Typography.Paragraph>
                </Card>
              </Col>
            </Row>
            <Card title={t('record.feedback')}>
              <List
                dataSource={r.feedback}
                locale={{ emptyText: <Empty description={t('record.noFeedback')} /> }}
                renderItem={(f) => (
                  <List.Item>
                    <List.Item.Meta
                      title={
                        <Flex gap={8} wrap>
                          <Tag color={f.kind === 'shortcoming' ? 'orange' : 'green'}>{t(`record.kinds.${f.kind}`)}</Tag>
                          <span>
                            {f.orgName} → {f.homePartyOrgName}（{f.period}）
                          </span>
                          {f.acknowledgedOn ? (
                            <Tag color="green">{t('record.acknowledged', { date: f.acknowledgedOn })}</Tag>
                          ) : (
                            <Tag color="red">{t('record.open')}</Tag>
                          )}
                        </Flex>
                      }
                      description={f.text}
                    />
                  </List.Item>
                )}
              />
            </Card>
            <SendFeedback record={r} open={sending} onClose={() => setSending(false)} />
            <FileRecommendation record={r} open={recommending} onClose={() => setRecommending(false)} />
          </>
        )}
      </QueryState>
    </div>
  );
}
