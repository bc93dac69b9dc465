import { useQuery } from '@tanstack/react-query';
import { PrinterOutlined } from '@ant-design/icons';
import { Breadcrumb, Button, Card, Descriptions, Empty, Flex, Image, List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { QueryState } from '../components/QueryState';
import { kindColor } from '../features/activities/OrgLifePanel';
import { useRecordTitle } from '../components/pageTitle';
import { activityKeys } from '../api/queryKeys';

const STATUS_COLOR = { present: 'green', excused: 'gold', absent: 'default' } as const;

/** One meeting: who attended (as of its day), its decisions and the items they became, minutes, photos. */
export function ActivityPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: activityKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/activities/{id}', { params: { path: { id } } })),
  });
  const a = q.data;
  useRecordTitle(a?.topic);
  return (
    <div className="lj-page">
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        {a && (
          <>
            <Breadcrumb
              style={{ marginBottom: 12 }}
              items={[{ title: <Link to={`/orgs/${a.orgId}`}>{a.orgName}</Link> }, { title: a.topic }]}
            />
            <Flex gap={8} align="center" wrap style={{ marginBottom: 16 }}>
              <Typography.Title level={3} style={{ margin: 0 }} data-testid="activity-topic">
                {a.topic}
              </Typography.Title>
              <Tag color={kindColor[a.kind]}>{t(`activity.kinds.${a.kind}`)}</Tag>
              <Link to={`/activities/${a.id}/print`} data-testid="meeting-print-link">
                <Button icon={<PrinterOutlined />}>{t('meetingSheet.open')}</Button>
              </Link>
            </Flex>
            <Card style={{ marginBottom: 16 }}>
              <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                <Descriptions.Item label={t('activity.heldOn')}>{a.heldOn}</Descriptions.Item>
                <Descriptions.Item label={t('activity.place')}>{a.place}</Descriptions.Item>
                <Descriptions.Item label={t('activity.host')}>{a.hostName ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('activity.attendance')}>{t('activity.counts', a)}</Descriptions.Item>
              </Descriptions>
              {a.agenda && (
                <Typography.Paragraph
                  style={{ whiteSpace: 'pre-wrap' }}
                >{`${t('activity.agenda')}：${a.agenda}`}</Typography.Paragraph>
              )}
              {a.minutes && (
                <Typography.Paragraph
                  style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}
                >{`${t('activity.minutes')}：${a.minutes}`}</Typography.Paragraph>
              )}
            </Card>
            <Card title={t('activity.attendance')} style={{ marginBottom: 16 }}>
              <Flex wrap gap={8} data-testid="activity-attendance">
                {a.attendance.map((p) => (
                  <Tag key={p.memberId} color={STATUS_COLOR[p.status]}>
                    <Link to={`/members/${p.memberId}/record`}>{p.name}</Link> · {t(`activity.statuses.${p.status}`)}
                    {p.reason ? `（${p.reason}）` : ''}
                    {p.guest ? ` · ${p.unitName}` : ''}
                  </Tag>
                ))}
              </Flex>
            </Card>
            <Card title={t('activity.decisions')} style={{ marginBottom: 16 }}>
              <List
                dataSource={a.decisionList}
                locale={{ emptyText: <Empty description="—" /> }}
                renderItem={(d) => (
                  <List.Item>
                    <Flex gap={8} wrap>
                      <span>
                        {d.no}. {d.text}
                      </span>
                      {d.itemId && (
                        <Link to={`/items/${d.itemId}`}>
                          <Tag color="blue">{t('activity.toItem', { no: d.itemNo })}</Tag>
                        </Link>
                      )}
                    </Flex>
                  </List.Item>
                )}
              />
              {a.listId && <Link to={`/lists/${a.listId}`}>{t('nav.lists')}</Link>}
            </Card>
            {a.photoIds.length > 0 && (
              <Card title={t('activity.photos')}>
                <Image.PreviewGroup>
                  <Flex gap={8} wrap>
                    {a.photoIds.map((p) => (
                      <Image
                        key={p}
                        width={120}
                        height={120}
                        style={{ objectFit: 'cover' }}
                        src={`/api/v1/photos/${p}`}
                        alt={a.topic}
                      />
                    ))}
                  </Flex>
                </Image.PreviewGroup>
              </Card>
            )}
          </>
        )}
      </QueryState>
    </div>
  );
}
