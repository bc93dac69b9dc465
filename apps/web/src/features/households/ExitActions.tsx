import { Alert, Button, Checkbox, Flex, Form, Input, Modal, Radio, Table } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, today, unwrap } from '../../api/client';
import { StepDateFields, stepDateBody } from '../../components/StepDateFields';
import { RemoteSelect } from '../../components/RemoteSelect';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { householdKeys } from '../../api/queryKeys';

type Application = Schemas['ExitApplication'];
type Step = Application['status'];
const CRITERIA = ['income', 'food', 'clothing', 'education', 'medical', 'housing', 'water'] as const;

/** Starts an application (by the household, or proposed by the village). */
export function ApplyExitButton({ householdId }: { householdId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    source: t('households.exitActions.source'),
    appliedOn: t('households.exitActions.on'),
    backdateReason: t('common.backdateReason'),
    note: t('households.exitActions.note'),
  });
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const { day, backdateReason } = stepDateBody(v, v.on);
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/exit-applications', {
            body: {
              householdId,
              source: v.source,
              appliedOn: day,
              ...(backdateReason ? { backdateReason } : {}),
              ...(v.note ? { note: v.note } : {}),
            },
          }),
        ),
      t('item.done'),
    );
    if (ok) setOpen(false);
  };
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="exit-apply">
        {t('households.exitActions.apply')}
      </Button>
      <Modal
        open={open}
        title={t('households.exitActions.apply')}
        onCancel={() => setOpen(false)}
        onOk={submit}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ source: 'household', on: dayjs() }}>
          <Form.Item name="source" label={t('households.exitActions.source')}>
            <Radio.Group
              options={(['household', 'village'] as const).map((s) => ({
                value: s,
                label: t(`households.exitActions.sources.${s}`),
              }))}
            />
          </Form.Item>
          <StepDateFields label={t('households.exitActions.on')} />
          <Form.Item name="note" label={t('households.exitActions.note')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/**
 * Who verified: the village work team (a unit, 驻村工作队) or the first secretary (a person, 第一书记), searched among
 * the county's units and people. The value is `unit:<id>` or `member:<id>`.
 */
function VerifierField() {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="verifier"
      label={t('households.exitActions.verifier')}
      extra={t('households.exitActions.verifierHint')}
      rules={[{ required: true, message: t('common.required') }]}
    >
      <RemoteSelect
        initialTerm="工作队"
        queryKey={(q) => householdKeys.verifiers(q)}
        search={async (q) => {
          const [units, people] = await Promise.all([
            unwrap(api.GET('/api/v1/units', { params: { query: { q, limit: 20 } } })),
            unwrap(api.GET('/api/v1/members', { params: { query: { q, limit: 20 } } })),
          ]);
          return [
            {
              label: t('households.exitActions.verifierUnits'),
              options: units.items.map((u) => ({ value: `unit:${u.id}`, label: `${u.name}（${u.regionName}）` })),
            },
            {
              label: t('households.exitActions.verifierPeople'),
              options: people.items.map((m) => ({
                value: `member:${m.id}`,
                label: `${m.name}${m.title ? `（${m.title}）` : ''} · ${m.unitName}`,
              })),
            },
          ].filter((g) => g.options.length > 0);
        }}
        data-testid="exit-verifier"
      />
    </Form.Item>
  );
}

const verifierBody = (v: string | undefined) => {
  if (!v) return undefined;
  const [kind, id] = v.split(':') as ['unit' | 'member', string];
  return kind === 'unit' ? { unitId: id } : { memberId: id };
};

type Action = { kind: 'step'; to: Step } | { kind: 'reject' } | { kind: 'object' };

/**
 * The next step of an open application, rejection with a written reason, and — during public notice — an
 * objection, which sends it back to verification. Only the steps the procedure allows are offered; the
 * server refuses anything else.
 */
export function ExitActions({ application }: { application: Application }) {
  const { t } = useTranslation();
  const [action, setAction] = useState<Action | null>(null);
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    receivedOn: t('households.exitActions.on'),
    on: t('households.exitActions.on'),
    backdateReason: t('common.backdateReason'),
    content: t('households.exitActions.objection'),
    reason: t('households.exitActions.rejectReason'),
    verifier: t('households.exitActions.verifier'),
  });
  // What to offer is the server's answer (`abilities`): the procedure's order and who may take each step live there.
  const { steps, announceFrom, reject, object } = application.abilities;
  const noticeRunning = announceFrom !== null && today() < announceFrom;

  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const { day: on, backdateReason } = stepDateBody(v, v.on);
    const late = backdateReason ? { backdateReason } : {};
    const id = application.id;
    const ok = await run(async () => {
      if (action?.kind === 'object') {
        await unwrap(
          api.POST('/api/v1/exit-applications/{id}/objections', {
            params: { path: { id } },
            body: { receivedOn: on, ...late, content: v.content, version: application.version },
          }),
        );
      } else {
        const to = action?.kind === 'reject' ? 'rejected' : (action?.to as Step);
        const criteria =
          to === 'verified'
            ? CRITERIA.map((c) => ({
                criterion: c,
                met: Boolean(v.criteria?.[c]?.met),
                evidence: v.criteria?.[c]?.evidence ?? '',
              }))
            : undefined;
        await unwrap(
          api.POST('/api/v1/exit-applications/{id}/transitions', {
            params: { path: { id } },
            body: {
              to,
              on,
              ...late,
              version: application.version,
              ...(v.reason ? { reason: v.reason } : {}),
              ...(criteria ? { criteria, verifier: verifierBody(v.verifier) } : {}),
            },
          }),
        );
      }
    }, t('item.done'));
    if (ok) setAction(null);
  };

  const title =
    action?.kind === 'reject'
      ? t('households.exitActions.reject')
      : action?.kind === 'object'
        ? t('households.exitActions.object')
        : action
          ? t(`households.exitSteps.${action.to}`)
          : '';
  return (
    <>
      <Flex gap={8} wrap style={{ marginTop: 8 }} data-testid="exit-actions">
        {steps.map((to) => (
          <Button
            key={to}
            type="primary"
            disabled={to === 'announced' && noticeRunning}
            onClick={() => setAction({ kind: 'step', to })}
          >
            {t('households.exitActions.next', { step: t(`households.exitSteps.${to}`) })}
          </Button>
        ))}
        {object && <Button onClick={() => setAction({ kind: 'object' })}>{t('households.exitActions.object')}</Button>}
        {reject && (
          <Button danger onClick={() => setAction({ kind: 'reject' })}>
            {t('households.exitActions.reject')}
          </Button>
        )}
      </Flex>
      {noticeRunning && (
        <Alert
          style={{ marginTop: 8 }}
          type="info"
          showIcon
          title={t('households.exitActions.noticeRunning', { date: application.noticeEndsOn })}
        />
      )}
      <Modal
        open={Boolean(action)}
        title={title}
        onCancel={() => setAction(null)}
        onOk={submit}
        confirmLoading={busy}
        destroyOnHidden
        width={action?.kind === 'step' && action.to === 'verified' ? 760 : 520}
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            on: dayjs(),
            criteria: Object.fromEntries(CRITERIA.map((c) => [c, { met: true, evidence: '' }])),
          }}
          preserve={false}
        >
          <StepDateFields label={t('households.exitActions.stepOn', { step: title })} />
          {action?.kind === 'step' && action.to === 'verified' && <VerifierField />}
          {action?.kind === 'step' && action.to === 'verified' && (
            <Table
              size="small"
              pagination={false}
              rowKey={(c) => c}
              dataSource={[...CRITERIA]}
              columns={[
                {
                  title: t('households.exitActions.criteria'),
                  render: (_, c) => t(`households.exitActions.criteriaNames.${c}`),
                  width: 220,
                },
                {
                  title: t('households.exitActions.met'),
                  width: 70,
                  render: (_, c) => (
                    <Form.Item name={['criteria', c, 'met']} valuePropName="checked" noStyle>
                      <Checkbox />
                    </Form.Item>
                  ),
                },
                {
                  title: t('households.exitActions.evidence'),
                  render: (_, c) => (
                    <Form.Item
                      name={['criteria', c, 'evidence']}
                      rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                      style={{ margin: 0 }}
                    >
                      <Input maxLength={1000} data-testid={`evidence-${c}`} />
                    </Form.Item>
                  ),
                },
              ]}
            />
          )}
          {action?.kind === 'reject' && (
            <Form.Item
              name="reason"
              label={t('households.exitActions.rejectReason')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea rows={3} maxLength={1000} />
            </Form.Item>
          )}
          {action?.kind === 'object' && (
            <Form.Item
              name="content"
              label={t('households.exitActions.objection')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea rows={3} maxLength={1000} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
