import { REPORT_CATEGORIES } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Form, Input, Modal, Select } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type Schemas, api, unwrap } from '../../api/client';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { factDayRules } from '../../components/StepDateFields';
import { orgKeys } from '../../api/queryKeys';

type Report = Schemas['Report'];

/** Combs selected reports into a dated, numbered problem list: one item per report, each editable. */
export function CombModal(props: { reports: Report[]; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    orgId: t('lists.org'),
    title: t('lists.listTitle'),
    listedOn: t('lists.listedOn'),
    problem: t('lists.ledger.problem'),
    category: t('resident.category'),
    responsibleGroupId: t('lists.ledger.group'),
    responsibleMemberIds: t('lists.ledger.people'),
    measures: t('lists.ledger.measures'),
    dueOn: t('lists.ledger.due'),
  });
  const orgId: string | undefined = Form.useWatch('orgId', form) ?? props.reports[0]?.orgId ?? undefined;
  const orgs = [
    ...new Map(props.reports.filter((r) => r.orgId).map((r) => [r.orgId as string, r.orgName ?? ''])).entries(),
  ];
  const groups = useQuery({
    queryKey: orgKeys.children(orgId as string, 'group'),
    queryFn: () =>
      unwrap(api.GET('/api/v1/orgs', { params: { query: { parentId: orgId as string, level: 'group', limit: 100 } } })),
    enabled: props.open && Boolean(orgId),
  });
  const roster = useQuery({
    queryKey: orgKeys.memberships(orgId as string, { includeGroups: 'true', status: 'active', limit: 500 }),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/orgs/{id}/memberships', {
          params: { path: { id: orgId as string }, query: { includeGroups: 'true', status: 'active', limit: 500 } },
        }),
      ),
    enabled: props.open && Boolean(orgId),
  });
  const people = [
    ...new Map((roster.data?.items ?? []).map((m) => [m.memberId, `${m.memberName}（${m.unitName}）`])).entries(),
  ];
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
            items: v.items.map((i: Record<string, unknown>, n: number) => ({
              problem: i.problem,
              category: i.category,
              reportIds: [props.reports[n]?.id].filter(Boolean),
              regionCode: props.reports[n]?.regionCode,
              ...(i.groupId ? { responsibleGroupId: i.groupId } : {}),
              responsibleMemberIds: (i.memberIds as string[] | undefined) ?? [],
              ...(i.measures ? { measures: i.measures } : {}),
              ...(i.dueOn ? { dueOn: (i.dueOn as dayjs.Dayjs).format('YYYY-MM-DD') } : {}),
            })),
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
            dueOn: today.add(15, 'day'),
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
        <Form.List name="items">
          {(fields) =>
            fields.map((field, n) => (
              <Card key={field.key} size="small" title={t('lists.item', { no: n + 1 })} style={{ marginBottom: 12 }}>
                <Form.Item
                  name={[field.name, 'problem']}
                  label={t('lists.ledger.problem')}
                  rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                >
                  <Input.TextArea rows={2} maxLength={1000} />
                </Form.Item>
                <Form.Item name={[field.name, 'category']} label={t('resident.category')}>
                  <Select options={REPORT_CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))} />
                </Form.Item>
                <Form.Item name={[field.name, 'groupId']} label={t('lists.ledger.group')}>
                  <Select
                    allowClear
                    showSearch={{ optionFilterProp: 'label' }}
                    loading={groups.isLoading}
                    options={groups.data?.items.map((g) => ({ value: g.id, label: g.name }))}
                  />
                </Form.Item>
                <Form.Item name={[field.name, 'memberIds']} label={t('lists.ledger.people')}>
                  <Select
                    mode="multiple"
                    showSearch={{ optionFilterProp: 'label' }}
                    loading={roster.isLoading}
                    options={people.map(([id, name]) => ({ value: id, label: name }))}
                  />
                </Form.Item>
                <Form.Item name={[field.name, 'measures']} label={t('lists.ledger.measures')}>
                  <Input.TextArea rows={2} maxLength={2000} />
                </Form.Item>
                <Form.Item name={[field.name, 'dueOn']} label={t('lists.ledger.due')}>
                  <DatePicker />
                </Form.Item>
              </Card>
            ))
          }
        </Form.List>
      </Form>
    </Modal>
  );
}
