import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

/** The 404 state of a page: loaded only when a record is not there (antd's Result carries its illustrations). */
export function NotFound() {
  const { t } = useTranslation();
  return <Result status="404" title="404" subTitle={t('common.notFound')} />;
}
