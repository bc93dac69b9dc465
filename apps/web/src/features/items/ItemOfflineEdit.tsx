import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Modal, Radio, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Schemas } from '../../api/client';
import { itemKeys } from '../../api/queryKeys';
import { formatDateTime } from '../../components/format';
import { useMe } from '../../components/me';
import { type Choice, type ItemEditChange, type ItemEditField, fieldValueText } from '../../field/itemConflict';
import type { QueuedRecord, readItemConflict } from '../../field/queue';
import { itemFieldLabels } from './ItemFields';

type Item = Schemas['ItemDetail'];
type Conflict = NonNullable<Awaited<ReturnType<typeof readItemConflict>>>;

/** The word that an edit was kept on the device: taken down once the connection is back and the edit goes. */
export const KEPT_MESSAGE = 'lj-item-edit-kept';

const syncAll = async () => (await import('../../field/queue')).syncQueue();

/**
 * The edits of an item kept on this device and not yet sent (未同步, 同步中, 需处理), as they change; sent when the
 * connection returns while the page is open. `pending` is what the waiting edits change, for the next edit's form.
 */
export function useKeptItemEdits(item: Item | undefined) {
  const me = useMe();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [records, setRecords] = useState<QueuedRecord[]>([]);
  const [pending, setPending] = useState<ItemEditChange>({});
  const watching = Boolean(item?.abilities.edit);
  const itemId = item?.id ?? '';
  useEffect(() => {
    if (!watching) return;
    let stop = () => {};
    let gone = false;
    void (async () => {
      await (await import('../../field/store')).openFor(me.id);
      const queue = await import('../../field/queue');
      if (gone) return;
      stop = queue.watchQueue(async (all) => {
        try {
          const mine = all.filter((r) => r.itemId === itemId && r.state !== 'synced');
          const kept = await queue.keptItemEdits(itemId);
          const waiting = kept.filter((k) => k.state !== 'attention').map((k) => k.changes);
          if (gone) return;
          setRecords(mine);
          setPending(Object.assign({}, ...waiting));
        } catch {
          // The store went (signed out meanwhile): nothing is kept for the item.
          if (!gone) setRecords([]);
        }
      });
    })();
    return () => {
      gone = true;
      stop();
    };
  }, [watching, me.id, itemId]);
  const sync = useCallback(async () => {
    message.destroy(KEPT_MESSAGE);
    await syncAll();
    await queryClient.invalidateQueries({ queryKey: itemKeys.detail(itemId) });
  }, [queryClient, itemId, message]);
  const waiting = records.some((r) => r.state === 'pending');
  useEffect(() => {
    if (!waiting) return;
    if (navigator.onLine) void sync();
    const online = () => void sync();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [waiting, sync]);
  return { records, pending, sync };
}

/** The item page's word on its edits kept on this device: 未同步, or 需处理 with 处理冲突. */
export function KeptItemEdits({ kept }: { kept: ReturnType<typeof useKeptItemEdits> }) {
  const { t } = useTranslation();
  const me = useMe();
  const [resolving, setResolving] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (kept.records.length === 0) return null;
  const conflicts = kept.records.filter((r) => r.conflict);
  const state = conflicts.length ? 'attention' : (kept.records[0]?.state ?? 'pending');
  return (
    <>
      <Alert
        type={conflicts.length ? 'error' : 'warning'}
        showIcon
        style={{ marginBottom: 16 }}
        data-testid="item-kept-edit"
        message={
          <Flex gap={8} wrap align="center">
            <span>{conflicts.length ? t('offlineEdit.conflictNotice') : t('offlineEdit.pending')}</span>
            <Tag color={conflicts.length ? 'error' : 'default'} data-testid="item-kept-state">
              {t(`field.states.${state}`)}
            </Tag>
          </Flex>
        }
        description={
          <Space direction="vertical" size={8}>
            <span>{conflicts.length ? t('offlineEdit.conflictReason') : t('offlineEdit.pendingHint')}</span>
            <Flex gap={8} wrap>
              {conflicts.map((r) => (
                <Button
                  key={r.clientId}
                  type="primary"
                  size="small"
                  onClick={() => setResolving(r.clientId)}
                  data-testid="item-resolve"
                >
                  {t('offlineEdit.resolve')}
                </Button>
              ))}
              {!conflicts.length && (
                <Button
                  size="small"
                  loading={busy}
                  onClick={async () => {
                    setBusy(true);
                    try {
                      await kept.sync();
                    } finally {
                      setBusy(false);
                    }
                  }}
                >
                  {t('field.syncNow')}
                </Button>
              )}
              {me.permissions.includes('households:write') && (
                <Link to="/field">
                  <Button size="small">{t('offlineEdit.toField')}</Button>
                </Link>
              )}
            </Flex>
          </Space>
        }
      />
      {resolving && (
        <ItemConflictModal clientId={resolving} onClose={() => setResolving(null)} onDone={() => void kept.sync()} />
      )}
    </>
  );
}

/**
 * 处理冲突: each field both the device and the server changed, with the original value, the device's and the
 * server's, one chosen per field (radio); the fields the server did not change are named and go as made. Nothing is
 * chosen beforehand: the secretary decides every field.
 */
export function ItemConflictModal({
  clientId,
  onClose,
  onDone,
}: {
  clientId: string;
  onClose: () => void;
  onDone?: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const labels = itemFieldLabels(t) as Record<ItemEditField, string>;
  const [conflict, setConflict] = useState<Conflict | null | undefined>(undefined);
  const [choices, setChoices] = useState<Partial<Record<ItemEditField, Choice>>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void (async () => setConflict(await (await import('../../field/queue')).readItemConflict(clientId)))();
  }, [clientId]);
  const ask = conflict?.ask ?? [];
  const unasked = conflict
    ? (Object.keys(conflict.mine) as ItemEditField[]).filter((f) => !ask.includes(f) && conflict.mine[f] !== undefined)
    : [];
  const ready = conflict !== undefined && ask.every((f) => choices[f]);
  const save = async () => {
    if (!conflict) return onClose();
    setBusy(true);
    try {
      const queue = await import('../../field/queue');
      const done = await queue.resolveItemConflict(clientId, choices);
      message.success(done === 'queued' ? t('offlineEdit.queued') : t('offlineEdit.discarded'));
      onClose();
      if (navigator.onLine) onDone?.();
    } finally {
      setBusy(false);
    }
  };
  const text = (f: ItemEditField, v: ItemEditChange[ItemEditField]) =>
    conflict ? fieldValueText(t, f, v, conflict.names) : '';
  return (
    <Modal
      open
      title={t('offlineEdit.resolveTitle')}
      onCancel={onClose}
      onOk={save}
      okText={t('offlineEdit.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !ready, ...({ 'data-testid': 'conflict-save' } as Record<string, string>) }}
      confirmLoading={busy}
      destroyOnHidden
    >
      {conflict === undefined ? (
        <Spin />
      ) : conflict === null ? null : (
        <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="conflict">
          <Typography.Text strong>{conflict.label}</Typography.Text>
          <Typography.Paragraph style={{ marginBottom: 0 }}>{t('offlineEdit.resolveIntro')}</Typography.Paragraph>
          <Typography.Text type="secondary">
            {t('offlineEdit.serverAt', { at: formatDateTime(conflict.server.fetchedAt) })}
          </Typography.Text>
          {ask.map((f) => (
            <fieldset
              key={f}
              style={{ border: '1px solid #d9d9d9', borderRadius: 6, padding: '4px 12px 12px', margin: 0, minWidth: 0 }}
              data-testid="conflict-field"
            >
              <legend style={{ width: 'auto', padding: '0 4px', margin: 0, border: 0, fontSize: 14, fontWeight: 600 }}>
                {labels[f]}
              </legend>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                {t('offlineEdit.originalValue', { value: text(f, conflict.base[f]) })}
              </Typography.Paragraph>
              <Radio.Group
                value={choices[f]}
                onChange={(e) => setChoices((c) => ({ ...c, [f]: e.target.value as Choice }))}
                aria-label={labels[f]}
              >
                <Space direction="vertical">
                  <Radio value="mine" data-testid="conflict-mine">
                    {t('offlineEdit.mineValue', { value: text(f, conflict.mine[f]) })}
                  </Radio>
                  <Radio value="server" data-testid="conflict-server">
                    {t('offlineEdit.serverValue', { value: text(f, conflict.server.values[f]) })}
                  </Radio>
                </Space>
              </Radio.Group>
            </fieldset>
          ))}
          {unasked.length > 0 && (
            <Alert
              type="info"
              showIcon
              message={t('offlineEdit.alsoSent', { fields: unasked.map((f) => labels[f]).join('、') })}
            />
          )}
          {!ready && <Typography.Text type="secondary">{t('offlineEdit.chooseAll')}</Typography.Text>}
        </Space>
      )}
    </Modal>
  );
}
