import { REPORT_CATEGORIES } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { DatePicker, Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { orgKeys } from '../../api/queryKeys';

type Name = string | number;

/** The party groups of a branch and the people of the branch and its groups, as options of an item's form. */
export function useBranchPeople(orgId: string | undefined, enabled: boolean) {
  const groups = useQuery({
    queryKey: orgKeys.children(orgId as string, 'group'),
    queryFn: () =>
      unwrap(api.GET('/api/v1/orgs', { params: { query: { parentId: orgId as string, level: 'group', limit: 100 } } })),
    enabled: enabled && Boolean(orgId),
  });
  const roster = useQuery({
    queryKey: orgKeys.memberships(orgId as string, { includeGroups: 'true', status: 'active', limit: 500 }),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/orgs/{id}/memberships', {
          params: { path: { id: orgId as string }, query: { includeGroups: 'true', status: 'active', limit: 500 } },
        }),
      ),
    enabled: enabled && Boolean(orgId),
  });
  return {
    loading: groups.isLoading || roster.isLoading,
    groups: (groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name })),
    people: [
      ...new Map((roster.data?.items ?? []).map((m) => [m.memberId, `${m.memberName}（${m.unitName}）`])).entries(),
    ].map(([value, label]) => ({ value, label })),
  };
}

export type BranchPeople = ReturnType<typeof useBranchPeople>;

/** The labels of an item's fields, for `useServerAction` (the server's notes name the field by its label). */
export function itemFieldLabels(t: (k: string) => string) {
  return {
    problem: t('lists.ledger.problem'),
    category: t('resident.category'),
    responsibleGroupId: t('lists.ledger.group'),
    responsibleMemberIds: t('lists.ledger.people'),
    measures: t('lists.ledger.measures'),
    dueOn: t('lists.ledger.dueSet'),
    reportIds: t('item.sources'),
  };
}

/** Who answers for an item and by when: the party group, the responsible people, the due date. */
export function AssignmentFields({ prefix = [], options }: { prefix?: Name[]; options: BranchPeople }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name={[...prefix, 'groupId']} label={t('lists.ledger.group')}>
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          loading={options.loading}
          options={options.groups}
          data-testid="item-group"
        />
      </Form.Item>
      <Form.Item name={[...prefix, 'memberIds']} label={t('lists.ledger.people')}>
        <Select
          mode="multiple"
          showSearch={{ optionFilterProp: 'label' }}
          loading={options.loading}
          options={options.people}
          data-testid="item-people"
        />
      </Form.Item>
      <Form.Item name={[...prefix, 'dueOn']} label={t('lists.ledger.dueSet')} extra={t('lists.ledger.dueSetHint')}>
        <DatePicker data-testid="item-due" />
      </Form.Item>
    </>
  );
}

/** One item of a problem list as it is made: the problem, its category, the measures, who answers for it, by when. */
export function ItemFields({ prefix = [], options }: { prefix?: Name[]; options: BranchPeople }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item
        name={[...prefix, 'problem']}
        label={t('lists.ledger.problem')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input.TextArea rows={2} maxLength={1000} data-testid="item-problem" />
      </Form.Item>
      <Form.Item
        name={[...prefix, 'category']}
        label={t('resident.category')}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          options={REPORT_CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
          data-testid="item-category"
        />
      </Form.Item>
      <Form.Item name={[...prefix, 'measures']} label={t('lists.ledger.measures')}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
      <AssignmentFields prefix={prefix} options={options} />
    </>
  );
}

/** The body of a new item from the form's values (`NewItem`). */
export function newItemBody(i: Record<string, unknown>, extra: { reportIds?: string[]; regionCode?: string } = {}) {
  const due = i.dueOn as { format: (f: string) => string } | undefined;
  return {
    problem: i.problem as string,
    category: i.category as (typeof REPORT_CATEGORIES)[number],
    ...(extra.reportIds ? { reportIds: extra.reportIds } : {}),
    ...(extra.regionCode ? { regionCode: extra.regionCode } : {}),
    ...(i.groupId ? { responsibleGroupId: i.groupId as string } : {}),
    responsibleMemberIds: (i.memberIds as string[] | undefined) ?? [],
    ...(i.measures ? { measures: i.measures as string } : {}),
    ...(due ? { dueOn: due.format('YYYY-MM-DD') } : {}),
  };
}
