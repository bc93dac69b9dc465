import { Alert, Button, Result, Skeleton } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { errorText } from './errorText';

/** Loading, error (with the server's message) and not-found states for one query. */
export function QueryState(props: { loading: boolean; error: unknown; retry?: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  if (props.loading) return <Skeleton active paragraph={{ rows: 6 }} />;
  if (props.error) {
    if (props.error instanceof ApiError && props.error.problem.status === 404) {
      return <Result status="404" title="404" subTitle={t('common.notFound')} />;
    }
    return (
      <Alert
        type="error"
        showIcon
        title={t('common.error')}
        description={errorText(props.error)}
        action={props.retry ? <Button onClick={props.retry}>{t('common.retry')}</Button> : undefined}
      />
    );
  }
  return <>{props.children}</>;
}
