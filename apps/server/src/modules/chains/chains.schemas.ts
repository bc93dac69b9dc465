import { z } from 'zod';
import { id, isoDate, regionCode, text } from '../../lib/schemas.ts';

export const CreateChain = z
  .strictObject({ orgId: id, name: text(100), product: text(100), stages: z.array(text(50)).min(2).max(12) })
  .meta({ id: 'CreateChain' });

export const Placement = z
  .strictObject({ kind: z.enum(['member', 'unit']), refId: id, role: text(50).optional() })
  .meta({ id: 'StagePlacement' });

const Blockage = z.object({
  id: z.string(),
  no: z.number().int(),
  problem: z.string(),
  status: z.string(),
  overdue: z.boolean(),
});

export const PARTICIPATION_KINDS = ['job', 'land_transfer', 'purchase_contract'] as const;

export const NewParticipation = z
  .strictObject({
    holder: text(50).describe('Head of the household'),
    regionCode,
    kind: z.enum(PARTICIPATION_KINDS),
    incomeYuan: z.number().int().min(0).max(10_000_000).describe('Yearly income it brings the household'),
    year: z.number().int().min(2000).max(2100),
    stageId: id.optional(),
  })
  .meta({ id: 'NewParticipation' });

export const Participation = z
  .object({
    id: z.string(),
    holder: z.string(),
    regionName: z.string(),
    kind: z.enum(PARTICIPATION_KINDS),
    incomeYuan: z.number().int(),
    year: z.number().int(),
    stageName: z.string().nullable(),
  })
  .meta({ id: 'Participation' });

const ParticipationSummary = z.object({
  households: z.number().int(),
  incomeYuan: z.number().int(),
  items: z.array(Participation),
});

export const Chain = z
  .object({
    id: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    name: z.string(),
    product: z.string(),
    stages: z.array(
      z.object({
        id: z.string(),
        seq: z.number().int(),
        name: z.string(),
        placements: z.array(
          z.object({
            kind: z.enum(['member', 'unit']),
            refId: z.string(),
            name: z.string(),
            role: z.string().nullable(),
          }),
        ),
        blockages: z.array(Blockage),
      }),
    ),
    participation: ParticipationSummary,
    createdAt: z.string(),
    abilities: z
      .object({ maintain: z.boolean().describe('May add stages, placements, participations and contracts') })
      .describe('What the caller may do, as the server would allow it'),
  })
  .meta({ id: 'Chain' });

export const CreateProject = z
  .strictObject({
    orgId: id,
    name: text(100),
    investmentYuan: z.number().int().min(0),
    areaMu: z.number().int().min(0),
    beneficiaries: z.number().int().min(0),
    description: text(2000),
  })
  .meta({ id: 'CreateProject' });

export const LandContract = z
  .strictObject({
    holder: text(50),
    regionCode,
    areaMu: z.number().int().min(1),
    signedOn: isoDate.optional(),
    status: z.enum(['negotiating', 'signed', 'disputed']),
  })
  .meta({ id: 'LandContractInput' });

export const Project = z
  .object({
    id: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    name: z.string(),
    investmentYuan: z.number().int(),
    areaMu: z.number().int(),
    beneficiaries: z.number().int(),
    description: z.string(),
    contracts: z.array(
      z.object({
        id: z.string(),
        holder: z.string(),
        regionName: z.string(),
        areaMu: z.number().int(),
        signedOn: z.string().nullable(),
        status: z.enum(['negotiating', 'signed', 'disputed']),
      }),
    ),
    signedAreaMu: z.number().int(),
    items: z.array(Blockage),
    participation: ParticipationSummary,
    createdAt: z.string(),
    abilities: z
      .object({ maintain: z.boolean().describe('May add stages, placements, participations and contracts') })
      .describe('What the caller may do, as the server would allow it'),
  })
  .meta({ id: 'Project' });
