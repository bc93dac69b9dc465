import { PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { activityKeys } from '../api/queryKeys';
import { QueryState } from '../components/QueryState';
import { useRecordTitle } from '../components/pageTitle';

type Person = Schemas['Activity']['attendance'][number];

/**
 * One meeting as the 三会一课 files keep it: a sheet of A4 (print stylesheet `.lj-meeting-sheet`) with the date,
 * place, kind, host and topic, who was expected and who attended, each absentee with the reason, the agenda, the
 * minutes, the decisions and the photos, and lines for the recorder's and the host's signatures.
 */
export function MeetingPrintPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: activityKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/activities/{id}', { params: { path: { id } } })),
  });
  const a = q.data;
  useRecordTitle(a ? `${t('meetingSheet.title')} · ${a.topic}` : undefined);
  const names = (people: Person[]) => people.map((p) => (p.guest ? `${p.name}（${p.unitName}）` : p.name)).join('、');
  const away = (people: Person[]) =>
    people.map((p) => `${p.name}${p.reason ? `（${p.reason}）` : ''}`).join('；') || t('meetingSheet.none');
  return (
    <div className="lj-page">
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        {a && (
          <>
            <Flex gap={8} wrap className="lj-no-print" style={{ marginBottom: 12 }}>
              <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
                {t('meetingSheet.print')}
              </Button>
              <Link to={`/activities/${a.id}`}>
                <Button>{t('common.back')}</Button>
              </Link>
            </Flex>
            <article className="lj-meeting-sheet" data-testid="meeting-sheet">
              <Typography.Title level={3} style={{ textAlign: 'center', marginTop: 0 }}>
                {t('meetingSheet.title')}
              </Typography.Title>
              <p className="lj-meeting-org">{a.orgName}</p>
              <table className="lj-meeting-table">
                <tbody>
                  <tr>
                    <th scope="row">{t('activity.kind')}</th>
                    <td>{t(`activity.kinds.${a.kind}`)}</td>
                    <th scope="row">{t('activity.heldOn')}</th>
                    <td>{a.heldOn}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('activity.place')}</th>
                    <td>{a.place}</td>
                    <th scope="row">{t('activity.host')}</th>
                    <td>{a.hostName ?? '—'}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('activity.topic')}</th>
                    <td colSpan={3}>{a.topic}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t('meetingSheet.counts')}</th>
                    <td colSpan={3} data-testid="meeting-sheet-counts">
                      {t('meetingSheet.countsText', {
                        expected: a.attendance.filter((p) => !p.guest).length,
                        present: a.present,
                        excused: a.excused,
                        absent: a.absent,
                      })}
                    </td>
                  </tr>
                  <tr>
                    <th scope="row">{t('meetingSheet.present')}</th>
                    <td colSpan={3} data-testid="meeting-sheet-present">
                      {names(a.attendance.filter((p) => p.status === 'present')) || t('meetingSheet.none')}
                    </td>
                  </tr>
                  <tr>
                    <th scope="row">{t('meetingSheet.excused')}</th>
                    <td colSpan={3} data-testid="meeting-sheet-excused">
                      {away(a.attendance.filter((p) => p.status === 'excused'))}
                    </td>
                  </tr>
                  <tr>
                    <th scope="row">{t('meetingSheet.absent')}</th>
                    <td colSpan={3} data-testid="meeting-sheet-absent">
                      {away(a.attendance.filter((p) => p.status === 'absent'))}
                    </td>
                  </tr>
                  <tr>
                    <th scope="row">{t('activity.agenda')}</th>
                    <td colSpan={3} className="lj-meeting-text">
                      {a.agenda || t('meetingSheet.none')}
                    </td>
                  </tr>
                  <tr>
                    <th scope="row">{t('activity.minutes')}</th>
                    <td colSpan={3} className="lj-meeting-text lj-meeting-minutes">
                      {a.minutes || t('meetingSheet.none')}
                    </td>
                  </tr>
                  <tr>
                    <th scope="row">{t('activity.decisions')}</th>
                    <td colSpan={3} className="lj-meeting-text">
                      {a.decisionList.length === 0
                        ? t('meetingSheet.none')
                        : a.decisionList
                            .map(
                              (d) =>
                                `${d.no}. ${d.text}${d.itemNo ? `（${t('activity.toItem', { no: d.itemNo })}）` : ''}`,
                            )
                            .join('\n')}
                    </td>
                  </tr>
                  {a.photoIds.length > 0 && (
                    <tr>
                      <th scope="row">{t('activity.photos')}</th>
                      <td colSpan={3}>
                        <div className="lj-meeting-photos">
                          {a.photoIds.map((p, i) => (
                            <img key={p} src={`/api/v1/photos/${p}`} alt={`${a.topic} ${i + 1}`} />
                          ))}
                        </div>
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
              <Flex justify="space-between" className="lj-meeting-signatures">
                <span>{t('meetingSheet.recorder')}</span>
                <span>{t('meetingSheet.hostSign')}</span>
                <span>{t('meetingSheet.date')}</span>
              </Flex>
            </article>
          </>
        )}
      </QueryState>
    </div>
  );
}
