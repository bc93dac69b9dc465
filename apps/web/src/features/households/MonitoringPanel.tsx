import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Flex, Form, Input, InputNumber, Modal, Select, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, today, unwrap } from '../../api/client';
import { CursorPager, useCursorPages } from '../../components/CursorPager';
import { QueryState } from '../../components/QueryState';
import { StepDateFields, stepDateBody } from '../../components/StepDateFields';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { householdKeys } from '../../api/queryKeys';

type Case = Schemas['MonitoringCase'];
type Candidate = Schemas['MonitoringCandidate'];

/** Identifies a household for monitoring (识别): category, source, the risk in words. */
function IdentifyModal({ candidate, onClose }: { candidate: Candidate | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    category: t('households.monitoring.category'),
    source: t('households.monitoring.source'),
    risk: t('households.monitoring.risk'),
    identifiedOn: t('households.monitoring.identifiedOn'),
    backdateReason: t('common.backdateReason'),
  });
  const submit = async () => {
    if (!candidate) return;
    const v = await validValues(form);
    if (!v) return;
    const { day, backdateReason } = stepDateBody(v, v.identifiedOn);
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/monitoring-cases', {
            body: {
              householdId: candidate.householdId,
              category: v.category,
              source: v.source,
              risk: v.risk,
              identifiedOn: day,
              ...(backdateReason ? { backdateReason } : {}),
            },
          }),
        ),
      t('item.done'),
    );
    if (ok) onClose();
  };
  const reasons = candidate?.reasons.map((r) => t(`households.monitoring.reasons.${r}`)).join('、') ?? '';
  return (
    <Modal
      open={Boolean(candidate)}
      title={`${t('households.monitoring.identify')} · ${candidate?.headName ?? ''}`}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          category: candidate?.suggestedCategory,
          source: candidate?.reasons.includes('income_below_line') ? 'data_crosscheck' : 'cadre_visit',
          risk: reasons,
          identifiedOn: dayjs(),
        }}
      >
        <Form.Item
          name="category"
          label={t('households.monitoring.category')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            options={(['unstable_exited', 'marginal', 'sudden_hardship'] as const).map((c) => ({
              value: c,
              label: t(`households.monitoring.categories.${c}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="source"
          label={t('households.monitoring.source')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            options={(['household_report', 'cadre_visit', 'data_crosscheck'] as const).map((c) => ({
              value: c,
              label: t(`households.monitoring.sources.${c}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="risk"
          label={t('households.monitoring.risk')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <StepDateFields name="identifiedOn" label={t('households.monitoring.identifiedOn')} />
      </Form>
    </Modal>
  );
}

/** Moves a case one step along DOMAIN §7's path; the server refuses anything out of order. */
function CaseStepModal({ target, onClose }: { target: { c: Case; to: Case['status'] } | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    on: t('households.exitActions.on'),
    backdateReason: t('common.backdateReason'),
    reason: t('households.exitActions.note'),
  });
  // Dropping a case, sending it back or re-flagging a household needs a written reason (the server says which).
  const needsReason = target ? target.c.abilities.reasonRequired.includes(target.to) : false;
  const submit = async () => {
    if (!target) return;
    const v = await validValues(form);
    if (!v) return;
    const { day, backdateReason } = stepDateBody(v, v.on);
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/monitoring-cases/{id}/transitions', {
            params: { path: { id: target.c.id } },
            body: {
              to: target.to,
              on: day,
              ...(backdateReason ? { backdateReason } : {}),
              version: target.c.version,
              ...(v.reason ? { reason: v.reason } : {}),
            },
          }),
        ),
      t('item.done'),
    );
    if (ok) onClose();
  };
  return (
    <Modal
      open={Boolean(target)}
      title={target ? `${target.c.headName} · ${t(`households.monitoring.actions.${target.to}`)}` : ''}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ on: dayjs() }}>
        <StepDateFields label={t('households.exitActions.on')} />
        <Form.Item
          name="reason"
          label={t('households.exitActions.note')}
          rules={[{ required: needsReason, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Return-to-poverty monitoring: the early-warning list and the cases along their path. */
export function MonitoringPanel() {
  const { t } = useTranslation();
  const [year, setYear] = useState(dayjs().year());
  const [identify, setIdentify] = useState<Candidate | null>(null);
  const [step, setStep] = useState<{ c: Case; to: Case['status'] } | null>(null);
  const pages = useCursorPages();
  const cases = useQuery({
    queryKey: householdKeys.monitoring(pages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/monitoring-cases', {
          params: { query: { limit: 20, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
  });
  // The early warnings of the year, paged by the server (a new year starts again from the first page).
  const warningPages = useCursorPages(String(year));
  const candidates = useQuery({
    queryKey: householdKeys.monitoringCandidates(year, warningPages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/monitoring-candidates', {
          params: {
            query: { year, limit: 10, ...(warningPages.cursor ? { cursor: warningPages.cursor } : {}) },
          },
        }),
      ),
  });
  return (
    <Flex vertical gap={16}>
      <Card size="small" title={t('households.monitoring.cases')}>
        <QueryState loading={cases.isLoading} error={cases.error} retry={() => cases.refetch()}>
          <Table<Case>
            rowKey="id"
            size="small"
            dataSource={cases.data?.items}
            pagination={false}
            locale={{ emptyText: <Empty description={t('households.monitoring.noCases')} /> }}
            columns={[
              {
                title: t('households.head'),
                dataIndex: 'headName',
                render: (v, r) => <Link to={`/households/${r.householdId}`}>{v}</Link>,
              },
              { title: t('households.village'), dataIndex: 'regionName' },
              {
                title: t('households.monitoring.category'),
                dataIndex: 'category',
                render: (v) => t(`households.monitoring.categories.${v}`),
              },
              { title: t('households.monitoring.risk'), dataIndex: 'risk', ellipsis: true },
              {
                title: t('households.status'),
                dataIndex: 'status',
                render: (v: Case['status'], r) => (
                  <>
                    <Tag color={v === 'eliminated' ? 'green' : v === 'dropped' ? 'default' : 'orange'}>
                      {t(`households.monitoring.statuses.${v}`)}
                    </Tag>
                    {r.noticeEndsOn && (v === 'in_notice' || v === 'elimination_in_notice') && (
                      <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
                        {t('households.monitoring.noticeUntil', { date: r.noticeEndsOn })}
                      </Typography.Text>
                    )}
                  </>
                ),
              },
              {
                title: t('households.monitoring.next'),
                key: 'next',
                render: (_, r) => {
                  // The steps are the server's answer; a review waits for the notice to run its days (the server refuses it before).
                  const { steps, reviewFrom } = r.abilities;
                  const waiting = (to: Case['status']) =>
                    (to === 'township_reviewed' || to === 'elimination_reviewed') &&
                    reviewFrom !== null &&
                    today() < reviewFrom;
                  return (
                    <Flex gap={4} wrap>
                      {steps.map((to) => (
                        <Button
                          key={to}
                          size="small"
                          danger={to === 'dropped'}
                          disabled={waiting(to)}
                          title={
                            waiting(to) ? t('households.monitoring.noticeRunning', { date: reviewFrom }) : undefined
                          }
                          onClick={() => setStep({ c: r, to })}
                        >
                          {t(`households.monitoring.actions.${to}`)}
                        </Button>
                      ))}
                    </Flex>
                  );
                },
              },
            ]}
          />
          <CursorPager
            pages={pages}
            total={cases.data?.total ?? 0}
            nextCursor={cases.data?.nextCursor}
            testId="monitoring-total"
          />
        </QueryState>
      </Card>
      <Card
        size="small"
        title={t('households.monitoring.candidates')}
        extra={
          <Flex gap={8} align="center">
            {t('households.monitoring.year')}
            <InputNumber
              min={2015}
              max={2100}
              value={year}
              onChange={(v) => v && setYear(v)}
              style={{ width: 90 }}
              data-testid="warning-year"
            />
          </Flex>
        }
      >
        <QueryState loading={candidates.isLoading} error={candidates.error} retry={() => candidates.refetch()}>
          <Table<Candidate>
            rowKey="householdId"
            size="small"
            dataSource={candidates.data?.items}
            pagination={false}
            locale={{ emptyText: <Empty description={t('households.monitoring.noCandidates')} /> }}
            columns={[
              {
                title: t('households.head'),
                dataIndex: 'headName',
                render: (v, r) => <Link to={`/households/${r.householdId}`}>{v}</Link>,
              },
              { title: t('households.village'), dataIndex: 'regionName' },
              { title: t('households.status'), dataIndex: 'status', render: (v) => t(`households.statuses.${v}`) },
              {
                title: t('households.perCapita'),
                dataIndex: 'perCapitaIncome',
                align: 'right',
                render: (v, r) => `${v}（${t('households.monitoring.line')} ${r.line}）`,
              },
              {
                title: t('households.monitoring.risk'),
                dataIndex: 'reasons',
                render: (v: Candidate['reasons'], r) => (
                  <Flex gap={4} wrap>
                    {v.map((x) => (
                      <Tag key={x} color="volcano">
                        {t(`households.monitoring.reasons.${x}`)}
                        {x === 'rigid_spending' ? ` ${r.rigidSpending}` : ''}
                      </Tag>
                    ))}
                  </Flex>
                ),
              },
              {
                title: '',
                key: 'act',
                render: (_, r) =>
                  r.canIdentify && (
                    <Button size="small" type="primary" onClick={() => setIdentify(r)}>
                      {t('households.monitoring.identify')}
                    </Button>
                  ),
              },
            ]}
          />
          <CursorPager
            pages={warningPages}
            total={candidates.data?.total ?? 0}
            nextCursor={candidates.data?.nextCursor}
            testId="warning-total"
          />
        </QueryState>
      </Card>
      <IdentifyModal candidate={identify} onClose={() => setIdentify(null)} />
      <CaseStepModal target={step} onClose={() => setStep(null)} />
    </Flex>
  );
}
