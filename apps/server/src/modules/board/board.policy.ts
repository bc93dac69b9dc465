/**
 * What the village notice board (村务公开栏) shows anyone without an account (DOMAIN §6, §7): of a household, the
 * head's name and the proposed outcome only — never an ID number, a phone number, a bank account or a health detail.
 * The repository reads a household through these columns alone.
 */
export const PUBLIC_HOUSEHOLD_COLUMNS = ['h.head_name', 'h.head_initials'] as const;

/** The outcome a notice proposes, in the words the board prints. */
export const outcomeOf = (kind: 'exit' | 'monitoring', status: string) =>
  kind === 'exit' ? '拟退出贫困' : status === 'in_notice' ? '拟纳入防返贫监测' : '拟消除返贫风险';

/** The newest problem-list items of the village the board lists. */
export const ITEMS_ON_BOARD = 200;

export const HOW_TO_OBJECT =
  '对公示内容有异议的，请在公示期内向村“两委”、驻村工作队或乡镇党委反映，可实名也可匿名；异议经核实后重新核验。';
