import { Alert, Button, Checkbox, Flex, Select, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { errorText } from '../../components/errorText';

type ImportView = Schemas['HouseholdImport'];
type Mapping = NonNullable<ImportView['mapping']>;
type FieldKey = Mapping['fields'][number]['key'];

/**
 * The mapping step of an import waiting for it: each of the file's headings with the register field it is read into
 * (or not imported), beside what the file's first rows hold in that column; the required fields still without a
 * column are named. The server checks the mapping again and runs the import.
 */
export function ImportMappingStep({ view, onStarted }: { view: ImportView; onStarted: (v: ImportView) => void }) {
  const { t } = useTranslation();
  const mapping = view.mapping as Mapping;
  const [fields, setFields] = useState<Map<number, FieldKey | null>>(
    () => new Map(mapping.columns.map((c) => [c.column, c.field ?? null])),
  );
  const [remember, setRemember] = useState(true);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const chosen = [...fields.values()].filter((f): f is FieldKey => f !== null);
  const missing = mapping.fields.filter((f) => f.required && !chosen.includes(f.key));
  const repeated = mapping.fields.filter((f) => chosen.filter((c) => c === f.key).length > 1);
  const skipped = [...fields.values()].filter((f) => f === null).length;

  const rows = useMemo(
    () =>
      mapping.headings.map((h, i) => ({
        ...h,
        samples: mapping.preview.map((r) => r[i] ?? '').filter((v) => v !== ''),
      })),
    [mapping],
  );

  const confirm = async () => {
    setSending(true);
    setError(null);
    try {
      const started = await unwrap(
        api.POST('/api/v1/household-imports/{id}/mapping', {
          params: { path: { id: view.id } },
          body: { columns: [...fields].map(([column, field]) => ({ column, field })), remember },
        }),
      );
      onStarted(started);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <div data-testid="import-mapping" style={{ marginTop: 12 }}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('households.import.mapping.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('households.import.mapping.hint')}</Typography.Paragraph>
      {missing.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid="import-mapping-missing"
          title={
            <Flex gap={4} wrap align="center">
              {t('households.import.mapping.missing')}
              {missing.map((f) => (
                <Tag key={f.key} color="red">
                  {f.label}
                </Tag>
              ))}
            </Flex>
          }
        />
      )}
      {repeated.map((f) => (
        <Alert
          key={f.key}
          type="error"
          showIcon
          style={{ marginBottom: 8 }}
          title={t('households.import.mapping.repeated', { field: f.label })}
        />
      ))}
      <Table
        rowKey="column"
        size="small"
        pagination={false}
        scroll={{ y: 360 }}
        dataSource={rows}
        columns={[
          {
            title: t('households.import.mapping.column'),
            dataIndex: 'column',
            width: 84,
            render: (c: number) => t('households.import.mapping.columnN', { column: c }),
          },
          {
            title: t('households.import.mapping.heading'),
            dataIndex: 'heading',
            width: 170,
            render: (h: string) => <Typography.Text strong>{h}</Typography.Text>,
          },
          {
            title: t('households.import.mapping.field'),
            key: 'field',
            width: 230,
            render: (_, r) => {
              const field = fields.get(r.column) ?? null;
              return (
                <Select<FieldKey | ''>
                  aria-label={`${t('households.import.mapping.field')}：${r.heading}`}
                  data-testid={`import-map-${r.column}`}
                  style={{ width: '100%' }}
                  showSearch={{ optionFilterProp: 'label' }}
                  value={field ?? ''}
                  status={field === null ? 'warning' : repeated.some((f) => f.key === field) ? 'error' : undefined}
                  onChange={(v) => setFields((m) => new Map(m).set(r.column, v === '' ? null : v))}
                  options={[
                    { value: '', label: t('households.import.mapping.skip') },
                    ...mapping.fields.map((f) => ({
                      value: f.key,
                      label: f.required ? `${f.label}（${t('households.import.mapping.required')}）` : f.label,
                    })),
                  ]}
                />
              );
            },
          },
          {
            title: t('households.import.mapping.sample'),
            key: 'samples',
            ellipsis: true,
            render: (_, r) => (
              <Typography.Text type={fields.get(r.column) === null ? 'secondary' : undefined}>
                {r.samples.join('　')}
              </Typography.Text>
            ),
          },
        ]}
      />
      <Flex gap={12} align="center" justify="space-between" wrap style={{ marginTop: 12 }}>
        <Flex vertical>
          <Checkbox checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="import-remember">
            {t('households.import.mapping.remember')}
          </Checkbox>
          <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 24 }}>
            {t('households.import.mapping.rememberHint')}
          </Typography.Text>
        </Flex>
        <Flex gap={12} align="center">
          {skipped > 0 && (
            <Typography.Text type="warning" data-testid="import-mapping-skipped">
              {t('households.import.mapping.skipped', { count: skipped })}
            </Typography.Text>
          )}
          <Button
            type="primary"
            loading={sending}
            disabled={missing.length > 0 || repeated.length > 0}
            onClick={confirm}
            data-testid="import-confirm-mapping"
          >
            {t('households.import.mapping.confirm')}
          </Button>
        </Flex>
      </Flex>
      {error && <Alert style={{ marginTop: 12 }} type="error" showIcon title={error} />}
    </div>
  );
}
