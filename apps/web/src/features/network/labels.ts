/**
 * Short labels for the link network: the graph of a township names dozens of organizations that all begin with the
 * township's name and end with 临时党支部; said in full they cover each other. The label keeps what tells them apart
 * (西庄村服务, 供电所); the tooltip keeps the full name.
 */
const PLACE_PREFIX = /^[\u4e00-\u9fa5]{1,8}?(?:镇|乡|街道)(?=[\u4e00-\u9fa5]{2,})/;
const ORG_SUFFIX = /(?:临时党总支|临时党支部|临时党委|临时党小组|临时党组织|党总支|党支部|党小组)$/;

export function shortLabel(name: string, kind: 'org' | 'unit' | 'member'): string {
  if (kind === 'member') return name;
  const withoutPlace = name.replace(PLACE_PREFIX, '');
  const core = kind === 'org' ? withoutPlace.replace(ORG_SUFFIX, '') : withoutPlace;
  // A name that is only the place and the kind (乔端镇临时党总支) keeps its place: it is the township's own.
  const label = core.length >= 2 ? core : kind === 'org' ? name.replace(ORG_SUFFIX, '') || name : name;
  return label.length > 10 ? `${label.slice(0, 9)}…` : label;
}
