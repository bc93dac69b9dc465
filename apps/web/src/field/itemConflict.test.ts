import { describe, expect, it } from 'vitest';
import { zhCN } from '../i18n/zh-CN';
import { type ItemEditValues, editOf, fieldValueText, fieldsToAsk, resolveEdit } from './itemConflict';

const loaded: ItemEditValues = { dueOn: '2026-12-20', responsibleGroupId: 'g-infra', responsibleMemberIds: ['m-1'] };

describe('an item edited offline that the server changed meanwhile: each field either side changed is chosen', () => {
  it('an edit keeps only the fields it changed, each with the value it was based on', () => {
    expect(editOf(loaded, { ...loaded, dueOn: '2026-12-31', responsibleMemberIds: ['m-1'] })).toEqual({
      base: { dueOn: '2026-12-20' },
      changes: { dueOn: '2026-12-31' },
    });
    // The same people in another order are no change.
    expect(
      editOf({ ...loaded, responsibleMemberIds: ['m-1', 'm-2'] }, { ...loaded, responsibleMemberIds: ['m-2', 'm-1'] }),
    ).toEqual({ base: {}, changes: {} });
  });

  it('asks only about a field both sides changed to different values; a field the server left alone is not asked', () => {
    const edit = editOf(loaded, { dueOn: '2026-12-31', responsibleGroupId: 'g-order', responsibleMemberIds: ['m-1'] });
    // The server moved the due date elsewhere and changed the people (which this edit did not touch).
    const server = { dueOn: '2027-01-15', responsibleGroupId: 'g-infra', responsibleMemberIds: ['m-2'] };
    expect(fieldsToAsk(edit.base, edit.changes, server)).toEqual(['dueOn']);
    // The server set the due date to the same day as this edit: nothing to ask.
    expect(fieldsToAsk(edit.base, edit.changes, { ...server, dueOn: '2026-12-31' })).toEqual([]);
    // The people as a set: the server's reordering is no change.
    const people = editOf(loaded, { ...loaded, responsibleMemberIds: ['m-1', 'm-3'] });
    expect(fieldsToAsk(people.base, people.changes, { ...loaded, responsibleMemberIds: ['m-3', 'm-1'] })).toEqual([]);
    expect(fieldsToAsk(people.base, people.changes, { ...loaded, responsibleMemberIds: ['m-1', 'm-4'] })).toEqual([
      'responsibleMemberIds',
    ]);
  });

  it('sends the chosen values at the server’s version, and only those that differ from the server’s', () => {
    const edit = editOf(loaded, { dueOn: '2026-12-31', responsibleGroupId: 'g-order', responsibleMemberIds: ['m-1'] });
    const server = { version: 7, values: { ...loaded, dueOn: '2027-01-15' } };
    // The device's due date kept; the group, which the server did not change, goes as edited.
    expect(resolveEdit(edit, server, { dueOn: 'mine' })).toEqual({
      kind: 'send',
      version: 7,
      base: { dueOn: '2027-01-15', responsibleGroupId: 'g-infra' },
      changes: { dueOn: '2026-12-31', responsibleGroupId: 'g-order' },
    });
    // The server's due date taken: only the group is sent, based on the server's value.
    expect(resolveEdit(edit, server, { dueOn: 'server' })).toEqual({
      kind: 'send',
      version: 7,
      base: { responsibleGroupId: 'g-infra' },
      changes: { responsibleGroupId: 'g-order' },
    });
  });

  it('everything chosen is the server’s: nothing is sent', () => {
    const edit = editOf(loaded, { ...loaded, dueOn: '2026-12-31' });
    expect(resolveEdit(edit, { version: 3, values: { ...loaded, dueOn: '2027-01-15' } }, { dueOn: 'server' })).toEqual({
      kind: 'nothing',
    });
    // The server already holds this edit's values (its first send went through, the reply was lost): nothing to send.
    expect(resolveEdit(edit, { version: 3, values: { ...loaded, dueOn: '2026-12-31' } }, {})).toEqual({
      kind: 'nothing',
    });
  });

  it('a field asked about and not chosen is never decided for the secretary', () => {
    const edit = editOf(loaded, { ...loaded, dueOn: '2026-12-31' });
    expect(() => resolveEdit(edit, { version: 3, values: { ...loaded, dueOn: '2027-01-15' } }, {})).toThrow(/dueOn/);
  });

  it('the conflict screen names each value: a date, a party group, people; never an id, even one it cannot name', () => {
    const t = (key: string) => (zhCN.offlineEdit as Record<string, string>)[key.replace('offlineEdit.', '')] ?? key;
    const names = { 'g-infra': '基础建设党小组', 'm-1': '杨婧', 'm-2': '张永超' };
    expect(fieldValueText(t, 'dueOn', '2026-12-31', names)).toBe('2026-12-31');
    expect(fieldValueText(t, 'dueOn', null, names)).toBe('未定');
    expect(fieldValueText(t, 'responsibleGroupId', 'g-infra', names)).toBe('基础建设党小组');
    expect(fieldValueText(t, 'responsibleGroupId', null, names)).toBe('未定');
    expect(fieldValueText(t, 'responsibleMemberIds', ['m-1', 'm-2'], names)).toBe('杨婧、张永超');
    expect(fieldValueText(t, 'responsibleMemberIds', [], names)).toBe('无');
    expect(fieldValueText(t, 'responsibleMemberIds', ['m-1', 'm-9'], names)).toBe('杨婧、（名称未知）');
  });
});
