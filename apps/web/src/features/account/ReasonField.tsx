import { Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * The end of a form that acts on an account: the reason the audit trail keeps (and, for a request, the approver checks
 * the request against), required and at most 200 characters as the server takes it, then the button that sends it.
 */
export function ReasonField({
  label,
  submit,
  busy,
  danger = false,
  testId,
}: {
  label: string;
  submit: string;
  busy: boolean;
  danger?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="reason" label={label} rules={[{ required: true, message: t('common.required') }]}>
        <Input.TextArea rows={2} maxLength={200} data-testid={testId} />
      </Form.Item>
      <Button type="primary" danger={danger} htmlType="submit" loading={busy} block>
        {submit}
      </Button>
    </>
  );
}
