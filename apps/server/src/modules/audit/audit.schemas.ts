import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { isoDate } from '../../lib/schemas.ts';

export const AuditChange = z
  .object({
    field: z.string().describe("The field's key, nested keys joined by dots; its words are in the shared catalog"),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
  })
  .meta({ id: 'AuditChange' });

export const AuditEvent = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    at: z.string(),
    userId: z.string().nullable(),
    username: z.string().nullable().describe('Who acted (their account name), or null for the system'),
    requestId: z.string().nullable().describe("The server's id of the request"),
    clientRequestId: z
      .string()
      .nullable()
      .describe('The X-Request-Id the client sent, if any: its own label, never trusted as the request id'),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    entityName: z
      .string()
      .nullable()
      .describe("The record's name where the auditor may read it (organizations, units, lists, accounts); null else"),
    entityLink: z
      .string()
      .nullable()
      .describe("The record's page in the app, when it has one and the reader's role may open it"),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    changes: z.array(AuditChange).describe('What changed, field by field, from the masked before and after'),
    names: z.record(z.string(), z.string()).describe('Names of the records that ids among the changes name, by id'),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const AuditQuery = z.strictObject({
  ...pageQuery,
  entityId: z.string().max(64).optional(),
  entityType: z.string().max(40).optional(),
  action: z.string().max(64).optional().describe('An action, or a family of them ending in `.` (`auth.`)'),
  username: z.string().trim().max(64).optional(),
  from: isoDate.optional().describe('First Shanghai day'),
  to: isoDate.optional().describe('Last Shanghai day'),
});

export const ChainReportView = z.object({
  ok: z.boolean(),
  count: z.number().int(),
  brokenAt: z.number().int().nullable(),
  reason: z
    .enum(['link', 'missing', 'head', 'unsealed'])
    .nullable()
    .describe(
      "link: an event does not follow; missing: events are gone; head: the head disagrees or its seal is not the key's; unsealed: not yet sealed under the key",
    ),
});
