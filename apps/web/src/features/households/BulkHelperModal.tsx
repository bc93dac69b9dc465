import { Alert, Checkbox, DatePicker, Form, Input, Modal, Select } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { HelperSelect } from './HelperSelect';
import { factDayRules } from '../../components/StepDateFields';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';

const ROLES = ['party_member', 'police', 'doctor', 'teacher', 'cadre', 'mediator', 'other'] as const;
/** The server's limit on one bulk assignment (households.schemas.ts, BULK_HELPER_MAX). */
export const BULK_HELPER_MAX = 50;

/**
 * One helper for several households chosen in the register (filtered by a coverage gap): all of them are assigned in
 * one transaction, or none, and a refusal names the household.
 */
export function BulkHelperModal({
  householdIds,
  open,
  onClose,
  onDone,
}: {
  householdIds: string[];
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
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
          api.POST('/api/v1/households/helpers', {
            body: {
              householdIds,
              memberId: v.memberId,
              role: v.role,
              primary: Boolean(v.primary),
              reason: v.reason,
              startOn: v.startOn.format('YYYY-MM-DD'),
            },
          }),
        ),
      t('households.bulk.done', { count: householdIds.length }),
    );
    if (ok) {
      form.resetFields();
      onDone();
    }
  };
  return (
    <Modal
      open={open}
      title={t('households.bulk.title', { count: householdIds.length })}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Alert type="info" showIcon message={t('households.bulk.note')} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" initialValues={{ role: 'party_member', startOn: dayjs(), primary: true }}>
        <Form.Item name="memberId" label={t('link.member')} rules={[{ required: true, message: t('common.required') }]}>
          <HelperSelect enabled={open} data-testid="bulk-helper-select" />
        </Form.Item>
        <Form.Item name="role" label={t('households.role')}>
          <Select options={ROLES.map((r) => ({ value: r, label: t(`households.roles.${r}`) }))} />
        </Form.Item>
        <Form.Item name="primary" valuePropName="checked">
          <Checkbox>{t('households.isPrimary')}</Checkbox>
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('households.reason')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={2} maxLength={500} data-testid="bulk-helper-reason" />
        </Form.Item>
        <Form.Item name="startOn" label={t('households.startOn')} rules={factDayRules(t)}>
          <DatePicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}
