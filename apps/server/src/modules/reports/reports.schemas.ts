import { REPORT_CATEGORIES, REPORT_DISMISSAL_KINDS, REPORT_SOURCES } from '@lianjian/shared';
import { z } from 'zod';
import { pageQuery } from '../../lib/paging.ts';
import { PhotoUpload } from '../../lib/photos.ts';
import { id, page, regionCode, text } from '../../lib/schemas.ts';

export const ReportCategory = z.enum(REPORT_CATEGORIES).meta({ id: 'ReportCategory' });
const phone = z
  .string()
  .trim()
  .regex(/^1[3-9]\d{9}$/, '手机号码格式不正确');

export const ReportDismissalKind = z.enum(REPORT_DISMISSAL_KINDS).meta({ id: 'ReportDismissalKind' });

export const Report = z
  .object({
    id: z.string(),
    source: z.enum(REPORT_SOURCES),
    regionCode: z.string(),
    regionName: z.string(),
    orgId: z.string().nullable(),
    orgName: z.string().nullable(),
    category: ReportCategory,
    description: z.string(),
    reporterName: z.string().nullable(),
    phone: z.string().nullable().describe('Masked: 138****1234'),
    status: z.enum(['new', 'listed', 'dismissed']),
    itemId: z.string().nullable(),
    photoIds: z.array(z.string()),
    dismissal: z
      .object({ kind: ReportDismissalKind, reason: z.string(), at: z.string(), by: z.string().nullable() })
      .nullable()
      .describe('Why the report was not taken up; null unless dismissed'),
    reportedAt: z.string(),
    version: z.number().int(),
    abilities: z.object({
      dismiss: z.boolean().describe('Not take it up, with a reason the resident reads (only while new, on no list)'),
      unmaskPhone: z.boolean().describe('See the full phone to call back (audited, with a reason)'),
    }),
  })
  .meta({ id: 'Report' });

export const DismissReport = z
  .strictObject({
    kind: ReportDismissalKind,
    reason: text(500).describe('Shown to the resident on the tracking page'),
  })
  .meta({ id: 'DismissReport' });

export const UnmaskReportPhone = z.strictObject({ reason: text(200) }).meta({ id: 'UnmaskReportPhone' });

export const ReportPhone = z
  .object({ phone: z.string().describe('The full phone, to call the resident back') })
  .meta({ id: 'ReportPhone' });

export const ReportListQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(['new', 'listed', 'dismissed']).optional(),
  category: ReportCategory.optional(),
  source: z.enum(REPORT_SOURCES).optional(),
  orgId: id.optional(),
  regionCode: regionCode.optional(),
  q: z.string().trim().max(50).optional(),
});

export const ReportList = page(Report).meta({ id: 'ReportList' });

export const CreateReport = z
  .strictObject({
    source: z.enum(['visit', 'hotline', 'meeting']),
    regionCode,
    category: ReportCategory,
    description: text(2000),
    reporterName: text(50).optional(),
    phone: phone.optional(),
    photos: z.array(PhotoUpload).max(3).default([]),
    trackingCode: z
      .string()
      .max(20)
      .optional()
      .describe('A code this account reserved (POST /reports/tracking-codes), already handed to the resident offline'),
    reportedAt: z.iso
      .datetime({ offset: true, message: '请填写登记时间' })
      .optional()
      .describe(
        'When the report was made on the device (entered offline): only with a reserved trackingCode, not in the future, not before the code was reserved',
      ),
  })
  .meta({ id: 'CreateReport' });

export const ReserveTrackingCodes = z
  .strictObject({ count: z.number().int().min(1).max(10).default(5) })
  .meta({ id: 'ReserveTrackingCodes' });

export const ReservedTrackingCodes = z
  .object({
    codes: z.array(z.object({ trackingCode: z.string(), expiresAt: z.string() })),
  })
  .meta({ id: 'ReservedTrackingCodes' });

export const PublicCreateReport = z
  .strictObject({
    regionCode,
    category: ReportCategory,
    description: text(2000),
    phone: phone.optional(),
    photos: z.array(PhotoUpload).max(3).default([]).describe('Up to 3 photos (JPEG, PNG or WebP, 2 MB each), base64'),
  })
  .meta({ id: 'PublicCreateReport' });

export const ReportReceipt = z
  .object({
    trackingCode: z.string().describe('Shown to the resident once; the server keeps only its hash'),
    reportedAt: z.string(),
    orgName: z.string().nullable(),
  })
  .meta({ id: 'ReportReceipt' });

export const PublicReportView = z
  .object({
    category: ReportCategory,
    regionName: z.string(),
    description: z.string(),
    reportedAt: z.string(),
    orgName: z.string().nullable(),
    stage: z.enum(['received', 'listed', 'in_progress', 'awaiting_confirmation', 'closed', 'dismissed']),
    item: z
      .object({
        no: z.number().int(),
        listTitle: z.string(),
        dueOn: z.string().nullable(),
        closedAt: z.string().nullable(),
        residentConfirmedAt: z.string().nullable(),
        reopenedCount: z.number().int(),
        reopenUntil: z.string().nullable().describe('For a closed item: the last day the resident may reopen it'),
        rating: z.object({ stars: z.number().int(), comment: z.string().nullable(), at: z.string() }).nullable(),
      })
      .nullable(),
    events: z.array(z.object({ at: z.string(), text: z.string() })),
    dismissal: z
      .object({ kind: ReportDismissalKind, reason: z.string(), at: z.string() })
      .nullable()
      .describe('Why the report was not taken up, as the staff wrote it; null unless dismissed'),
    photoIds: z.array(z.string()).describe('The resident’s own photos'),
    canGiveFeedback: z.boolean().describe('Confirm or reopen: awaiting confirmation, or closed and within the window'),
    canRate: z.boolean().describe('A closed item can be rated'),
    phoneProof: z
      .object({
        phone: z
          .string()
          .nullable()
          .describe('The phone on file, masked; null: none, the resident is called back instead'),
      })
      .nullable()
      .describe('A report entered by staff: "solved" and a rating need the one-time code sent to this phone'),
    textMessages: z
      .enum(['none', 'on', 'declined'])
      .describe('Text messages about the report: no phone on file, sent, or declined by the resident'),
  })
  .meta({ id: 'PublicReportView' });

/** The one-time code sent to the phone on file of a staff-entered report. */
const PhoneCode = z
  .string()
  .regex(/^\d{6}$/, '请输入短信中的 6 位验证码')
  .describe('For a report entered by staff: the one-time code sent to the phone on file');

export const PhoneCodeSent = z
  .object({ sentTo: z.string().describe('The phone, masked'), expiresAt: z.string() })
  .meta({ id: 'PhoneCodeSent' });

export const PublicRating = z
  .strictObject({
    stars: z.number().int().min(1, '请选择 1–5 星').max(5, '请选择 1–5 星'),
    comment: text(500).optional(),
    phoneCode: PhoneCode.optional(),
  })
  .meta({ id: 'PublicRating' });

export const PublicFeedback = z
  .strictObject({ solved: z.boolean(), reason: text(500).optional(), phoneCode: PhoneCode.optional() })
  .refine((f) => f.solved || f.reason, { message: '请说明没有解决的情况', path: ['reason'] })
  .meta({ id: 'PublicFeedback' });
