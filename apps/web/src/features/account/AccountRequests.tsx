import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Flex, Form, Modal, Space, Table, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, allPages, api, unwrap } from '../../api/client';
import { useMe } from '../../components/me';
import { useServerAction } from '../../components/useServerAction';
import { useOneTimePassword } from './OneTimePassword';
import { ReasonField } from './ReasonField';
import { userKeys } from '../../api/queryKeys';

type AccountRequest = Schemas['AccountRequest'];
type Decision = 'approved' | 'rejected' | 'cancelled';

/** What a request asks, in words: its kind, and for a change what it changes (the names the server gave with it). */
export function requestWhat(
  t: TFunction,
  r: Pick<AccountRequest, 'kind' | 'changes'> &
    Partial<Pick<AccountRequest, 'orgName' | 'regionName' | 'regionCode' | 'actingPartyOrgName' | 'memberName'>>,
): string {
  const changes = r.changes;
  if (r.kind !== 'change' || !changes) return t(`accountRequests.kind.${r.kind}`);
  const changed = (k: keyof typeof changes) => changes[k] !== undefined;
  const parts = [
    ...(changes.role ? [t('accountRequests.toRole', { role: t(`userRole.${changes.role}`) })] : []),
    ...(changed('regionCode') || changed('orgId')
      ? [t('accountRequests.toScope', { scope: r.orgName ?? r.regionName ?? r.regionCode ?? '—' })]
      : []),
    ...(changed('actingPartyOrgId') ? [t('accountRequests.toActing', { name: r.actingPartyOrgName ?? '—' })] : []),
    ...(changed('memberId') ? [t('accountRequests.toMember', { name: r.memberName ?? '—' })] : []),
    ...(changes.active === true ? [t('accountRequests.toActive')] : []),
  ];
  return `${t('accountRequests.kind.change')}：${parts.join('，')}`;
}

/**
 * Everything approving a request would grant, named: the role, the region, the organization, the committee the
 * account would act for and the person it would belong to, and whether new split credentials are issued.
 */
export function RequestGrants({
  request: r,
  layout = 'inline',
}: {
  request: AccountRequest;
  layout?: 'inline' | 'full';
}) {
  const { t } = useTranslation();
  const rows = [
    { key: 'role', label: t('users.role'), value: t(`userRole.${r.role}`) },
    {
      key: 'region',
      label: t('users.region'),
      value: r.regionCode ? `${r.regionName ?? ''}（${r.regionCode}）` : null,
    },
    { key: 'org', label: t('users.org'), value: r.orgName ?? r.orgId },
    { key: 'acting', label: t('users.actingPartyOrg'), value: r.actingPartyOrgName ?? r.actingPartyOrgId },
    { key: 'member', label: t('users.member'), value: r.memberName ?? r.memberId },
  ].filter((x) => x.value);
  const credentials = r.newCredentials && <Tag color="orange">{t('accountRequests.newCredentials')}</Tag>;
  if (layout === 'full') {
    return (
      <div data-testid="request-grants" style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          column={1}
          bordered
          items={[
            ...rows.map((x) => ({ key: x.key, label: x.label, children: x.value })),
            ...(credentials
              ? [{ key: 'credentials', label: t('accountRequests.credentials'), children: credentials }]
              : []),
          ]}
        />
      </div>
    );
  }
  return (
    <Flex vertical gap={2}>
      {rows
        .filter((x) => x.key !== 'role')
        .map((x) => (
          <Typography.Text key={x.key}>
            <Typography.Text type="secondary">{x.label}：</Typography.Text>
            {x.value}
          </Typography.Text>
        ))}
      {credentials}
    </Flex>
  );
}

/**
 * The requests about accounts that need a second person (双人审批), shown where each side works: to those who decide
 * them (`account_requests:decide`: the county administrator, the auditor) as the requests waiting for them, to those who
 * file them (`users:write`: the security administrator) as what they filed and may withdraw. The panel decides whom it
 * shows itself to, wherever it is mounted; what each may do on a request comes from the server (`abilities`). Nothing
 * is shown when nothing waits.
 */
export function AccountRequestsPanel({ title }: { title: 'approve' | 'filed' }) {
  const { t } = useTranslation();
  const me = useMe();
  const allowed = me.permissions.includes(title === 'approve' ? 'account_requests:decide' : 'users:write');
  const { busy, run } = useServerAction({ reason: t('accountRequests.decisionReason') });
  const showPart = useOneTimePassword();
  const [deciding, setDeciding] = useState<{ request: AccountRequest; to: Decision } | null>(null);
  const pending = useQuery({
    queryKey: userKeys.pendingRequests(),
    enabled: allowed,
    queryFn: async () => ({
      items: await allPages((cursor) =>
        unwrap(
          api.GET('/api/v1/account-requests', {
            params: { query: { status: 'pending', limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
    }),
  });
  const items = pending.data?.items ?? [];
  if (!allowed || items.length === 0) return null;

  const decide = async (v: { reason: string }) => {
    if (!deciding) return;
    const { request, to } = deciding;
    let part: string | null = null;
    const ok = await run(async () => {
      const r = await unwrap(
        api.POST('/api/v1/account-requests/{id}/transitions', {
          params: { path: { id: request.id } },
          body: { to, reason: v.reason, version: request.version },
        }),
      );
      part = r.passwordPart;
    }, t('users.done'));
    if (ok) {
      setDeciding(null);
      if (part) showPart(part, request.username, 'second');
    }
  };
  const what = (r: AccountRequest) => requestWhat(t, r);

  return (
    <Card
      title={`${t(title === 'approve' ? 'accountRequests.toApprove' : 'accountRequests.filed')}（${items.length}）`}
      style={{ marginBottom: 16 }}
      data-testid="account-requests"
    >
      <Table<AccountRequest>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={items}
        scroll={{ x: 800 }}
        columns={[
          { title: t('users.username'), render: (_, r) => `${r.displayName}（${r.username}）` },
          { title: t('users.role'), render: (_, r) => <Tag color="red">{t(`userRole.${r.role}`)}</Tag> },
          { title: t('accountRequests.what'), render: (_, r) => what(r) },
          { title: t('accountRequests.grants'), render: (_, r) => <RequestGrants request={r} /> },
          { title: t('accountRequests.reason'), dataIndex: 'reason' },
          { title: t('accountRequests.requestedBy'), render: (_, r) => r.requestedBy.displayName },
          {
            title: t('users.actions'),
            render: (_, r) => (
              <Space size={0} wrap>
                {r.abilities.approve && (
                  <Button
                    type="link"
                    size="small"
                    onClick={() => setDeciding({ request: r, to: 'approved' })}
                    data-testid={`approve-${r.username}`}
                  >
                    {t('accountRequests.approve')}
                  </Button>
                )}
                {r.abilities.reject && (
                  <Button type="link" size="small" danger onClick={() => setDeciding({ request: r, to: 'rejected' })}>
                    {t('accountRequests.reject')}
                  </Button>
                )}
                {r.abilities.cancel && (
                  <Button type="link" size="small" onClick={() => setDeciding({ request: r, to: 'cancelled' })}>
                    {t('accountRequests.cancel')}
                  </Button>
                )}
                {!r.abilities.approve && !r.abilities.cancel && (
                  <Typography.Text type="secondary">{t('accountRequests.waiting')}</Typography.Text>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={Boolean(deciding)}
        title={
          deciding
            ? `${t(`accountRequests.${deciding.to === 'approved' ? 'approve' : deciding.to === 'rejected' ? 'reject' : 'cancel'}`)}：${deciding.request.displayName}`
            : ''
        }
        footer={null}
        onCancel={() => setDeciding(null)}
        destroyOnHidden
      >
        <Form layout="vertical" onFinish={decide}>
          {deciding?.to === 'approved' && (
            <>
              <Typography.Paragraph>{what(deciding.request)}</Typography.Paragraph>
              <RequestGrants request={deciding.request} layout="full" />
              <Typography.Paragraph type="secondary">{t('accountRequests.approveHint')}</Typography.Paragraph>
            </>
          )}
          <ReasonField
            label={t('accountRequests.decisionReason')}
            submit={t('common.ok')}
            busy={busy}
            danger={deciding?.to === 'rejected'}
            testId="decision-reason"
          />
        </Form>
      </Modal>
    </Card>
  );
}
