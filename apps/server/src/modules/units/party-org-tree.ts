/**
 * The formal Party organizations as a tree (DOMAIN §3): the county committee at the root; the organization department,
 * the township committees and the county departments' committees under it; under a township committee its villages'
 * branches and the branches of the township's own offices; and the branch of a township station of a county system
 * (the police station, the power station, the health centre, the school…) under that system's county committee,
 * which leads it, not under the township where it sits.
 */
export interface PartyOrgNode {
  id: string;
  name: string;
  kind: string;
  region_code: string;
  /** The name and place of the unit the organization belongs to, for a unit's branch. */
  unit_name: string | null;
  unit_region_code: string | null;
}

/** A township station, by a word of its name, and a word of the county department whose committee leads it. */
const SYSTEMS: [string, string][] = [
  ['派出所', '公安'],
  ['供电', '供电'],
  ['司法所', '司法'],
  ['水利', '水利'],
  ['林业', '林业'],
  ['卫生院', '卫生健康'],
  ['学校', '教育'],
  ['农业服务', '农业农村'],
];

/** Each organization's superior in the tree, or null for a county committee (or one with no committee above it). */
export function superiors(nodes: PartyOrgNode[]): Map<string, string | null> {
  const countyCommittee = new Map<string, string>();
  const townshipCommittee = new Map<string, string>();
  for (const n of nodes) {
    if (n.kind === 'county_committee') countyCommittee.set(n.region_code.slice(0, 6), n.id);
    if (n.kind === 'township_committee') townshipCommittee.set(n.region_code.slice(0, 9), n.id);
  }
  // The committees of the county departments: the branches of units seated at the county.
  const countyDepartments = nodes.filter(
    (n) => n.kind === 'unit_branch' && (n.unit_region_code ?? n.region_code).length === 6,
  );
  const out = new Map<string, string | null>();
  for (const n of nodes) {
    const county = n.region_code.slice(0, 6);
    const countyRoot = countyCommittee.get(county) ?? null;
    const place = n.unit_region_code ?? n.region_code;
    let parent: string | null;
    if (n.kind === 'county_committee') parent = null;
    else if (n.kind === 'township_committee' || n.kind === 'organization_department' || place.length <= 6)
      parent = countyRoot;
    else {
      const system =
        n.kind === 'unit_branch' ? SYSTEMS.find(([station]) => (n.unit_name ?? n.name).includes(station)) : undefined;
      const department = system
        ? countyDepartments.find(
            (d) => d.region_code.slice(0, 6) === county && (d.unit_name ?? d.name).includes(system[1]),
          )
        : undefined;
      parent = department?.id ?? townshipCommittee.get(place.slice(0, 9)) ?? countyRoot;
    }
    out.set(n.id, parent === n.id ? null : parent);
  }
  return out;
}

/** Materialized paths (`/root/…/id/`) from the superiors: the subtree of an organization is `path like its path%`. */
export function paths(parents: Map<string, string | null>): Map<string, string> {
  const out = new Map<string, string>();
  const pathOf = (id: string, seen: Set<string>): string => {
    const known = out.get(id);
    if (known) return known;
    const parent = parents.get(id) ?? null;
    const p = parent && !seen.has(parent) ? `${pathOf(parent, new Set([...seen, id]))}${id}/` : `/${id}/`;
    out.set(id, p);
    return p;
  };
  for (const id of parents.keys()) pathOf(id, new Set([id]));
  return out;
}
