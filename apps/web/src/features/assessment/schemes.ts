import { type Schemas, allPages, api, unwrap } from '../../api/client';

/**
 * The year's schemes of the county (one a tier) with the template indicators, following the cursors to the end: the
 * scheme editor and the supervision form need every tier's scheme, and the list is paged like every list.
 */
export async function schemesOfYear(year: number) {
  let template: Schemas['AssessmentScheme']['indicators'] = [];
  const items = await allPages(async (cursor) => {
    const page = await unwrap(
      api.GET('/api/v1/assessment-schemes', {
        params: { query: { year, limit: 200, ...(cursor ? { cursor } : {}) } },
      }),
    );
    template = page.template;
    return page;
  });
  return { items, template };
}
