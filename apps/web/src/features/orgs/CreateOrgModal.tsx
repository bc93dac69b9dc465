import { ANCHOR_TYPES, ORG_LEVELS, ORG_MODES, PARENT_LEVEL } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Checkbox, DatePicker, Form, Input, Modal, Select } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type Schemas, api, unwrap } from '../../api/client';
import { allRegions } from '../../components/regions';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { regionKeys } from '../../api/queryKeys';

/** Sets up a child organization (general branch, branch or party group) under this one. */
export function CreateOrgModal(props: { parent: Schemas['OrgDetail']; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    level: t('create.level'),
    name: t('create.name'),
    mode: t('create.mode'),
    anchorType: t('create.anchorType'),
    anchorName: t('create.anchorName'),
    mission: t('create.mission'),
    regionCode: t('create.region'),
    establishedOn: t('create.established'),
    approvedOn: t('create.approvedOn'),
    approvalDocNo: t('create.approvalDocNo'),
    plannedEndOn: t('create.plannedEnd'),
  });
  const levels = ORG_LEVELS.filter((l) => PARENT_LEVEL[l].includes(props.parent.level));
  const level: string = Form.useWatch('level', form) ?? levels[levels.length - 1];
  const regions = useQuery({
    queryKey: regionKeys.list(),
    queryFn: () => allRegions(),
    enabled: props.open,
  });
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    let created = '';
    const done = await run(
      async () => {
        const { id } = await unwrap(
          api.POST('/api/v1/orgs', {
            body: {
              parentId: props.parent.id,
              level: v.level,
              kind: v.special ? 'special' : 'regular',
              name: v.name,
              mode: v.mode,
              anchorType: v.anchorType,
              anchorName: v.anchorName,
              mission: v.mission,
              regionCode: v.regionCode,
              coveredRegionCodes: [],
              unitIds: [],
              establishedOn: v.establishedOn.format('YYYY-MM-DD'),
              ...(v.approvedOn ? { approvedOn: v.approvedOn.format('YYYY-MM-DD') } : {}),
              ...(v.approvalDocNo ? { approvalDocNo: v.approvalDocNo } : {}),
              ...(v.plannedEndOn ? { plannedEndOn: v.plannedEndOn.format('YYYY-MM-DD') } : {}),
              status: v.activate || v.level === 'group' ? 'active' : 'proposed',
            },
          }),
        );
        created = id;
      },
      t('create.success', { name: v.name }),
    );
    if (done) {
      form.resetFields();
      props.onClose();
      navigate(`/orgs/${created}`);
    }
  };
  const required = [{ required: true, whitespace: true, message: t('common.required') }];
  return (
    <Modal
      open={props.open}
      width={640}
      title={t('create.title', { parent: props.parent.name })}
      onCancel={props.onClose}
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
          level: levels[levels.length - 1],
          mode: props.parent.mode,
          anchorType: props.parent.anchorType,
          regionCode: props.parent.regionCode,
          establishedOn: dayjs(),
        }}
      >
        <Form.Item name="level" label={t('create.level')}>
          <Select options={levels.map((l) => ({ value: l, label: t(`level.${l}`) }))} />
        </Form.Item>
        {props.parent.level === 'committee' && level === 'branch' && (
          <Form.Item name="special" valuePropName="checked">
            <Checkbox>{t('kind.special')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item name="name" label={t('create.name')} rules={required}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="mode" label={t('create.mode')}>
          <Select options={ORG_MODES.map((m) => ({ value: m, label: t(`mode.${m}`) }))} />
        </Form.Item>
        <Form.Item name="anchorType" label={t('create.anchorType')}>
          <Select options={ANCHOR_TYPES.map((a) => ({ value: a, label: t(`anchor.${a}`) }))} />
        </Form.Item>
        <Form.Item name="anchorName" label={t('create.anchorName')} rules={required}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="mission" label={t('create.mission')} rules={required}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item
          name="regionCode"
          label={t('create.region')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={regions.isLoading}
            // A child is placed inside what its parent covers (the server refuses anything else).
            options={regions.data?.items
              .filter((r) => props.parent.coveredRegions.some((c) => r.code.startsWith(c.code)))
              .map((r) => ({ value: r.code, label: `${r.name}（${r.code}）` }))}
          />
        </Form.Item>
        <Form.Item
          name="establishedOn"
          label={t('create.established')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        {level !== 'group' && (
          <>
            <Form.Item name="approvedOn" label={t('create.approvedOn')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="approvalDocNo" label={t('create.approvalDocNo')}>
              <Input maxLength={100} placeholder="乔党〔2020〕3号" />
            </Form.Item>
            <Form.Item name="activate" valuePropName="checked">
              <Checkbox>{t('create.activate')}</Checkbox>
            </Form.Item>
          </>
        )}
        <Form.Item name="plannedEndOn" label={t('create.plannedEnd')}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
