import { type PovertyCause, todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import { type Db, type Executor, isUniqueViolation } from '../../db/index.ts';
import type { HouseholdPersonTable, HouseholdTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { maskIdNumber } from '../../lib/identity.ts';
import { maskNumbersInText, maskPhone } from '../../lib/mask.ts';
import { decodeCursor, invalidCursor, pageOf } from '../../lib/paging.ts';
import { nameInitials, namePinyin } from '../../lib/pinyin.ts';
import { Problem, conflict, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { factDay, notAfterToday } from '../../lib/step-dates.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { openApplicationOf } from '../exits/exits.repository.ts';
import {
  endAssignment,
  helperCandidate,
  helperOf,
  helpersInForce,
  helpersInForceOf,
  helpersOf,
  insertHelper,
} from './assistance.repository.ts';
import { rulesForGap } from './coverage.service.ts';
import * as policy from './households.policy.ts';
import {
  DUPLICATE_ATTEMPTS_PER_DAY,
  duplicateAttemptsOfDay,
  insertHousehold,
  peopleRegistered,
  regionByCode,
  registrationPaused,
  servedHousehold,
} from './households.repository.ts';
import type {
  AddHelper,
  BulkAddHelper,
  CreateHousehold,
  EndHelper,
  HouseholdListQuery,
  HouseholdSearch,
  SealedRegisterFilter,
} from './households.schemas.ts';
import {
  type RegisterFilter,
  countHouseholds,
  householdPage,
  householdRow,
  peopleOf,
  registerSortValue,
} from './register.repository.ts';
import { RegisterExportService } from './register-export.service.ts';

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
    head_pinyin: namePinyin(head.name),
    address: input.address,
    attribute: input.attribute,
    standard: input.standard,
    status: 'registered',
    exit_year: null,
    exited_on: null,
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

/**
 * A register filter as it may be kept in an export's link or the audit trail: an ID number replaced by its blind
 * index, which finds the same households and tells nothing without the key.
 */
export function sealRegisterFilter(
  cipher: DataCipher,
  q: SealedRegisterFilter & { idNumber?: string },
): SealedRegisterFilter {
  const { idNumber, ...rest } = q;
  // A number typed into the name box is kept masked too (the filter is stored with the export link and audited).
  const kept = rest.q ? { ...rest, q: maskNumbersInText(rest.q).text } : rest;
  return idNumber ? { ...kept, idNumberIndex: cipher.blindIndexes(idNumber) } : kept;
}

/**
 * The first of these people (by the blind indexes of each under every index key of the ring, in the order given)
 * already in the register, and whether the actor's scope reaches the household holding them. Every key: while a
 * rotation rewrites the indexes, a person is still indexed under the key before it.
 */
async function registeredAlready(tx: Executor, actor: Actor, indexes: string[][]) {
  const rows = await peopleRegistered(tx, actor, indexes.flat());
  const first = rows
    .map((r) => ({ ...r, position: indexes.findIndex((all) => all.includes(r.id_number_index)) }))
    .sort((a, b) => a.position - b.position)[0];
  return first
    ? {
        position: first.position,
        householdId: first.household_id,
        head: first.head_name,
        village: first.village,
        inScope: first.inScope,
      }
    : null;
}

/** The poverty register: households, their people (sensitive fields encrypted) and their helpers. */
export class HouseholdService {
  /** The register as a spreadsheet (register-export.service.ts), for the personal-data export. */
  readonly registerExport: RegisterExportService;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly cipher: DataCipher,
  ) {
    this.registerExport = new RegisterExportService(db, audit, cipher);
  }

  /** The filter as the register's queries take it: an ID number typed in, by its blind index. */
  private sealed<Q extends SealedRegisterFilter & { idNumber?: string | undefined; id?: string }>(
    q: Q,
  ): RegisterFilter {
    const idNumberIndex = q.idNumber ? this.cipher.blindIndexes(q.idNumber) : q.idNumberIndex;
    return { ...q, idNumberIndex };
  }

  /** The register, scoped, filtered; never a clear ID or phone number in a list. */
  async list(actor: Actor, q: z.infer<typeof HouseholdSearch>) {
    const today = todayInShanghai();
    const rules = await rulesForGap(this.db, actor, q.gap);
    const filter = this.sealed(q);
    const order = { sort: q.sort ?? 'name', dir: q.dir ?? 'asc' } as const;
    const cursor = decodeCursor(q.cursor);
    // A cursor carries the sort key of the order it was issued for: a number for the helper count, text otherwise.
    if (cursor && typeof cursor.v !== (order.sort === 'helpers' ? 'number' : 'string')) throw invalidCursor();
    // A jump to a page (the pager's page box) counts the rows before it; the next page follows the reply's cursor.
    if (q.page && q.cursor) {
      throw invalid('翻页方式只能二选一：页码或游标', [{ path: 'body.page', message: '带游标时不能同时指定页码' }]);
    }
    const skip = q.page ? (q.page - 1) * q.limit : 0;
    const list = await householdPage(this.db, actor, filter, today, rules, cursor, q.limit + 1, order, skip);
    const total = await countHouseholds(this.db, actor, filter, today, rules);
    const page = pageOf(list, q.limit, total, (r) => registerSortValue(r, order.sort));
    const helpers = new Map<string, { memberId: string; memberName: string; primary: boolean }[]>();
    if (q.helpers === 'true') {
      for (const h of await helpersInForceOf(
        this.db,
        page.items.map((r) => r.id),
        today,
      )) {
        const of = helpers.get(h.household_id) ?? [];
        of.push({ memberId: h.member_id, memberName: h.name, primary: h.is_primary === 1 });
        helpers.set(h.household_id, of);
      }
    }
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        regionCode: r.region_code,
        regionName: r.region_name,
        townshipCode: r.township_code,
        townshipName: r.township_name,
        headName: r.head_name,
        address: r.address,
        attribute: r.attribute,
        standard: r.standard,
        status: r.status,
        exitYear: r.exit_year,
        exitedOn: r.exited_on,
        primaryCause: r.primary_cause as PovertyCause,
        secondaryCauses: JSON.parse(r.secondary_causes) as PovertyCause[],
        size: Number(r.size),
        perCapitaIncome: r.per_capita_income,
        activeHelpers: Number(r.helpers),
        hasPrimaryHelper: Number(r.primaries) > 0,
        ...(q.helpers === 'true' ? { helpersInForce: helpers.get(r.id) ?? [] } : {}),
        version: r.version,
      })),
    };
  }

  /** A register filter as an export's link keeps it: the ID number by its blind index. */
  sealFilter(q: SealedRegisterFilter & { idNumber?: string }): SealedRegisterFilter {
    return sealRegisterFilter(this.cipher, q);
  }

  private async mustFind(actor: Actor, id: string, db: Executor = this.db) {
    const h = await householdRow(db, actor, id, todayInShanghai());
    if (!h) throw notFound('农户');
    return h;
  }

  /** One household: people masked unless `unmask` (a separate, audited permission). */
  async get(actor: Actor, id: string, unmask?: { reason: string }) {
    const summary = (await this.list(actor, { limit: 1, id } as z.infer<typeof HouseholdListQuery> & { id: string }))
      .items[0];
    if (!summary) throw notFound('农户');
    const [h, people, helpers, open] = await Promise.all([
      this.mustFind(actor, id),
      peopleOf(this.db, id),
      helpersOf(this.db, id),
      openApplicationOf(this.db, id),
    ]);
    if (unmask) {
      await this.db.transaction().execute((tx) =>
        this.audit.record(tx, actor, {
          action: 'household.unmask',
          entityType: 'household',
          entityId: id,
          after: { reason: unmask.reason, people: people.length },
        }),
      );
    }
    return {
      ...summary,
      income: {
        wages: h.income_wages,
        business: h.income_business,
        transfer: h.income_transfer,
        property: h.income_property,
      },
      housingArea: h.housing_area,
      dangerRating: h.danger_rating,
      waterSafe: h.water_safe === 1,
      relocatedTo: h.relocated_to,
      people: people.map((p) => {
        const idNumber = this.cipher.decrypt(p.id_number_enc);
        const phone = p.phone_enc ? this.cipher.decrypt(p.phone_enc) : null;
        return {
          id: p.id,
          name: p.name,
          relationship: p.relationship,
          gender: p.gender,
          birthYear: p.birth_year,
          inSchool: p.in_school === 1,
          labour: p.labour,
          idNumber: unmask ? idNumber : maskIdNumber(idNumber),
          phone: unmask ? phone : maskPhone(phone),
          health: unmask ? (this.cipher.decrypt(p.health_enc) as 'healthy') : null,
        };
      }),
      helpers: helpers.map((x) => ({
        id: x.id,
        memberId: x.member_id,
        memberName: x.name,
        unitName: x.unit_name,
        role: x.role as 'other',
        primary: x.is_primary === 1,
        reason: x.reason,
        startOn: x.start_on,
        endOn: x.end_on,
        endReason: x.end_reason,
        version: x.version,
      })),
      abilities: policy.abilities(actor, {
        status: h.status,
        served: Number(h.served) === 1,
        hasOpenApplication: Boolean(open),
      }),
    };
  }

  /**
   * Registers a household (建档立卡) with its people. One person, one registration: an ID number already registered
   * is refused. Within the caller's scope the refusal names the household; outside it, it says nothing of where, and
   * the attempt is audited with the number's blind index; an account that keeps trying numbers registered elsewhere
   * is paused (`registrationPaused`).
   */
  async create(actor: Actor, input: z.infer<typeof CreateHousehold>): Promise<string> {
    let outcome: { id: string } | { refused: Problem };
    try {
      outcome = await this.register(actor, input);
    } catch (err) {
      // Two registrations of one new person at the same moment both pass the check; the unique blind index lets one
      // in, and the other, asked again, now finds the person and gets the ordinary refusal.
      if (!isUniqueViolation(err)) throw err;
      outcome = await this.register(actor, input);
    }
    if ('refused' in outcome) throw outcome.refused;
    return outcome.id;
  }

  private register(
    actor: Actor,
    input: z.infer<typeof CreateHousehold>,
  ): Promise<{ id: string } | { refused: Problem }> {
    return this.db.transaction().execute(async (tx) => {
      const region = await regionByCode(tx, input.regionCode);
      const prefix = actor.regionCode;
      if (region?.level !== 'village' || prefix === null || !region.code.startsWith(prefix)) {
        throw invalid('请选择管辖范围内的村（社区）', [{ path: 'body.regionCode', message: input.regionCode }]);
      }
      if (!input.people.some((p) => p.relationship === '户主')) {
        throw invalid('须登记户主', [{ path: 'body.people', message: '户主' }]);
      }
      const everyIndex = input.people.map((p) => this.cipher.blindIndexes(p.idNumber));
      const indexes = everyIndex.map((all) => all[0] as string);
      const repeated = indexes.findIndex((x, i) => indexes.indexOf(x) !== i);
      if (repeated >= 0)
        throw invalid('同一身份证号重复', [{ path: `body.people.${repeated}.idNumber`, message: 'duplicate' }]);
      const taken = await registeredAlready(tx, actor, everyIndex);
      if (taken?.inScope) {
        throw new Problem(
          409,
          'person_already_registered',
          `第 ${taken.position + 1} 位家庭成员已登记在本辖区${taken.village}“${taken.head}”户`,
          [{ path: `body.people.${taken.position}.idNumber`, message: taken.householdId }],
        );
      }
      if (taken) {
        // Registered outside the caller's scope. Refusing it at all tells that the number is registered somewhere: one
        // person, one registration leaves no other way. So the refusal says nothing more (not where, not whom), it is
        // audited (the number only by its blind index) and committed with this transaction, which writes nothing else,
        // and the account's refusals of the day are counted after it.
        await this.audit.record(tx, actor, {
          action: 'household.duplicate_attempt',
          entityType: 'household',
          entityId: taken.householdId,
          after: { person: taken.position + 1, regionCode: region.code, idNumberIndex: indexes[taken.position] },
        });
        const paused = (await duplicateAttemptsOfDay(tx, actor)) > DUPLICATE_ATTEMPTS_PER_DAY;
        return {
          refused: paused
            ? registrationPaused()
            : new Problem(
                409,
                'person_not_registrable',
                `第 ${taken.position + 1} 位家庭成员不能在此登记，请联系县级管理员核实`,
                [{ path: `body.people.${taken.position}.idNumber`, message: 'not_registrable' }],
              ),
        };
      }
      const { household: row, people } = householdRows(this.cipher, input, region.code, nowIso(), indexes);
      await insertHousehold(tx, row, people);
      const size = people.length;
      // The audit trail records the household, never the clear ID numbers, phones or health details.
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'household.create',
        entityType: 'household',
        entityId: row.id,
        after: { ...row, people: size },
      });
      // A paused account's registrations are refused whether or not anyone is registered elsewhere, or the pause would
      // answer the very question it stops. Counted here, after the audit row, for the reason given at the count.
      if ((await duplicateAttemptsOfDay(tx, actor)) >= DUPLICATE_ATTEMPTS_PER_DAY) throw registrationPaused();
      return { id: row.id };
    });
  }

  /** Adds a helper; a further helper on top of the primary one is stacked assistance (叠加帮扶). */
  async addHelper(actor: Actor, householdId: string, input: z.infer<typeof AddHelper>) {
    return this.db.transaction().execute(async (tx) => {
      const id = await this.assignHelper(tx, actor, householdId, input);
      await recordReply(tx, actor.requestId, 201, { id });
      return id;
    });
  }

  /**
   * Gives one helper to several households at once (from the coverage-gaps view), by the rule of `addHelper` for each,
   * in one transaction: one refusal refuses the batch, naming the household, and nothing is written. Each household
   * gets its own audit row, as a single assignment writes it, so that its history reads the same either way; the
   * rows share the request's id.
   */
  async addHelperToMany(actor: Actor, input: z.infer<typeof BulkAddHelper>) {
    const { householdIds, ...assignment } = input;
    return this.db.transaction().execute(async (tx) => {
      // Households are locked in id order, so that two batches over the same households wait for each other instead
      // of each holding one the other needs.
      const order = householdIds.map((id, i) => ({ id, i })).sort((a, b) => (a.id < b.id ? -1 : 1));
      const ids: string[] = new Array(householdIds.length);
      for (const { id, i } of order) {
        try {
          ids[i] = await this.assignHelper(tx, actor, id, assignment);
        } catch (err) {
          if (!(err instanceof Problem)) throw err;
          throw new Problem(err.status, err.code, `所选第 ${i + 1} 户：${err.message}`, [
            { path: `body.householdIds.${i}`, message: id },
            ...(err.errors ?? []),
          ]);
        }
      }
      await recordReply(tx, actor.requestId, 201, { ids });
      return ids;
    });
  }

  /** One helper assignment within the caller's transaction, checked by the rules of the household and the helper. */
  private async assignHelper(tx: Executor, actor: Actor, householdId: string, input: z.infer<typeof AddHelper>) {
    // Served by the actor, whatever its status: exited households keep their helpers in the transition period (脱贫不脱帮扶).
    const h = await servedHousehold(tx, actor, householdId);
    // A helper the caller can see, or one whose unit sits above the household's village (a county bureau's police
    // officer, a township health centre's doctor): not a member of another township picked by id.
    const member = await helperCandidate(tx, actor, input.memberId, h.region_code);
    if (!member) throw notFound('帮扶人');
    factDay(input.startOn, 'body.startOn', '帮扶开始日期');
    const today = todayInShanghai();
    const current = await helpersInForce(tx, householdId, today);
    if (current.some((c) => c.member_id === input.memberId)) throw conflict('already_helper', '该党员已是本户帮扶人');
    if (input.primary && current.some((c) => c.is_primary === 1))
      throw conflict('primary_helper_exists', '本户已有主帮扶责任人，可增加叠加帮扶人');
    const row = {
      id: newId(),
      household_id: householdId,
      member_id: input.memberId,
      role: input.role,
      is_primary: input.primary ? 1 : 0,
      reason: input.reason,
      start_on: input.startOn,
      end_on: null,
      end_reason: null,
      version: 1,
      created_at: nowIso(),
    };
    await insertHelper(tx, row);
    await this.audit.record(tx, actor, {
      action: input.primary ? 'helper.assign' : 'helper.stack',
      entityType: 'household',
      entityId: householdId,
      after: row,
    });
    return row.id;
  }

  /** Ends a helper's assignment; the last primary helper of an assisted household cannot simply go. */
  async endHelper(actor: Actor, householdId: string, helperId: string, input: z.infer<typeof EndHelper>) {
    await this.db.transaction().execute(async (tx) => {
      const h = await servedHousehold(tx, actor, householdId);
      const helper = await helperOf(tx, householdId, helperId);
      if (!helper) throw notFound('帮扶记录');
      if (helper.end_on) throw conflict('helper_already_ended', '该帮扶记录已结束');
      notAfterToday(input.endOn, 'body.endOn', '帮扶结束日期');
      if (input.endOn <= helper.start_on)
        throw invalid('结束日期须晚于开始日期', [{ path: 'body.endOn', message: `> ${helper.start_on}` }]);
      if (helper.is_primary === 1 && (h.status === 'registered' || h.status === 'monitored')) {
        throw conflict('primary_helper_required', '未脱贫户和监测户须始终有主帮扶责任人：请先指定新的主帮扶责任人');
      }
      if (!(await endAssignment(tx, helperId, input.version, input.endOn, input.endReason))) throw versionConflict();
      await this.audit.record(tx, actor, {
        action: 'helper.end',
        entityType: 'household',
        entityId: householdId,
        before: helper,
        after: input,
      });
    });
  }
}
