/** @jsxImportSource preact */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { chooseLanguage, language, loadLanguage, t } from './words';

/** The page's frame: the red bar with its name, the language switch, and the title of the tab. */
export function Shell({ title, children }: { title: string; children: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · ${t('resident.appName')}`;
  }, [title]);
  const other = language() === 'en-US' ? 'zh-CN' : 'en-US';
  return (
    <div class="r-page">
      <header class="r-header r-no-print">
        <span class="lj-brand-mark" aria-hidden="true">
          联
        </span>
        <span class="r-title">{title}</span>
        <button
          type="button"
          class="r-lang"
          lang={other}
          onClick={async () => {
            chooseLanguage(other);
            await loadLanguage();
            window.dispatchEvent(new Event('lj-language'));
          }}
        >
          {other === 'en-US' ? 'English' : '中文'}
        </button>
      </header>
      <main class="r-main">{children}</main>
    </div>
  );
}

/** A labelled field: its control, what to know about it, and what is wrong with it. */
export function Field({
  id,
  label,
  hint,
  error,
  optional,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  optional?: boolean;
  children: ComponentChildren;
}) {
  return (
    <div class={`r-field${error ? ' r-invalid' : ''}`}>
      <label for={id}>
        {label}
        {optional ? <span class="r-optional">{t('resident.optional')}</span> : null}
      </label>
      {children}
      {hint && (
        <p class="r-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="r-error-text" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function Notice({
  kind,
  children,
  testId,
}: {
  kind: 'error' | 'info' | 'success' | 'warning';
  children: ComponentChildren;
  testId?: string;
}) {
  return (
    <div class={`r-notice r-${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  );
}

/** A choice among a list the server or the page gives, as the phone's own picker, labelled, with what is wrong. */
export function SelectField({
  id,
  testId,
  label,
  value,
  onChange,
  items,
  loading,
  disabled,
  error,
}: {
  id: string;
  testId: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  items: { code: string; name: string }[];
  loading?: boolean;
  disabled?: boolean;
  error?: string | undefined;
}) {
  return (
    <Field id={id} label={label} error={error}>
      <select
        id={id}
        data-testid={testId}
        value={value}
        disabled={disabled}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        <option value="">{loading ? t('resident.loading') : t('resident.choose')}</option>
        {items.map((r) => (
          <option key={r.code} value={r.code}>
            {r.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Loads once per key; `retry` asks again. Cancels a late answer for an old key. */
export function useLoad<T>(key: string | null, load: () => Promise<T>) {
  const [state, setState] = useState<{ key: string | null; data?: T; error?: unknown; loading: boolean }>({
    key: null,
    loading: key !== null,
  });
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key names what is loaded; `load` is made anew each render
  useEffect(() => {
    if (key === null) return;
    let live = true;
    setState((s) => ({ ...s, key, loading: true, error: undefined }));
    load().then(
      (data) => live && setState({ key, data, loading: false }),
      (error: unknown) => live && setState({ key, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [key, round]);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: key !== null && (!current || state.loading),
    retry: () => setRound((n) => n + 1),
  };
}

/** A key for one filled-in form: a second tap or a retry after a lost answer makes one record. */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Outside a secure context (a county's plain-HTTP intranet), from the same random source.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
