import { useQuery } from '@tanstack/react-query';
import { Empty, Form, Modal, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type Schemas, api, unwrap } from '../../api/client';
import { itemKeys } from '../../api/queryKeys';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';

type Report = Schemas['Report'];

/**
 * 并入已有事项: reports of a problem already on a list join that item (an open item of the reports' organization);
 * the residents then follow the item.
 */
export function JoinItemModal(props: { reports: Report[]; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({ reportIds: t('item.sources') });
  const orgs = [...new Set(props.reports.map((r) => r.orgId))];
  const orgId = orgs.length === 1 ? (orgs[0] ?? undefined) : undefined;
  const filters = { orgId: orgId ?? '', open: 'true' };
  const items = useQuery({
    queryKey: itemKeys.list(filters, undefined),
    queryFn: () => unwrap(api.GET('/api/v1/items', { params: { query: { orgId, limit: 200 } } })),
    enabled: props.open && Boolean(orgId),
  });
  const open = (items.data?.items ?? []).filter((i) => i.status !== 'closed');
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const target = open.find((i) => i.id === v.itemId);
    if (!target) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/items/{id}/reports', {
            params: { path: { id: target.id } },
            body: { reportIds: props.reports.map((r) => r.id), version: target.version },
          }),
        ),
      t('reports.joined'),
    );
    if (ok) {
      props.onClose();
      navigate(`/items/${target.id}`);
    }
  };
  return (
    <Modal
      open={props.open}
      title={t('reports.joinTitle', { count: props.reports.length })}
      onCancel={props.onClose}
      onOk={submit}
      okButtonProps={{ disabled: !orgId || open.length === 0 }}
      confirmLoading={busy}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {!orgId ? (
        <Typography.Paragraph type="warning">{t('reports.joinOneOrg')}</Typography.Paragraph>
      ) : !items.isLoading && open.length === 0 ? (
        <Empty description={t('reports.joinNoItems')} />
      ) : (
        <Form form={form} layout="vertical">
          <Form.Item
            name="itemId"
            label={t('reports.joinItem')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={items.isLoading}
              data-testid="join-item"
              options={open.map((i) => ({
                value: i.id,
                label: t('reports.joinOption', { list: i.listNo, no: i.no, problem: i.problem }),
              }))}
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
