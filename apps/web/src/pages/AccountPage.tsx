import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMe } from '../components/me';
import { AccountRequestsPanel } from '../features/account/AccountRequests';
import { AccountSecurity } from '../features/account/AccountSecurity';

/** One's own account: change the password, set up the second factor; an approver also finds the account requests waiting. */
export function AccountPage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <div className="lj-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('account.title')}
      </Typography.Title>
      {me.permissions.includes('account_requests:decide') && <AccountRequestsPanel title="approve" />}
      <AccountSecurity me={me} />
    </div>
  );
}
