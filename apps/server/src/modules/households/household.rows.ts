import type { z } from 'zod';
import type { HouseholdPersonTable, HouseholdTable } from '../../db/types.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import { nameInitials } from '../../lib/pinyin.ts';
import type { CreateHousehold } from './households.schemas.ts';

// Kept apart from the service (no database code) so that the import's preparing thread loads only this.
/** The rows of one newly registered household: sensitive fields encrypted, blind indexes for search. */
export function householdRows(
  cipher: DataCipher,
  input: Omit<z.infer<typeof CreateHousehold>, 'regionCode'>,
  regionCode: string,
  now: string,
  /** The people's ID numbers' blind indexes, in order, when already computed (the import computes them as it reads). */
  idIndexes?: readonly string[],
): { household: HouseholdTable; people: HouseholdPersonTable[] } {
  const size = input.people.length;
  const total = input.income.wages + input.income.business + input.income.transfer + input.income.property;
  const head = input.people.find((p) => p.relationship === '户主') as (typeof input.people)[number];
  const household: HouseholdTable = {
    id: newId(),
    region_code: regionCode,
    head_name: head.name,
    head_initials: nameInitials(head.name),
    address: input.address,
    attribute: input.attribute,
    standard: input.standard,
    status: 'registered',
    exit_year: null,
    primary_cause: input.primaryCause,
    secondary_causes: JSON.stringify(input.secondaryCauses),
    income_wages: input.income.wages,
    income_business: input.income.business,
    income_transfer: input.income.transfer,
    income_property: input.income.property,
    per_capita_income: Math.round(total / size),
    housing_area: input.housingArea ?? null,
    danger_rating: input.dangerRating ?? null,
    water_safe: input.waterSafe ? 1 : 0,
    relocated_to: input.relocatedTo ?? null,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  const people = input.people.map((p, i) => ({
    id: newId(),
    household_id: household.id,
    name: p.name,
    relationship: p.relationship,
    gender: p.gender,
    birth_year: Number(p.idNumber.slice(6, 10)),
    in_school: p.inSchool ? 1 : 0,
    labour: p.labour,
    health_enc: cipher.encrypt(p.health),
    id_number_enc: cipher.encrypt(p.idNumber),
    id_number_index: idIndexes?.[i] ?? cipher.blindIndex(p.idNumber),
    phone_enc: p.phone ? cipher.encrypt(p.phone) : null,
    phone_index: p.phone ? cipher.blindIndex(p.phone) : null,
    created_at: now,
  }));
  return { household, people };
}
