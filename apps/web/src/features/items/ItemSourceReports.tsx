import { useQueries } from '@tanstack/react-query';
import { Card, List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { reportKeys } from '../../api/queryKeys';
import { formatDateTime } from '../../components/format';
import { ReportPhone, ReportPhotos } from '../reports/ReportEvidence';

/**
 * An item's source reports (来源反映) with the residents' evidence: each report's photos and masked phone, read from
 * the reports the account may see (an account that may not read reports sees what the item says of them).
 */
export function ItemSourceReports({ reports }: { reports: Schemas['ItemDetail']['reports'] }) {
  const { t } = useTranslation();
  const details = useQueries({
    queries: reports.map((r) => ({
      queryKey: reportKeys.detail(r.id),
      queryFn: () => unwrap(api.GET('/api/v1/reports/{id}', { params: { path: { id: r.id } } })),
      retry: false,
    })),
  });
  if (reports.length === 0) return null;
  return (
    <Card title={t('item.sources')} data-testid="item-sources">
      <List
        size="small"
        dataSource={reports}
        renderItem={(r, n) => {
          const d = details[n]?.data;
          return (
            <List.Item>
              <List.Item.Meta
                title={t(`reports.sources.${r.source as 'resident'}`)}
                description={
                  <>
                    <div>{`${formatDateTime(r.reportedAt)} · ${r.description}`}</div>
                    {d && (
                      <>
                        {d.reporterName && <Typography.Text type="secondary">{d.reporterName} </Typography.Text>}
                        {d.phone && (
                          <div>
                            <Typography.Text type="secondary">{t('reports.phone')}：</Typography.Text>
                            <ReportPhone report={d} />
                          </div>
                        )}
                        <ReportPhotos report={d} />
                      </>
                    )}
                  </>
                }
              />
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
