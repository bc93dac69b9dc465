import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../lib/problem.ts';
import { pageQuery } from '../../lib/paging.ts';
import { noContent, page, problemReplies } from '../../lib/schemas.ts';
import { requireActor } from '../../plugins/auth.ts';
import type { HouseholdImportService } from './import.service.ts';
import { COLUMNS, templateWorkbook } from './import.layout.ts';

const tags = ['households'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const FieldKey = z.enum(
  COLUMNS.map((c) => c.key) as [(typeof COLUMNS)[number]['key'], ...(typeof COLUMNS)[number]['key'][]],
);

const MappedColumn = z.object({
  column: z.number().int().min(1).max(16384).describe("The file's column (1 for the first)"),
  field: FieldKey.nullable().describe('The register field the column is read into; null: not imported'),
});

export const ImportMapping = z
  .object({
    headings: z
      .array(z.object({ column: z.number().int().min(1), heading: z.string() }))
      .describe("The file's headed columns, as the file writes them"),
    columns: z
      .array(MappedColumn)
      .describe('The mapping: proposed while the import awaits it, as the clerk confirmed it afterwards'),
    fields: z
      .array(z.object({ key: FieldKey, label: z.string(), required: z.boolean() }))
      .describe("The register's fields, with their Chinese labels"),
    preview: z
      .array(z.array(z.string()))
      .describe(
        'The first data rows as the file has them, each aligned with `headings`; ID numbers and phones masked. Empty once confirmed',
      ),
  })
  .meta({ id: 'HouseholdImportMapping' });

export const ConfirmImportMapping = z
  .strictObject({
    columns: z
      .array(MappedColumn)
      .max(1000)
      .describe("Each of the file's columns with its field; an unlisted column is not imported"),
    remember: z
      .boolean()
      .default(true)
      .describe("Remember the headings not yet known as names of their fields, for the county's next files"),
  })
  .meta({ id: 'ConfirmHouseholdImportMapping' });

export const RememberedHeading = z
  .object({
    heading: z.string().describe('The heading as headings are compared (no spaces, one kind of brackets)'),
    field: FieldKey,
    label: z.string().describe("The field's Chinese label"),
    createdAt: z.string(),
  })
  .meta({ id: 'RememberedImportHeading' });

export const HouseholdImport = z
  .object({
    id: z.string(),
    fileName: z.string(),
    format: z.enum(['csv', 'xlsx']),
    status: z
      .enum(['running', 'awaiting_mapping', 'completed', 'failed'])
      .describe("`awaiting_mapping`: the file's headings are not all known; confirm the mapping to go on"),
    failure: z
      .enum(['refused', 'interrupted'])
      .nullable()
      .describe(
        'Why a failed import failed: `refused`, the file must be corrected; `interrupted`, its server stopped and the same file may be uploaded again',
      ),
    phase: z.enum(['received', 'checking', 'validating', 'preparing', 'writing', 'done']),
    progress: z.number().int().min(0).max(100),
    rowsRead: z.number().int(),
    households: z.number().int(),
    people: z.number().int(),
    errorCount: z.number().int(),
    message: z.string().nullable(),
    ignoredColumns: z
      .array(z.object({ column: z.number().int().min(1), header: z.string() }))
      .describe("The file's headed columns that were not read (column 1 is the first), for the user to see"),
    mapping: ImportMapping.nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    duplicateOf: z
      .string()
      .nullable()
      .describe('Set when this file was imported before: the earlier import, nothing new written'),
  })
  .meta({ id: 'HouseholdImport' });

const attachment = (name: string) => `attachment; filename="import.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** Register import: upload (streamed), progress, error report, template. */
export function householdImportRoutes(service: HouseholdImportService): FastifyPluginAsyncZod {
  return async (app) => {
    // The upload is the raw file: streamed to disk and hashed, never buffered whole in memory.
    app.addContentTypeParser(['application/octet-stream', 'text/csv', XLSX], (_req, payload, done) =>
      done(null, payload),
    );

    app.get('/household-imports/template', {
      config: { permission: 'households:write' },
      schema: { tags, summary: '下载建档立卡户导入模板（XLSX）', produces: [XLSX] },
      handler: async (req, reply) => {
        const actor = requireActor(req);
        const body = await templateWorkbook(
          actor.regionCode && actor.regionCode.length === 12 ? actor.regionCode : '411321106200',
        );
        return reply
          .header('content-type', XLSX)
          .header('content-disposition', attachment('建档立卡户导入模板.xlsx'))
          .send(body);
      },
    });
    app.post('/household-imports', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '导入建档立卡户（XLSX 或 CSV 原始文件；同一文件只导入一次）',
        querystring: z.object({ fileName: z.string().trim().min(1).max(200) }),
        response: { 200: HouseholdImport, 202: HouseholdImport, ...problemReplies },
      },
      handler: async (req, reply) => {
        if (!req.body || typeof (req.body as Readable).pipe !== 'function') {
          throw new Problem(415, 'unsupported_media_type', '请以 application/octet-stream 上传文件本身');
        }
        const r = await service.receive(requireActor(req), req.query.fileName, req.body as Readable);
        return reply.code(r.created ? 202 : 200).send(r.import);
      },
    });
    app.post('/household-imports/:id/mapping', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '确认导入文件各列与花名册字段的对应关系，并开始导入',
        params: z.object({ id: z.string().uuid() }),
        body: ConfirmImportMapping,
        response: { 202: HouseholdImport, ...problemReplies },
      },
      handler: async (req, reply) =>
        reply.code(202).send(await service.confirmMapping(requireActor(req), req.params.id, req.body)),
    });
    app.get('/household-imports/headings', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '本县记住的导入列名（文件表头与花名册字段的对应）',
        querystring: z.strictObject({ ...pageQuery }),
        response: { 200: page(RememberedHeading), ...problemReplies },
      },
      handler: (req) => service.rememberedHeadings(requireActor(req), req.query),
    });
    app.post('/household-imports/headings/forget', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '忘记本县记住的一个导入列名',
        body: z.strictObject({ heading: z.string().trim().min(1).max(60) }).meta({ id: 'ForgetImportHeading' }),
        response: noContent,
      },
      handler: async (req, reply) => {
        await service.forgetHeading(requireActor(req), req.body.heading);
        return reply.code(204).send();
      },
    });
    app.get('/household-imports', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '导入记录（最新在前）',
        querystring: z.strictObject({ ...pageQuery }),
        response: { 200: page(HouseholdImport), ...problemReplies },
      },
      handler: (req) => service.list(requireActor(req), req.query),
    });
    app.get('/household-imports/:id', {
      config: { permission: 'households:write' },
      schema: {
        tags,
        summary: '导入进度与结果',
        params: z.object({ id: z.string().uuid() }),
        response: { 200: HouseholdImport, ...problemReplies },
      },
      handler: (req) => service.get(requireActor(req), req.params.id),
    });
  };
}
