import { DownloadOutlined } from '@ant-design/icons';
import { Button, Form, Input, Modal, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../api/client';
import { errorText } from './errorText';

type Kind = Schemas['ExportRequest']['kind'];

/**
 * Personal data leaves the system only with a reason: the button asks why, the server grants a link for this
 * user that expires in minutes, and the browser downloads through it at once.
 */
export function ExportButton({
  kind,
  params,
  children,
  testId,
}: {
  kind: Kind;
  params: Record<string, unknown>;
  children: ReactNode;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { reason: string }) => {
    setBusy(true);
    setError(null);
    try {
      // The trail is the audit administrator's, asked for through its own door (the auditor holds no other export).
      const grant = await unwrap(
        kind === 'audit_log'
          ? api.POST('/api/v1/audit/exports', { body: { params, reason: v.reason } })
          : api.POST('/api/v1/exports', { body: { kind, params, reason: v.reason } }),
      );
      const a = document.createElement('a');
      a.href = grant.downloadUrl;
      a.download = '';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setOpen(false);
    } catch (e) {
      setError(errorText(e, { labels: { reason: t('exports.reason') } }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button icon={<DownloadOutlined />} onClick={() => setOpen(true)} data-testid={testId}>
        {children}
      </Button>
      <Modal open={open} title={t('exports.title')} footer={null} onCancel={() => setOpen(false)} destroyOnHidden>
        <Typography.Paragraph type="secondary">{t('exports.hint')}</Typography.Paragraph>
        {error && <Typography.Paragraph type="danger">{error}</Typography.Paragraph>}
        <Form layout="vertical" onFinish={submit}>
          <Form.Item
            name="reason"
            label={t('exports.reason')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input.TextArea
              rows={2}
              maxLength={200}
              placeholder={t('exports.placeholder')}
              data-testid="export-reason"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block data-testid="export-confirm">
            {t('exports.download')}
          </Button>
        </Form>
      </Modal>
    </>
  );
}
