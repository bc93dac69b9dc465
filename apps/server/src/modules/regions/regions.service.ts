import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { decodeCursor, pageOf } from '../../lib/paging.ts';
import * as policy from './regions.policy.ts';
import * as repo from './regions.repository.ts';
import type { PublicRegionQuery, RegionQuery } from './regions.schemas.ts';

type Page = Awaited<ReturnType<typeof repo.publicRegions>>;
type Row = Page['rows'][number];
const region = (r: Row) => ({ code: r.code, name: r.name, level: r.level, kind: r.kind, parentCode: r.parent_code });

/** Keyset pages in code order: the code is the cursor's sort key and its tie-breaker. */
function present({ rows, total }: Page, limit: number) {
  const page = pageOf(rows, limit, total, (r) => r.code);
  return { ...page, items: page.items.map(region) };
}

/** The county → township → village tree. A caller sees its own region, everything below it, and the ancestors. */
export class RegionService {
  constructor(private readonly db: Db) {}

  /** The places of the caller's reach, in code order, in keyset pages with their total. */
  async list(actor: Actor, f: z.infer<typeof RegionQuery>) {
    const visible = policy.visibleRegions(actor);
    const cursor = decodeCursor(f.cursor);
    if (!visible.below.length) return { items: [], nextCursor: null, total: 0 };
    return present(await repo.regionsVisible(this.db, visible, f, f.limit, cursor), f.limit);
  }

  /** The resident page's choice of township, then village, in keyset pages with their total. */
  async publicList(f: z.infer<typeof PublicRegionQuery>) {
    const cursor = decodeCursor(f.cursor);
    return present(await repo.publicRegions(this.db, f.parentCode, f.limit, cursor), f.limit);
  }
}
