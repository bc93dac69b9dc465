import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Flex, Modal, Progress, Table, Tag, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type Problem, type Schemas, api, csrfHeader, screenLanguage, unwrap } from '../../api/client';
import { ExportButton } from '../../components/ExportButton';
import { errorText } from '../../components/errorText';
import { formatDateTime } from '../../components/format';
import { householdKeys } from '../../api/queryKeys';
import { ImportMappingStep } from './ImportMappingStep';
import { RememberedHeadings } from './RememberedHeadings';

type ImportView = Schemas['HouseholdImport'];

/** Sends the file itself (not a form) so that the server can stream it to disk and report upload progress. */
function upload(file: File, onProgress: (percent: number) => void): Promise<ImportView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/household-imports?fileName=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    for (const [k, v] of Object.entries(csrfHeader())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Accept-Language', screenLanguage());
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText || 'null');
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportView);
      else {
        const p = (body ?? {}) as Partial<Problem>;
        reject(
          new ApiError({
            type: 'about:blank',
            title: p.title ?? '',
            status: xhr.status,
            detail: p.detail ?? xhr.statusText,
            code: p.code ?? 'unknown',
            requestId: p.requestId ?? '',
          }),
        );
      }
    };
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(file);
  });
}

const fmt = (iso: string) => formatDateTime(iso);

/** Import of the register from XLSX/CSV: template, upload with progress, server-side progress, error report. */
export function ImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [uploading, setUploading] = useState<number | null>(null);
  const [current, setCurrent] = useState<ImportView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useQuery({
    queryKey: householdKeys.import(current?.id),
    enabled: Boolean(current),
    queryFn: () => unwrap(api.GET('/api/v1/household-imports/{id}', { params: { path: { id: current?.id ?? '' } } })),
    refetchInterval: (q) =>
      q.state.data?.status === 'running' || (!q.state.data && current?.status === 'running') ? 400 : false,
  });
  const recent = useQuery({
    queryKey: householdKeys.imports(),
    enabled: open,
    queryFn: () => unwrap(api.GET('/api/v1/household-imports')),
  });
  const view = job.data ?? current;
  const ended = (v: ImportView | null | undefined) => v?.status === 'completed' || v?.status === 'failed';
  const done = ended(view);
  const awaiting = view?.status === 'awaiting_mapping';
  const finished = ended(job.data) ? (job.data?.id ?? null) : null;
  useEffect(() => {
    // Once an import ends, the register and the list of recent imports are fresh again.
    if (finished) {
      // The register, every household's page and the imports list alike.
      void queryClient.invalidateQueries({ queryKey: householdKeys.all });
    }
  }, [finished, queryClient]);

  useEffect(() => {
    // Opened again: the imports made meanwhile (one left waiting for its mapping among them) are listed.
    if (open) void queryClient.invalidateQueries({ queryKey: householdKeys.imports() });
  }, [open, queryClient]);

  const start = async () => {
    if (!file) return;
    setError(null);
    setUploading(0);
    try {
      setCurrent(await upload(file, setUploading));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setUploading(null);
    }
  };
  // An interrupted import wrote nothing and its file needs no change: the same file goes again, as a new import.
  const retry = () => {
    setCurrent(null);
    void start();
  };
  const reset = () => {
    setFile(null);
    setCurrent(null);
    setError(null);
    void recent.refetch();
  };

  // One bar for the whole import: the upload is the first tenth, the server's phases the rest.
  const percent =
    uploading !== null ? Math.round(uploading / 10) : view ? 10 + Math.round((view.progress * 9) / 10) : 0;
  const status = view?.status === 'failed' || error ? 'exception' : view?.status === 'completed' ? 'success' : 'active';
  // The mapping step is started from the view the server answered: polling resumes with the running import.
  const mapped = (v: ImportView) => {
    queryClient.setQueryData(householdKeys.import(v.id), v);
    setCurrent(v);
  };

  return (
    <Modal
      open={open}
      title={t('households.import.title')}
      onCancel={onClose}
      footer={null}
      width={awaiting ? 1080 : 720}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('households.import.hint')}</Typography.Paragraph>
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        <Button icon={<DownloadOutlined />} href="/api/v1/household-imports/template" download>
          {t('households.import.template')}
        </Button>
        <RememberedHeadings />
        {!current && (
          <>
            <Upload
              accept=".xlsx,.csv"
              maxCount={1}
              showUploadList={false}
              beforeUpload={(f) => {
                setFile(f);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} data-testid="import-pick">
                {t('households.import.pick')}
              </Button>
            </Upload>
            <Button
              type="primary"
              disabled={!file || uploading !== null}
              loading={uploading !== null}
              onClick={start}
              data-testid="import-start"
            >
              {t('households.import.start')}
            </Button>
          </>
        )}
        {view?.status === 'failed' && view.failure === 'interrupted' && file && (
          <Button type="primary" onClick={retry} data-testid="import-retry">
            {t('households.import.retry')}
          </Button>
        )}
        {done && (
          <Button onClick={reset} data-testid="import-again">
            {t('households.import.again')}
          </Button>
        )}
      </Flex>
      {file && !current && (
        <Typography.Text>
          {file.name}（{(file.size / 1024 / 1024).toFixed(1)} MB）·{' '}
          <Typography.Text type="secondary">{t('households.import.limit')}</Typography.Text>
        </Typography.Text>
      )}
      {awaiting && view && <ImportMappingStep key={view.id} view={view} onStarted={mapped} />}
      {(uploading !== null || (view && !awaiting)) && (
        <div data-testid="import-progress" data-status={view?.status ?? 'uploading'} style={{ marginTop: 12 }}>
          <Progress percent={percent} status={status} />
          <Typography.Text type="secondary">
            {uploading !== null
              ? `${t('households.import.uploading')} ${uploading}%`
              : view
                ? `${t(`households.import.phases.${view.phase}`)} · ${t('households.import.rows', { rows: view.rowsRead })}`
                : ''}
          </Typography.Text>
        </div>
      )}
      {error && <Alert style={{ marginTop: 12 }} type="error" showIcon title={error} />}
      {view?.status === 'completed' && (
        <Alert
          style={{ marginTop: 12 }}
          type="success"
          showIcon
          data-testid="import-result"
          title={
            view.duplicateOf
              ? t('households.import.duplicate', { at: fmt(view.createdAt) })
              : t('households.import.completed', { households: view.households, people: view.people })
          }
        />
      )}
      {view?.status === 'failed' && (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          data-testid="import-result"
          title={view.failure === 'interrupted' ? t('households.import.interrupted') : t('households.import.failed')}
          description={
            <Flex vertical gap={8} align="start">
              <span>{view.message}</span>
              {view.errorCount > 0 && (
                <ExportButton kind="import_errors" params={{ id: view.id }} testId="import-report">
                  {t('households.import.report')}（{t('households.import.errors', { count: view.errorCount })}）
                </ExportButton>
              )}
            </Flex>
          }
        />
      )}
      {view && done && view.ignoredColumns.length > 0 && (
        <Alert
          style={{ marginTop: 12 }}
          type="warning"
          showIcon
          data-testid="import-ignored"
          title={t('households.import.ignored', { count: view.ignoredColumns.length })}
          description={view.ignoredColumns
            .map((c) => t('households.import.ignoredColumn', { column: c.column, header: c.header }))
            .join('、')}
        />
      )}
      {(recent.data?.items.length ?? 0) > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('households.import.recent')}
          </Typography.Title>
          <Table<ImportView>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={recent.data?.items.slice(0, 5)}
            columns={[
              { title: t('households.import.file'), dataIndex: 'fileName', ellipsis: true },
              { title: t('households.import.at'), dataIndex: 'createdAt', width: 140, render: (v: string) => fmt(v) },
              {
                title: t('households.status'),
                dataIndex: 'status',
                width: 200,
                render: (_, r) =>
                  r.status === 'completed' ? (
                    <Tag color="green">
                      {t('households.import.completed', { households: r.households, people: r.people })}
                    </Tag>
                  ) : r.status === 'failed' ? (
                    <Tag color="red">
                      {r.failure === 'interrupted'
                        ? t('households.import.interruptedTag')
                        : t('households.import.errors', { count: r.errorCount })}
                    </Tag>
                  ) : r.status === 'awaiting_mapping' ? (
                    // A mapping left unconfirmed (the modal was closed) is taken up again from here.
                    <Button
                      size="small"
                      type="link"
                      disabled={Boolean(current)}
                      onClick={() => setCurrent(r)}
                      data-testid="import-resume"
                    >
                      {t('households.import.resume')}
                    </Button>
                  ) : (
                    <Tag color="blue">{t(`households.import.phases.${r.phase}`)}</Tag>
                  ),
              },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
