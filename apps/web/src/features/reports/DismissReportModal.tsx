import { REPORT_DISMISSAL_KINDS } from '@lianjian/shared';
import { Form, Input, Modal, Radio, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';

/**
 * Not taking a report up (不予受理): why, in one of the kinds, and a reason the resident reads on the tracking page.
 * It cannot be undone, so the form says so and the button is marked as destructive.
 */
export function DismissReportModal(props: { report: Schemas['Report'] | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({ kind: t('reports.dismissKind'), reason: t('reports.dismissReason') });
  const report = props.report;
  const submit = async () => {
    if (!report) return;
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/reports/{id}/dismiss', {
            params: { path: { id: report.id } },
            body: { kind: v.kind, reason: v.reason },
          }),
        ),
      t('reports.dismissed'),
    );
    if (ok) {
      form.resetFields();
      props.onClose();
    }
  };
  return (
    <Modal
      open={report !== null}
      title={t('reports.dismissTitle')}
      okText={t('reports.dismissConfirm')}
      okButtonProps={{ danger: true }}
      confirmLoading={busy}
      onOk={submit}
      onCancel={props.onClose}
      destroyOnHidden
    >
      {report && (
        <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }}>
          {report.regionName} · {report.description}
        </Typography.Paragraph>
      )}
      <Typography.Paragraph>{t('reports.dismissHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item
          name="kind"
          label={t('reports.dismissKind')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Radio.Group options={REPORT_DISMISSAL_KINDS.map((k) => ({ value: k, label: t(`dismissal.${k}`) }))} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('reports.dismissReason')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('reports.dismissPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
