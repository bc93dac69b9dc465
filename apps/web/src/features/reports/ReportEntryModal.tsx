import { REPORT_CATEGORIES } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import type { UploadFile } from 'antd';
import { Alert, Form, Input, Modal, Radio, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { regionKeys } from '../../api/queryKeys';
import { PhotoPicker } from '../../components/PhotoPicker';
import { photosOf } from '../../components/photos';
import { allRegions } from '../../components/regions';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';

const SOURCES = ['hotline', 'visit', 'meeting'] as const;

/**
 * Entering a report received on a visit, a hotline call (12345) or at a meeting: the place (a township or village of
 * the account's reach, which the server checks), the category, what was said, and whom to call back. The tracking
 * code is shown once, to be passed on to the resident.
 */
export function ReportEntryModal(props: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [code, setCode] = useState<string | null>(null);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const { busy, run } = useServerAction({
    source: t('reports.source'),
    regionCode: t('reports.place'),
    category: t('resident.category'),
    description: t('reports.description'),
    reporterName: t('reports.reporterName'),
    phone: t('reports.phone'),
  });
  const regions = useQuery({ queryKey: regionKeys.list(), queryFn: () => allRegions(), enabled: props.open });
  const names = new Map((regions.data?.items ?? []).map((r) => [r.code, r.name]));
  const places = (regions.data?.items ?? [])
    .filter((r) => r.level === 'township' || r.level === 'village')
    .map((r) => ({
      value: r.code,
      label: r.level === 'village' && r.parentCode ? `${names.get(r.parentCode) ?? ''} · ${r.name}` : r.name,
    }));
  const close = () => {
    form.resetFields();
    setFiles([]);
    setCode(null);
    props.onClose();
  };
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    let received = '';
    const ok = await run(async () => {
      received = (
        await unwrap(
          api.POST('/api/v1/reports', {
            body: {
              source: v.source,
              regionCode: v.regionCode,
              category: v.category,
              description: v.description,
              ...(v.reporterName?.trim() ? { reporterName: v.reporterName.trim() } : {}),
              ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}),
              photos: await photosOf(files),
            },
          }),
        )
      ).trackingCode;
    }, t('reports.entered'));
    if (ok) setCode(received);
  };
  const required = [{ required: true, whitespace: true, message: t('common.required') }];
  return (
    <Modal
      open={props.open}
      title={t('reports.enterTitle')}
      okText={code ? t('reports.done') : t('reports.enterSubmit')}
      confirmLoading={busy}
      onOk={code ? close : submit}
      onCancel={close}
      cancelButtonProps={code ? { style: { display: 'none' } } : {}}
      destroyOnHidden
    >
      {code ? (
        <Alert
          type="success"
          showIcon
          title={t('reports.enteredCode')}
          description={
            <>
              <Typography.Text strong copyable data-testid="entered-code" style={{ fontSize: 18 }}>
                {code}
              </Typography.Text>
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                {t('reports.enteredCodeHint')}
              </Typography.Paragraph>
            </>
          }
        />
      ) : (
        <Form form={form} layout="vertical" initialValues={{ source: 'hotline' }}>
          <Form.Item name="source" label={t('reports.source')} rules={[{ required: true }]}>
            <Radio.Group
              optionType="button"
              options={SOURCES.map((s) => ({ value: s, label: t(`reports.sourcesLong.${s}`) }))}
            />
          </Form.Item>
          <Form.Item
            name="regionCode"
            label={t('reports.place')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select
              showSearch
              optionFilterProp="label"
              loading={regions.isLoading}
              placeholder={t('reports.placePlaceholder')}
              options={places}
              data-testid="entry-place"
            />
          </Form.Item>
          <Form.Item
            name="category"
            label={t('resident.category')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select
              showSearch
              optionFilterProp="label"
              options={REPORT_CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
              data-testid="entry-category"
            />
          </Form.Item>
          <Form.Item name="description" label={t('reports.description')} rules={required}>
            <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('reports.descriptionPlaceholder')} />
          </Form.Item>
          <Form.Item name="reporterName" label={t('reports.reporterName')}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item
            name="phone"
            label={t('reports.phone')}
            extra={t('reports.phoneHint')}
            rules={[{ pattern: /^1[3-9]\d{9}$/, message: t('reports.phoneInvalid') }]}
          >
            <Input inputMode="tel" maxLength={11} />
          </Form.Item>
          <Form.Item label={t('reports.photos')} extra={t('resident.photosHint')}>
            <PhotoPicker files={files} onChange={setFiles} testId="entry-photos" />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
