import { PAUSE_REASONS } from '@lianjian/shared';
import { Button, Card, Descriptions, Form, Input, Modal, Select, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';

type Item = Schemas['ItemDetail'];
export type Light = 'green' | 'amber' | 'red';

const LIGHT_COLORS: Record<Light, string> = { green: 'green', amber: 'orange', red: 'red' };

/** The item's light as the server worked it out (share of its working-day target used). */
export function LightTag({ light }: { light: Light | null | undefined }) {
  const { t } = useTranslation();
  if (!light) return null;
  return (
    <Tag color={LIGHT_COLORS[light]} data-testid="item-light">
      {t(`clock.lights.${light}`)}
    </Tag>
  );
}

/** The item's clock in working days: targets, days used, pauses and chases, with pausing and resuming. */
export function ItemClock({ item }: { item: Item }) {
  const { t } = useTranslation();
  const { clock } = item;
  // The resolution's day is the item's deadline, shown once beside the item (its dueOn, which a date staff set may
  // bring forward); here only the working days it has used.
  const measure = (m: NonNullable<Item['clock']['response']>, withDue: boolean) =>
    (withDue
      ? t('clock.used', { used: m.usedDays, target: m.targetDays, due: m.dueOn ?? '—' })
      : t('clock.usedOf', { used: m.usedDays, target: m.targetDays })) +
    (m.metOn ? t('clock.met', { on: m.metOn }) : '');
  return (
    <Card
      size="small"
      title={
        <>
          {t('clock.title')} <LightTag light={clock.light} />
        </>
      }
      extra={
        <>
          {item.abilities.pause && <PauseButton item={item} />}
          {item.abilities.resume && <ResumeButton item={item} />}
        </>
      }
      style={{ marginBottom: 16 }}
    >
      {!clock.known ? (
        <span>{t('clock.unknown')}</span>
      ) : (
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('clock.listedOn')}>{clock.listedOn}</Descriptions.Item>
          {clock.response && (
            <Descriptions.Item label={t('clock.response')}>{measure(clock.response, true)}</Descriptions.Item>
          )}
          {clock.resolution && (
            <Descriptions.Item label={t('clock.resolution')}>{measure(clock.resolution, false)}</Descriptions.Item>
          )}
          {clock.paused && (
            <Descriptions.Item label={t('clock.paused')}>
              <span data-testid="item-paused">
                {t(`clock.reasons.${clock.paused.reason}`)}（{clock.paused.since}）：{clock.paused.note}
              </span>
            </Descriptions.Item>
          )}
          {(clock.pausedDays ?? 0) > 0 && (
            <Descriptions.Item label={t('clock.pausedDays')}>{clock.pausedDays}</Descriptions.Item>
          )}
          {item.chases.map((c) => (
            <Descriptions.Item key={c.id} label={t('clock.chase', { step: c.step })}>
              {c.onDay} {t(`clock.receivers.${c.receiverKind}`)} ·{' '}
              {c.acknowledgedAt ? t('clock.acknowledged') : t('clock.notAcknowledged')}
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
    </Card>
  );
}

function PauseButton({ item }: { item: Item }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const { busy, run } = useServerAction();
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/items/{id}/pause', {
            params: { path: { id: item.id } },
            body: { reason: v.reason, note: v.note },
          }),
        ),
      t('item.done'),
    );
    if (ok) setOpen(false);
  };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {t('clock.pause')}
      </Button>
      <Modal
        open={open}
        title={t('clock.pauseTitle')}
        onCancel={() => setOpen(false)}
        onOk={submit}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label={t('clock.reason')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select options={PAUSE_REASONS.map((r) => ({ value: r, label: t(`clock.reasons.${r}`) }))} />
          </Form.Item>
          <Form.Item
            name="note"
            label={t('clock.note')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function ResumeButton({ item }: { item: Item }) {
  const { t } = useTranslation();
  const { busy, run } = useServerAction();
  return (
    <Button
      size="small"
      loading={busy}
      onClick={() =>
        run(() => unwrap(api.POST('/api/v1/items/{id}/resume', { params: { path: { id: item.id } } })), t('item.done'))
      }
    >
      {t('clock.resume')}
    </Button>
  );
}
