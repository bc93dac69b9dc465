import { EditOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Popconfirm } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type Schemas, api, unwrap } from '../../api/client';
import { errorText } from '../../components/errorText';
import { useMe } from '../../components/me';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { type ItemEditChange, type ItemEditValues, editOf, itemEditValues } from '../../field/itemConflict';
import { KEPT_MESSAGE } from './ItemOfflineEdit';
import { AssignmentFields, type BranchPeople, itemFieldLabels, useBranchPeople } from './ItemFields';

type Item = Schemas['ItemDetail'];

/** The branch's groups and people, with the item's own among them: with no connection they are all there is. */
function withItemsOwn(options: BranchPeople, item: Item): BranchPeople {
  const own = <V extends { value: string }>(loaded: V[], extra: V[]) => [
    ...loaded,
    ...extra.filter((e) => !loaded.some((l) => l.value === e.value)),
  ];
  return {
    ...options,
    groups: own(
      options.groups,
      item.responsibleGroup ? [{ value: item.responsibleGroup.id, label: item.responsibleGroup.name }] : [],
    ),
    people: own(
      options.people,
      item.members
        .filter((m) => m.role === 'responsible')
        .map((m) => ({ value: m.memberId, label: `${m.name}（${m.unitName}）` })),
    ),
  };
}

/**
 * 编辑: the item's due date (no earlier than the list's date), party group and responsible people, after the list was
 * made. Offered when the item's abilities allow it. With no connection (or none reaching the server) the edit is kept
 * on this device, sealed, and sent at the next sync based on the version this page loaded (`pending`: the edits
 * already kept and not yet sent, which the form starts from).
 */
export function EditItemButton({
  item,
  kept,
}: {
  item: Item;
  kept?: { pending: ItemEditChange; sync: () => Promise<void> };
}) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const labels = itemFieldLabels(t);
  const options = withItemsOwn(useBranchPeople(item.orgId, open), item);
  if (!item.abilities.edit) return null;
  const pending = kept?.pending ?? {};
  const shown: ItemEditValues = { ...itemEditValues(item), ...pending };
  const keep = async (next: ItemEditValues) => {
    const { base, changes } = editOf(shown, next);
    if (Object.keys(changes).length === 0) return;
    const names: Record<string, string> = Object.fromEntries([
      ...options.groups.map((g) => [g.value, g.label]),
      ...options.people.map((p) => [p.value, p.label]),
      ...item.members.map((m) => [m.memberId, m.name]),
    ]);
    await (await import('../../field/store')).openFor(me.id);
    const problem = item.problem.length > 20 ? `${item.problem.slice(0, 20)}…` : item.problem;
    await (await import('../../field/queue')).queueItemEdit({
      label: t('offlineEdit.label', { list: item.listTitle, no: item.no, problem }),
      itemId: item.id,
      version: item.version,
      base,
      changes,
      names,
    });
    message.info({ content: t('offlineEdit.kept'), key: KEPT_MESSAGE });
    if (navigator.onLine) void kept?.sync();
  };
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const next: ItemEditValues = {
      dueOn: v.dueOn ? (v.dueOn as Dayjs).format('YYYY-MM-DD') : null,
      responsibleGroupId: v.groupId ?? null,
      responsibleMemberIds: v.memberIds ?? [],
    };
    setBusy(true);
    try {
      // Edits kept earlier go first, in order: this one joins them on the device.
      if (navigator.onLine && Object.keys(pending).length === 0) {
        try {
          await unwrap(
            api.PATCH('/api/v1/items/{id}', {
              params: { path: { id: item.id } },
              body: { ...next, version: item.version },
            }),
          );
          message.success(t('item.done'));
          await queryClient.invalidateQueries();
          setOpen(false);
          return;
        } catch (e) {
          // The server answered: its refusal is shown. No answer at all: the edit is kept on the device.
          if (e instanceof ApiError) {
            message.error(errorText(e, { labels }));
            return;
          }
        }
      }
      await keep(next);
      setOpen(false);
    } finally {
      setBusy(false);
    }
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
            groupId: shown.responsibleGroupId ?? undefined,
            memberIds: shown.responsibleMemberIds,
            dueOn: shown.dueOn ? dayjs(shown.dueOn) : undefined,
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
