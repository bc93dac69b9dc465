import { DatePicker, Form, Input, Modal, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { RemoteSelect } from '../../components/RemoteSelect';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { factDayRules } from '../../components/StepDateFields';
import { memberKeys } from '../../api/queryKeys';

type Org = Schemas['OrgDetail'];

/** Links an existing member (searched by name or pinyin initials) into the organization or one of its groups. */
export function LinkMemberModal(props: {
  org: Org;
  groups: Schemas['OrgSummary'][];
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [memberName, setMemberName] = useState('');
  const { busy, run } = useServerAction({
    memberId: t('link.member'),
    role: t('link.role'),
    startOn: t('link.startOn'),
    linkReason: t('link.reason'),
  });
  const targetId: string = Form.useWatch('targetId', form) ?? props.org.id;
  const target = targetId === props.org.id ? props.org : props.groups.find((g) => g.id === targetId);
  const roles: string[] = ['member'];
  if (target?.level === 'group') roles.push('group_leader');
  else if (props.org.abilities.designateLeaders) roles.unshift('secretary', 'deputy_secretary', 'committee_member');

  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const name = memberName;
    const done = await run(
      () =>
        unwrap(
          api.POST('/api/v1/orgs/{id}/memberships', {
            params: { path: { id: v.targetId } },
            body: {
              memberId: v.memberId,
              role: v.role,
              startOn: v.startOn.format('YYYY-MM-DD'),
              linkReason: v.linkReason,
            },
          }),
        ),
      t('link.success', { name }),
    );
    if (done) {
      form.resetFields();
      props.onClose();
    }
  };

  return (
    <Modal
      open={props.open}
      title={t('link.title', { org: props.org.name })}
      onCancel={props.onClose}
      onOk={submit}
      confirmLoading={busy}
      okText={t('common.ok')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ targetId: props.org.id, role: 'member', startOn: dayjs() }}>
        {props.groups.length > 0 && (
          <Form.Item name="targetId" label={t('org.byGroup')}>
            <Select
              options={[
                { value: props.org.id, label: `${props.org.name}（${t('org.direct')}）` },
                ...props.groups.map((g) => ({ value: g.id, label: g.name })),
              ]}
            />
          </Form.Item>
        )}
        <Form.Item name="memberId" label={t('link.member')} rules={[{ required: true, message: t('common.required') }]}>
          <RemoteSelect
            queryKey={(q) => memberKeys.search(q)}
            enabled={props.open}
            search={async (q) =>
              (await unwrap(api.GET('/api/v1/members', { params: { query: { q, limit: 20 } } }))).items.map((m) => ({
                value: m.id,
                name: m.name,
                disabled: m.partyStatus === 'none',
                label: `${m.name} · ${m.unitName}${m.partyStatus === 'none' ? `（${t('partyStatus.none')}）` : m.activeMemberships ? `（${t('link.alreadyLinked', { count: m.activeMemberships })}）` : ''}`,
              }))
            }
            onPick={(o) => setMemberName(o?.name ?? '')}
            placeholder={t('link.memberPlaceholder')}
            data-testid="member-select"
          />
        </Form.Item>
        <Form.Item
          name="role"
          label={t('link.role')}
          extra={
            <Typography.Text type="secondary">
              {target?.level === 'group' ? t('link.roleHintGroup') : t('link.roleHintLeaders')}
            </Typography.Text>
          }
        >
          <Select options={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        </Form.Item>
        <Form.Item name="startOn" label={t('link.startOn')} rules={factDayRules(t)}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="linkReason"
          label={t('link.reason')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={2} maxLength={500} placeholder={t('link.reasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
