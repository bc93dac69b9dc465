import { type PovertyCause, todayInShanghai } from '@lianjian/shared';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { nowIso } from '../../lib/ids.ts';
import { maskIdNumber } from '../../lib/identity.ts';
import { maskPhone } from '../../lib/mask.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import type { CoverageRule } from './coverage.repository.ts';
import { rulesForGap } from './coverage.service.ts';
import { ATTRIBUTE_LABEL, LABOUR_LABEL, STATUS_ZH, registerWorkbookStream } from './households.export.ts';
import type { SealedRegisterFilter } from './households.schemas.ts';
import { CAUSE_LABEL } from './import.layout.ts';
import {
  countHouseholds,
  exportFigures,
  exportPeople,
  householdPage,
  registerSortValue,
} from './register.repository.ts';
import type { Cursor } from '../../lib/paging.ts';

/** Households read per page of the export. */
const PAGE = 1000;

/**
 * The register as a workbook (the personal-data export's `households` kind): households, then their people (masked),
 * streamed in keyset pages so that memory does not grow with the county.
 */
export class RegisterExportService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly cipher: DataCipher,
  ) {}

  /**
   * The register for export, streamed in keyset pages: households first, then their people (masked).
   * The export itself is audited with its filter (already sealed by the export's link) and size.
   */
  async exportRegister(actor: Actor, q: SealedRegisterFilter, stamp?: string) {
    const today = todayInShanghai();
    const rules = await rulesForGap(this.db, actor, q.gap);
    const total = await countHouseholds(this.db, actor, q, today, rules);
    await this.db.transaction().execute((tx) =>
      this.audit.record(tx, actor, {
        action: 'household.export',
        entityType: 'household',
        entityId: actor.regionCode ?? actor.orgId ?? 'register',
        after: { filter: q, households: total },
      }),
    );
    const title = `建档立卡户花名册（导出：${actor.displayName}，${nowIso().slice(0, 10)}，共 ${total} 户）`;
    const sheets = {
      households: this.householdRows(actor, q, today, rules),
      people: this.peopleRows(actor, q, today, rules),
    };
    return { title, stream: await registerWorkbookStream(title, sheets, stamp) };
  }

  /** The filtered households in the order the register shows them, page after page, each read again for each sheet. */
  private async *pages(actor: Actor, q: SealedRegisterFilter, today: string, rules: CoverageRule[]) {
    const order = { sort: q.sort ?? 'name', dir: q.dir ?? 'asc' } as const;
    let after: Cursor | null = null;
    for (;;) {
      const rows = await householdPage(this.db, actor, q, today, rules, after, PAGE, order);
      if (!rows.length) return;
      yield rows;
      const last = rows[rows.length - 1] as (typeof rows)[number];
      after = { v: registerSortValue(last, order.sort), id: last.id };
      if (rows.length < PAGE) return;
    }
  }

  /** The first sheet: one row per household, numbered. */
  private async *householdRows(actor: Actor, q: SealedRegisterFilter, today: string, rules: CoverageRule[]) {
    let n = 0;
    for await (const rows of this.pages(actor, q, today, rules)) {
      const figures = await exportFigures(
        this.db,
        rows.map((r) => r.id),
        today,
      );
      const by = new Map(figures.map((x) => [x.id, x]));
      for (const r of rows) {
        const x = by.get(r.id);
        n++;
        yield [
          n,
          r.township_name ?? '',
          r.region_name,
          r.head_name,
          r.address,
          ATTRIBUTE_LABEL[r.attribute as 'general'] ?? r.attribute,
          r.standard === 'provincial' ? '省定标准' : '国家标准',
          STATUS_ZH[r.status as 'registered'] ?? r.status,
          r.exit_year ?? '',
          CAUSE_LABEL[r.primary_cause as PovertyCause] ?? r.primary_cause,
          (JSON.parse(r.secondary_causes) as PovertyCause[]).map((c) => CAUSE_LABEL[c] ?? c).join('、'),
          Number(x?.size ?? 0),
          r.per_capita_income,
          r.danger_rating ? `${r.danger_rating}级` : '',
          r.water_safe === 1 ? '是' : '否',
          x?.primary_name ?? '',
          Number(x?.helpers ?? 0),
        ];
      }
    }
  }

  /** The second sheet: the people of each household, under its number, ID and phone numbers masked. */
  private async *peopleRows(actor: Actor, q: SealedRegisterFilter, today: string, rules: CoverageRule[]) {
    let n = 0;
    for await (const rows of this.pages(actor, q, today, rules)) {
      const persons = await exportPeople(
        this.db,
        rows.map((r) => r.id),
      );
      const by = new Map<string, typeof persons>();
      for (const p of persons) by.set(p.household_id, [...(by.get(p.household_id) ?? []), p]);
      for (const r of rows) {
        n++;
        for (const p of by.get(r.id) ?? []) {
          yield [
            n,
            r.head_name,
            r.region_name,
            p.name,
            p.relationship,
            p.gender === 'male' ? '男' : '女',
            p.birth_year,
            maskIdNumber(this.cipher.decrypt(p.id_number_enc)),
            p.phone_enc ? (maskPhone(this.cipher.decrypt(p.phone_enc)) ?? '') : '',
            LABOUR_LABEL[p.labour] ?? p.labour,
            p.in_school === 1 ? '是' : '否',
          ];
        }
      }
    }
  }
}
