import { useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  List,
  Modal,
  Select,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type Schemas, api, unwrap } from '../../api/client';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { factDayRules } from '../../components/StepDateFields';
import { itemKeys, orgKeys } from '../../api/queryKeys';

type Mode = 'register' | 'session' | 'outcome' | 'followUp' | null;
const OUTCOMES = ['agreement', 'failed', 'referred_judicial', 'referred_court'] as const;

/** Parties, claims, mediation sessions, outcome and follow-up of a dispute item. */
export function DisputeCard({ item }: { item: Schemas['ItemDetail'] }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>(null);
  const [form] = Form.useForm();
  const { busy, run } = useServerAction({
    parties: t('dispute.parties'),
    name: t('dispute.parties'),
    claims: t('dispute.claims'),
    heldOn: t('dispute.heldOn'),
    place: t('dispute.place'),
    mediatorIds: t('dispute.mediators'),
    notes: t('dispute.notes'),
    outcome: t('dispute.outcome'),
    outcomeOn: t('dispute.outcomeOn'),
    note: t('dispute.notes'),
    checkedOn: t('dispute.checkedOn'),
    result: t('dispute.result'),
  });
  const q = useQuery({
    queryKey: itemKeys.dispute(item.id),
    queryFn: async () => {
      try {
        return await unwrap(api.GET('/api/v1/items/{id}/dispute', { params: { path: { id: item.id } } }));
      } catch (e) {
        if (e instanceof ApiError && e.problem.status === 404) return null;
        throw e;
      }
    },
  });
  const roster = useQuery({
    queryKey: orgKeys.memberships(item.orgId, { includeGroups: 'true', limit: 500 }),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/orgs/{id}/memberships', {
          params: { path: { id: item.orgId }, query: { includeGroups: 'true', limit: 500 } },
        }),
      ),
    enabled: mode === 'session',
  });
  const d = q.data;
  const writable = item.abilities.progress;
  const path = { params: { path: { id: item.id } } };
  const submit = async () => {
    const v = await validValues(form);
    if (!v) return;
    const date = (x: { format: (f: string) => string }) => x.format('YYYY-MM-DD');
    const ok = await run(async () => {
      if (mode === 'register') {
        const parties = String(v.parties)
          .split('\n')
          .map((s: string) => s.trim())
          .filter(Boolean)
          .map((name: string) => ({ name }));
        await unwrap(api.POST('/api/v1/items/{id}/dispute', { ...path, body: { parties, claims: v.claims } }));
      } else if (mode === 'session') {
        await unwrap(
          api.POST('/api/v1/items/{id}/dispute/sessions', {
            ...path,
            body: {
              heldOn: date(v.heldOn),
              mediatorIds: v.mediatorIds,
              notes: v.notes,
              ...(v.place ? { place: v.place } : {}),
            },
          }),
        );
      } else if (mode === 'outcome') {
        await unwrap(
          api.POST('/api/v1/items/{id}/dispute/outcome', {
            ...path,
            body: { outcome: v.outcome, note: v.note, outcomeOn: date(v.outcomeOn) },
          }),
        );
      } else if (mode === 'followUp') {
        await unwrap(
          api.POST('/api/v1/items/{id}/dispute/follow-up', {
            ...path,
            body: { checkedOn: date(v.checkedOn), result: v.result },
          }),
        );
      }
    }, t('item.done'));
    if (ok) {
      setMode(null);
      form.resetFields();
    }
  };
  const req = [{ required: true, whitespace: true, message: t('common.required') }];
  const reqDate = [{ required: true, message: t('common.required') }];
  return (
    <Card
      title={t('dispute.title')}
      style={{ marginBottom: 16 }}
      loading={q.isLoading}
      extra={
        // What the server would allow, from its answer (before the dispute is registered, from the item's).
        <Flex gap={8}>
          {!d && writable && <Button onClick={() => setMode('register')}>{t('dispute.register')}</Button>}
          {d?.abilities.addSession && <Button onClick={() => setMode('session')}>{t('dispute.addSession')}</Button>}
          {d?.abilities.setOutcome && <Button onClick={() => setMode('outcome')}>{t('dispute.setOutcome')}</Button>}
          {d?.abilities.followUp && <Button onClick={() => setMode('followUp')}>{t('dispute.addFollowUp')}</Button>}
        </Flex>
      }
    >
      {!d ? (
        <Empty description={t('dispute.none')} />
      ) : (
        <>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('dispute.parties')}>
              {d.parties.map((p) => (p.role ? `${p.name}（${p.role}）` : p.name)).join('；')}
            </Descriptions.Item>
            <Descriptions.Item label={t('dispute.claims')}>{d.claims}</Descriptions.Item>
            <Descriptions.Item label={t('dispute.outcome')}>
              {d.outcome ? `${t(`dispute.outcomes.${d.outcome}`)}（${d.outcomeOn}）：${d.outcomeNote}` : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('dispute.followUp')}>
              {d.followUpOn
                ? `${d.followUpOn}：${d.followUpResult}`
                : d.followUpDueOn
                  ? `${t('dispute.followUpDue')} ${d.followUpDueOn}`
                  : '—'}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('dispute.sessions')}</Typography.Title>
          <List
            size="small"
            dataSource={d.sessions}
            locale={{ emptyText: '—' }}
            renderItem={(s) => (
              <List.Item>
                <List.Item.Meta
                  title={`${s.heldOn}${s.place ? ` · ${s.place}` : ''} · ${t('dispute.mediators')}：${s.mediators.join('、')}`}
                  description={s.notes}
                />
              </List.Item>
            )}
          />
        </>
      )}
      <Modal
        open={mode !== null}
        onCancel={() => setMode(null)}
        onOk={submit}
        confirmLoading={busy}
        title={
          mode
            ? t(
                `dispute.${mode === 'session' ? 'addSession' : mode === 'outcome' ? 'setOutcome' : mode === 'followUp' ? 'addFollowUp' : 'register'}`,
              )
            : ''
        }
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          {mode === 'register' && (
            <>
              <Form.Item name="parties" label={t('dispute.parties')} extra={t('dispute.partiesHint')} rules={req}>
                <Input.TextArea rows={3} />
              </Form.Item>
              <Form.Item name="claims" label={t('dispute.claims')} rules={req}>
                <Input.TextArea rows={3} maxLength={2000} />
              </Form.Item>
            </>
          )}
          {mode === 'session' && (
            <>
              <Form.Item name="heldOn" label={t('dispute.heldOn')} rules={factDayRules(t)}>
                <DatePicker />
              </Form.Item>
              <Form.Item name="place" label={t('dispute.place')}>
                <Input maxLength={100} />
              </Form.Item>
              <Form.Item name="mediatorIds" label={t('dispute.mediators')} rules={reqDate}>
                <Select
                  mode="multiple"
                  showSearch={{ optionFilterProp: 'label' }}
                  loading={roster.isLoading}
                  options={[
                    ...new Map(
                      (roster.data?.items ?? []).map((m) => [m.memberId, `${m.memberName}（${m.unitName}）`]),
                    ).entries(),
                  ].map(([value, label]) => ({ value, label }))}
                />
              </Form.Item>
              <Form.Item name="notes" label={t('dispute.notes')} rules={req}>
                <Input.TextArea rows={3} maxLength={2000} />
              </Form.Item>
            </>
          )}
          {mode === 'outcome' && (
            <>
              <Form.Item name="outcome" label={t('dispute.outcome')} rules={reqDate}>
                <Select options={OUTCOMES.map((o) => ({ value: o, label: t(`dispute.outcomes.${o}`) }))} />
              </Form.Item>
              <Form.Item name="outcomeOn" label={t('dispute.outcomeOn')} rules={factDayRules(t)}>
                <DatePicker />
              </Form.Item>
              <Form.Item name="note" label={t('dispute.notes')} rules={req}>
                <Input.TextArea rows={3} maxLength={2000} />
              </Form.Item>
            </>
          )}
          {mode === 'followUp' && (
            <>
              <Form.Item name="checkedOn" label={t('dispute.checkedOn')} rules={factDayRules(t)}>
                <DatePicker />
              </Form.Item>
              <Form.Item name="result" label={t('dispute.result')} rules={req}>
                <Input.TextArea rows={2} maxLength={1000} />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </Card>
  );
}
