import { ORG_TRANSITIONS } from '@lianjian/shared';
import { Alert, Button, Form, Input, Modal } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { StepDateFields, stepDateBody } from '../../components/StepDateFields';

type Org = Schemas['OrgDetail'];
type Action = { kind: 'transition'; to: 'active' | 'rectification' } | { kind: 'dissolve' };

/** Status changes and dissolution, offered only when the server says the caller may; each asks for a reason. */
export function OrgStatusActions({ org }: { org: Org }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [action, setAction] = useState<Action | null>(null);
  const { busy, run } = useServerAction({
    dissolvedOn: t('org.dissolvedOn'),
    backdateReason: t('common.backdateReason'),
    reason: action?.kind === 'dissolve' ? t('statusAction.dissolveReason') : t('statusAction.reason'),
  });
  const next = org.abilities.transition
    ? ORG_TRANSITIONS[org.status].filter(
        (s): s is 'active' | 'rectification' => s === 'active' || s === 'rectification',
      )
    : [];
  const submit = async () => {
    if (!action) return;
    const v = await validValues(form);
    if (!v) return;
    const done = await run(async () => {
      if (action.kind === 'transition') {
        await unwrap(
          api.POST('/api/v1/orgs/{id}/transitions', {
            params: { path: { id: org.id } },
            body: { to: action.to, reason: v.reason, version: org.version },
          }),
        );
      } else {
        const { day, backdateReason } = stepDateBody(v, v.dissolvedOn);
        await unwrap(
          api.POST('/api/v1/orgs/{id}/dissolve', {
            params: { path: { id: org.id } },
            body: {
              dissolvedOn: day,
              ...(backdateReason ? { backdateReason } : {}),
              reason: v.reason,
              version: org.version,
            },
          }),
        );
      }
    }, t('statusAction.done'));
    if (done) {
      setAction(null);
      form.resetFields();
    }
  };
  return (
    <>
      {next.map((to) => (
        <Button key={to} onClick={() => setAction({ kind: 'transition', to })}>
          {t(`statusAction.to.${to}`)}
        </Button>
      ))}
      {org.abilities.dissolve && (
        <Button danger onClick={() => setAction({ kind: 'dissolve' })}>
          {t('statusAction.dissolve')}
        </Button>
      )}
      <Modal
        open={action !== null}
        title={
          action?.kind === 'dissolve'
            ? t('statusAction.dissolveTitle', { name: org.name })
            : action
              ? t(`statusAction.to.${action.to}`)
              : ''
        }
        onCancel={() => setAction(null)}
        onOk={submit}
        okButtonProps={{ danger: action?.kind === 'dissolve' }}
        confirmLoading={busy}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        {action?.kind === 'dissolve' && (
          <Alert type="warning" showIcon title={t('statusAction.dissolveWarning')} style={{ marginBottom: 16 }} />
        )}
        <Form form={form} layout="vertical" initialValues={{ dissolvedOn: dayjs() }}>
          {action?.kind === 'dissolve' && <StepDateFields name="dissolvedOn" label={t('org.dissolvedOn')} />}
          <Form.Item
            name="reason"
            label={action?.kind === 'dissolve' ? t('statusAction.dissolveReason') : t('statusAction.reason')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
