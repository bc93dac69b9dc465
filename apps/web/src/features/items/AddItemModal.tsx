import { PlusOutlined } from '@ant-design/icons';
import { Button, Form, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { ItemFields, itemFieldLabels, newItemBody, useBranchPeople } from './ItemFields';

/** 添加事项: one more item on an existing list, with the same form as when the list was made. */
export function AddItemButton({ list }: { list: Schemas['ProblemListDetail'] }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [open, setOpen] = useState(false);
  const { busy, run } = useServerAction(itemFieldLabels(t));
  const options = useBranchPeople(list.orgId, open);
  if (!list.abilities.addItem) return null;
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/problem-lists/{id}/items', {
            params: { path: { id: list.id } },
            body: newItemBody(v),
          }),
        ),
      t('lists.itemAdded'),
    );
    if (ok) {
      setOpen(false);
      form.resetFields();
    }
  };
  return (
    <>
      <Button icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="add-item">
        {t('lists.addItem')}
      </Button>
      <Modal
        open={open}
        width={640}
        title={t('lists.addItemTitle', { title: list.title })}
        onCancel={() => setOpen(false)}
        onOk={submit}
        confirmLoading={busy}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <ItemFields options={options} />
        </Form>
      </Modal>
    </>
  );
}
