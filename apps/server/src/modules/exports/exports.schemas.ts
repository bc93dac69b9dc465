import { z } from 'zod';
import { id, text } from '../../lib/schemas.ts';

export const EXPORT_KINDS = [
  'households',
  'problem_list',
  'import_errors',
  'org_roster',
  'member_list',
  'reports',
  'audit_log',
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const ExportRequest = z
  .strictObject({
    kind: z.enum(EXPORT_KINDS),
    params: z
      .record(z.string(), z.unknown())
      .describe(
        'households: the register filter; problem_list and import_errors: { id }; org_roster: { status? }; member_list: { partyStatus? }; reports: { status?, source?, category? }; audit_log (the audit administrator, through POST /audit/exports): the trail filter',
      ),
    reason: text(200).describe('Why the data is taken out (PIPL): recorded in the audit trail and printed in the file'),
  })
  .meta({ id: 'ExportRequest' });

export const ExportGrant = z
  .object({
    id: z.string(),
    downloadUrl: z.string(),
    expiresAt: z.string(),
    verificationCode: z
      .string()
      .describe('The short code of the export’s signature (XXXX-XXXX), also in the file’s stamp'),
  })
  .meta({ id: 'ExportGrant' });

export const ExportParams = z.strictObject({ id });

/** The audit administrator's export of the trail: the viewer's filter, and why. */
export const AuditExportRequest = z
  .strictObject({
    params: z
      .record(z.string(), z.unknown())
      .describe('The trail filter: username, action, entityType, entityId, from, to'),
    reason: text(200).describe('Why the trail is taken out: recorded in the audit trail and printed in the file'),
  })
  .meta({ id: 'AuditExportRequest' });
