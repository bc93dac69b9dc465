import { Alert, Button, Result, Skeleton } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

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

/** The server's words for an error, with field errors when there are any. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = err.problem.errors?.map((e) => `${e.path}: ${e.message}`).join('；');
    return fields ? `${err.problem.detail}（${fields}）` : err.problem.detail;
  }
  return err instanceof Error ? err.message : String(err);
}
