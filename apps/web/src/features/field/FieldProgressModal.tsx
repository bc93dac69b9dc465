import type { UploadFile } from 'antd';
import { Checkbox, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import { PhotoPicker } from '../../components/PhotoPicker';
import { photosOf } from '../../components/photos';
import { validValues } from '../../components/validValues';
import type { FieldBranch } from '../../field/session';

type Item = FieldBranch['items'][number];

/** Names an item as its list does: 清单 3 第 2 项 · the problem. */
export const itemName = (i: Item) => `${i.listNo}-${i.no} ${i.problem}`;

/**
 * Records progress (text and up to three photos) on an open item of the branch, as kept on the device, with no
 * connection. The entry goes to the field queue; an item closed meanwhile is refused by the server when it is sent.
 * `initial` fills the form again for a refused entry being edited (its photos are kept unless new ones are chosen).
 */
export function FieldProgressModal({
  items,
  open,
  onClose,
  submit,
  initial,
}: {
  items: Item[];
  open: boolean;
  onClose: () => void;
  /** The item's id, its name as the queue's line shows it, and the entry. */
  submit: (itemId: string, itemLabel: string, body: Schemas['AddItemEvent']) => Promise<void>;
  /** A refused entry: its item (named as it was when recorded: it may have left the kept copy) and content. */
  initial?: { itemId: string; itemLabel: string; body: Schemas['AddItemEvent'] };
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const item = items.find((i) => i.id === v.itemId);
    const itemLabel = item ? itemName(item) : initial && initial.itemId === v.itemId ? initial.itemLabel : null;
    if (!itemLabel) return;
    setBusy(true);
    try {
      const photos = files.length ? await photosOf(files) : (initial?.body.photos ?? []);
      await submit(v.itemId, itemLabel, { text: v.text, public: Boolean(v.public), photos });
      form.resetFields();
      setFiles([]);
      onClose();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('field.progress.title')}
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
          initial ? { itemId: initial.itemId, text: initial.body.text, public: initial.body.public } : { public: false }
        }
      >
        <Form.Item
          name="itemId"
          label={t('field.progress.item')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            disabled={Boolean(initial)}
            options={[
              ...items.map((i) => ({ value: i.id, label: itemName(i) })),
              ...(initial && !items.some((i) => i.id === initial.itemId)
                ? [{ value: initial.itemId, label: initial.itemLabel }]
                : []),
            ]}
            data-testid="field-progress-item"
          />
        </Form.Item>
        <Form.Item
          name="text"
          label={t('field.progress.text')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} data-testid="field-progress-text" />
        </Form.Item>
        <Form.Item name="public" valuePropName="checked">
          <Checkbox>{t('field.progress.public')}</Checkbox>
        </Form.Item>
        <Form.Item label={t('activity.photos')}>
          <PhotoPicker files={files} onChange={setFiles} testId="field-progress-photos" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
