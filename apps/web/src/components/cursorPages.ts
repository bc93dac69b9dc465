import { useState } from 'react';

/**
 * Keyset pages: the cursor of each page visited, so that "previous" goes back exactly. A change of `key` (the
 * filters) starts again from the first page. A list that can count the rows before a page (the register) may also
 * jump to a page by its number (`jumpTo`): the visit then starts from that page, asked for by `jumpedTo`, and goes on
 * by the cursors its replies give; "previous" before it asks for the page before by number.
 */
export function useCursorPages(key = '') {
  const [state, setState] = useState<{ key: string; start: number; cursors: (string | undefined)[] }>({
    key,
    start: 1,
    cursors: [undefined],
  });
  const { start, cursors } = state.key === key ? state : { start: 1, cursors: [undefined] };
  const set = (nextStart: number, next: (string | undefined)[]) => setState({ key, start: nextStart, cursors: next });
  const page = start + cursors.length - 1;
  return {
    cursor: cursors[cursors.length - 1],
    /** The page number to ask for: set on the first page of a jump, when no cursor leads there. */
    jumpedTo: cursors.length === 1 && start > 1 ? start : undefined,
    page,
    reset: () => set(1, [undefined]),
    back: () =>
      cursors.length > 1 ? set(start, cursors.slice(0, -1)) : start > 1 ? set(start - 1, [undefined]) : undefined,
    forward: (next: string | null | undefined) => next && set(start, [...cursors, next]),
    jumpTo: (n: number) => set(Math.max(1, Math.floor(n)), [undefined]),
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;
