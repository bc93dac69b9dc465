import { PlusOutlined } from '@ant-design/icons';
import {
  type AccountChange,
  type AccountReach,
  GRANTING,
  USER_ROLES,
  accountAfter,
  accountState,
  changeNeedsApproval,
  needsSecondPerson,
} from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../api/client';
import { allRegions } from '../components/regions';
import { QueryState } from '../components/QueryState';
import { useMe } from '../components/me';
import { useServerAction } from '../components/useServerAction';
import { AccountRequestsPanel, requestWhat } from '../features/account/AccountRequests';
import { AccountScopeFields, type ScopeValues, scopeOf } from '../features/account/AccountScopeFields';
import { useOneTimePassword } from '../features/account/OneTimePassword';
import { ReasonField } from '../features/account/ReasonField';
import { CursorPager, useCursorPages } from '../components/CursorPager';
import { regionKeys, userKeys } from '../api/queryKeys';

type User = Schemas['User'];
type Role = (typeof USER_ROLES)[number];
/**
 * What the list's buttons file for a second person, of an account that needs one: putting it back in service (a change
 * of role or scope is filed from the edit form), or new credentials.
 */
type Filing = { user: User } & (
  | { kind: 'change'; changes: { active: true } }
  | { kind: 'reset_password' }
  | { kind: 'reset_totp' }
);
type NewAccount = ScopeValues & { username: string; displayName: string; reason?: string };

/** The fields of a new scope that differ from the account's: the change to ask for. */
function changesOf(u: User, v: ScopeValues): AccountChange {
  const next = scopeOf(v);
  const current = accountState(u);
  const out: AccountChange = {};
  for (const k of GRANTING) if (next[k] !== current[k]) Object.assign(out, { [k]: next[k] });
  return out;
}

/**
 * The security administrator's screen: accounts, roles, scopes, password and second-factor resets. What concerns an
 * account that reads more than a branch's work (`needsSecondPerson`: the administrators, a township administrator,
 * anything county-wide) is filed as a request for a second person (the same rule as the server's,
 * `changeNeedsApproval`), with the first half of any one-time password shown here.
 */
export function UsersPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [q, setQ] = useState<string | undefined>();
  const [role, setRole] = useState<Role | undefined>();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<{ user: User; what: 'password' | 'totp' } | null>(null);
  const [filing, setFiling] = useState<Filing | null>(null);
  const [editing, setEditing] = useState<User | null>(null);
  // What the account in the create or edit form would reach: whether it needs a second person.
  const [reach, setReach] = useState<AccountReach>({ role: 'org_secretary', regionCode: null, coverage: [] });
  const { busy, run } = useServerAction({
    username: t('users.username'),
    displayName: t('users.displayName'),
    role: t('users.role'),
    regionCode: t('users.region'),
    actingPartyOrgId: t('users.actingPartyOrg'),
    orgId: t('users.org'),
    reason: t('users.reason'),
  });
  const showPassword = useOneTimePassword();
  const pages = useCursorPages(`${q ?? ''}|${role ?? ''}`);
  const users = useQuery({
    queryKey: userKeys.list({ q, role }, pages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/users', {
          params: {
            query: {
              limit: 20,
              ...(q ? { q } : {}),
              ...(role ? { role } : {}),
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
            },
          },
        }),
      ),
  });
  const regions = useQuery({
    queryKey: regionKeys.list('township'),
    queryFn: () => allRegions({ level: 'township' }),
  });
  const regionOptions = [
    ...(me.scope.regionCode ? [{ value: me.scope.regionCode, label: me.scope.regionName ?? me.scope.regionCode }] : []),
    ...(regions.data?.items ?? []).map((r) => ({ value: r.code, label: r.name })),
  ];
  const regionName = (code: string | null) => regionOptions.find((r) => r.value === code)?.label ?? code;

  const editReach = (u: User): AccountReach => ({ role: u.role, regionCode: u.regionCode, coverage: u.coverage });
  const editNeeds = (u: User, changes: AccountChange) => {
    const after = accountAfter(accountState(u), changes);
    // The organization's coverage after the change: the account's own if it keeps its organization, else the form's.
    return changeNeedsApproval(accountState(u), changes, {
      before: u.coverage,
      after: after.orgId === u.orgId ? u.coverage : (reach.coverage ?? []),
    });
  };

  const create = async ({ reason, username, displayName, ...v }: NewAccount) => {
    const account = { username, displayName, ...scopeOf(v) };
    let shown: { password: string; username: string; half: boolean } | null = null;
    const ok = await run(async () => {
      if (needsSecondPerson(reach)) {
        const r = await unwrap(
          api.POST('/api/v1/account-requests', { body: { kind: 'create', account, reason: reason ?? '' } }),
        );
        shown = { password: r.passwordPart ?? '', username, half: true };
      } else {
        const r = await unwrap(api.POST('/api/v1/users', { body: account }));
        shown = { password: r.oneTimePassword, username: r.user.username, half: false };
      }
    }, t('users.done'));
    if (ok && shown) {
      setCreating(false);
      const s = shown as { password: string; username: string; half: boolean };
      showPassword(s.password, s.username, s.half ? 'first' : 'whole');
    }
  };
  const file = async (v: { reason: string }) => {
    if (!filing) return;
    const { user } = filing;
    let part: string | null = null;
    const ok = await run(async () => {
      const body =
        filing.kind === 'change'
          ? {
              kind: 'change' as const,
              userId: user.id,
              changes: filing.changes,
              version: user.version,
              reason: v.reason,
            }
          : { kind: filing.kind, userId: user.id, reason: v.reason };
      part = (await unwrap(api.POST('/api/v1/account-requests', { body }))).passwordPart;
    }, t('accountRequests.filedDone'));
    if (ok) {
      setFiling(null);
      if (part) showPassword(part, user.username, 'first');
    }
  };
  const reset = async (v: { reason: string }) => {
    if (!resetting) return;
    const { user, what } = resetting;
    let password: string | null = null;
    const ok = await run(async () => {
      if (what === 'password') {
        password = (
          await unwrap(api.POST('/api/v1/users/{id}/reset-password', { params: { path: { id: user.id } }, body: v }))
        ).oneTimePassword;
      } else {
        await unwrap(api.POST('/api/v1/users/{id}/reset-totp', { params: { path: { id: user.id } }, body: v }));
      }
    }, t('users.done'));
    if (ok) {
      setResetting(null);
      if (password) showPassword(password, user.username, 'whole');
    }
  };
  const edit = async ({ reason, ...v }: ScopeValues & { reason?: string }) => {
    if (!editing) return;
    const u = editing;
    const changes = changesOf(u, v);
    if (Object.keys(changes).length === 0) {
      setEditing(null);
      return;
    }
    let part: string | null = null;
    const needs = editNeeds(u, changes);
    const ok = await run(
      async () => {
        if (needs) {
          const body = { kind: 'change' as const, userId: u.id, changes, version: u.version, reason: reason ?? '' };
          part = (await unwrap(api.POST('/api/v1/account-requests', { body }))).passwordPart;
        } else {
          await unwrap(
            api.PATCH('/api/v1/users/{id}', {
              params: { path: { id: u.id } },
              body: { ...changes, version: u.version },
            }),
          );
        }
      },
      needs ? t('accountRequests.filedDone') : t('users.done'),
    );
    if (ok) {
      setEditing(null);
      if (part) showPassword(part, u.username, 'first');
    }
  };
  const setActive = (u: User, active: boolean) =>
    active && changeNeedsApproval(accountState(u), { active }, { before: u.coverage, after: u.coverage })
      ? setFiling({ user: u, kind: 'change', changes: { active } })
      : run(
          () =>
            unwrap(
              api.PATCH('/api/v1/users/{id}', { params: { path: { id: u.id } }, body: { active, version: u.version } }),
            ),
          t('users.done'),
        );

  return (
    <div className="lj-page">
      <Flex justify="space-between" align="center">
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('users.title')}
        </Typography.Title>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => {
            setReach({ role: 'org_secretary', regionCode: null, coverage: [] });
            setCreating(true);
          }}
          data-testid="user-create"
        >
          {t('users.create')}
        </Button>
      </Flex>
      <Alert type="info" showIcon title={t('users.hint')} style={{ marginBottom: 16 }} />
      <AccountRequestsPanel title="filed" />
      <Card>
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            style={{ width: 260 }}
            placeholder={t('users.search')}
            onSearch={(v) => setQ(v.trim() || undefined)}
          />
          <Select
            aria-label={t('users.role')}
            allowClear
            style={{ width: 240 }}
            placeholder={t('users.role')}
            value={role}
            onChange={setRole}
            options={USER_ROLES.map((r) => ({ value: r, label: t(`userRole.${r}`) }))}
          />
        </Flex>
        <QueryState loading={users.isLoading} error={users.error} retry={() => users.refetch()}>
          <Table<User>
            rowKey="id"
            size="middle"
            dataSource={users.data?.items ?? []}
            pagination={false}
            locale={{ emptyText: <Empty description={t('users.empty')} /> }}
            columns={[
              { title: t('users.username'), dataIndex: 'username' },
              { title: t('users.displayName'), dataIndex: 'displayName' },
              {
                title: t('users.role'),
                render: (_, u) => (
                  <Space size={4} wrap>
                    {t(`userRole.${u.role}`)}
                    {needsSecondPerson(u) && <Tag color="red">{t('users.twoPerson')}</Tag>}
                  </Space>
                ),
              },
              { title: t('users.scope'), render: (_, u) => u.orgName ?? regionName(u.regionCode) },
              {
                title: t('users.state'),
                render: (_, u) => (
                  <Space size={4} wrap>
                    {u.active ? <Tag color="green">{t('users.active')}</Tag> : <Tag>{t('users.disabled')}</Tag>}
                    {u.locked && <Tag color="red">{t('users.locked')}</Tag>}
                    {u.mustChangePassword && <Tag color="orange">{t('users.mustChange')}</Tag>}
                  </Space>
                ),
              },
              {
                title: t('users.totp'),
                render: (_, u) =>
                  u.totpEnabled ? <Tag color="green">{t('account.totpOn')}</Tag> : <Tag>{t('account.totpOff')}</Tag>,
              },
              {
                title: t('users.actions'),
                render: (_, u) =>
                  !u.abilities.change ? null : (
                    <Space size={0} wrap>
                      <Button
                        type="link"
                        size="small"
                        onClick={() => {
                          setReach(editReach(u));
                          setEditing(u);
                        }}
                        data-testid={`edit-${u.username}`}
                      >
                        {t('users.edit')}
                      </Button>
                      {u.active ? (
                        <Popconfirm title={t('users.confirmDisable')} onConfirm={() => setActive(u, false)}>
                          <Button type="link" size="small" danger>
                            {t('users.disable')}
                          </Button>
                        </Popconfirm>
                      ) : (
                        <Button type="link" size="small" onClick={() => setActive(u, true)}>
                          {t('users.enable')}
                        </Button>
                      )}
                      <Button
                        type="link"
                        size="small"
                        onClick={() =>
                          needsSecondPerson(u)
                            ? setFiling({ user: u, kind: 'reset_password' })
                            : setResetting({ user: u, what: 'password' })
                        }
                        data-testid={`reset-password-${u.username}`}
                      >
                        {t('users.resetPassword')}
                      </Button>
                      {u.totpEnabled && (
                        <Button
                          type="link"
                          size="small"
                          onClick={() =>
                            needsSecondPerson(u)
                              ? setFiling({ user: u, kind: 'reset_totp' })
                              : setResetting({ user: u, what: 'totp' })
                          }
                        >
                          {t('users.resetTotp')}
                        </Button>
                      )}
                    </Space>
                  ),
              },
            ]}
          />
          <CursorPager
            pages={pages}
            total={users.data?.total ?? 0}
            nextCursor={users.data?.nextCursor}
            testId="user-total"
          />
        </QueryState>
      </Card>
      <Modal
        open={creating}
        title={t('users.create')}
        footer={null}
        onCancel={() => setCreating(false)}
        destroyOnHidden
      >
        <Form<NewAccount> layout="vertical" onFinish={create} initialValues={{ role: 'org_secretary' }}>
          <Form.Item
            name="username"
            label={t('users.username')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={t('users.displayName')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input />
          </Form.Item>
          <AccountScopeFields onReach={setReach} />
          <SubmitOrFile filed={needsSecondPerson(reach)} busy={busy} />
        </Form>
      </Modal>
      <Modal
        open={Boolean(editing)}
        title={editing ? `${t('users.edit')}：${editing.displayName}` : ''}
        footer={null}
        onCancel={() => setEditing(null)}
        destroyOnHidden
      >
        {editing && (
          <Form<ScopeValues & { reason?: string }>
            layout="vertical"
            onFinish={edit}
            initialValues={accountState(editing)}
          >
            <Typography.Paragraph type="secondary">{t('users.editHint')}</Typography.Paragraph>
            <AccountScopeFields onReach={setReach} />
            <EditApproval user={editing} needs={editNeeds} busy={busy} />
          </Form>
        )}
      </Modal>
      <Modal
        open={Boolean(filing)}
        title={filing ? `${t('accountRequests.file')}：${filing.user.displayName}` : ''}
        footer={null}
        onCancel={() => setFiling(null)}
        destroyOnHidden
      >
        <Form layout="vertical" onFinish={file}>
          {filing && (
            <Typography.Paragraph>
              {requestWhat(
                t,
                filing.kind === 'change'
                  ? { kind: 'change', changes: filing.changes }
                  : { kind: filing.kind, changes: null },
              )}
            </Typography.Paragraph>
          )}
          <SubmitOrFile filed busy={busy} />
        </Form>
      </Modal>
      <Modal
        open={Boolean(resetting)}
        title={
          resetting
            ? `${resetting.what === 'password' ? t('users.resetPassword') : t('users.resetTotp')}：${resetting.user.displayName}`
            : ''
        }
        footer={null}
        onCancel={() => setResetting(null)}
        destroyOnHidden
      >
        <Form layout="vertical" onFinish={reset}>
          <ReasonField label={t('users.reason')} submit={t('common.ok')} busy={busy} danger />
        </Form>
      </Modal>
    </div>
  );
}

/** The end of the edit form: when a second person must approve the change, the notice and the reason it asks for. */
function EditApproval({
  user,
  needs,
  busy,
}: {
  user: User;
  needs: (u: User, c: AccountChange) => boolean;
  busy: boolean;
}) {
  const form = Form.useFormInstance<ScopeValues>();
  const values = Form.useWatch((v: ScopeValues) => v, form);
  const filed = Boolean(values?.role) && needs(user, changesOf(user, values));
  return <SubmitOrFile filed={filed} busy={busy} />;
}

/** A form's end: saved directly, or filed for a second person with a reason (the same rule as the server's). */
function SubmitOrFile({ filed, busy }: { filed: boolean; busy: boolean }) {
  const { t } = useTranslation();
  if (!filed) {
    return (
      <Button type="primary" htmlType="submit" loading={busy} block>
        {t('common.save')}
      </Button>
    );
  }
  return (
    <>
      <Alert type="warning" showIcon title={t('accountRequests.needsApproval')} style={{ marginBottom: 16 }} />
      <ReasonField label={t('accountRequests.reason')} submit={t('accountRequests.file')} busy={busy} />
    </>
  );
}
