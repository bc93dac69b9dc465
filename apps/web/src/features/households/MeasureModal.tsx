import { MEASURE_CATEGORIES } from '@lianjian/shared';
import { Button, DatePicker, Form, Input, InputNumber, Modal, Select } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { RemoteSelect } from '../../components/RemoteSelect';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { factDayRules } from '../../components/StepDateFields';
import { unitKeys } from '../../api/queryKeys';

/** Registers an assistance measure: category, the unit that carries it, content, cost and dates. */
export function MeasureModal({
  householdId,
  open,
  onClose,
}: {
  householdId: string;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    category: t('households.measureCategory'),
    unitId: t('members.unit'),
    content: t('households.content'),
    costYuan: t('households.measure.cost'),
    startOn: t('households.startOn'),
    endOn: t('households.measure.endOn'),
  });
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/households/{id}/measures', {
            params: { path: { id: householdId } },
            body: {
              category: v.category,
              ...(v.unitId ? { unitId: v.unitId } : {}),
              content: v.content,
              costYuan: v.costYuan ?? 0,
              startOn: v.startOn.format('YYYY-MM-DD'),
              ...(v.endOn ? { endOn: v.endOn.format('YYYY-MM-DD') } : {}),
            },
          }),
        ),
      t('item.done'),
    );
    if (ok) {
      form.resetFields();
      onClose();
    }
  };
  return (
    <Modal
      open={open}
      title={t('households.measure.add')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ startOn: dayjs(), costYuan: 0 }}>
        <Form.Item
          name="category"
          label={t('households.measureCategory')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={MEASURE_CATEGORIES.map((c) => ({ value: c, label: t(`households.measureCategories.${c}`) }))}
          />
        </Form.Item>
        <Form.Item name="unitId" label={t('members.unit')}>
          <RemoteSelect
            allowClear
            queryKey={(q) => unitKeys.search(q)}
            enabled={open}
            search={async (q) =>
              (await unwrap(api.GET('/api/v1/units', { params: { query: { q, limit: 20 } } }))).items.map((u) => ({
                value: u.id,
                label: u.name,
              }))
            }
            placeholder={t('households.measure.unitPlaceholder')}
          />
        </Form.Item>
        <Form.Item
          name="content"
          label={t('households.content')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <Form.Item name="costYuan" label={t('households.measure.cost')}>
          <InputNumber min={0} max={100_000_000} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="startOn" label={t('households.startOn')} rules={factDayRules(t)}>
          <DatePicker />
        </Form.Item>
        <Form.Item name="endOn" label={t('households.measure.endOn')}>
          <DatePicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The household's acknowledgement that a measure reached it (户签字确认). */
export function AcknowledgeButton({ householdId, measure }: { householdId: string; measure: Schemas['Measure'] }) {
  const { t } = useTranslation();
  const { busy, run } = useServerAction();
  return (
    <Button
      size="small"
      loading={busy}
      onClick={() =>
        run(
          () =>
            unwrap(
              api.POST('/api/v1/households/{id}/measures/{measureId}/acknowledge', {
                params: { path: { id: householdId, measureId: measure.id } },
                body: { acknowledgedOn: dayjs().format('YYYY-MM-DD'), version: measure.version },
              }),
            ),
          t('item.done'),
        )
      }
    >
      {t('households.measure.acknowledge')}
    </Button>
  );
}
