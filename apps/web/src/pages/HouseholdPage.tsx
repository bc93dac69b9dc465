import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  List,
  Modal,
  Select,
  Steps,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { useMe } from '../components/me';
import { QueryState } from '../components/QueryState';
import { HelperSelect } from '../features/households/HelperSelect';
import { useServerAction } from '../components/useServerAction';
import { ApplyExitButton, ExitActions } from '../features/households/ExitActions';
import { AcknowledgeButton, MeasureModal } from '../features/households/MeasureModal';
import { ReportPhotos } from '../features/reports/ReportEvidence';
import { VisitModal } from '../features/households/VisitModal';
import { validValues } from '../components/validValues';
import { factDayRules } from '../components/StepDateFields';
import { useRecordTitle } from '../components/pageTitle';
import { householdKeys } from '../api/queryKeys';

type Detail = Schemas['HouseholdDetail'];
const STEPS = ['applied', 'reviewed', 'verified', 'acknowledged', 'in_notice', 'announced'] as const;
const ROLES = ['party_member', 'police', 'doctor', 'teacher', 'cadre', 'mediator', 'other'] as const;

function AddHelperModal({ household, open, onClose }: { household: Detail; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    memberId: t('link.member'),
    role: t('households.role'),
    reason: t('households.reason'),
    startOn: t('households.startOn'),
  });
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/households/{id}/helpers', {
            params: { path: { id: household.id } },
            body: {
              memberId: v.memberId,
              role: v.role,
              primary: Boolean(v.primary),
              reason: v.reason,
              startOn: v.startOn.format('YYYY-MM-DD'),
            },
          }),
        ),
      t('item.done'),
    );
    if (ok) {
      form.resetFields();
      onClose();
    }
  };
  return (
    <Modal
      open={open}
      title={t('households.addHelper')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ role: 'party_member', startOn: dayjs(), primary: !household.hasPrimaryHelper }}
      >
        <Form.Item name="memberId" label={t('link.member')} rules={[{ required: true, message: t('common.required') }]}>
          <HelperSelect enabled={open} data-testid="helper-select" />
        </Form.Item>
        <Form.Item name="role" label={t('households.role')}>
          <Select options={ROLES.map((r) => ({ value: r, label: t(`households.roles.${r}`) }))} />
        </Form.Item>
        <Form.Item name="primary" valuePropName="checked">
          <Checkbox disabled={household.hasPrimaryHelper}>{t('households.isPrimary')}</Checkbox>
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('households.reason')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item name="startOn" label={t('households.startOn')} rules={factDayRules(t)}>
          <DatePicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** One household: people (masked unless unmasked with a reason), helpers, visits, measures, exit procedure. */
export function HouseholdPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const me = useMe();
  const [unmasked, setUnmasked] = useState<Detail | null>(null);
  const [askReason, setAskReason] = useState(false);
  const [reason, setReason] = useState('');
  const [addHelper, setAddHelper] = useState(false);
  const [addVisit, setAddVisit] = useState(false);
  const [addMeasure, setAddMeasure] = useState(false);
  const { busy, run } = useServerAction({ reason: t('households.unmaskReason') });
  const q = useQuery({
    queryKey: householdKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/households/{id}', { params: { path: { id } } })),
  });
  const visits = useQuery({
    queryKey: householdKeys.visits(id),
    queryFn: () => unwrap(api.GET('/api/v1/households/{id}/visits', { params: { path: { id } } })),
  });
  const measures = useQuery({
    queryKey: householdKeys.measures(id),
    queryFn: () => unwrap(api.GET('/api/v1/households/{id}/measures', { params: { path: { id } } })),
  });
  const exits = useQuery({
    queryKey: householdKeys.exitsOf(id),
    queryFn: () => unwrap(api.GET('/api/v1/exit-applications', { params: { query: { householdId: id } } })),
  });
  const h = unmasked ?? q.data;
  useRecordTitle(h?.headName);
  // The server decides: a branch account changes only the households its members serve.
  const canWrite = Boolean(q.data?.abilities.write);
  const readOnly = me.permissions.includes('households:write') && q.data !== undefined && !canWrite;
  const unmask = async () => {
    await run(async () => {
      setUnmasked(
        await unwrap(api.POST('/api/v1/households/{id}/unmask', { params: { path: { id } }, body: { reason } })),
      );
    }, t('item.done'));
    setAskReason(false);
  };
  return (
    <div className="lj-page">
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        {h && (
          <>
            <Breadcrumb
              style={{ marginBottom: 12 }}
              items={[{ title: <Link to="/households">{t('households.title')}</Link> }, { title: h.headName }]}
            />
            <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
              <Flex align="center" gap={8}>
                <Typography.Title level={3} style={{ margin: 0 }} data-testid="household-head">
                  {h.headName}
                </Typography.Title>
                <Tag color={h.status === 'registered' ? 'red' : 'green'}>{t(`households.statuses.${h.status}`)}</Tag>
                {h.exitYear !== null && (
                  <Typography.Text type="secondary" data-testid="household-exit">
                    {h.exitedOn
                      ? t('households.exitedOn', { date: h.exitedOn })
                      : t('households.exitedInYear', { year: h.exitYear })}
                  </Typography.Text>
                )}
                {!h.hasPrimaryHelper && h.status !== 'exited' && <Tag color="red">{t('households.noPrimary')}</Tag>}
              </Flex>
              <Flex gap={8}>
                {q.data?.abilities.unmask && !unmasked && (
                  <Button onClick={() => setAskReason(true)}>{t('households.unmask')}</Button>
                )}
                {canWrite && <Button onClick={() => setAddHelper(true)}>{t('households.addHelper')}</Button>}
              </Flex>
            </Flex>
            {readOnly && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 16 }}
                message={t('households.readOnly')}
                data-testid="household-read-only"
              />
            )}
            <Card style={{ marginBottom: 16 }}>
              <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                <Descriptions.Item label={t('households.village')}>{h.regionName}</Descriptions.Item>
                <Descriptions.Item label={t('reports.place')}>{h.address}</Descriptions.Item>
                <Descriptions.Item label={t('households.cause')}>
                  {t(`households.causes.${h.primaryCause}`)}
                  {h.secondaryCauses.length > 0 &&
                    `（${h.secondaryCauses.map((c) => t(`households.causes.${c}`)).join('、')}）`}
                </Descriptions.Item>
                <Descriptions.Item label={t('households.perCapita')}>{h.perCapitaIncome}</Descriptions.Item>
                <Descriptions.Item label={t('households.size')}>{h.size}</Descriptions.Item>
              </Descriptions>
            </Card>
            <Card
              title={t('households.people')}
              style={{ marginBottom: 16 }}
              extra={!unmasked && <Typography.Text type="secondary">{t('households.masked')}</Typography.Text>}
            >
              <Table
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={h.people}
                columns={[
                  { title: t('households.name'), dataIndex: 'name' },
                  { title: t('households.relationship'), dataIndex: 'relationship' },
                  {
                    title: t('households.idNumber'),
                    dataIndex: 'idNumber',
                    render: (v) => <span style={{ fontFamily: 'monospace' }}>{v}</span>,
                  },
                  { title: t('households.phone'), dataIndex: 'phone', render: (v) => v ?? '—' },
                  { title: t('households.labour'), dataIndex: 'labour', render: (v) => t(`households.labours.${v}`) },
                  {
                    title: t('households.health'),
                    dataIndex: 'health',
                    render: (v) => (v ? t(`households.healths.${v}`) : '***'),
                  },
                ]}
              />
            </Card>
            <Card title={t('households.helpers')} style={{ marginBottom: 16 }}>
              <List
                size="small"
                dataSource={h.helpers}
                locale={{ emptyText: <Empty description={t('households.noPrimary')} /> }}
                renderItem={(x) => (
                  <List.Item>
                    <List.Item.Meta
                      title={
                        <span>
                          {x.memberName}{' '}
                          <Tag color={x.primary ? 'red' : 'gold'}>
                            {x.primary ? t('households.primary') : t('households.stacked')}
                          </Tag>
                          <Tag>{t(`households.roles.${x.role}`)}</Tag>
                          {x.endOn && <Tag>{x.endOn}</Tag>}
                        </span>
                      }
                      description={`${x.unitName} · ${x.startOn} · ${x.reason}`}
                    />
                  </List.Item>
                )}
              />
            </Card>
            <Card
              title={t('households.exits')}
              style={{ marginBottom: 16 }}
              extra={q.data?.abilities.applyExit && <ApplyExitButton householdId={h.id} />}
            >
              {(exits.data?.items ?? []).length === 0 ? (
                <Empty description={t('households.noExit')} />
              ) : (
                exits.data?.items.map((e) => (
                  <div key={e.id} style={{ marginBottom: 16 }}>
                    <Steps
                      size="small"
                      status={e.status === 'rejected' ? 'error' : undefined}
                      current={
                        e.status === 'rejected'
                          ? Math.max(
                              0,
                              STEPS.indexOf((e.events.at(-2)?.toStatus ?? 'applied') as (typeof STEPS)[number]),
                            ) + 1
                          : STEPS.indexOf(e.status as (typeof STEPS)[number])
                      }
                      items={STEPS.map((s) => ({ title: t(`households.exitSteps.${s}`) }))}
                    />
                    {e.rejectReason && (
                      <Alert
                        type="error"
                        showIcon
                        style={{ marginTop: 8 }}
                        title={`${t('households.exitSteps.rejected')}：${e.rejectReason}`}
                      />
                    )}
                    {e.verificationCode && (
                      <Typography.Paragraph
                        type="secondary"
                        style={{ marginTop: 8, marginBottom: 0 }}
                        data-testid="exit-verification-code"
                      >
                        {t('households.exitList.verificationCode', { code: e.verificationCode })}
                      </Typography.Paragraph>
                    )}
                    {e.status === 'in_notice' && (
                      <Link to={`/households/notice/${e.regionCode}`} style={{ display: 'inline-block', marginTop: 8 }}>
                        {t('households.exitList.print')}（{e.noticeStartOn} ~ {e.noticeEndsOn}）
                      </Link>
                    )}
                    {(e.abilities.steps.length > 0 || e.abilities.reject || e.abilities.object) && (
                      <ExitActions application={e} />
                    )}
                    <List
                      size="small"
                      dataSource={e.events}
                      renderItem={(ev) => <List.Item>{`${ev.on}　${ev.text}`}</List.Item>}
                    />
                  </div>
                ))
              )}
            </Card>
            <Card
              title={t('households.visits')}
              style={{ marginBottom: 16 }}
              extra={
                canWrite &&
                h.helpers.some((x) => !x.endOn) && (
                  <Button onClick={() => setAddVisit(true)} data-testid="visit-add">
                    {t('households.visit.add')}
                  </Button>
                )
              }
            >
              <List
                size="small"
                dataSource={visits.data?.items ?? []}
                locale={{ emptyText: '—' }}
                renderItem={(v) => (
                  <List.Item>
                    <List.Item.Meta
                      title={
                        <span>
                          {`${v.visitedOn} · ${v.helpers.join('、')}`}
                          {v.risks?.seriousIllness && (
                            <Tag color="volcano">{t('households.monitoring.reasons.serious_illness')}</Tag>
                          )}
                          {v.risks?.disaster && (
                            <Tag color="volcano">{t('households.monitoring.reasons.disaster')}</Tag>
                          )}
                          {(v.risks?.rigidSpending ?? 0) > 0 && (
                            <Tag color="volcano">{`${t('households.visit.rigidSpending')} ${v.risks?.rigidSpending}`}</Tag>
                          )}
                        </span>
                      }
                      description={
                        <>
                          {[v.findings, v.measuresAgreed].filter(Boolean).join('；')}
                          <ReportPhotos report={v} altKey="households.visit.photoAlt" />
                        </>
                      }
                    />
                  </List.Item>
                )}
              />
            </Card>
            <Card
              title={t('households.measures')}
              extra={
                canWrite && (
                  <Button onClick={() => setAddMeasure(true)} data-testid="measure-add">
                    {t('households.measure.add')}
                  </Button>
                )
              }
            >
              <Table
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={measures.data?.items ?? []}
                locale={{ emptyText: '—' }}
                columns={[
                  { title: t('households.startOn'), dataIndex: 'startOn', width: 110 },
                  {
                    title: t('households.measureCategory'),
                    dataIndex: 'category',
                    render: (v) => t(`households.measureCategories.${v}`),
                  },
                  { title: t('members.unit'), dataIndex: 'unitName', render: (v) => v ?? '—' },
                  { title: t('households.content'), dataIndex: 'content' },
                  { title: t('households.measure.cost'), dataIndex: 'costYuan', align: 'right' },
                  {
                    title: t('households.acknowledged'),
                    dataIndex: 'acknowledgedOn',
                    render: (v, m) => v ?? (canWrite ? <AcknowledgeButton householdId={id} measure={m} /> : '—'),
                  },
                ]}
              />
            </Card>
            <Modal
              open={askReason}
              title={t('households.unmask')}
              onCancel={() => setAskReason(false)}
              onOk={unmask}
              okButtonProps={{ disabled: !reason.trim() }}
              confirmLoading={busy}
            >
              <Input.TextArea
                rows={2}
                maxLength={200}
                placeholder={t('households.unmaskReason')}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            </Modal>
            {q.data && <AddHelperModal household={q.data} open={addHelper} onClose={() => setAddHelper(false)} />}
            {q.data && <VisitModal household={q.data} open={addVisit} onClose={() => setAddVisit(false)} />}
            <MeasureModal householdId={id} open={addMeasure} onClose={() => setAddMeasure(false)} />
          </>
        )}
      </QueryState>
    </div>
  );
}
