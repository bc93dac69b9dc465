import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { COVERAGE_CONDITIONS, HELPER_ROLES, SETTING_RANGES } from '@lianjian/shared';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, InputNumber, Select, Switch, Table } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { QueryState } from '../../components/QueryState';
import { useServerAction } from '../../components/useServerAction';
import { validValues } from '../../components/validValues';
import { settingsKeys } from '../../api/queryKeys';

type Rule = Schemas['CoverageRule'];
type Target = Schemas['DeadlineTarget'];
const KEYS = [
  'poverty_line',
  'monitoring_line',
  'exit_notice_days',
  'monitoring_notice_days',
  'rigid_spending_ratio',
  'reopen_window_days',
] as const;

/** The county's yearly thresholds and its coverage rules (county administrators only). */
export function SettingsPanel() {
  const { t } = useTranslation();
  const [year, setYear] = useState(dayjs().year());
  const [form] = Form.useForm();
  const { busy, run } = useServerAction();
  const settings = useQuery({
    queryKey: settingsKeys.year(year),
    queryFn: () => unwrap(api.GET('/api/v1/settings', { params: { query: { year } } })),
  });
  const rules = useQuery({
    queryKey: settingsKeys.coverageRules(),
    queryFn: () => unwrap(api.GET('/api/v1/coverage-rules')),
  });
  const [draft, setDraft] = useState<Rule[]>([]);
  const [targets, setTargets] = useState<Target[]>([]);
  useEffect(() => {
    if (settings.data) setTargets(settings.data.targets);
  }, [settings.data]);
  const updateTarget = (i: number, patch: Partial<Target>) =>
    setTargets(targets.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const calendar = settings.data?.calendar;
  useEffect(() => {
    if (rules.data) setDraft(rules.data.rules);
  }, [rules.data]);
  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data.values);
  }, [settings.data, form]);

  const saveSettings = async () => {
    const v = await validValues(form);
    if (!v) return;
    await run(
      () => unwrap(api.PUT('/api/v1/settings', { params: { query: { year } }, body: v })),
      t('households.settings.saved'),
    );
  };
  const saveTargets = () =>
    run(
      () => unwrap(api.PUT('/api/v1/settings', { params: { query: { year } }, body: { targets } })),
      t('households.settings.saved'),
    );
  const saveRules = () =>
    run(() => unwrap(api.PUT('/api/v1/coverage-rules', { body: { rules: draft } })), t('households.settings.saved'));
  const used = new Set(draft.map((r) => r.condition));
  const update = (i: number, patch: Partial<Rule>) => setDraft(draft.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  return (
    <Flex vertical gap={16}>
      <Card
        size="small"
        title={t('households.settings.thresholds')}
        extra={
          <Flex gap={8} align="center">
            {t('households.settings.year')}
            <InputNumber min={2015} max={2100} value={year} onChange={(v) => v && setYear(v)} style={{ width: 90 }} />
          </Flex>
        }
      >
        <QueryState loading={settings.isLoading} error={settings.error} retry={() => settings.refetch()}>
          <Form form={form} layout="vertical" style={{ maxWidth: 480 }}>
            {KEYS.map((k) => (
              <Form.Item
                key={k}
                name={k}
                label={t(`households.settings.${k}`)}
                // A value out of range is refused with the range, never changed to the nearest bound and saved.
                rules={[
                  { required: true, message: t('common.required') },
                  {
                    type: 'number',
                    min: SETTING_RANGES[k].min,
                    max: SETTING_RANGES[k].max,
                    message: t('households.settings.outOfRange', SETTING_RANGES[k]),
                  },
                ]}
                extra={t('households.settings.range', SETTING_RANGES[k])}
              >
                <InputNumber style={{ width: 200 }} step={k === 'rigid_spending_ratio' ? 0.1 : 1} />
              </Form.Item>
            ))}
            <Button type="primary" onClick={saveSettings} loading={busy}>
              {t('common.save')}
            </Button>
          </Form>
        </QueryState>
      </Card>
      <Card size="small" title={t('households.settings.targets')}>
        <QueryState loading={settings.isLoading} error={settings.error} retry={() => settings.refetch()}>
          {calendar && (
            <Alert
              style={{ marginBottom: 12 }}
              type={calendar.knowsYear ? 'info' : 'warning'}
              title={t(calendar.knowsYear ? 'households.settings.calendar' : 'households.settings.calendarUnknown', {
                ...calendar,
                year,
              })}
            />
          )}
          <Table<Target>
            rowKey="category"
            size="small"
            pagination={false}
            dataSource={targets}
            columns={[
              {
                title: t('households.settings.category'),
                dataIndex: 'category',
                render: (v: Target['category']) => t(`category.${v}`),
              },
              ...(['response', 'resolution'] as const).map((k) => ({
                title: t(`households.settings.${k}Days`),
                dataIndex: k,
                render: (v: number, _: Target, i: number) => (
                  <InputNumber
                    aria-label={t(`households.settings.${k}Days`)}
                    min={SETTING_RANGES[`${k}_days`].min}
                    max={SETTING_RANGES[`${k}_days`].max}
                    precision={0}
                    value={v}
                    onChange={(n) => n && updateTarget(i, { [k]: n })}
                  />
                ),
              })),
            ]}
          />
          <Button type="primary" style={{ marginTop: 12 }} onClick={saveTargets} loading={busy}>
            {t('common.save')}
          </Button>
        </QueryState>
      </Card>
      <Card
        size="small"
        title={t('households.settings.rules')}
        extra={
          <Button
            icon={<PlusOutlined />}
            disabled={used.size === COVERAGE_CONDITIONS.length}
            onClick={() =>
              setDraft([
                ...draft,
                {
                  condition: COVERAGE_CONDITIONS.find((c) => !used.has(c)) ?? 'cause_illness',
                  roles: ['party_member'],
                  active: true,
                },
              ])
            }
          >
            {t('households.settings.addRule')}
          </Button>
        }
      >
        <QueryState loading={rules.isLoading} error={rules.error} retry={() => rules.refetch()}>
          <Table<Rule>
            rowKey="condition"
            size="small"
            pagination={false}
            dataSource={draft}
            columns={[
              {
                title: t('households.settings.condition'),
                dataIndex: 'condition',
                render: (v: Rule['condition'], _, i) => (
                  <Select
                    style={{ width: 320 }}
                    value={v}
                    onChange={(c) => update(i, { condition: c })}
                    options={COVERAGE_CONDITIONS.map((c) => ({
                      value: c,
                      label: t(`households.gaps.conditions.${c}`),
                      disabled: c !== v && used.has(c),
                    }))}
                  />
                ),
              },
              {
                title: t('households.settings.roles'),
                dataIndex: 'roles',
                render: (v: Rule['roles'], _, i) => (
                  <Select
                    mode="multiple"
                    style={{ minWidth: 220 }}
                    value={v}
                    onChange={(roles) => update(i, { roles })}
                    options={HELPER_ROLES.map((r) => ({ value: r, label: t(`households.roles.${r}`) }))}
                  />
                ),
              },
              {
                title: t('households.settings.active'),
                dataIndex: 'active',
                render: (v: boolean, _, i) => <Switch checked={v} onChange={(active) => update(i, { active })} />,
              },
              {
                title: '',
                key: 'del',
                render: (_, __, i) => (
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t('common.cancel')}
                    onClick={() => setDraft(draft.filter((_, j) => j !== i))}
                  />
                ),
              },
            ]}
          />
          <Button
            type="primary"
            style={{ marginTop: 12 }}
            onClick={saveRules}
            loading={busy}
            disabled={draft.some((r) => r.roles.length === 0)}
          >
            {t('common.save')}
          </Button>
        </QueryState>
      </Card>
    </Flex>
  );
}
