import { createContext, useContext, useEffect } from 'react';

/** The tab's title: the record, the section, the app, from the most particular to the most general. */
export function pageTitle(parts: (string | null | undefined)[], app: string): string {
  return [...parts.filter((p): p is string => Boolean(p?.trim())), app].join(' · ');
}

/** Set by the layout: a page names the record it shows, the layout puts it before the section in the tab's title. */
export const RecordTitleContext = createContext<(name: string | null) => void>(() => {});

/**
 * Names the record a page shows (a household's head, an organization, an item) in the tab's title, while the page is
 * open: a clerk with ten tabs finds the one she wants.
 */
export function useRecordTitle(name: string | null | undefined) {
  const set = useContext(RecordTitleContext);
  useEffect(() => {
    set(name ?? null);
    return () => set(null);
  }, [name, set]);
}

/** The title of a page outside the layout (login, the resident page, the village board). */
export function useDocumentTitle(parts: (string | null | undefined)[], app: string) {
  const title = pageTitle(parts, app);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
