import { type Schemas, allPages, api, unwrap } from '../api/client';

type Level = Schemas['Region']['level'];
const cursorOf = (cursor: string | undefined) => (cursor ? { cursor } : {});

/**
 * Every place of the account's reach that matches (the townships, a township's villages, the whole reach), read page
 * by page to the end: a select offers every option, and the region list is paged like every list. A county's
 * townships or a township's villages come in one page of 200; a county's whole tree in two or three.
 */
export async function allRegions(query: { level?: Level; parentCode?: string } = {}) {
  return {
    items: await allPages((cursor) =>
      unwrap(api.GET('/api/v1/regions', { params: { query: { ...query, limit: 200, ...cursorOf(cursor) } } })),
    ),
  };
}

/** The resident pages' choice: every township, or every village of the chosen one, page by page to the end. */
export async function allPublicRegions(parentCode?: string) {
  return {
    items: await allPages((cursor) =>
      unwrap(
        api.GET('/api/v1/public/regions', {
          params: { query: { limit: 200, ...(parentCode ? { parentCode } : {}), ...cursorOf(cursor) } },
        }),
      ),
    ),
  };
}
