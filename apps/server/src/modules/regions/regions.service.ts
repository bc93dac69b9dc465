import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import * as policy from './regions.policy.ts';
import * as repo from './regions.repository.ts';
import type { RegionQuery } from './regions.schemas.ts';

type Row = Awaited<ReturnType<typeof repo.publicRegions>>[number];
const region = (r: Row) => ({ code: r.code, name: r.name, level: r.level, kind: r.kind, parentCode: r.parent_code });

/** The county → township → village tree. A caller sees its own region, everything below it, and the ancestors. */
export class RegionService {
  constructor(private readonly db: Db) {}

  async list(actor: Actor, f: z.infer<typeof RegionQuery>) {
    const visible = policy.visibleRegions(actor);
    if (!visible.below.length) return { items: [] };
    return { items: (await repo.regionsVisible(this.db, visible, f, 2000)).map(region) };
  }

  /** The resident page's choice of township, then village. */
  async publicList(parentCode: string | undefined) {
    return { items: (await repo.publicRegions(this.db, parentCode, 1000)).map(region) };
  }
}
