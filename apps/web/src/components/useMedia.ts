import { useEffect, useState } from 'react';

/** A phone's width: below it, wide ledgers scroll with their key columns held in view instead of wrapping. */
export const PHONE = '(max-width: 640px)';

/** Whether a media query matches now, following it as the window changes. */
export function useMedia(query: string): boolean {
  const [matches, setMatches] = useState(() => typeof window !== 'undefined' && window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const on = () => setMatches(m.matches);
    on();
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, [query]);
  return matches;
}
