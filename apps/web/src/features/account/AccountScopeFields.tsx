import { ACCOUNT_SCOPES, type AccountReach, USER_ROLES, type UserRole } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Form, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { allRegions } from '../../components/regions';
import { useMe } from '../../components/me';
import { regionKeys, userKeys } from '../../api/queryKeys';

type ScopeOrg = Schemas['AccountScopeOptions']['orgs'][number];

/** An account's role and scope as the form holds them. */
export interface ScopeValues {
  role: UserRole;
  regionCode?: string | null;
  orgId?: string | null;
  actingPartyOrgId?: string | null;
  memberId?: string | null;
}

/** The scope the server stores for these values: the fields the role takes (`ACCOUNT_SCOPES`), the others cleared. */
export function scopeOf(v: ScopeValues) {
  const scope = ACCOUNT_SCOPES[v.role];
  return scope.kind === 'region'
    ? {
        role: v.role,
        regionCode: v.regionCode ?? null,
        actingPartyOrgId: scope.acting ? (v.actingPartyOrgId ?? null) : null,
        orgId: null,
        memberId: null,
      }
    : { role: v.role, regionCode: null, actingPartyOrgId: null, orgId: v.orgId ?? null, memberId: v.memberId ?? null };
}

const CLEARED = { regionCode: undefined, actingPartyOrgId: undefined, orgId: undefined, memberId: undefined };

/**
 * The role and scope fields of the account form, as the role asks (`ACCOUNT_SCOPES`, the rule the server checks): a
 * county or township and the committee an administrator acts for, or a temporary organization and the person the
 * account belongs to (its secretary, for a secretary's account). Organizations and people are picked from the ids
 * and names the server offers the security administrator (`GET /users/scope-options`): it reads no organization or
 * member records. `onReach` tells the form what the chosen account would reach, to decide whether it needs a
 * second person (`needsSecondPerson`).
 */
export function AccountScopeFields({ onReach }: { onReach?: (reach: AccountReach) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const form = Form.useFormInstance<ScopeValues>();
  const role = Form.useWatch('role', form);
  const regionCode = Form.useWatch('regionCode', form);
  const orgId = Form.useWatch('orgId', form);
  const [orgQuery, setOrgQuery] = useState('');
  const scope = role ? ACCOUNT_SCOPES[role] : null;
  const townships = useQuery({
    queryKey: regionKeys.list('township'),
    enabled: scope?.kind === 'region',
    queryFn: () => allRegions({ level: 'township' }),
  });
  const options = useQuery({
    queryKey: userKeys.scopeOptions(orgQuery),
    queryFn: () => unwrap(api.GET('/api/v1/users/scope-options', { params: { query: orgQuery ? { orgQuery } : {} } })),
  });
  const chosen = useQuery({
    queryKey: userKeys.scopeOrg(orgId),
    enabled: Boolean(orgId),
    queryFn: () => unwrap(api.GET('/api/v1/users/scope-options', { params: { query: { orgId: orgId as string } } })),
  });
  const orgs = new Map<string, ScopeOrg>();
  for (const o of [...(chosen.data?.orgs ?? []), ...(options.data?.orgs ?? [])]) {
    if (scope?.kind === 'org' && scope.secretary && o.level !== 'branch' && o.level !== 'general_branch') continue;
    orgs.set(o.id, o);
  }
  const org = orgId ? orgs.get(orgId) : undefined;

  const county =
    me.scope.regionCode && me.scope.regionCode.length === 6
      ? [{ value: me.scope.regionCode, label: me.scope.regionName ?? me.scope.regionCode }]
      : [];
  const regionOptions =
    scope?.kind === 'region'
      ? [
          ...(scope.lengths.includes(6) ? county : []),
          ...(scope.lengths.includes(9)
            ? (townships.data?.items ?? []).map((r) => ({ value: r.code, label: r.name }))
            : []),
        ]
      : [];
  const committees =
    scope?.kind === 'region' && scope.acting
      ? (options.data?.committees ?? []).filter((c) => c.kind === scope.acting && c.regionCode === regionCode)
      : [];
  const people = scope?.kind === 'org' ? (org?.candidates ?? []).filter((p) => !scope.secretary || p.secretary) : [];

  const report = (v: Partial<ScopeValues>, o: ScopeOrg | undefined = org) => {
    const next = { ...form.getFieldsValue(), ...v };
    if (next.role)
      onReach?.({
        role: next.role,
        regionCode: next.regionCode ?? null,
        coverage: ACCOUNT_SCOPES[next.role].kind === 'org' ? (o?.coverage ?? []) : [],
      });
  };
  const changeRole = (next: UserRole) => {
    const s = ACCOUNT_SCOPES[next];
    // A county-only role takes the security administrator's county; other fields that no longer fit are cleared.
    const region =
      s.kind === 'region' && s.lengths.length === 1 && s.lengths[0] === 6 ? (county[0]?.value ?? undefined) : undefined;
    const keep =
      s.kind === 'region' && regionCode && (s.lengths as readonly number[]).includes(regionCode.length)
        ? regionCode
        : region;
    const values =
      s.kind === 'region'
        ? { ...CLEARED, regionCode: keep }
        : { ...CLEARED, orgId: scope?.kind === 'org' ? orgId : undefined };
    form.setFieldsValue(values);
    report({ role: next, ...values });
  };

  return (
    <>
      <Form.Item name="role" label={t('users.role')} rules={[{ required: true, message: t('common.required') }]}>
        <Select<UserRole>
          options={USER_ROLES.map((r) => ({ value: r, label: t(`userRole.${r}`) }))}
          onChange={changeRole}
        />
      </Form.Item>
      {scope?.kind === 'region' && (
        <Form.Item
          name="regionCode"
          label={t('users.region')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            options={regionOptions}
            onChange={(code: string) => {
              form.setFieldsValue({ actingPartyOrgId: undefined });
              report({ regionCode: code, actingPartyOrgId: undefined });
            }}
          />
        </Form.Item>
      )}
      {scope?.kind === 'region' && scope.acting && (
        <Form.Item name="actingPartyOrgId" label={t('users.actingPartyOrg')} extra={t('users.actingPartyOrgHint')}>
          <Select allowClear options={committees.map((c) => ({ value: c.id, label: c.name }))} />
        </Form.Item>
      )}
      {scope?.kind === 'org' && (
        <>
          <Form.Item name="orgId" label={t('users.org')} rules={[{ required: true, message: t('common.required') }]}>
            <Select
              showSearch
              filterOption={false}
              placeholder={t('users.orgSearch')}
              onSearch={(q) => setOrgQuery(q.trim())}
              loading={options.isFetching}
              options={[...orgs.values()].map((o) => ({ value: o.id, label: o.name }))}
              onChange={(id: string) => {
                form.setFieldsValue({ memberId: undefined });
                report({ orgId: id, memberId: undefined }, orgs.get(id));
              }}
              data-testid="account-org"
            />
          </Form.Item>
          <Form.Item
            name="memberId"
            label={scope.secretary ? t('users.secretary') : t('users.member')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select
              showSearch
              optionFilterProp="label"
              disabled={!org}
              options={people.map((p) => ({ value: p.memberId, label: p.name }))}
              data-testid="account-member"
            />
          </Form.Item>
        </>
      )}
    </>
  );
}
