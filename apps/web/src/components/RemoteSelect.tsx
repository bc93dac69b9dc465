import { type QueryKey, keepPreviousData, useQuery } from '@tanstack/react-query';
import { Select, type SelectProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** How long typing pauses before the server is asked. */
export const SEARCH_DEBOUNCE_MS = 250;

/** `name` is the short name a form may show after the choice (the label may add the unit or a note). */
export type RemoteOption = { value: string; label: string; name?: string; disabled?: boolean };
export type RemoteGroup = { label: string; options: RemoteOption[] };

/** The term as the user typed it, settled once typing has paused for `ms`. */
export function useDebounced(value: string, ms = SEARCH_DEBOUNCE_MS): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (value === settled) return;
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, settled, ms]);
  return settled;
}

/**
 * A select that searches the server as the user types: members, units, organizations… The term goes to the server
 * as typed (trimmed), so a name, full pinyin or pinyin initials (zw → 张伟) all work where the server matches them; the
 * browser filters nothing. Typing is debounced, the answer is cached under `queryKey(term)` (a feature's key factory),
 * the list says in the screen's language whether to type, that it is searching, or that nothing matched, and the chosen
 * option keeps its name after the next search (never its id).
 *
 * `search` answers options, or groups of options (units and people side by side). `initialTerm` searches before any
 * typing (the verifier starts from 工作队); without it, nothing is asked until a letter is typed.
 */
export function RemoteSelect({
  queryKey,
  search,
  initialTerm = '',
  enabled = true,
  onPick,
  ...props
}: {
  queryKey: (term: string) => QueryKey;
  search: (term: string) => Promise<(RemoteOption | RemoteGroup)[]>;
  initialTerm?: string;
  /** False while the form holding the select is closed. */
  enabled?: boolean;
  /** The chosen option (label included), or undefined when cleared. */
  onPick?: (option: RemoteOption | undefined) => void;
} & Omit<SelectProps<string>, 'options' | 'showSearch' | 'filterOption' | 'onSearch' | 'loading' | 'notFoundContent'>) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState(initialTerm);
  const [picked, setPicked] = useState<RemoteOption | undefined>();
  const term = useDebounced(typed.trim());
  const q = useQuery({
    queryKey: queryKey(term),
    queryFn: () => search(term),
    enabled: enabled && term.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const answered = term.length > 0 ? (q.data ?? []) : [];
  const flat = answered.flatMap((o) => ('options' in o ? o.options : [o]));
  // The chosen option stays among the options so the select shows its name after the list changes.
  const shown = picked && props.value === picked.value && !flat.some((o) => o.value === picked.value);
  const options = (shown ? [...answered, picked] : answered).map((o) =>
    'options' in o ? { label: o.label, options: o.options.map(bare) } : bare(o),
  );
  const waiting = typed.trim() !== term || q.isFetching;
  const empty =
    typed.trim().length === 0 ? t('remoteSelect.type') : waiting ? t('remoteSelect.searching') : t('remoteSelect.none');
  return (
    <Select<string>
      {...props}
      showSearch={{ filterOption: false, onSearch: setTyped }}
      loading={waiting}
      options={options}
      notFoundContent={<span className="remote-select-empty">{empty}</span>}
      onChange={(value, option) => {
        const chosen = flat.find((o) => o.value === value) ?? (picked?.value === value ? picked : undefined);
        setPicked(chosen);
        onPick?.(chosen);
        props.onChange?.(value, option);
      }}
    />
  );
}

const bare = ({ value, label, disabled }: RemoteOption) => ({ value, label, disabled });
