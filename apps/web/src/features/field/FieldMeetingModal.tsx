import type { UploadFile } from 'antd';
import { Alert, Button, DatePicker, Flex, Form, Input, Modal, Radio, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import { PhotoPicker } from '../../components/PhotoPicker';
import { factDayRules } from '../../components/StepDateFields';
import { photosOf } from '../../components/photos';
import { validValues } from '../../components/validValues';
import type { FieldBranch } from '../../field/session';

type Kind = Schemas['NewActivity']['kind'];
type Status = 'present' | 'excused' | 'absent';
const STATUSES: Status[] = ['present', 'excused', 'absent'];
/** A branch's kinds of meeting (a party group's meetings are recorded online, with the group's own roster). */
const KINDS: Kind[] = ['branch_meeting', 'study_session', 'themed_party_day', 'joint_activity', 'onsite_meeting'];

/**
 * Records a meeting of the branch with no connection: the roll is the branch's members as kept on the device, each
 * unmarked until marked present, excused (with the reason) or absent, so that a careless save cannot count the
 * absent as present. The meeting goes to the field queue, photos sealed with it.
 */
export function FieldMeetingModal({
  branch,
  open,
  onClose,
  submit,
  initial,
}: {
  branch: FieldBranch;
  /**
   * A refused meeting being edited: the form and the roll start from what it held, for the members the kept branch
   * still has (one whose membership ended, the usual refusal, is no longer on the roll); its photos are kept unless
   * new ones are chosen.
   */
  initial?: Schemas['NewActivity'];
  open: boolean;
  onClose: () => void;
  submit: (label: string, body: Schemas['NewActivity']) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [marks, setMarks] = useState<Record<string, { status: Status; reason?: string }>>(() =>
    Object.fromEntries(
      (initial?.attendance ?? [])
        .filter((a) => branch.members.some((m) => m.memberId === a.memberId))
        .map((a) => [a.memberId, { status: a.status as Status, ...(a.reason ? { reason: a.reason } : {}) }]),
    ),
  );
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const members = branch.members;
  const mark = (memberId: string, status: Status) => {
    setError(null);
    setMarks((m) => ({ ...m, [memberId]: { status, reason: m[memberId]?.reason } }));
  };

  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const unmarked = members.filter((m) => !marks[m.memberId]);
    if (unmarked.length) {
      setError(
        t('activity.unmarked', {
          n: unmarked.length,
          names: unmarked
            .slice(0, 5)
            .map((m) => m.name)
            .join('、'),
        }),
      );
      return;
    }
    const noReason = members.find((m) => marks[m.memberId]?.status === 'excused' && !marks[m.memberId]?.reason?.trim());
    if (noReason) {
      setError(`${noReason.name}：${t('activity.reason')}`);
      return;
    }
    setBusy(true);
    try {
      const heldOn = v.heldOn.format('YYYY-MM-DD');
      await submit(t('field.meeting.label', { topic: v.topic, on: heldOn }), {
        orgId: branch.org.id,
        kind: v.kind,
        heldOn,
        place: v.place,
        topic: v.topic,
        ...(v.minutes?.trim() ? { minutes: v.minutes } : {}),
        attendance: members.map((m) => {
          const got = marks[m.memberId] as { status: Status; reason?: string };
          return {
            memberId: m.memberId,
            status: got.status,
            ...(got.status === 'excused' ? { reason: got.reason?.trim() } : {}),
          };
        }),
        decisions: initial?.decisions ?? [],
        photos: files.length || !initial ? await photosOf(files) : (initial.photos ?? []),
      });
      form.resetFields();
      setMarks({});
      setFiles([]);
      onClose();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={`${t('activity.record')} · ${branch.org.name}`}
      onCancel={onClose}
      onOk={save}
      okText={t('field.keepOnDevice')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={
          initial
            ? {
                heldOn: dayjs(initial.heldOn),
                kind: initial.kind,
                place: initial.place,
                topic: initial.topic,
                minutes: initial.minutes,
              }
            : { heldOn: dayjs(), kind: KINDS[0] }
        }
      >
        <Flex gap={8} wrap>
          <Form.Item name="kind" label={t('activity.kind')} style={{ flex: '1 1 140px' }}>
            <Select options={KINDS.map((k) => ({ value: k, label: t(`activity.kinds.${k}`) }))} />
          </Form.Item>
          <Form.Item name="heldOn" label={t('activity.heldOn')} rules={factDayRules(t)} style={{ flex: '1 1 140px' }}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Flex>
        <Form.Item name="place" label={t('activity.place')} rules={[{ required: true, message: t('common.required') }]}>
          <Input maxLength={200} data-testid="field-meeting-place" />
        </Form.Item>
        <Form.Item name="topic" label={t('activity.topic')} rules={[{ required: true, message: t('common.required') }]}>
          <Input maxLength={200} data-testid="field-meeting-topic" />
        </Form.Item>
        <Form.Item name="minutes" label={t('activity.minutes')}>
          <Input.TextArea rows={2} maxLength={20000} />
        </Form.Item>
        <Typography.Text strong>{t('activity.attendance')}</Typography.Text>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('activity.tapHint')}
        </Typography.Paragraph>
        <Flex vertical gap={8} style={{ marginBottom: 12 }} data-testid="field-meeting-roll">
          {members.map((m) => (
            <Flex key={m.memberId} gap={8} wrap align="center">
              <span style={{ minWidth: 96 }}>{m.name}</span>
              <Radio.Group
                optionType="button"
                size="small"
                value={marks[m.memberId]?.status}
                onChange={(e) => mark(m.memberId, e.target.value)}
                options={STATUSES.map((s) => ({ value: s, label: t(`activity.statuses.${s}`) }))}
                aria-label={m.name}
              />
              {marks[m.memberId]?.status === 'excused' && (
                <Input
                  size="small"
                  style={{ flex: '1 1 120px' }}
                  placeholder={t('activity.reason')}
                  maxLength={200}
                  value={marks[m.memberId]?.reason}
                  onChange={(e) =>
                    setMarks((x) => ({ ...x, [m.memberId]: { status: 'excused', reason: e.target.value } }))
                  }
                />
              )}
            </Flex>
          ))}
          {members.length > 0 && (
            <Button
              size="small"
              style={{ alignSelf: 'flex-start' }}
              onClick={() => {
                setError(null);
                setMarks((x) => {
                  const next = { ...x };
                  for (const m of members) next[m.memberId] ??= { status: 'present' };
                  return next;
                });
              }}
            >
              {t('activity.restPresent')}
            </Button>
          )}
        </Flex>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form.Item label={t('activity.photos')}>
          <PhotoPicker files={files} onChange={setFiles} testId="field-meeting-photos" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
