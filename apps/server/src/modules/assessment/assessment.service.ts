import type { Db } from '../../db/index.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { LedgerService } from './ledgers.service.ts';
import { RecommendationService } from './recommendations.service.ts';
import { RectificationService } from './rectification.service.ts';
import { SchemeService } from './schemes.service.ts';
import { SupervisionService } from './supervision.service.ts';

/**
 * Supervision and assessment (DOMAIN §9), along the domain's own headings: schemes, ledgers, supervision (with the
 * tilts that reward good grades), rectification, and recommendations to home organizations (never discipline).
 */
export class AssessmentService {
  readonly schemes: SchemeService;
  readonly ledgers: LedgerService;
  readonly supervision: SupervisionService;
  readonly rectification: RectificationService;
  readonly recommendations: RecommendationService;

  constructor(db: Db, audit: AuditTrail) {
    this.schemes = new SchemeService(db, audit);
    this.ledgers = new LedgerService(db, audit);
    this.supervision = new SupervisionService(db, audit, this.ledgers);
    this.rectification = new RectificationService(db, audit, this.ledgers);
    this.recommendations = new RecommendationService(db, audit);
  }
}
