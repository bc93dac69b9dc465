import { Alert, Button, Skeleton } from 'antd';
import { type ReactNode, Suspense, lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { errorText } from './errorText';

const NotFound = lazy(() => import('./NotFound').then((m) => ({ default: m.NotFound })));

/** Loading, error (with the server's message) and not-found states for one query. */
export function QueryState(props: { loading: boolean; error: unknown; retry?: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  if (props.loading) return <Skeleton active paragraph={{ rows: 6 }} />;
  if (props.error) {
    if (props.error instanceof ApiError && props.error.problem.status === 404) {
      return (
        <Suspense fallback={<Skeleton active />}>
          <NotFound />
        </Suspense>
      );
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
