import { useState } from 'react';

/**
 * Keyset pages: the cursor of each page visited, so that "previous" goes back exactly. A change of `key` (the
 * filters) starts again from the first page.
 */
export function useCursorPages(key = '') {
  const [state, setState] = useState<{ key: string; cursors: (string | undefined)[] }>({ key, cursors: [undefined] });
  const cursors = state.key === key ? state.cursors : [undefined];
  const set = (next: (string | undefined)[]) => setState({ key, cursors: next });
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    reset: () => set([undefined]),
    back: () => set(cursors.length > 1 ? cursors.slice(0, -1) : cursors),
    forward: (next: string | null | undefined) => next && set([...cursors, next]),
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;
