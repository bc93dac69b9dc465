import { useQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Empty, Flex, Input, List, Modal, Segmented, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api, unwrap } from '../api/client';
import { CursorPager, useCursorPages } from '../components/CursorPager';
import { useMe } from '../components/me';
import { QueryState } from '../components/QueryState';
import { useServerAction } from '../components/useServerAction';
import { assessmentKeys, recordKeys } from '../api/queryKeys';

type Feedback = Schemas['FeedbackToHome'];

function FeedbackList({ box }: { box: 'received' | 'sent' }) {
  const { t } = useTranslation();
  const [openOnly, setOpenOnly] = useState(box === 'received');
  const [acking, setAcking] = useState<Feedback | null>(null);
  const [note, setNote] = useState('');
  const { busy, run } = useServerAction({ note: t('feedback.note') });
  const pages = useCursorPages(`${box}:${openOnly}`);
  const q = useQuery({
    queryKey: recordKeys.feedback(box, openOnly, pages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/feedback-to-home', {
          params: {
            query: {
              box,
              limit: 20,
              ...(openOnly ? { open: 'true' as const } : {}),
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
            },
          },
        }),
      ),
  });
  const acknowledge = async () => {
    if (!acking) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/feedback-to-home/{id}/acknowledge', {
            params: { path: { id: acking.id } },
            body: { version: acking.version, ...(note.trim() ? { note } : {}) },
          }),
        ),
      t('item.done'),
    );
    if (ok) {
      setAcking(null);
      setNote('');
    }
  };
  return (
    <>
      <Checkbox checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} style={{ marginBottom: 12 }}>
        {t('feedback.openOnly')}
      </Checkbox>
      <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
        <List
          dataSource={q.data?.items ?? []}
          locale={{ emptyText: <Empty description={t('feedback.empty')} /> }}
          renderItem={(f) => (
            <List.Item
              actions={
                f.abilities.acknowledge
                  ? [
                      <Button key="ack" type="primary" size="small" onClick={() => setAcking(f)}>
                        {t('feedback.acknowledge')}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Flex gap={8} wrap align="center">
                    <Link to={`/members/${f.memberId}/record`}>{f.memberName}</Link>
                    <Tag color={f.kind === 'shortcoming' ? 'orange' : 'green'}>{t(`record.kinds.${f.kind}`)}</Tag>
                    <Typography.Text type="secondary">
                      {f.orgName} → {f.homePartyOrgName} · {f.period} · {f.sentOn}
                    </Typography.Text>
                    {f.acknowledgedOn ? (
                      <Tag color="green">{t('record.acknowledged', { date: f.acknowledgedOn })}</Tag>
                    ) : (
                      <Tag color="red">{t('record.open')}</Tag>
                    )}
                  </Flex>
                }
                description={f.ackNote ? `${f.text}　——${f.ackNote}` : f.text}
              />
            </List.Item>
          )}
        />
        <CursorPager pages={pages} total={q.data?.total ?? 0} nextCursor={q.data?.nextCursor} />
      </QueryState>
      <Modal
        open={Boolean(acking)}
        title={t('feedback.acknowledge')}
        onCancel={() => setAcking(null)}
        onOk={acknowledge}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Typography.Paragraph>{acking?.text}</Typography.Paragraph>
        <Input.TextArea
          rows={2}
          maxLength={1000}
          placeholder={t('feedback.note')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Modal>
    </>
  );
}

type Rec = Schemas['Recommendation'];

/** Recommendations from temporary organizations about members' duties: open until the home organization answers. */
function RecommendationList() {
  const { t } = useTranslation();
  const me = useMe();
  const [answering, setAnswering] = useState<Rec | null>(null);
  const [accepted, setAccepted] = useState(true);
  const [text, setText] = useState('');
  const { busy, run } = useServerAction({ text: t('recommendation.answerText') });
  const [box, setBox] = useState<'received' | 'sent'>('received');
  const pages = useCursorPages(box);
  const q = useQuery({
    queryKey: assessmentKeys.recommendations(box, pages.cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/recommendations', {
          params: { query: { box, limit: 20, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
  });
  const items = q.data?.items ?? [];
  const answer = async () => {
    if (!answering) return;
    const ok = await run(
      () =>
        unwrap(
          api.POST('/api/v1/recommendations/{id}/answer', {
            params: { path: { id: answering.id } },
            body: { accepted, text, version: answering.version },
          }),
        ),
      t('item.done'),
    );
    if (ok) {
      setAnswering(null);
      setText('');
    }
  };
  return (
    <QueryState loading={q.isLoading} error={q.error} retry={() => q.refetch()}>
      <Segmented
        style={{ marginBottom: 12 }}
        value={box}
        onChange={(v) => setBox(v as 'received' | 'sent')}
        options={[
          { value: 'received', label: t('recommendation.received') },
          { value: 'sent', label: t('recommendation.sent') },
        ]}
      />
      <List
        dataSource={items}
        locale={{ emptyText: <Empty description={t('feedback.empty')} /> }}
        renderItem={(r) => (
          <List.Item
            actions={
              !r.answeredOn && box === 'received' && me.permissions.includes('feedback:acknowledge')
                ? [
                    <Button key="a" type="primary" size="small" onClick={() => setAnswering(r)}>
                      {t('recommendation.answer')}
                    </Button>,
                  ]
                : []
            }
          >
            <List.Item.Meta
              title={
                <Flex gap={8} wrap align="center">
                  <Link to={`/members/${r.memberId}/record`}>{r.memberName}</Link>
                  <Tag color="orange">{t(`recommendation.kinds.${r.kind}`)}</Tag>
                  <Typography.Text type="secondary">
                    {r.orgName} → {r.homePartyOrgName} · {r.filedOn}
                  </Typography.Text>
                  {r.answer ? (
                    <Tag color={r.answer === 'accepted' ? 'green' : 'default'}>{t(`recommendation.${r.answer}`)}</Tag>
                  ) : (
                    <Tag color="red">{t('recommendation.open')}</Tag>
                  )}
                </Flex>
              }
              description={r.answerText ? `${r.text}　——${r.answerText}` : r.text}
            />
          </List.Item>
        )}
      />
      <CursorPager pages={pages} total={q.data?.total ?? 0} nextCursor={q.data?.nextCursor} />
      <Modal
        open={Boolean(answering)}
        title={t('recommendation.answer')}
        onCancel={() => setAnswering(null)}
        onOk={answer}
        okButtonProps={{ disabled: !text.trim() }}
        confirmLoading={busy}
      >
        <Typography.Paragraph>{answering?.text}</Typography.Paragraph>
        <Checkbox checked={accepted} onChange={(e) => setAccepted(e.target.checked)} style={{ marginBottom: 8 }}>
          {t('recommendation.accepted')}
        </Checkbox>
        <Input.TextArea
          rows={3}
          maxLength={2000}
          placeholder={t('recommendation.answerText')}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </Modal>
    </QueryState>
  );
}

/** The home organizations' inbox of observations from temporary organizations, and what was sent. */
export function FeedbackPage() {
  const { t } = useTranslation();
  return (
    <div className="lj-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('feedback.title')}
      </Typography.Title>
      <Card>
        <Tabs
          destroyOnHidden
          items={[
            { key: 'received', label: t('feedback.received'), children: <FeedbackList box="received" /> },
            { key: 'sent', label: t('feedback.sent'), children: <FeedbackList box="sent" /> },
            { key: 'recommendations', label: t('recommendation.tab'), children: <RecommendationList /> },
          ]}
        />
      </Card>
    </div>
  );
}
