import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../api/client';
import { errorText } from '../components/errorText';
import { useDocumentTitle } from '../components/pageTitle';
import { sessionKeys } from '../api/queryKeys';

export function LoginPage() {
  const { t } = useTranslation();
  useDocumentTitle([t('login.submit')], t('app.name'));
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Once the password is accepted for an account with a second factor, the form asks for the code as well.
  const [needCode, setNeedCode] = useState(false);
  const onFinish = async (values: { username: string; password: string; code?: string }) => {
    setBusy(true);
    setError(null);
    try {
      const me = await unwrap(
        api.POST('/api/v1/auth/login', {
          body: { username: values.username, password: values.password, ...(values.code ? { code: values.code } : {}) },
        }),
      );
      queryClient.setQueryData(sessionKeys.me, me);
    } catch (e) {
      if (e instanceof ApiError && e.problem.code === 'totp_required') {
        setNeedCode(true);
        return;
      }
      setError(
        errorText(e, {
          labels: { username: t('login.username'), password: t('login.password'), code: t('login.code') },
        }),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="lj-login">
      {/* A plain box rather than antd's Card and Typography, which bring tabs, menus and tooltips to the first screen. */}
      <main className="lj-login-box">
        <div style={{ textAlign: 'center', marginBottom: 24 }}>
          <div
            className="lj-brand-mark"
            style={{ width: 56, height: 56, fontSize: 30, background: '#c8161d', color: '#ffd700' }}
          >
            联
          </div>
          <h1 className="lj-page-title" style={{ marginTop: 12, marginBottom: 4 }}>
            {t('login.title')}
          </h1>
          <p className="lj-login-hint">{t('login.hint')}</p>
        </div>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form layout="vertical" onFinish={onFinish} requiredMark={false}>
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, message: t('login.required', { field: t('login.username') }) }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.required', { field: t('login.password') }) }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          {needCode && (
            <Form.Item
              name="code"
              label={t('login.code')}
              extra={t('login.codeHint')}
              rules={[{ required: true, message: t('login.required', { field: t('login.code') }) }]}
            >
              <Input
                prefix={<SafetyOutlined />}
                autoComplete="one-time-code"
                inputMode="numeric"
                autoFocus
                data-testid="login-code"
              />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </main>
    </div>
  );
}
