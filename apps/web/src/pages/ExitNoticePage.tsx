import { PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Button, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { QueryState } from '../components/QueryState';
import { useRecordTitle } from '../components/pageTitle';
import { householdKeys } from '../api/queryKeys';

/**
 * The village notice of households proposed to exit poverty, laid out to print on A4 and post in the village.
 * Names and the proposed outcome only: the server sends nothing else (DOMAIN §6).
 */
export function ExitNoticePage() {
  const { villageCode = '' } = useParams();
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: householdKeys.exitNotice(villageCode),
    queryFn: () => unwrap(api.GET('/api/v1/exit-notices/{villageCode}', { params: { path: { villageCode } } })),
  });
  const n = q.data;
  useRecordTitle(n ? t('households.notice.title', { village: n.villageName }) : null);
  // ISO dates sort as text: the notice runs from the earliest start to the latest end.
  const start = n?.items.map((i) => i.noticeStartOn).sort()[0] ?? '';
  const end =
    n?.items
      .map((i) => i.noticeEndsOn)
      .sort()
      .at(-1) ?? '';
  return (
    <div className="lj-page">
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        {n && (
          <>
            <Flex className="lj-no-print" justify="space-between" align="center" style={{ marginBottom: 16 }}>
              <Breadcrumb
                items={[
                  { title: <Link to="/households?tab=exits">{t('households.tabs.exits')}</Link> },
                  { title: n.villageName },
                ]}
              />
              <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
                {t('households.exitList.print')}
              </Button>
            </Flex>
            <article className="lj-notice" data-testid="exit-notice">
              <Typography.Title level={2} style={{ textAlign: 'center' }}>
                {t('households.notice.title', { village: n.villageName })}
              </Typography.Title>
              {n.items.length === 0 ? (
                <Typography.Paragraph>{t('households.notice.empty')}</Typography.Paragraph>
              ) : (
                <>
                  <Typography.Paragraph>{t('households.notice.intro')}</Typography.Paragraph>
                  <table className="lj-notice-table">
                    <thead>
                      <tr>
                        <th>{t('households.notice.no')}</th>
                        <th>{t('households.notice.head')}</th>
                        <th>{t('households.notice.outcome')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {n.items.map((i) => (
                        <tr key={i.no}>
                          <td>{i.no}</td>
                          <td>{i.headName}</td>
                          <td>{i.outcome}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <Typography.Paragraph strong style={{ marginTop: 16 }}>
                    {t('households.notice.period', { start, end })}
                  </Typography.Paragraph>
                  <Typography.Paragraph>{t('households.notice.objection')}</Typography.Paragraph>
                </>
              )}
              <Typography.Paragraph style={{ textAlign: 'right', marginTop: 48 }}>
                {t('households.notice.signature', { township: n.townshipName, village: n.villageName })}
                <br />
                {n.today}
              </Typography.Paragraph>
            </article>
          </>
        )}
      </QueryState>
    </div>
  );
}
