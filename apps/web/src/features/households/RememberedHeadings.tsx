import { useQuery } from '@tanstack/react-query';
import { Button, List, Popover, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { householdKeys } from '../../api/queryKeys';
import { useServerAction } from '../../components/useServerAction';

/** The headings the county's clerks confirmed for the import's column mapping, each of which may be forgotten. */
export function RememberedHeadings() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const { busy, run } = useServerAction();
  const headings = useQuery({
    queryKey: householdKeys.importHeadings(),
    enabled: open,
    queryFn: () => unwrap(api.GET('/api/v1/household-imports/headings', { params: { query: { limit: 200 } } })),
  });
  const forget = (heading: string) =>
    run(
      () => unwrap(api.POST('/api/v1/household-imports/headings/forget', { body: { heading } })),
      t('households.import.mapping.forgotten', { heading }),
    );
  const items = headings.data?.items ?? [];
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      placement="bottomLeft"
      title={t('households.import.mapping.remembered')}
      content={
        <div style={{ width: 360 }} data-testid="import-remembered">
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {items.length
              ? t('households.import.mapping.rememberedHint')
              : t('households.import.mapping.rememberedNone')}
          </Typography.Paragraph>
          {items.length > 0 && (
            <List
              size="small"
              loading={headings.isLoading}
              dataSource={items}
              style={{ maxHeight: 300, overflow: 'auto' }}
              renderItem={(h) => (
                <List.Item
                  actions={[
                    <Button key="forget" type="link" size="small" disabled={busy} onClick={() => forget(h.heading)}>
                      {t('households.import.mapping.forget')}
                    </Button>,
                  ]}
                >
                  <Typography.Text strong>{h.heading}</Typography.Text>
                  <span aria-hidden> → </span>
                  <Tag>{h.label}</Tag>
                </List.Item>
              )}
            />
          )}
        </div>
      }
    >
      <Button data-testid="import-remembered-open">{t('households.import.mapping.remembered')}</Button>
    </Popover>
  );
}
