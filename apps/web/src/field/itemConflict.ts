/**
 * An item edited with no connection meets the server's item at sync (DOMAIN §8; the item's `version`): which fields
 * the secretary is asked about, and what is sent after her choice. Pure: no store, no network.
 */

/** The fields of an item that `PATCH /items/{id}` changes after its list was made. */
export const ITEM_EDIT_FIELDS = ['dueOn', 'responsibleGroupId', 'responsibleMemberIds'] as const;
export type ItemEditField = (typeof ITEM_EDIT_FIELDS)[number];
export interface ItemEditValues {
  dueOn: string | null;
  responsibleGroupId: string | null;
  responsibleMemberIds: string[];
}
/** Some of an item's fields: those an edit changed, with their values. */
export type ItemEditChange = Partial<ItemEditValues>;

/**
 * What the server's item answers for those fields. The due date an edit changes is the date staff set (`dueOnSet`),
 * not the item's deadline, which the working-day target also decides.
 */
export function itemEditValues(item: {
  dueOnSet: string | null;
  responsibleGroup: { id: string } | null;
  members: { memberId: string; role: string }[];
}): ItemEditValues {
  return {
    dueOn: item.dueOnSet,
    responsibleGroupId: item.responsibleGroup?.id ?? null,
    responsibleMemberIds: item.members.filter((m) => m.role === 'responsible').map((m) => m.memberId),
  };
}

/** The responsible people are a set: the same people in another order are the same value. */
export function sameValue<F extends ItemEditField>(field: F, a: ItemEditValues[F], b: ItemEditValues[F]): boolean {
  if (field === 'responsibleMemberIds') {
    const x = [...(a as string[])].sort();
    const y = [...(b as string[])].sort();
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return a === b;
}

const pick = <F extends ItemEditField>(into: ItemEditChange, field: F, value: ItemEditValues[F]) => {
  into[field] = value;
};

/** An edit as it is kept: the fields it changed, each with the value it was based on and the new one. */
export function editOf(base: ItemEditValues, next: ItemEditValues): { base: ItemEditChange; changes: ItemEditChange } {
  const before: ItemEditChange = {};
  const changes: ItemEditChange = {};
  for (const f of ITEM_EDIT_FIELDS) {
    if (sameValue(f, base[f], next[f])) continue;
    pick(before, f, base[f]);
    pick(changes, f, next[f]);
  }
  return { base: before, changes };
}

const fieldsOf = (c: ItemEditChange) => ITEM_EDIT_FIELDS.filter((f) => c[f] !== undefined);

/**
 * The fields the secretary is asked about: those she changed that the server changed too, to another value than
 * hers. A field the server left as it was takes her value; one the server set to her value needs nothing.
 */
export function fieldsToAsk(base: ItemEditChange, mine: ItemEditChange, server: ItemEditValues): ItemEditField[] {
  return fieldsOf(mine).filter(
    (f) =>
      !sameValue(f, server[f], base[f] as ItemEditValues[typeof f]) &&
      !sameValue(f, server[f], mine[f] as ItemEditValues[typeof f]),
  );
}

export type Choice = 'mine' | 'server';

/**
 * After the choice: the values to send, based on the server's item at its current version (only the fields that
 * differ from it), or nothing when every value chosen is already the server's. A field asked about and not chosen
 * is an error: nothing of the server's is replaced without a choice.
 */
export function resolveEdit(
  edit: { base: ItemEditChange; changes: ItemEditChange },
  server: { version: number; values: ItemEditValues },
  choices: Partial<Record<ItemEditField, Choice>>,
): { kind: 'nothing' } | { kind: 'send'; version: number; base: ItemEditChange; changes: ItemEditChange } {
  const asked = fieldsToAsk(edit.base, edit.changes, server.values);
  const missing = asked.filter((f) => !choices[f]);
  if (missing.length) throw new Error(`no choice for ${missing.join(', ')}`);
  const base: ItemEditChange = {};
  const changes: ItemEditChange = {};
  for (const f of fieldsOf(edit.changes)) {
    const chosen = asked.includes(f) && choices[f] === 'server' ? server.values[f] : edit.changes[f];
    if (chosen === undefined || sameValue(f, chosen, server.values[f])) continue;
    pick(base, f, server.values[f]);
    pick(changes, f, chosen);
  }
  if (!fieldsOf(changes).length) return { kind: 'nothing' };
  return { kind: 'send', version: server.version, base, changes };
}

/** A field's value in words: a date, a party group's name, the people's names; never an id. */
export function fieldValueText<F extends ItemEditField>(
  t: (key: string) => string,
  field: F,
  value: ItemEditValues[F] | undefined,
  names: Record<string, string>,
): string {
  const named = (id: string) => names[id] ?? t('offlineEdit.unknown');
  if (field === 'responsibleMemberIds') {
    const ids = (value ?? []) as string[];
    return ids.length ? ids.map(named).join('、') : t('offlineEdit.nobody');
  }
  if (!value) return t('offlineEdit.none');
  return field === 'responsibleGroupId' ? named(value as string) : (value as string);
}
