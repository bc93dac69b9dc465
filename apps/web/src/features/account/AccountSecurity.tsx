import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Image, Input, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api, unwrap } from '../../api/client';
import { errorText } from '../../components/errorText';
import { sessionKeys } from '../../api/queryKeys';

type Me = Schemas['Me'];

/** Change one's own password: required at first login, after a reset and when the password has expired. */
export function PasswordForm({ onDone }: { onDone?: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { currentPassword: string; newPassword: string }) => {
    setBusy(true);
    setError(null);
    try {
      const me = await unwrap(
        api.POST('/api/v1/auth/password', { body: { currentPassword: v.currentPassword, newPassword: v.newPassword } }),
      );
      message.success(t('account.changed'));
      form.resetFields();
      queryClient.setQueryData(sessionKeys.me, me);
      onDone?.();
    } catch (e) {
      setError(
        errorText(e, {
          labels: { currentPassword: t('account.currentPassword'), newPassword: t('account.newPassword') },
        }),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} style={{ maxWidth: 420 }} requiredMark={false}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="password-error" />}
      <Form.Item
        name="currentPassword"
        label={t('account.currentPassword')}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('account.newPassword')}
        extra={t('account.policy')}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('account.confirmPassword')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('common.required') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || getFieldValue('newPassword') === value
                ? Promise.resolve()
                : Promise.reject(new Error(t('account.mismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('account.changePassword')}
      </Button>
    </Form>
  );
}

/** Enrol a TOTP authenticator: QR code, first code, then the ten recovery codes shown once. */
export function TotpEnrolment({ me }: { me: Me }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [setup, setSetup] = useState<Schemas['TotpSetup'] | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const start = async (v: { password: string }) => {
    setBusy(true);
    setError(null);
    try {
      setSetup(await unwrap(api.POST('/api/v1/auth/totp/setup', { body: { password: v.password } })));
    } catch (e) {
      setError(errorText(e, { labels: { password: t('account.enrolPassword') } }));
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (v: { code: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await unwrap(api.POST('/api/v1/auth/totp/enable', { body: { code: v.code } }));
      setCodes(r.recoveryCodes);
    } catch (e) {
      setError(errorText(e, { labels: { code: t('account.code') } }));
    } finally {
      setBusy(false);
    }
  };
  if (codes) {
    return (
      <Flex vertical gap={12} style={{ maxWidth: 460 }}>
        <Typography.Title level={5}>{t('account.recoveryTitle')}</Typography.Title>
        <Alert type="warning" showIcon title={t('account.recoveryHint')} />
        <pre className="lj-recovery" data-testid="recovery-codes">
          {codes.join('\n')}
        </pre>
        <Button
          type="primary"
          onClick={() => {
            setCodes(null);
            void queryClient.invalidateQueries({ queryKey: sessionKeys.me });
          }}
          data-testid="recovery-done"
        >
          {t('account.recoveryDone')}
        </Button>
      </Flex>
    );
  }
  if (me.totpEnabled) return <Tag color="green">{t('account.totpOn')}</Tag>;
  return (
    <Flex vertical gap={12} style={{ maxWidth: 460 }}>
      {error && <Alert type="error" showIcon title={error} />}
      {!setup ? (
        // The password again: a session alone (a borrowed browser, a stolen cookie) must not bind another phone.
        <Form layout="vertical" onFinish={start} requiredMark={false}>
          <Form.Item
            name="password"
            label={t('account.enrolPassword')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input.Password autoComplete="current-password" style={{ maxWidth: 320 }} data-testid="totp-password" />
          </Form.Item>
          <Button icon={<SafetyCertificateOutlined />} htmlType="submit" loading={busy} data-testid="totp-start">
            {t('account.startEnrol')}
          </Button>
        </Form>
      ) : (
        <>
          <Typography.Paragraph>{t('account.scan')}</Typography.Paragraph>
          <Image src={setup.qr} alt="otpauth QR" width={220} preview={false} />
          <Typography.Text type="secondary">
            {t('account.secret')}:{' '}
            <Typography.Text code copyable data-testid="totp-secret">
              {setup.secret}
            </Typography.Text>
          </Typography.Text>
          <Form layout="inline" onFinish={confirm}>
            <Form.Item
              name="code"
              label={t('account.code')}
              rules={[{ required: true, pattern: /^\d{6}$/, message: t('login.codeHint') }]}
            >
              <Input
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                style={{ width: 120 }}
                data-testid="totp-code"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('account.confirm')}
            </Button>
          </Form>
        </>
      )}
    </Flex>
  );
}

/** What an account owes before it may work: a new password, or its second factor. */
export function PendingStep({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="lj-login">
      <Card
        style={{ width: 520 }}
        title={t('account.title')}
        extra={<Button onClick={onLogout}>{t('account.logout')}</Button>}
      >
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={me.pending === 'password_change' ? t('account.mustChange') : t('account.mustEnrol')}
          data-testid="pending-step"
        />
        {me.pending === 'password_change' ? <PasswordForm /> : <TotpEnrolment me={me} />}
      </Card>
    </div>
  );
}

/** The account page: password and second factor. */
export function AccountSecurity({ me }: { me: Me }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={16}>
      <Card title={t('account.changePassword')}>
        <PasswordForm />
      </Card>
      <Card title={t('account.totp')}>
        <TotpEnrolment me={me} />
      </Card>
    </Flex>
  );
}
