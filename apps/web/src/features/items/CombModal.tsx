import { Button, Card, DatePicker, Form, Input, Modal, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type Schemas, api, unwrap } from '../../api/client';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { factDayRules } from '../../components/StepDateFields';
import { ItemFields, itemFieldLabels, newItemBody, useBranchPeople } from './ItemFields';

type Report = Schemas['Report'];

/**
 * Combs selected reports into a dated, numbered problem list: one item per report to begin with, each editable; the
 * clerk puts reports of the same problem into one item (its sources) and removes the items left empty.
 */
export function CombModal(props: { reports: Report[]; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    orgId: t('lists.org'),
    title: t('lists.listTitle'),
    listedOn: t('lists.listedOn'),
    ...itemFieldLabels(t),
  });
  const orgId: string | undefined = Form.useWatch('orgId', form) ?? props.reports[0]?.orgId ?? undefined;
  const orgs = [
    ...new Map(props.reports.filter((r) => r.orgId).map((r) => [r.orgId as string, r.orgName ?? ''])).entries(),
  ];
  const options = useBranchPeople(orgId, props.open);
  const short = (d: string) => (d.length > 24 ? `${d.slice(0, 24)}…` : d);
  const reportOptions = props.reports.map((r) => ({ value: r.id, label: short(r.description) }));
  // A report goes into one item only.
  const once = {
    validator: async () => {
      const all = ((form.getFieldValue('items') ?? []) as { reportIds?: string[] }[]).flatMap((i) => i.reportIds ?? []);
      if (new Set(all).size !== all.length) throw new Error(t('lists.reportTwice'));
    },
  };
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    let created = '';
    const ok = await run(async () => {
      const r = await unwrap(
        api.POST('/api/v1/problem-lists', {
          body: {
            orgId: v.orgId,
            title: v.title,
            listedOn: v.listedOn.format('YYYY-MM-DD'),
            items: v.items.map((i: Record<string, unknown>) => {
              const reportIds = (i.reportIds as string[] | undefined) ?? [];
              const first = props.reports.find((r) => r.id === reportIds[0]);
              return newItemBody(i, { reportIds, regionCode: first?.regionCode });
            }),
          },
        }),
      );
      created = r.id;
    }, t('lists.created'));
    if (ok) {
      props.onClose();
      navigate(`/lists/${created}`);
    }
  };
  const today = dayjs();
  return (
    <Modal
      open={props.open}
      width={760}
      title={t('lists.createTitle')}
      onCancel={props.onClose}
      onOk={submit}
      confirmLoading={busy}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          orgId: orgs[0]?.[0],
          title: `${orgs[0]?.[1] ?? ''}群众反映问题清单（${today.format('YYYY年M月D日')}）`,
          listedOn: today,
          items: props.reports.map((r) => ({
            problem: r.description,
            category: r.category,
            reportIds: [r.id],
          })),
        }}
      >
        <Form.Item name="orgId" label={t('lists.org')} rules={[{ required: true, message: t('common.required') }]}>
          <Select options={orgs.map(([id, name]) => ({ value: id, label: name }))} />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('lists.listTitle')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="listedOn" label={t('lists.listedOn')} rules={factDayRules(t)}>
          <DatePicker />
        </Form.Item>
        {props.reports.length > 1 && (
          <Typography.Paragraph type="secondary">{t('lists.mergeHint')}</Typography.Paragraph>
        )}
        <Form.List name="items">
          {(fields, { remove }) =>
            fields.map((field, n) => (
              <Card
                key={field.key}
                size="small"
                title={t('lists.item', { no: n + 1 })}
                style={{ marginBottom: 12 }}
                data-testid="comb-item"
                extra={
                  fields.length > 1 && (
                    <Button size="small" type="link" onClick={() => remove(field.name)} data-testid="comb-item-remove">
                      {t('lists.removeItem')}
                    </Button>
                  )
                }
              >
                <Form.Item name={[field.name, 'reportIds']} label={t('item.sources')} rules={[once]}>
                  <Select
                    mode="multiple"
                    showSearch={{ optionFilterProp: 'label' }}
                    options={reportOptions}
                    data-testid="comb-item-reports"
                  />
                </Form.Item>
                <ItemFields prefix={[field.name]} options={options} />
              </Card>
            ))
          }
        </Form.List>
      </Form>
    </Modal>
  );
}
