import { EditOutlined } from '@ant-design/icons';
import { Button, Form, Input, Modal, Popconfirm } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { AssignmentFields, itemFieldLabels, useBranchPeople } from './ItemFields';

type Item = Schemas['ItemDetail'];

/**
 * 编辑: the item's due date (no earlier than the list's date), party group and responsible people, after the list was
 * made. Offered when the item's abilities allow it.
 */
export function EditItemButton({ item }: { item: Item }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [open, setOpen] = useState(false);
  const { busy, run } = useServerAction(itemFieldLabels(t));
  const options = useBranchPeople(item.orgId, open);
  if (!item.abilities.edit) return null;
  const responsible = item.members.filter((m) => m.role === 'responsible').map((m) => m.memberId);
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () =>
        unwrap(
          api.PATCH('/api/v1/items/{id}', {
            params: { path: { id: item.id } },
            body: {
              dueOn: v.dueOn ? (v.dueOn as Dayjs).format('YYYY-MM-DD') : null,
              responsibleGroupId: v.groupId ?? null,
              responsibleMemberIds: v.memberIds ?? [],
              version: item.version,
            },
          }),
        ),
      t('item.done'),
    );
    if (ok) setOpen(false);
  };
  return (
    <>
      <Button icon={<EditOutlined />} onClick={() => setOpen(true)} data-testid="item-edit">
        {t('item.edit')}
      </Button>
      <Modal
        open={open}
        title={t('item.editTitle')}
        onCancel={() => setOpen(false)}
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
            groupId: item.responsibleGroup?.id,
            memberIds: responsible,
            // The date staff set, not the deadline worked out from it and the working-day target.
            dueOn: item.dueOnSet ? dayjs(item.dueOnSet) : undefined,
          }}
        >
          <AssignmentFields options={options} />
        </Form>
      </Modal>
    </>
  );
}

/** 结束联结: a member linked by need by mistake leaves the item and the party group, with a reason, after a confirmation. */
export function EndLinkButton({ item, member }: { item: Item; member: Item['members'][number] }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const { busy, run } = useServerAction({ reason: t('item.endLinkReason') });
  if (!item.abilities.edit || member.role !== 'linked') return null;
  const end = () =>
    run(
      () =>
        unwrap(
          api.POST('/api/v1/items/{id}/links/{memberId}/end', {
            params: { path: { id: item.id, memberId: member.memberId } },
            body: { reason: reason.trim() },
          }),
        ),
      t('item.done'),
    );
  return (
    <Popconfirm
      title={t('item.endLinkConfirm', { name: member.name })}
      description={
        <Input.TextArea
          rows={2}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('item.endLinkReason')}
          aria-label={t('item.endLinkReason')}
          data-testid="end-link-reason"
        />
      }
      okText={t('item.endLink')}
      cancelText={t('common.cancel')}
      okButtonProps={{
        danger: true,
        disabled: reason.trim() === '',
        loading: busy,
        ...({ 'data-testid': 'end-link-ok' } as Record<string, string>),
      }}
      onConfirm={end}
    >
      <Button size="small" danger loading={busy} data-testid="end-link">
        {t('item.endLink')}
      </Button>
    </Popconfirm>
  );
}
