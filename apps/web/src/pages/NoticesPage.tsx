import { NOTICE_STATUSES, SMS_PURPOSES } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Flex, Form, Input, List, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../api/client';
import { noticeKeys, orgKeys } from '../api/queryKeys';
import { CursorPager, useCursorPages } from '../components/CursorPager';
import { QueryState } from '../components/QueryState';
import { RemoteSelect } from '../components/RemoteSelect';
import { formatDateTime } from '../components/format';
import { useServerAction } from '../components/useServerAction';
import { NoticeStatusTag } from '../features/notices/NoticeStatusTag';

type Entry = Schemas['NoticeEntry'];
type Status = Entry['status'];
type Settings = Schemas['NoticeSettings'];

/**
 * The county administrator's outbox: every text message and robot message, what became of it and each try with
 * the provider's answer (phones masked); below, the county's sign name, template codes and branches' robots.
 */
export function NoticesPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status | undefined>();
  const pages = useCursorPages(status ?? '');
  const list = useQuery({
    queryKey: noticeKeys.list(status, pages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/notices', {
          params: {
            query: { limit: 50, ...(status ? { status } : {}), ...(pages.cursor ? { cursor: pages.cursor } : {}) },
          },
        }),
      ),
  });
  const settings = useQuery({
    queryKey: noticeKeys.settings(),
    queryFn: () => unwrap(api.GET('/api/v1/notice-settings')),
  });
  return (
    <div style={{ padding: 24 }}>
      <Typography.Title level={3}>{t('nav.notices')}</Typography.Title>
      <Card
        title={t('notices.outbox')}
        style={{ marginBottom: 16 }}
        extra={
          <Select
            allowClear
            style={{ width: 160 }}
            placeholder={t('notices.allStatuses')}
            value={status}
            onChange={(v) => setStatus(v)}
            options={NOTICE_STATUSES.map((s) => ({ value: s, label: t(`notices.status.${s}`) }))}
            aria-label={t('notices.statusFilter')}
          />
        }
      >
        <QueryState loading={list.isLoading} error={list.error} retry={() => list.refetch()}>
          {list.data && (
            <>
              <Table<Entry>
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={list.data.items}
                scroll={{ x: 900 }}
                expandable={{
                  rowExpandable: (n) => n.attempts.length > 0,
                  expandedRowRender: (n) => (
                    <List
                      size="small"
                      dataSource={n.attempts}
                      renderItem={(a) => (
                        <List.Item>
                          {formatDateTime(a.at, { seconds: true })} · {t(`notices.result.${a.result}`)} · {a.provider}
                          {a.code ? ` · ${a.code}` : ''}
                          {a.message ? ` · ${a.message}` : ''}
                        </List.Item>
                      )}
                    />
                  ),
                }}
                columns={[
                  { title: t('notices.queuedAt'), render: (_, n) => formatDateTime(n.queuedAt) },
                  { title: t('notices.purposeTitle'), render: (_, n) => t(`notices.purpose.${n.purpose}`) },
                  { title: t('notices.to'), dataIndex: 'to' },
                  { title: t('notices.statusTitle'), render: (_, n) => <NoticeStatusTag status={n.status} /> },
                  { title: t('notices.tries'), dataIndex: 'tries' },
                  {
                    title: t('notices.lastAnswer'),
                    render: (_, n) => [n.lastCode, n.lastMessage].filter(Boolean).join(' · '),
                  },
                ]}
              />
              <CursorPager
                pages={pages}
                total={list.data.total}
                nextCursor={list.data.nextCursor}
                testId="notices-total"
              />
            </>
          )}
        </QueryState>
      </Card>
      <QueryState loading={settings.isLoading} error={settings.error}>
        {settings.data && <ChannelSettings settings={settings.data} />}
      </QueryState>
    </div>
  );
}

/** The county's sign name and template codes, and its branches' robots (addresses shown with the key masked). */
function ChannelSettings({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const { busy, run } = useServerAction({ signName: t('notices.signName') });
  const [form] = Form.useForm();
  const [robotOrg, setRobotOrg] = useState<string | undefined>();
  const [robotUrl, setRobotUrl] = useState('');
  /** The sign name and templates with the form's save; a robot alone with its own button (no sign name needed). */
  const save = (robots: { orgId: string; url: string | null }[], withSms: boolean) =>
    run(
      () =>
        unwrap(
          api.PUT('/api/v1/notice-settings', {
            body: withSms
              ? {
                  signName: form.getFieldValue('signName') ?? settings.signName ?? '',
                  templates: Object.fromEntries(
                    SMS_PURPOSES.map((p) => [p, form.getFieldValue(['templates', p]) ?? settings.templates[p]]).filter(
                      ([, v]) => v,
                    ),
                  ),
                  robots,
                }
              : { robots },
          }),
        ),
      t('notices.saved'),
    );
  return (
    <Card title={t('notices.channels')}>
      {settings.provider === 'none' && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('notices.noProvider')} />
      )}
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('notices.provider')}>
          {t(`notices.providers.${settings.provider}`)}
        </Descriptions.Item>
      </Descriptions>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ signName: settings.signName ?? '', templates: settings.templates }}
        onFinish={() => save([], true)}
        disabled={!settings.abilities.set}
      >
        <Form.Item name="signName" label={t('notices.signName')} rules={[{ required: true, min: 2, max: 20 }]}>
          <Input maxLength={20} style={{ maxWidth: 320 }} />
        </Form.Item>
        <Flex wrap gap={16}>
          {SMS_PURPOSES.map((p) => (
            <Form.Item key={p} name={['templates', p]} label={t(`notices.purpose.${p}`)}>
              <Input placeholder="SMS_123456" style={{ width: 200 }} />
            </Form.Item>
          ))}
        </Flex>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('common.save')}
        </Button>
      </Form>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('notices.robots')}
      </Typography.Title>
      <List
        size="small"
        dataSource={settings.robots}
        locale={{ emptyText: t('notices.noRobots') }}
        renderItem={(r) => (
          <List.Item
            actions={
              settings.abilities.set
                ? [
                    <Button
                      key="remove"
                      size="small"
                      danger
                      onClick={() => save([{ orgId: r.orgId, url: null }], false)}
                    >
                      {t('notices.removeRobot')}
                    </Button>,
                  ]
                : []
            }
          >
            {r.orgName} · <Typography.Text code>{r.url}</Typography.Text>
          </List.Item>
        )}
      />
      {settings.abilities.set && (
        <Flex gap={8} wrap style={{ marginTop: 12 }}>
          <div style={{ width: 240 }}>
            <RemoteSelect
              queryKey={(q) => orgKeys.search(q)}
              enabled
              value={robotOrg}
              onChange={(v: string) => setRobotOrg(v)}
              placeholder={t('notices.robotOrg')}
              style={{ width: '100%' }}
              search={async (q) =>
                (await unwrap(api.GET('/api/v1/orgs', { params: { query: { q, limit: 20 } } }))).items.map((o) => ({
                  value: o.id,
                  label: o.name,
                }))
              }
            />
          </div>
          <Input
            style={{ width: 420 }}
            value={robotUrl}
            onChange={(e) => setRobotUrl(e.target.value)}
            placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
            aria-label={t('notices.robotUrl')}
          />
          <Button
            disabled={!robotOrg || !robotUrl}
            loading={busy}
            onClick={async () => {
              if (robotOrg && (await save([{ orgId: robotOrg, url: robotUrl.trim() }], false))) setRobotUrl('');
            }}
          >
            {t('notices.addRobot')}
          </Button>
        </Flex>
      )}
    </Card>
  );
}
