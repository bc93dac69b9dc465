import { todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { keysetPage } from '../../lib/paging.ts';
import { conflict, forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { rolesInSubtree } from '../orgs/orgs.repository.ts';
import * as policy from './assessment.policy.ts';
import * as repo from './assessment.repository.ts';
import type { Answer, NewRecommendation } from './assessment.schemas.ts';

/** Recommendations to members' home organizations, which answer them (a temporary organization never disciplines). */
export class RecommendationService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  private present(r: repo.RecRow) {
    return {
      id: r.id,
      kind: r.kind,
      orgId: r.org_id,
      orgName: r.org_name,
      memberId: r.member_id,
      memberName: r.member_name,
      homePartyOrgName: r.home_name,
      text: r.text,
      filedOn: r.filed_on,
      answer: r.answer,
      answerText: r.answer_text,
      answeredOn: r.answered_on,
      version: r.version,
    };
  }

  /** Recommendations sent or received, newest first, in keyset pages with their total. */
  async list(
    actor: Actor,
    f: { box: 'received' | 'sent'; open?: 'true' | 'false' | undefined; limit?: number; cursor?: string | undefined },
  ) {
    const open = f.open === undefined ? undefined : f.open === 'true';
    return keysetPage(
      repo.recommendationBox(this.db, actor, { box: f.box, open }),
      { sort: 'c.filed_on', id: 'c.id', dir: 'desc', limit: f.limit, cursor: f.cursor },
      async (rows) => rows.map((r) => this.present(r)),
      (r) => r.filedOn,
    );
  }

  /**
   * A temporary organization does not discipline: where a member fails their duties, or a leader should face
   * organizational action, it files a recommendation to the member's home organization, which answers.
   */
  async file(actor: Actor, input: z.infer<typeof NewRecommendation>) {
    return this.db.transaction().execute(async (tx) => {
      const org = await repo.orgInReach(tx, actor, input.orgId);
      if (!org) throw notFound('组织');
      // Nobody files a recommendation about themselves (DOMAIN §9a).
      if (!policy.filesAbout(actor, input.memberId))
        throw forbidden('own_recommendation', '不能就本人提出建议，请由上级党组织办理');
      const roles = await rolesInSubtree(tx, input.memberId, org.path);
      if (!roles.length)
        throw invalid('只能就本组织的成员提出建议', [{ path: 'body.memberId', message: input.memberId }]);
      if (input.kind === 'organizational_action' && !policy.isLeader(roles)) {
        throw invalid('组织处理建议针对本组织的负责人', [{ path: 'body.memberId', message: 'not a leader' }]);
      }
      const home = await repo.homeOrgOf(tx, input.memberId);
      if (!home) throw conflict('no_home_org', '该人员不是党员，没有所在党组织');
      const row = {
        id: newId(),
        kind: input.kind,
        org_id: org.id,
        member_id: input.memberId,
        home_party_org_id: home,
        text: input.text,
        filed_on: todayInShanghai(),
        filed_by: actor.userId,
        answer: null,
        answer_text: null,
        answered_on: null,
        version: 1,
        created_at: nowIso(),
      };
      await repo.insertRecommendation(tx, row);
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'recommendation.file',
        entityType: 'member',
        entityId: input.memberId,
        after: row,
      });
      return row.id;
    });
  }

  async answer(actor: Actor, id: string, input: z.infer<typeof Answer>) {
    await this.db.transaction().execute(async (tx) => {
      const c = await repo.receivedRecommendation(tx, actor, id);
      if (!c) throw notFound('建议');
      if (c.answered_on) throw conflict('already_answered', '该建议已答复');
      const done = await repo.updateRecommendation(tx, id, input.version, {
        answer: input.accepted ? 'accepted' : 'declined',
        answer_text: input.text,
        answered_on: todayInShanghai(),
      });
      if (!done) throw versionConflict();
      await this.audit.record(tx, actor, {
        action: 'recommendation.answer',
        entityType: 'member',
        entityId: c.member_id,
        after: { id, ...input },
      });
    });
  }
}
