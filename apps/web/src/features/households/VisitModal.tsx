import { REPORT_CATEGORIES } from '@lianjian/shared';
import type { UploadFile } from 'antd';
import { Checkbox, DatePicker, Divider, Form, Input, InputNumber, Modal, Select } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { factDayRules } from '../../components/StepDateFields';
import { PhotoPicker } from '../../components/PhotoPicker';
import { photosOf } from '../../components/photos';

const CHECKS = ['food', 'clothing', 'education', 'medical', 'housing', 'water', 'income'] as const;

/**
 * Records a visit by the household's helpers: what was checked and found, a problem for the branch's list, and
 * the risks that put the household on the early-warning list.
 */
export function VisitModal({
  household,
  open,
  onClose,
  submitTo,
  initial,
}: {
  household: {
    id: string;
    helpers: (Pick<Schemas['Helper'], 'memberId' | 'memberName' | 'primary'> & { endOn?: string | null })[];
  };
  open: boolean;
  onClose: () => void;
  /** Where the visit goes instead of the server: the field queue, which sends it when there is a connection. */
  submitTo?: (body: Schemas['NewVisitInput']) => Promise<unknown>;
  /** A refused visit being edited: the form starts from what it held (its photos kept unless new ones are chosen). */
  initial?: Schemas['NewVisitInput'];
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const { busy, run } = useServerAction({
    visitedOn: t('households.exitActions.on'),
    helperIds: t('households.visit.helpers'),
    checks: t('households.visit.checks'),
    findings: t('households.visit.findings'),
    measuresAgreed: t('households.visit.measuresAgreed'),
    description: t('households.visit.problem'),
    category: t('households.visit.problemCategory'),
    rigidSpending: t('households.visit.rigidSpending'),
  });
  const helpers = household.helpers.filter((h) => !h.endOn);
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const risks = {
      seriousIllness: Boolean(v.seriousIllness),
      disaster: Boolean(v.disaster),
      rigidSpending: v.rigidSpending ?? 0,
    };
    const body: Schemas['NewVisitInput'] = {
      visitedOn: v.visitedOn.format('YYYY-MM-DD'),
      helperIds: v.helperIds,
      checks: v.checks ?? [],
      ...(v.findings?.trim() ? { findings: v.findings } : {}),
      ...(v.measuresAgreed?.trim() ? { measuresAgreed: v.measuresAgreed } : {}),
      ...(v.problem?.trim() ? { problem: { category: v.problemCategory ?? 'other', description: v.problem } } : {}),
      ...(risks.seriousIllness || risks.disaster || risks.rigidSpending > 0 ? { risks } : {}),
      // In the field queue the photos are sealed with the rest of the visit until it is sent.
      photos: files.length || !initial ? await photosOf(files) : (initial.photos ?? []),
    };
    const ok = await run(
      () =>
        submitTo
          ? submitTo(body)
          : unwrap(api.POST('/api/v1/households/{id}/visits', { params: { path: { id: household.id } }, body })),
      submitTo ? t('field.queued') : t('item.done'),
    );
    if (ok) {
      form.resetFields();
      setFiles([]);
      onClose();
    }
  };
  return (
    <Modal
      open={open}
      title={t('households.visit.add')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={
          initial
            ? {
                visitedOn: dayjs(initial.visitedOn),
                // A helper whose help ended (the usual refusal) is not offered again.
                helperIds: initial.helperIds.filter((id) => helpers.some((h) => h.memberId === id)),
                checks: initial.checks ?? [],
                findings: initial.findings,
                measuresAgreed: initial.measuresAgreed,
                problem: initial.problem?.description,
                problemCategory: initial.problem?.category,
                seriousIllness: initial.risks?.seriousIllness,
                disaster: initial.risks?.disaster,
                rigidSpending: initial.risks?.rigidSpending || undefined,
              }
            : {
                visitedOn: dayjs(),
                helperIds: helpers.filter((h) => h.primary).map((h) => h.memberId),
                checks: [...CHECKS],
              }
        }
      >
        <Form.Item name="visitedOn" label={t('households.exitActions.on')} rules={factDayRules(t)}>
          <DatePicker />
        </Form.Item>
        <Form.Item
          name="helperIds"
          label={t('households.visit.helpers')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Checkbox.Group options={helpers.map((h) => ({ value: h.memberId, label: h.memberName }))} />
        </Form.Item>
        <Form.Item name="checks" label={t('households.visit.checks')}>
          <Checkbox.Group options={CHECKS.map((c) => ({ value: c, label: t(`households.visit.checkNames.${c}`) }))} />
        </Form.Item>
        <Form.Item name="findings" label={t('households.visit.findings')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="measuresAgreed" label={t('households.visit.measuresAgreed')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="problem" label={t('households.visit.problem')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="problemCategory" label={t('households.visit.problemCategory')}>
          <Select allowClear options={REPORT_CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))} />
        </Form.Item>
        <Form.Item label={t('activity.photos')}>
          <PhotoPicker files={files} onChange={setFiles} testId="visit-photos" />
        </Form.Item>
        <Divider titlePlacement="start">{t('households.visit.risks')}</Divider>
        <Form.Item name="seriousIllness" valuePropName="checked" style={{ marginBottom: 4 }}>
          <Checkbox>{t('households.visit.seriousIllness')}</Checkbox>
        </Form.Item>
        <Form.Item name="disaster" valuePropName="checked">
          <Checkbox>{t('households.visit.disaster')}</Checkbox>
        </Form.Item>
        <Form.Item name="rigidSpending" label={t('households.visit.rigidSpending')}>
          <InputNumber min={0} max={10_000_000} style={{ width: 200 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
