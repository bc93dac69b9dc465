import { PhoneOutlined } from '@ant-design/icons';
import { Button, Flex, Form, Image, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';

type Report = Pick<Schemas['Report'], 'id' | 'phone' | 'photoIds' | 'abilities'>;

/** The resident's photos as thumbnails that open larger (one preview group per report). */
export function ReportPhotos({
  report,
  size = 56,
  altKey = 'reports.photoAlt',
}: {
  report: Pick<Report, 'photoIds'>;
  size?: number;
  /** The words naming each photo for a screen reader (a resident's, a visit's). */
  altKey?: string;
}) {
  const { t } = useTranslation();
  if (report.photoIds.length === 0) return null;
  return (
    <Image.PreviewGroup>
      <Flex gap={6} wrap style={{ marginTop: 6 }}>
        {report.photoIds.map((id, n) => (
          <Image
            key={id}
            width={size}
            height={size}
            style={{ objectFit: 'cover', borderRadius: 4 }}
            src={`/api/v1/photos/${id}`}
            alt={t(altKey, { n: n + 1 })}
            data-testid="report-photo"
          />
        ))}
      </Flex>
    </Image.PreviewGroup>
  );
}

/**
 * The reporter's phone, masked; "查看完整号码" asks why (the server records the reason in the audit trail) and then
 * shows the number as a link that dials it, for calling the resident back.
 */
export function ReportPhone({ report }: { report: Report }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const [asking, setAsking] = useState(false);
  const [full, setFull] = useState<string | null>(null);
  const { busy, run } = useServerAction({ reason: t('reports.unmaskReason') });
  if (!report.phone) return <Typography.Text type="secondary">—</Typography.Text>;
  if (full)
    return (
      <a href={`tel:${full}`} data-testid="report-phone-full" style={{ whiteSpace: 'nowrap' }}>
        <PhoneOutlined /> {full}
      </a>
    );
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    let phone = '';
    const ok = await run(async () => {
      phone = (
        await unwrap(
          api.POST('/api/v1/reports/{id}/unmask', { params: { path: { id: report.id } }, body: { reason: v.reason } }),
        )
      ).phone;
    }, t('reports.unmasked'));
    if (ok) {
      setFull(phone);
      setAsking(false);
      form.resetFields();
    }
  };
  return (
    <Flex gap={4} wrap align="center">
      <span data-testid="report-phone">{report.phone}</span>
      {report.abilities.unmaskPhone && (
        <Button size="small" type="link" style={{ padding: 0 }} onClick={() => setAsking(true)}>
          {t('reports.unmask')}
        </Button>
      )}
      <Modal
        open={asking}
        title={t('reports.unmaskTitle')}
        okText={t('reports.unmask')}
        confirmLoading={busy}
        onOk={submit}
        onCancel={() => setAsking(false)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('reports.unmaskHint')}</Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label={t('reports.unmaskReason')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={200} placeholder={t('reports.unmaskPlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
    </Flex>
  );
}
