import { useQueries, useQuery } from '@tanstack/react-query';
import {
  Button,
  Checkbox,
  DatePicker,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, today, unwrap } from '../../api/client';
import { CursorPager, useCursorPages } from '../../components/CursorPager';
import { useMe } from '../../components/me';
import { QueryState } from '../../components/QueryState';
import { RemoteSelect } from '../../components/RemoteSelect';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { StepDateFields, stepDateBody } from '../../components/StepDateFields';
import { schemesOfYear } from './schemes';
import { assessmentKeys, orgKeys } from '../../api/queryKeys';

const KINDS = ['discipline', 'organizational', 'sector'] as const;

/** Supervision records in scope, and the form a supervisor fills in after an inspection. */
export function SupervisionPanel() {
  const { t } = useTranslation();
  const me = useMe();
  const [open, setOpen] = useState(false);
  const [following, setFollowing] = useState<Schemas['SupervisionRecord'] | null>(null);
  const [followText, setFollowText] = useState('');
  const [followOn, setFollowOn] = useState<Dayjs>(() => dayjs());
  const [close, setClose] = useState(false);
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    kind: t('assessment.kind'),
    orgId: t('assessment.org'),
    supervisedOn: t('assessment.supervisedOn'),
    backdateReason: t('common.backdateReason'),
    supervisor: t('assessment.supervisor'),
    findings: t('assessment.findings'),
    scoreEffect: t('assessment.effect'),
    indicator: t('assessment.indicator'),
    rectification: t('assessment.rectification'),
    deadline: t('assessment.deadline'),
    text: t('assessment.followUpText'),
    on: t('assessment.followUpOn'),
  });
  const pages = useCursorPages();
  const q = useQuery({
    queryKey: assessmentKeys.supervision(pages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/supervision-records', {
          params: { query: { limit: 20, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
  });
  // Points belong to an indicator of the year's scheme and stay within its weight (the server checks the tier).
  const day = Form.useWatch('on', form) as dayjs.Dayjs | undefined;
  const year = (day ?? dayjs()).year();
  const schemes = useQuery({
    queryKey: assessmentKeys.schemes(year),
    enabled: open,
    queryFn: () => schemesOfYear(year),
  });
  const indicators = [
    ...new Map((schemes.data?.items ?? []).flatMap((sc) => sc.indicators).map((i) => [i.key, i])).values(),
  ];
  // The list names each record's indicator as the schemes do (the key is the scheme's, never shown).
  const recordYears = [
    ...new Set((q.data?.items ?? []).filter((x) => x.indicator).map((x) => Number(x.supervisedOn.slice(0, 4)))),
  ];
  const yearSchemes = useQueries({
    queries: recordYears.map((y) => ({
      queryKey: assessmentKeys.schemes(y),
      queryFn: () => schemesOfYear(y),
    })),
  });
  const indicatorName = new Map(
    yearSchemes
      .flatMap((s) => s.data?.items ?? [])
      .flatMap((sc) => sc.indicators.map((i): [string, string] => [`${sc.year}:${i.key}`, i.name])),
  );
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const { day, backdateReason } = stepDateBody(v, v.on);
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/supervision-records', {
            body: {
              kind: v.kind,
              orgId: v.orgId,
              supervisedOn: day,
              ...(backdateReason ? { backdateReason } : {}),
              supervisor: v.supervisor,
              findings: v.findings,
              ...(v.effect ? { scoreEffect: v.effect, indicator: v.indicator } : {}),
              ...(v.rectification?.trim() ? { rectification: v.rectification } : {}),
              ...(v.deadline ? { deadline: v.deadline.format('YYYY-MM-DD') } : {}),
            },
          }),
        ),
      t('item.done'),
    );
    if (ok) {
      form.resetFields();
      setOpen(false);
    }
  };
  const followUp = async () => {
    if (!following) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/supervision-records/{id}/follow-up', {
            params: { path: { id: following.id } },
            body: { text: followText, close, on: followOn.format('YYYY-MM-DD'), version: following.version },
          }),
        ),
      t('item.done'),
    );
    if (ok) {
      setFollowing(null);
      setFollowText('');
      setFollowOn(dayjs());
      setClose(false);
    }
  };
  return (
    <>
      <Modal
        open={Boolean(following)}
        title={t('assessment.followUp')}
        onCancel={() => setFollowing(null)}
        onOk={followUp}
        okButtonProps={{ disabled: !followText.trim() || followOn.isAfter(dayjs(), 'day') }}
        confirmLoading={busy}
      >
        {/* The day the follow-up happened (a 2020 record is followed up on its own day, not stamped with today's). */}
        <Typography.Text type="secondary">{t('assessment.followUpOn')}</Typography.Text>
        <DatePicker
          style={{ display: 'block', margin: '4px 0 12px' }}
          value={followOn}
          onChange={(d) => d && setFollowOn(d)}
          status={followOn.isAfter(dayjs(), 'day') ? 'error' : undefined}
        />
        {followOn.isAfter(dayjs(), 'day') && (
          <Typography.Text type="danger">{t('common.notAfterToday', { today: today() })}</Typography.Text>
        )}
        <Typography.Text type="secondary" style={{ display: 'block' }}>
          {t('assessment.followUpText')}
        </Typography.Text>
        <Input.TextArea rows={3} maxLength={2000} value={followText} onChange={(e) => setFollowText(e.target.value)} />
        <Checkbox checked={close} onChange={(e) => setClose(e.target.checked)} style={{ marginTop: 8 }}>
          {t('assessment.closed')}
        </Checkbox>
      </Modal>
      {me.permissions.includes('supervision:write') && (
        <Button type="primary" style={{ marginBottom: 12 }} onClick={() => setOpen(true)}>
          {t('assessment.addSupervision')}
        </Button>
      )}
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        <Table<Schemas['SupervisionRecord']>
          rowKey="id"
          size="small"
          dataSource={q.data?.items}
          pagination={false}
          locale={{ emptyText: <Empty description={t('assessment.noSupervision')} /> }}
          columns={[
            { title: t('assessment.supervisedOn'), dataIndex: 'supervisedOn', width: 110 },
            { title: t('assessment.kind'), dataIndex: 'kind', width: 100, render: (v) => t(`assessment.kinds.${v}`) },
            {
              title: t('assessment.org'),
              dataIndex: 'orgName',
              render: (v, r) => <Link to={`/orgs/${r.orgId}`}>{v}</Link>,
            },
            { title: t('assessment.supervisor'), dataIndex: 'supervisor', width: 120 },
            {
              title: t('assessment.findings'),
              dataIndex: 'findings',
              render: (v, r) => (
                <Flex vertical gap={2}>
                  <span style={{ whiteSpace: 'pre-wrap' }}>{v}</span>
                  {r.rectification && (
                    <Typography.Text type="secondary">
                      {t('assessment.rectification')}：{r.rectification}
                      {r.deadline ? `（${t('assessment.deadline')} ${r.deadline}）` : ''}
                    </Typography.Text>
                  )}
                </Flex>
              ),
            },
            {
              title: t('assessment.effect'),
              dataIndex: 'scoreEffect',
              width: 120,
              align: 'right',
              render: (v, r) =>
                v === null ? (
                  '—'
                ) : (
                  <Flex vertical align="end">
                    <span>{v > 0 ? `+${v}` : v}</span>
                    {r.indicator && (
                      <Typography.Text type="secondary">
                        {indicatorName.get(`${r.supervisedOn.slice(0, 4)}:${r.indicator}`) ?? ''}
                      </Typography.Text>
                    )}
                  </Flex>
                ),
            },
            {
              title: t('assessment.followUp'),
              dataIndex: 'closedOn',
              width: 220,
              render: (v, r) => (
                <Flex vertical gap={4}>
                  {r.followUp && <span style={{ whiteSpace: 'pre-wrap' }}>{r.followUp}</span>}
                  {v ? (
                    <Tag color="green">{t('assessment.closed')}</Tag>
                  ) : me.permissions.includes('supervision:write') ? (
                    <Button size="small" onClick={() => setFollowing(r)}>
                      {t('assessment.followUp')}
                    </Button>
                  ) : (
                    <Tag>{t('assessment.open')}</Tag>
                  )}
                </Flex>
              ),
            },
          ]}
        />
        <CursorPager
          pages={pages}
          total={q.data?.total ?? 0}
          nextCursor={q.data?.nextCursor}
          testId="supervision-total"
        />
      </QueryState>
      <Modal
        open={open}
        title={t('assessment.addSupervision')}
        onCancel={() => setOpen(false)}
        onOk={submit}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ kind: 'organizational', on: dayjs(), supervisor: me.displayName }}
        >
          <Form.Item name="kind" label={t('assessment.kind')}>
            <Select options={KINDS.map((k) => ({ value: k, label: t(`assessment.kinds.${k}`) }))} />
          </Form.Item>
          <Form.Item
            name="orgId"
            label={t('assessment.org')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <RemoteSelect
              queryKey={(q) => orgKeys.search(q)}
              enabled={open}
              search={async (q) =>
                (await unwrap(api.GET('/api/v1/orgs', { params: { query: { q, limit: 20 } } }))).items.map((o) => ({
                  value: o.id,
                  label: o.name,
                }))
              }
            />
          </Form.Item>
          <StepDateFields label={t('assessment.supervisedOn')} />
          <Form.Item
            name="supervisor"
            label={t('assessment.supervisor')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="findings"
            label={t('assessment.findings')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Form.Item
            name="effect"
            label={t('assessment.effect')}
            extra={indicators.length === 0 ? t('assessment.effectNeedsScheme') : undefined}
          >
            <InputNumber min={-100} max={100} disabled={indicators.length === 0} />
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(a, b) => a.effect !== b.effect}>
            {({ getFieldValue }) => (
              <Form.Item
                name="indicator"
                label={t('assessment.indicator')}
                rules={[{ required: Boolean(getFieldValue('effect')), message: t('common.required') }]}
              >
                <Select
                  allowClear
                  options={indicators.map((i) => ({
                    value: i.key,
                    label: t('assessment.indicatorWeight', { name: i.name, weight: i.weight }),
                  }))}
                />
              </Form.Item>
            )}
          </Form.Item>
          <Form.Item name="rectification" label={t('assessment.rectification')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Form.Item
            name="deadline"
            label={t('assessment.deadline')}
            dependencies={['on']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_: unknown, d: Dayjs | undefined) => {
                  const on = getFieldValue('on') as Dayjs | undefined;
                  return d && on && d.isBefore(on, 'day')
                    ? Promise.reject(new Error(t('assessment.deadlineBeforeSupervision')))
                    : Promise.resolve();
                },
              }),
            ]}
          >
            <DatePicker />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
