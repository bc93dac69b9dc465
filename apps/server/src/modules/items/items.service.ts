import type { DataCipher } from '../../lib/crypto.ts';
import type { Db, Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { ItemEditingService } from './editing.service.ts';
import { DeadlineService, type SweepLog } from './deadlines.service.ts';
import { EscalationService } from './escalation.service.ts';
import { accessItem } from './item-common.ts';
import { ItemLinkingService } from './linking.service.ts';
import { ProblemListService } from './lists.service.ts';
import { NotificationService } from './notifications.service.ts';
import { ItemWorkflowService } from './workflow.service.ts';

/**
 * Problem lists and their items (DOMAIN §8), along the domain's own headings: the lists and items as they are made and
 * read, the item's workflow with the resident's word, linking whoever an item needs, escalation, the notices and
 * deadlines that reach the people on an item, and its clock in working days with the chases (催办) it brings.
 */
export class ItemService {
  readonly lists: ProblemListService;
  readonly workflow: ItemWorkflowService;
  readonly linking: ItemLinkingService;
  readonly escalation: EscalationService;
  readonly editing: ItemEditingService;
  readonly notifications: NotificationService;
  readonly deadlines: DeadlineService;

  constructor(
    private readonly db: Db,
    audit: AuditTrail,
    /** The data key, to show residents' phones masked (without it, not at all). */
    cipher?: DataCipher,
    /** Where the chase sweep says what it could not do. */
    log?: SweepLog,
  ) {
    this.deadlines = new DeadlineService(db, audit, log);
    this.lists = new ProblemListService(db, audit, this.deadlines, cipher);
    this.workflow = new ItemWorkflowService(db, audit);
    this.linking = new ItemLinkingService(db, audit);
    this.escalation = new EscalationService(db, audit);
    this.editing = new ItemEditingService(db, audit);
    this.notifications = new NotificationService(db);
  }

  /** The item if the actor may see it, with what the policies need; 404 otherwise (for other modules' rules). */
  access(actor: Actor, id: string, db: Executor = this.db) {
    return accessItem(db, actor, id);
  }
}
