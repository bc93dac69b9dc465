/** @jsxImportSource preact */
import { useState } from 'preact/hooks';
import { formatDateTime, formatDay } from '../components/format';
import { ApiError, type Schemas, api, errorMessage, unwrap } from './api';
import { follow, navigate } from './router';
import { Field, Notice, useLoad } from './ui';
import { t } from './words';

const STAGES = ['received', 'listed', 'in_progress', 'awaiting_confirmation', 'closed'] as const;
type Report = Schemas['PublicReportView'];

function Lookup() {
  const [code, setCode] = useState('');
  return (
    <form
      class="r-lookup"
      onSubmit={(e) => {
        e.preventDefault();
        const c = code.trim().toUpperCase();
        if (c) navigate(`/r/${encodeURIComponent(c)}`);
      }}
    >
      <label for="r-code" class="r-sr">
        {t('resident.followCode')}
      </label>
      <input
        id="r-code"
        value={code}
        placeholder={t('resident.followCode')}
        autoCapitalize="characters"
        autoComplete="off"
        spellcheck={false}
        onInput={(e) => setCode(e.currentTarget.value)}
      />
      <button type="submit" class="r-btn r-primary r-inline">
        {t('resident.followSubmit')}
      </button>
    </form>
  );
}

/** Where a report stands, and what its resident may do now: confirm, send it back, rate. */
function Progress({ code, report, update }: { code: string; report: Report; update: (r: Report) => void }) {
  const [reason, setReason] = useState('');
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [phoneCode, setPhoneCode] = useState('');
  const [codeSent, setCodeSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const labels = {
    phoneCode: t('resident.phoneCode'),
    reason: t('resident.notSolvedReason'),
    comment: t('resident.comment'),
  };
  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    setSaid(null);
    try {
      setSaid({ kind: 'success', text: await work() });
    } catch (err) {
      setSaid({ kind: 'error', text: errorMessage(err, labels, t('resident.offline')) });
    } finally {
      setBusy(false);
    }
  };
  const path = { params: { path: { trackingCode: code } } };
  const feedback = (solved: boolean) =>
    act(async () => {
      update(
        await unwrap(
          api.POST('/api/v1/public/reports/{trackingCode}/feedback', {
            ...path,
            body: solved ? { solved, ...(phoneCode ? { phoneCode } : {}) } : { solved, reason },
          }),
        ),
      );
      setReason('');
      return solved ? t('resident.thanks') : t('resident.reopened');
    });
  const rate = () =>
    act(async () => {
      update(
        await unwrap(
          api.POST('/api/v1/public/reports/{trackingCode}/rating', {
            ...path,
            body: { stars, ...(comment.trim() ? { comment } : {}), ...(phoneCode ? { phoneCode } : {}) },
          }),
        ),
      );
      setComment('');
      return t('resident.rated');
    });
  const optOut = () =>
    act(async () => {
      await unwrap(api.POST('/api/v1/public/reports/{trackingCode}/sms-opt-out', path));
      update({ ...report, textMessages: 'declined' });
      return t('resident.optedOut');
    });
  const sendCode = () =>
    act(async () => {
      const sent = await unwrap(api.POST('/api/v1/public/reports/{trackingCode}/phone-code', path));
      setCodeSent(true);
      return t('resident.codeSent', { phone: sent.sentTo });
    });

  const r = report;
  const current = Math.max(0, STAGES.indexOf(r.stage as (typeof STAGES)[number]));
  const needsCode = r.phoneProof !== null;
  const proofReady = !needsCode || phoneCode.length === 6;
  const shownStars = stars || r.item?.rating?.stars || 0;
  return (
    <section class="r-card">
      <h1 class="r-stage" data-testid="resident-stage">
        {t(`stage.${r.stage}`)}
      </h1>
      {r.dismissal ? (
        <Notice kind="info" testId="resident-dismissal">
          <strong>{t('resident.dismissedBecause', { kind: t(`dismissal.${r.dismissal.kind}`) })}</strong>
          <br />
          {`${formatDay(r.dismissal.at)}　${r.dismissal.reason}`}
        </Notice>
      ) : (
        <ol class="r-steps">
          {STAGES.map((s, i) => (
            <li
              key={s}
              class={i < current ? 'r-past' : i === current ? 'r-now' : ''}
              aria-current={i === current ? 'step' : undefined}
            >
              {t(`stage.${s}`)}
            </li>
          ))}
        </ol>
      )}
      <p>
        <span class="r-muted">{`${t(`category.${r.category}`)} · ${r.regionName}`}</span>
        <br />
        {r.description}
      </p>
      <p class="r-muted">
        {`${t('resident.reportedAt')}：${formatDateTime(r.reportedAt)}`}
        {r.orgName && (
          <>
            <br />
            {`${t('resident.handledBy')}：${r.orgName}`}
          </>
        )}
        {r.item && (
          <>
            <br />
            {t('resident.listItem', { list: r.item.listTitle, no: r.item.no })}
            {r.item.dueOn && `，${t('resident.dueOn')} ${r.item.dueOn}`}
          </>
        )}
      </p>
      {r.photoIds.length > 0 && (
        <div class="r-photos">
          {r.photoIds.map((id, i) => {
            const src = `/api/v1/public/reports/${encodeURIComponent(code)}/photos/${id}`;
            return (
              <a class="r-photo" key={id} href={src} target="_blank" rel="noreferrer">
                <img src={src} alt={t('resident.photoN', { n: i + 1 })} loading="lazy" />
              </a>
            );
          })}
        </div>
      )}
      {r.events.length > 0 && (
        <ul class="r-events">
          {r.events.map((e) => (
            <li key={`${e.at}-${e.text}`}>
              <span class="r-muted">{formatDay(e.at)}</span>　{e.text}
            </li>
          ))}
        </ul>
      )}
      {r.item?.residentConfirmedAt && (
        <Notice kind="success">{t('resident.confirmedAt', { date: formatDay(r.item.residentConfirmedAt) })}</Notice>
      )}
      {said && <Notice kind={said.kind}>{said.text}</Notice>}
      {r.phoneProof && (r.canRate || (r.canGiveFeedback && !r.item?.residentConfirmedAt)) && (
        <div class="r-block" data-testid="resident-phone-proof">
          {r.phoneProof.phone ? (
            <>
              <p class="r-muted">{t('resident.phoneProof', { phone: r.phoneProof.phone })}</p>
              <div class="r-row">
                <label for="r-phone-code" class="r-sr">
                  {t('resident.phoneCode')}
                </label>
                <input
                  id="r-phone-code"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  value={phoneCode}
                  placeholder={t('resident.phoneCode')}
                  onInput={(e) => setPhoneCode(e.currentTarget.value.replace(/\D/g, ''))}
                />
                <button type="button" class="r-btn r-inline" disabled={busy} onClick={sendCode}>
                  {codeSent ? t('resident.resendCode') : t('resident.sendCode')}
                </button>
              </div>
            </>
          ) : (
            <Notice kind="info">{t('resident.callBack')}</Notice>
          )}
        </div>
      )}
      {r.canGiveFeedback && (
        <div class="r-block">
          {!r.item?.residentConfirmedAt && (
            <button
              type="button"
              class="r-btn r-primary"
              disabled={busy || !proofReady}
              onClick={() => feedback(true)}
              data-testid="resident-solved"
            >
              {t('resident.solved')}
            </button>
          )}
          {r.item?.reopenUntil && <p class="r-muted">{t('resident.reopenUntil', { date: r.item.reopenUntil })}</p>}
          <Field id="r-reason" label={t('resident.notSolvedReason')}>
            <textarea
              id="r-reason"
              rows={2}
              maxLength={500}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </Field>
          <button
            type="button"
            class="r-btn r-danger"
            disabled={busy || !reason.trim()}
            onClick={() => feedback(false)}
          >
            {t('resident.notSolved')}
          </button>
        </div>
      )}
      {r.canRate && (
        <div class="r-block" data-testid="resident-rating">
          <fieldset class="r-stars">
            <legend class="r-strong">
              {r.item?.rating ? t('resident.ratedAs', { stars: r.item.rating.stars }) : t('resident.rateTitle')}
            </legend>
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n} class={n <= shownStars ? 'r-on' : ''}>
                <input type="radio" name="stars" value={n} checked={shownStars === n} onChange={() => setStars(n)} />
                <span aria-hidden="true">★</span>
                <span class="r-sr">{t('resident.starsN', { n })}</span>
              </label>
            ))}
          </fieldset>
          <Field id="r-comment" label={t('resident.comment')}>
            <textarea
              id="r-comment"
              rows={2}
              maxLength={500}
              value={comment}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
          </Field>
          <button type="button" class="r-btn" disabled={busy || !stars || !proofReady} onClick={rate}>
            {t('resident.rate')}
          </button>
        </div>
      )}
      {r.textMessages === 'on' && (
        <p class="r-center r-muted">
          <button type="button" class="r-btn r-inline" disabled={busy} onClick={optOut} data-testid="resident-opt-out">
            {t('resident.optOut')}
          </button>
        </p>
      )}
      {r.textMessages === 'declined' && <p class="r-center r-muted">{t('resident.optedOutNote')}</p>}
    </section>
  );
}

/** The progress of the report with this code, or the box to type a code into. */
export function FollowPage({ code }: { code: string }) {
  const lookup = code !== '' && code !== 'follow';
  const [updated, setUpdated] = useState<{ code: string; report: Report } | null>(null);
  const q = useLoad(lookup ? code : null, () =>
    unwrap(api.GET('/api/v1/public/reports/{trackingCode}', { params: { path: { trackingCode: code } } })),
  );
  if (!lookup) {
    return (
      <section class="r-card">
        <h1>{t('resident.followTitle')}</h1>
        <Lookup />
        <p class="r-center">
          <a href="/r" onClick={(e) => follow(e, '/r')}>
            {t('resident.newReport')}
          </a>
        </p>
      </section>
    );
  }
  if (q.loading) return <p class="r-card r-muted">{t('resident.loading')}</p>;
  if (q.error) {
    const notFound = q.error instanceof ApiError && q.error.problem.status === 404;
    return (
      <section class="r-card">
        <Notice kind="warning">
          {notFound ? t('resident.notFound') : errorMessage(q.error, undefined, t('resident.offline'))}
        </Notice>
        {!notFound && (
          <button type="button" class="r-btn" onClick={q.retry}>
            {t('resident.retry')}
          </button>
        )}
        <Lookup />
      </section>
    );
  }
  const report = updated?.code === code ? updated.report : q.data;
  return report ? <Progress code={code} report={report} update={(r) => setUpdated({ code, report: r })} /> : null;
}
