/** @jsxImportSource preact */
import { REPORT_CATEGORIES } from '@lianjian/shared';
import qrcode from 'qrcode-generator';
import { useMemo, useState } from 'preact/hooks';
import { MAX_PHOTO_BYTES, photosOf } from '../components/photos';
import { type Schemas, api, errorMessage, unwrap, useRegions } from './api';
import { follow } from './router';
import { Field, Notice, SelectField, newKey } from './ui';
import { t } from './words';

const PHONE = /^1[3-9]\d{9}$/;
const MAX_PHOTOS = 3;

type Fields = 'township' | 'village' | 'category' | 'description' | 'phone';

function QrCode({ text }: { text: string }) {
  const svg = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(text);
    qr.make();
    return qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true });
  }, [text]);
  // The SVG is generated here from the page's own address and code; it holds no user-supplied markup.
  // biome-ignore lint/security/noDangerouslySetInnerHtml: generated SVG, no user markup
  return <div class="r-qr" role="img" aria-label={t('resident.qr')} dangerouslySetInnerHTML={{ __html: svg }} />;
}

function Receipt({ receipt, again }: { receipt: Schemas['ReportReceipt']; again: () => void }) {
  const [copied, setCopied] = useState(false);
  const url = `${window.location.origin}/r/${receipt.trackingCode}`;
  return (
    <section class="r-card">
      <h1 class="r-done">{t('resident.receiptTitle')}</h1>
      {receipt.orgName && <p class="r-center">{`${t('resident.handledBy')}：${receipt.orgName}`}</p>}
      <p class="r-strong">{t('resident.receiptCode')}</p>
      <p class="r-code" data-testid="tracking-code">
        {receipt.trackingCode}
      </p>
      {navigator.clipboard && (
        <p class="r-center">
          <button
            type="button"
            class="r-btn r-small"
            onClick={() => navigator.clipboard.writeText(receipt.trackingCode).then(() => setCopied(true))}
          >
            {copied ? t('resident.copied') : t('resident.copy')}
          </button>
        </p>
      )}
      <QrCode text={url} />
      <Notice kind="info">{t('resident.receiptKeep')}</Notice>
      <a
        class="r-btn r-primary"
        href={`/r/${receipt.trackingCode}`}
        onClick={(e) => follow(e, `/r/${receipt.trackingCode}`)}
      >
        {t('resident.follow')}
      </a>
      <button type="button" class="r-btn" onClick={again}>
        {t('resident.newReport')}
      </button>
    </section>
  );
}

/** A resident's report: where, what, a description, photos and a phone if she wants a call back. */
export function SubmitPage() {
  const [township, setTownship] = useState('');
  const [village, setVillage] = useState('');
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [phone, setPhone] = useState('');
  const [photos, setPhotos] = useState<{ file: File; url: string }[]>([]);
  const [invalid, setInvalid] = useState<Partial<Record<Fields, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<Schemas['ReportReceipt'] | null>(null);
  // One key per filled-in form: a double tap or a retry after a lost answer makes one report.
  const [idempotencyKey, setKey] = useState(newKey);
  const { townships, villages } = useRegions(township);

  const labels = {
    regionCode: t('resident.village'),
    category: t('resident.category'),
    description: t('resident.description'),
    phone: t('resident.phone'),
    photos: t('resident.photos'),
  };

  const addPhotos = (list: FileList | null) => {
    if (!list) return;
    setError(null);
    const chosen = [...list].slice(0, MAX_PHOTOS - photos.length);
    if (chosen.some((f) => f.size > MAX_PHOTO_BYTES)) setError(t('resident.photoTooLarge'));
    const fitting = chosen.filter((f) => f.size <= MAX_PHOTO_BYTES);
    setPhotos([...photos, ...fitting.map((file) => ({ file, url: URL.createObjectURL(file) }))]);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const wrong: Partial<Record<Fields, string>> = {};
    if (!township) wrong.township = t('resident.required');
    if (!village) wrong.village = t('resident.required');
    if (!category) wrong.category = t('resident.required');
    if (!description.trim()) wrong.description = t('resident.required');
    if (phone && !PHONE.test(phone)) wrong.phone = t('resident.phoneInvalid');
    setInvalid(wrong);
    const first = Object.keys(wrong)[0];
    if (first) {
      document.getElementById(`r-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = {
        regionCode: village,
        category: category as Schemas['PublicCreateReportInput']['category'],
        description,
        ...(phone ? { phone } : {}),
        photos: await photosOf(photos.map((p) => ({ originFileObj: p.file }))),
      };
      setReceipt(
        await unwrap(api.POST('/api/v1/public/reports', { headers: { 'Idempotency-Key': idempotencyKey }, body })),
      );
      window.scrollTo(0, 0);
    } catch (err) {
      setError(errorMessage(err, labels, t('resident.offline')));
    } finally {
      setBusy(false);
    }
  };

  if (receipt) {
    return (
      <Receipt
        receipt={receipt}
        again={() => {
          setReceipt(null);
          setKey(newKey());
          setDescription('');
          setPhone('');
          setPhotos([]);
        }}
      />
    );
  }
  const described = (id: Fields, hint?: boolean) =>
    [hint ? `r-${id}-hint` : '', invalid[id] ? `r-${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <form class="r-card" onSubmit={submit} noValidate>
      <p class="r-muted">{t('resident.intro')}</p>
      {error && <Notice kind="error">{error}</Notice>}
      {townships.error ? (
        <Notice kind="error">
          {errorMessage(townships.error, undefined, t('resident.offline'))}{' '}
          <button type="button" class="r-link" onClick={townships.retry}>
            {t('resident.retry')}
          </button>
        </Notice>
      ) : null}
      <SelectField
        id="r-township"
        testId="resident-township"
        label={t('resident.township')}
        value={township}
        onChange={(v) => {
          setTownship(v);
          setVillage('');
        }}
        items={townships.data ?? []}
        loading={townships.loading}
        error={invalid.township}
      />
      <SelectField
        id="r-village"
        testId="resident-village"
        label={t('resident.village')}
        value={village}
        onChange={setVillage}
        items={villages.data ?? []}
        loading={villages.loading}
        disabled={!township}
        error={invalid.village}
      />
      <SelectField
        id="r-category"
        testId="resident-category"
        label={t('resident.category')}
        value={category}
        onChange={setCategory}
        items={REPORT_CATEGORIES.map((c) => ({ code: c, name: t(`category.${c}`) }))}
        error={invalid.category}
      />
      <Field id="r-description" label={t('resident.description')} error={invalid.description}>
        <textarea
          id="r-description"
          rows={4}
          maxLength={2000}
          value={description}
          placeholder={t('resident.descriptionPlaceholder')}
          aria-invalid={Boolean(invalid.description)}
          aria-describedby={described('description')}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
        <span class="r-count" aria-hidden="true">{`${description.length} / 2000`}</span>
      </Field>
      <Field id="r-photos" label={t('resident.photos')} hint={t('resident.photosHint')} optional>
        <div class="r-photos">
          {photos.map((p, i) => (
            <div class="r-photo" key={p.url}>
              <img src={p.url} alt={t('resident.photoN', { n: i + 1 })} />
              <button
                type="button"
                class="r-remove"
                aria-label={`${t('resident.removePhoto')} ${i + 1}`}
                onClick={() => {
                  URL.revokeObjectURL(p.url);
                  setPhotos(photos.filter((x) => x !== p));
                }}
              >
                ×
              </button>
            </div>
          ))}
          {photos.length < MAX_PHOTOS && (
            <label class="r-add-photo">
              <span aria-hidden="true">+</span>
              <span class="r-sr">{t('resident.addPhoto')}</span>
              <input
                id="r-photos"
                type="file"
                accept="image/jpeg,image/png,image/webp"
                multiple
                aria-describedby="r-photos-hint"
                onChange={(e) => {
                  addPhotos(e.currentTarget.files);
                  e.currentTarget.value = '';
                }}
              />
            </label>
          )}
        </div>
      </Field>
      <Field id="r-phone" label={t('resident.phone')} hint={t('resident.phoneHint')} error={invalid.phone} optional>
        <input
          id="r-phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          maxLength={11}
          value={phone}
          aria-invalid={Boolean(invalid.phone)}
          aria-describedby={described('phone', true)}
          onInput={(e) => setPhone(e.currentTarget.value.replace(/\D/g, ''))}
        />
      </Field>
      <button type="submit" class="r-btn r-primary" disabled={busy} aria-busy={busy}>
        {busy ? t('resident.sending') : t('resident.submit')}
      </button>
      <p class="r-center">
        <a href="/r/follow" onClick={(e) => follow(e, '/r/follow')}>
          {t('resident.follow')}
        </a>
        {' · '}
        <a href="/v">{t('resident.boardLink')}</a>
      </p>
    </form>
  );
}
