import { DatePicker, Form, Input } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { today } from '../api/client';

/**
 * The day a procedural step happened (DOMAIN §9a): today by default, never after it; a day before today is recording
 * paper late, and asks why (the server refuses it without a reason and audits the reason).
 */
export function StepDateFields({ name = 'on', label }: { name?: string; label: string }) {
  const { t } = useTranslation();
  return (
    <>
      {/* A day after today is refused with a message, not dropped: a picker that silently puts today back records the
          wrong day without the user knowing. */}
      <Form.Item
        name={name}
        label={label}
        rules={[
          { required: true, message: t('common.required') },
          notAfterTodayRule(t('common.notAfterToday', { today: today() })),
        ]}
        extra={t('common.stepDateHint')}
      >
        <DatePicker data-testid="step-date" />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a, b) => a[name] !== b[name]}>
        {({ getFieldValue }) =>
          isLate(getFieldValue(name)) ? (
            <Form.Item
              name="backdateReason"
              label={t('common.backdateReason')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea rows={2} maxLength={500} data-testid="backdate-reason" />
            </Form.Item>
          ) : null
        }
      </Form.Item>
    </>
  );
}

/** A form rule: a day after today is refused with a message (a picker that silently puts today back records the wrong day). */
export const notAfterTodayRule = (message: string) => ({
  validator: (_: unknown, d: Dayjs | undefined) =>
    d?.isAfter(dayjs(today()), 'day') ? Promise.reject(new Error(message)) : Promise.resolve(),
});

/** The rules of a required day that records a fact (a meeting held, a visit made): filled in, and not after today. */
export const factDayRules = (t: TFunction) => [
  { required: true, message: t('common.required') },
  notAfterTodayRule(t('common.notAfterToday', { today: today() })),
];

const isLate = (d: Dayjs | undefined) => Boolean(d?.isBefore(dayjs(today()), 'day'));

/** What the step's date fields send: the day, and the reason when it is before today. */
export function stepDateBody(v: { backdateReason?: string }, day: Dayjs): { day: string; backdateReason?: string } {
  return {
    day: day.format('YYYY-MM-DD'),
    ...(isLate(day) && v.backdateReason ? { backdateReason: v.backdateReason } : {}),
  };
}
