import { REPORT_CATEGORIES } from '@lianjian/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Image,
  Input,
  Rate,
  Result,
  Select,
  Space,
  Steps,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import type { UploadFile } from 'antd';
import qrcode from 'qrcode-generator';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { ApiError, type Schemas, api, unwrap } from '../api/client';
import { allPublicRegions } from '../components/regions';
import { errorText } from '../components/errorText';
import { MAX_PHOTO_BYTES, fileToBase64 } from '../components/photos';
import { useDocumentTitle } from '../components/pageTitle';
import { formatDateTime, formatDay } from '../components/format';
import { publicKeys } from '../api/queryKeys';

const STAGES = ['received', 'listed', 'in_progress', 'awaiting_confirmation', 'closed'] as const;

function Shell({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  useDocumentTitle([t('resident.title')], t('app.name'));
  return (
    <div className="lj-resident">
      <header className="lj-resident-header">
        <span className="lj-brand-mark">联</span>
        <span>{t('resident.title')}</span>
      </header>
      <main className="lj-resident-main">{children}</main>
    </div>
  );
}

function QrCode({ text }: { text: string }) {
  const svg = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(text);
    qr.make();
    return qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true });
  }, [text]);
  // The SVG is generated locally from the code; it contains no user-supplied markup.
  // biome-ignore lint/security/noDangerouslySetInnerHtml: generated SVG, no user markup
  return <div className="lj-qr" role="img" aria-label="QR" dangerouslySetInnerHTML={{ __html: svg }} />;
}

function SubmitPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [receipt, setReceipt] = useState<Schemas['ReportReceipt'] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const township: string | undefined = Form.useWatch('township', form);
  // One key per filled-in form: a double tap or a retry after a lost reply makes one report.
  const [idempotencyKey, setKey] = useState(() => crypto.randomUUID());
  const townships = useQuery({
    queryKey: publicKeys.regions(),
    queryFn: () => allPublicRegions(),
  });
  const villages = useQuery({
    queryKey: publicKeys.regions(township),
    queryFn: () => allPublicRegions(township),
    enabled: Boolean(township),
  });
  const submit = async (v: {
    township: string;
    village?: string;
    category: string;
    description: string;
    phone?: string;
  }) => {
    setBusy(true);
    setError(null);
    try {
      const photos = await Promise.all(
        files.map(async (f) => ({ dataBase64: await fileToBase64(f.originFileObj as Blob) })),
      );
      const r = await unwrap(
        api.POST('/api/v1/public/reports', {
          headers: { 'Idempotency-Key': idempotencyKey },
          body: {
            regionCode: v.village ?? v.township,
            category: v.category as Schemas['PublicCreateReportInput']['category'],
            description: v.description,
            ...(v.phone ? { phone: v.phone } : {}),
            photos,
          },
        }),
      );
      setReceipt(r);
    } catch (e) {
      setError(
        errorText(e, {
          labels: {
            regionCode: t('resident.village'),
            category: t('resident.category'),
            description: t('resident.description'),
            phone: t('resident.phone'),
            photos: t('resident.photos'),
          },
        }),
      );
    } finally {
      setBusy(false);
    }
  };
  if (receipt) {
    const url = `${window.location.origin}/r/${receipt.trackingCode}`;
    return (
      <Card>
        <Result
          status="success"
          title={t('resident.receiptTitle')}
          subTitle={receipt.orgName ? `${t('resident.handledBy')}：${receipt.orgName}` : undefined}
        />
        <Typography.Paragraph strong>{t('resident.receiptCode')}</Typography.Paragraph>
        <Typography.Paragraph copyable className="lj-code" data-testid="tracking-code">
          {receipt.trackingCode}
        </Typography.Paragraph>
        <QrCode text={url} />
        <Alert type="info" showIcon title={t('resident.receiptKeep')} style={{ margin: '16px 0' }} />
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Link to={`/r/${receipt.trackingCode}`}>
            <Button type="primary" block size="large">
              {t('resident.follow')}
            </Button>
          </Link>
          <Button
            block
            onClick={() => {
              setReceipt(null);
              setKey(crypto.randomUUID());
              setFiles([]);
              form.resetFields();
            }}
          >
            {t('resident.newReport')}
          </Button>
        </Space>
      </Card>
    );
  }
  return (
    <Card>
      <Typography.Paragraph type="secondary">{t('resident.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional" size="large">
        <Form.Item
          name="township"
          label={t('resident.township')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={townships.isLoading}
            options={townships.data?.items.map((r) => ({ value: r.code, label: r.name }))}
            onChange={() => form.setFieldValue('village', undefined)}
            data-testid="resident-township"
          />
        </Form.Item>
        <Form.Item
          name="village"
          label={t('resident.village')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            disabled={!township}
            loading={villages.isLoading}
            options={villages.data?.items.map((r) => ({ value: r.code, label: r.name }))}
            data-testid="resident-village"
          />
        </Form.Item>
        <Form.Item
          name="category"
          label={t('resident.category')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={REPORT_CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
            data-testid="resident-category"
          />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('resident.description')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('resident.descriptionPlaceholder')} />
        </Form.Item>
        <Form.Item label={t('resident.photos')} extra={t('resident.photosHint')}>
          <Upload
            listType="picture-card"
            accept="image/jpeg,image/png,image/webp"
            maxCount={3}
            fileList={files}
            beforeUpload={(file) => {
              if (file.size > MAX_PHOTO_BYTES) {
                setError(t('resident.photoTooLarge'));
                return Upload.LIST_IGNORE;
              }
              return false;
            }}
            onChange={({ fileList }) => setFiles(fileList.slice(0, 3))}
          >
            {files.length < 3 ? '+' : null}
          </Upload>
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('resident.phone')}
          extra={t('resident.phoneHint')}
          rules={[{ pattern: /^1[3-9]\d{9}$/, message: '手机号码格式不正确' }]}
        >
          <Input inputMode="tel" maxLength={11} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('resident.submit')}
        </Button>
      </Form>
      <div style={{ textAlign: 'center', marginTop: 16 }}>
        <Link to="/r/follow">{t('resident.follow')}</Link>
      </div>
    </Card>
  );
}

function FollowPage() {
  const { code = '' } = useParams();
  const { t } = useTranslation();
  // The fields a resident fills in on this page, for a note the server makes on one of them.
  const followLabels = {
    phoneCode: t('resident.phoneCode'),
    reason: t('resident.notSolvedReason'),
    comment: t('resident.comment'),
  };
  const navigate = useNavigate();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [phoneCode, setPhoneCode] = useState('');
  const [codeSentTo, setCodeSentTo] = useState<string | null>(null);
  const lookup = code !== 'follow';
  const q = useQuery({
    queryKey: publicKeys.report(code),
    queryFn: () =>
      unwrap(api.GET('/api/v1/public/reports/{trackingCode}', { params: { path: { trackingCode: code } } })),
    enabled: lookup,
  });
  const feedback = async (solved: boolean) => {
    setBusy(true);
    try {
      const r = await unwrap(
        api.POST('/api/v1/public/reports/{trackingCode}/feedback', {
          params: { path: { trackingCode: code } },
          body: solved ? { solved, ...(phoneCode ? { phoneCode } : {}) } : { solved, reason },
        }),
      );
      queryClient.setQueryData(publicKeys.report(code), r);
      message.success(solved ? t('resident.thanks') : t('resident.reopened'));
      setReason('');
    } catch (e) {
      message.error(errorText(e, { labels: followLabels }));
    } finally {
      setBusy(false);
    }
  };
  const rate = async () => {
    setBusy(true);
    try {
      const r = await unwrap(
        api.POST('/api/v1/public/reports/{trackingCode}/rating', {
          params: { path: { trackingCode: code } },
          body: { stars, ...(comment.trim() ? { comment } : {}), ...(phoneCode ? { phoneCode } : {}) },
        }),
      );
      queryClient.setQueryData(publicKeys.report(code), r);
      message.success(t('resident.rated'));
      setComment('');
    } catch (e) {
      message.error(errorText(e, { labels: followLabels }));
    } finally {
      setBusy(false);
    }
  };
  /** A report staff entered for the resident: "solved" and a rating need the code sent to the phone on file. */
  const sendCode = async () => {
    setBusy(true);
    try {
      const sent = await unwrap(
        api.POST('/api/v1/public/reports/{trackingCode}/phone-code', { params: { path: { trackingCode: code } } }),
      );
      setCodeSentTo(sent.sentTo);
      message.success(t('resident.codeSent', { phone: sent.sentTo }));
    } catch (e) {
      message.error(errorText(e, { labels: followLabels }));
    } finally {
      setBusy(false);
    }
  };
  const search = (
    <Input.Search
      size="large"
      enterButton={t('resident.followSubmit')}
      placeholder={t('resident.followCode')}
      autoCapitalize="characters"
      autoComplete="off"
      spellCheck={false}
      onSearch={(v) => v.trim() && navigate(`/r/${v.trim()}`)}
    />
  );
  if (!lookup) return <Card title={t('resident.followTitle')}>{search}</Card>;
  if (q.isLoading) return <Card loading />;
  if (q.error) {
    return (
      <Card>
        <Alert
          type="warning"
          showIcon
          title={
            q.error instanceof ApiError && q.error.problem.status === 404 ? t('resident.notFound') : errorText(q.error)
          }
          style={{ marginBottom: 16 }}
        />
        {search}
      </Card>
    );
  }
  const r = q.data;
  if (!r) return null;
  const current = Math.max(0, STAGES.indexOf(r.stage as (typeof STAGES)[number]));
  return (
    <Card title={t('resident.followTitle')}>
      <Typography.Title level={4} data-testid="resident-stage">
        {t(`stage.${r.stage}`)}
      </Typography.Title>
      {r.dismissal ? (
        <Alert
          type="info"
          showIcon
          data-testid="resident-dismissal"
          title={t('resident.dismissedBecause', { kind: t(`dismissal.${r.dismissal.kind}`) })}
          description={`${formatDay(r.dismissal.at)}　${r.dismissal.reason}`}
          style={{ marginBottom: 16 }}
        />
      ) : (
        <Steps
          orientation="vertical"
          size="small"
          current={current}
          items={STAGES.map((s) => ({ title: t(`stage.${s}`) }))}
          style={{ marginBottom: 16 }}
        />
      )}
      <Typography.Paragraph>
        <Typography.Text type="secondary">
          {t(`category.${r.category}`)} · {r.regionName}
        </Typography.Text>
        <br />
        {r.description}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary">
        {t('resident.reportedAt')}：{formatDateTime(r.reportedAt)}
        {r.orgName && (
          <>
            <br />
            {t('resident.handledBy')}：{r.orgName}
          </>
        )}
        {r.item && (
          <>
            <br />
            {t('resident.listItem', { list: r.item.listTitle, no: r.item.no })}
            {r.item.dueOn && `，${t('resident.dueOn')} ${r.item.dueOn}`}
          </>
        )}
      </Typography.Paragraph>
      {r.photoIds.length > 0 && (
        <Image.PreviewGroup>
          <Space wrap style={{ marginBottom: 12 }}>
            {r.photoIds.map((id) => (
              <Image
                key={id}
                width={88}
                height={88}
                style={{ objectFit: 'cover' }}
                src={`/api/v1/public/reports/${code}/photos/${id}`}
                alt=""
              />
            ))}
          </Space>
        </Image.PreviewGroup>
      )}
      {r.events.length > 0 && (
        <Timeline
          items={r.events.map((e) => ({
            content: `${formatDay(e.at)}　${e.text}`,
          }))}
        />
      )}
      {r.item?.residentConfirmedAt && (
        <Alert
          type="success"
          showIcon
          title={t('resident.confirmedAt', { date: formatDay(r.item.residentConfirmedAt) })}
        />
      )}
      {r.phoneProof && (r.canRate || (r.canGiveFeedback && !r.item?.residentConfirmedAt)) && (
        <Space orientation="vertical" style={{ width: '100%', marginTop: 16 }} data-testid="resident-phone-proof">
          {r.phoneProof.phone ? (
            <>
              <Typography.Text type="secondary">
                {t('resident.phoneProof', { phone: r.phoneProof.phone })}
              </Typography.Text>
              <Space.Compact style={{ width: '100%' }}>
                <Input
                  size="large"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  value={phoneCode}
                  onChange={(e) => setPhoneCode(e.target.value.replace(/\D/g, ''))}
                  placeholder={t('resident.phoneCode')}
                />
                <Button size="large" loading={busy} onClick={sendCode}>
                  {codeSentTo ? t('resident.resendCode') : t('resident.sendCode')}
                </Button>
              </Space.Compact>
            </>
          ) : (
            <Alert type="info" showIcon title={t('resident.callBack')} />
          )}
        </Space>
      )}
      {r.canGiveFeedback && (
        <Space orientation="vertical" style={{ width: '100%', marginTop: 16 }}>
          {!r.item?.residentConfirmedAt && (
            <Button
              type="primary"
              size="large"
              block
              loading={busy}
              disabled={r.phoneProof !== null && phoneCode.length !== 6}
              onClick={() => feedback(true)}
              data-testid="resident-solved"
            >
              {t('resident.solved')}
            </Button>
          )}
          {r.item?.reopenUntil && (
            <Typography.Text type="secondary">
              {t('resident.reopenUntil', { date: r.item.reopenUntil })}
            </Typography.Text>
          )}
          <Input.TextArea
            rows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t('resident.notSolvedReason')}
          />
          <Button size="large" block danger disabled={!reason.trim()} loading={busy} onClick={() => feedback(false)}>
            {t('resident.notSolved')}
          </Button>
        </Space>
      )}
      {r.canRate && (
        <Space orientation="vertical" style={{ width: '100%', marginTop: 16 }} data-testid="resident-rating">
          <Typography.Text strong>
            {r.item?.rating ? t('resident.ratedAs', { stars: r.item.rating.stars }) : t('resident.rateTitle')}
          </Typography.Text>
          <Rate value={stars || r.item?.rating?.stars || 0} onChange={setStars} />
          <Input.TextArea
            rows={2}
            maxLength={500}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            placeholder={t('resident.comment')}
          />
          <Button
            size="large"
            block
            disabled={!stars || (r.phoneProof !== null && phoneCode.length !== 6)}
            loading={busy}
            onClick={rate}
          >
            {t('resident.rate')}
          </Button>
        </Space>
      )}
    </Card>
  );
}

/** The resident page: phone-sized, no account. */
export function ResidentApp() {
  return (
    <Shell>
      <Routes>
        <Route path="/r" element={<SubmitPage />} />
        <Route path="/r/:code" element={<FollowPage />} />
      </Routes>
    </Shell>
  );
}
