import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMe } from '../components/me';
import { AccountSecurity } from '../features/account/AccountSecurity';

/** One's own account: change the password, set up the second factor. */
export function AccountPage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <div className="lj-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('account.title')}
      </Typography.Title>
      <AccountSecurity me={me} />
    </div>
  );
}
