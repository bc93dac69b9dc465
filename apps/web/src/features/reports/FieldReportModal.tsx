import { REPORT_CATEGORIES } from '@lianjian/shared';
import { Form, Input, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { validValues } from '../../components/validValues';

export interface FieldReport {
  regionCode: string;
  category: (typeof REPORT_CATEGORIES)[number];
  description: string;
  reporterName?: string;
}

/**
 * A resident's report entered on a visit, with no connection if need be: the form takes a tracking code reserved
 * while online and shows it, so that the resident leaves with her code; the report is queued and sent later.
 */
export function FieldReportModal({
  villages,
  open,
  onClose,
  submit,
  initial,
}: {
  villages: { code: string; name: string }[];
  open: boolean;
  /** The report as queued, when the secretary edits one the server refused. */
  initial?: FieldReport;
  onClose: () => void;
  /** Queues the report; answers the tracking code handed to the resident, or null when the device holds none. */
  submit: (report: FieldReport) => Promise<string | null>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState<string | null>(null);
  const [noCode, setNoCode] = useState(false);
  const ok = async () => {
    if (code) {
      setCode(null);
      form.resetFields();
      onClose();
      return;
    }
    const v = await validValues(form);
    if (!v) return;
    setBusy(true);
    try {
      const got = await submit({
        regionCode: v.regionCode,
        category: v.category,
        description: v.description,
        ...(v.reporterName?.trim() ? { reporterName: v.reporterName.trim() } : {}),
      });
      setNoCode(got === null);
      setCode(got);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('field.report.title')}
      onCancel={() => {
        setCode(null);
        onClose();
      }}
      onOk={ok}
      okText={code ? t('field.report.done') : undefined}
      confirmLoading={busy}
      destroyOnHidden
    >
      {code ? (
        <div data-testid="field-report-code">
          <Typography.Paragraph>{t('field.report.tellCode')}</Typography.Paragraph>
          <Typography.Title level={3} copyable style={{ letterSpacing: 2 }}>
            {code}
          </Typography.Title>
        </div>
      ) : (
        <Form form={form} layout="vertical" initialValues={initial}>
          {noCode && <Typography.Text type="danger">{t('field.report.noCode')}</Typography.Text>}
          <Form.Item
            name="regionCode"
            label={t('field.report.village')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select options={villages.map((v) => ({ value: v.code, label: v.name }))} />
          </Form.Item>
          <Form.Item
            name="category"
            label={t('field.report.category')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select options={REPORT_CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))} />
          </Form.Item>
          <Form.Item
            name="description"
            label={t('field.report.description')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Form.Item name="reporterName" label={t('field.report.reporterName')}>
            <Input maxLength={50} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
