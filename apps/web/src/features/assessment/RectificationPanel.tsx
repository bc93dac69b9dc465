import { useQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, DatePicker, Empty, Flex, Input, Modal, Segmented, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, unwrap } from '../../api/client';
import { useMe } from '../../components/me';
import { CursorPager, useCursorPages } from '../../components/CursorPager';
import { QueryState } from '../../components/QueryState';
import { useServerAction } from '../../components/useServerAction';
import { assessmentKeys } from '../../api/queryKeys';

type Rect = Schemas['Rectification'];

/** The rectification board: organizations listed, their tasks, and the review that delists them. */
export function RectificationPanel() {
  const { t } = useTranslation();
  const me = useMe();
  const canWrite = me.permissions.includes('assessment:write');
  const [status, setStatus] = useState<'listed' | 'delisted'>('listed');
  const [delisting, setDelisting] = useState<Rect | null>(null);
  const [note, setNote] = useState('');
  const [on, setOn] = useState(dayjs());
  const { busy, run } = useServerAction({ reviewNote: t('assessment.reviewNote') });
  const pages = useCursorPages(status);
  const q = useQuery({
    queryKey: assessmentKeys.rectifications(status, pages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/rectifications', {
          params: { query: { status, limit: 20, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
  });
  const toggle = (r: Rect, index: number, done: boolean) =>
    run(
      () =>
        unwrap(
          api.POST('/api/v1/rectifications/{id}/tasks/{index}', {
            params: { path: { id: r.id, index } },
            body: { done, version: r.version },
          }),
        ),
      t('item.done'),
    );
  const delist = async () => {
    if (!delisting) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/rectifications/{id}/delist', {
            params: { path: { id: delisting.id } },
            body: { on: on.format('YYYY-MM-DD'), reviewNote: note, version: delisting.version },
          }),
        ),
      t('item.done'),
    );
    if (ok) setDelisting(null);
  };
  return (
    <>
      <Segmented
        style={{ marginBottom: 12 }}
        value={status}
        onChange={(v) => setStatus(v as 'listed' | 'delisted')}
        options={[
          { value: 'listed', label: t('assessment.listed') },
          { value: 'delisted', label: t('assessment.delisted') },
        ]}
      />
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        {(q.data?.items.length ?? 0) === 0 ? (
          <Empty description={t('assessment.noRect')} />
        ) : (
          <Flex vertical gap={12}>
            {q.data?.items.map((r) => (
              <Card
                key={r.id}
                size="small"
                data-testid="rectification"
                title={
                  <Flex gap={8} align="center" wrap>
                    <Link to={`/orgs/${r.orgId}`}>{r.orgName}</Link>
                    <Tag color={r.status === 'listed' ? 'red' : 'green'}>
                      {r.status === 'listed' ? t('assessment.listed') : t('assessment.delisted')}
                    </Tag>
                  </Flex>
                }
                extra={
                  canWrite &&
                  r.status === 'listed' && (
                    <Button
                      type="primary"
                      size="small"
                      disabled={r.tasks.some((x) => !x.done)}
                      onClick={() => setDelisting(r)}
                    >
                      {t('assessment.delist')}
                    </Button>
                  )
                }
              >
                <Typography.Paragraph>
                  {t('assessment.listedOn')}：{r.listedOn}　{t('assessment.deadline')}：{r.deadline}　
                  {t('assessment.responsible')}：{r.responsible}
                </Typography.Paragraph>
                <Typography.Paragraph>{`${t('assessment.reason')}：${r.reason}`}</Typography.Paragraph>
                <Typography.Paragraph>{`${t('assessment.plan')}：${r.plan}`}</Typography.Paragraph>
                <Flex vertical gap={4}>
                  {r.tasks.map((task, i) => (
                    <Checkbox
                      key={task.text}
                      checked={task.done}
                      disabled={!canWrite || r.status !== 'listed' || busy}
                      onChange={(e) => toggle(r, i, e.target.checked)}
                    >
                      {task.text}
                    </Checkbox>
                  ))}
                </Flex>
                {r.reviewNote && (
                  <Typography.Paragraph
                    style={{ marginTop: 8 }}
                  >{`${t('assessment.reviewNote')}：${r.reviewNote}（${r.delistedOn}）`}</Typography.Paragraph>
                )}
              </Card>
            ))}
            <CursorPager pages={pages} total={q.data?.total ?? 0} nextCursor={q.data?.nextCursor} />
          </Flex>
        )}
      </QueryState>
      <Modal
        open={Boolean(delisting)}
        title={`${delisting?.orgName ?? ''} · ${t('assessment.delist')}`}
        onCancel={() => setDelisting(null)}
        onOk={delist}
        okButtonProps={{ disabled: !note.trim() }}
        confirmLoading={busy}
      >
        <DatePicker value={on} onChange={(d) => d && setOn(d)} style={{ marginBottom: 8 }} />
        <Input.TextArea
          rows={3}
          placeholder={t('assessment.reviewNote')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Modal>
    </>
  );
}
