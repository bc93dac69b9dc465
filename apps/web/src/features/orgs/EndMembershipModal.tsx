import { Alert, DatePicker, Form, Input, Modal } from 'antd';
import { notAfterTodayRule } from '../../components/StepDateFields';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, today, unwrap } from '../../api/client';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';

/** Ends a membership with a date and a reason, after the user confirms. */
export function EndMembershipModal(props: { membership: Schemas['Membership'] | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({ endOn: t('end.endOn'), endReason: t('end.reason') });
  const m = props.membership;
  const submit = async () => {
    if (!m) return;
    const v = await validValues(form);
    if (!v) return;
    const done = await run(
      () =>
        unwrap(
          api.POST('/api/v1/orgs/{id}/memberships/{membershipId}/end', {
            params: { path: { id: m.orgId, membershipId: m.id } },
            body: { endOn: v.endOn.format('YYYY-MM-DD'), endReason: v.endReason, version: m.version },
          }),
        ),
      t('end.success'),
    );
    if (done) {
      form.resetFields();
      props.onClose();
    }
  };
  return (
    <Modal
      open={m !== null}
      title={m ? t('end.title', { name: m.memberName }) : ''}
      onCancel={props.onClose}
      onOk={submit}
      okButtonProps={{ danger: true }}
      confirmLoading={busy}
      okText={t('common.ok')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('end.confirm')} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" initialValues={{ endOn: dayjs() }}>
        <Form.Item
          name="endOn"
          label={t('end.endOn')}
          rules={[
            { required: true, message: t('common.required') },
            notAfterTodayRule(t('common.notAfterToday', { today: today() })),
          ]}
        >
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="endReason"
          label={t('end.reason')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={2} maxLength={500} placeholder={t('end.reasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
