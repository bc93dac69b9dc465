import { type Schemas, api, unwrap } from '../api/client';
import { describeError } from '../api/problemText';
import { useLoad } from './ui';
import { englishSentence, language } from './words';

export { api, unwrap, type Schemas };
export { ApiError } from '../api/client';

type Region = Schemas['Region'];

/** Every region under a parent (the county's townships, a township's villages), following the pages. */
export async function publicRegions(parentCode?: string): Promise<Region[]> {
  const all: Region[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(
      api.GET('/api/v1/public/regions', {
        params: { query: { limit: 200, ...(parentCode ? { parentCode } : {}), ...(cursor ? { cursor } : {}) } },
      }),
    );
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/** An error for the reader: the server's problem in the page's language, or the connection's failure. */
export function errorMessage(err: unknown, labels?: Record<string, string>, offline?: string): string {
  if (err instanceof TypeError && offline) return offline; // fetch's "Failed to fetch": no answer at all
  return describeError(err, language(), labels ? { labels } : {}, englishSentence);
}

/** The county's townships, and the villages of the one chosen. */
export function useRegions(township: string) {
  const townships = useLoad('county', () => publicRegions());
  const villages = useLoad(township || null, () => publicRegions(township));
  return { townships, villages };
}
