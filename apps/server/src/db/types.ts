import type { Insertable, Selectable, Updateable } from 'kysely';

/**
 * Portable storage conventions (the same migrations run on SQLite and PostgreSQL):
 * ids are text (UUIDs), instants are ISO-8601 UTC text, calendar dates are `YYYY-MM-DD` text in
 * Asia/Shanghai, booleans are 0/1 integers and JSON is text. Text comparison orders all of them correctly.
 */
export interface RegionTable {
  code: string;
  name: string;
  level: 'county' | 'township' | 'village';
  kind: string;
  parent_code: string | null;
  name_initials: string;
}

export interface PartyOrgTable {
  id: string;
  name: string;
  kind: string;
  region_code: string;
  unit_id: string | null;
}

export interface UnitTable {
  id: string;
  name: string;
  type: string;
  region_code: string;
  name_initials: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface MemberTable {
  id: string;
  name: string;
  name_initials: string;
  name_pinyin: string;
  gender: 'male' | 'female';
  party_status: 'full' | 'probationary' | 'none';
  home_party_org_id: string | null;
  unit_id: string;
  region_code: string;
  title: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface MemberSkillTable {
  member_id: string;
  skill: string;
}

export interface TemporaryOrgTable {
  id: string;
  name: string;
  name_initials: string;
  level: 'committee' | 'general_branch' | 'branch' | 'group';
  kind: 'regular' | 'special';
  parent_id: string | null;
  /** Materialized path of ids, `/root/child/self/`: scope checks are one LIKE. */
  path: string;
  mode: string;
  anchor_type: string;
  anchor_name: string;
  mission: string;
  region_code: string;
  approving_party_org_id: string | null;
  approving_org_id: string | null;
  approved_on: string | null;
  approval_doc_no: string | null;
  established_on: string;
  planned_end_on: string | null;
  dissolved_on: string | null;
  status: 'proposed' | 'active' | 'rectification' | 'dissolved';
  version: number;
  created_at: string;
  updated_at: string;
}

export interface OrgRegionTable {
  org_id: string;
  region_code: string;
}

export interface OrgUnitTable {
  org_id: string;
  unit_id: string;
  linked_on: string;
  purpose: string | null;
}

export interface MembershipTable {
  id: string;
  org_id: string;
  member_id: string;
  role: 'secretary' | 'deputy_secretary' | 'committee_member' | 'group_leader' | 'member';
  start_on: string;
  end_on: string | null;
  end_reason: string | null;
  link_reason: string;
  designated_by_party_org_id: string | null;
  designated_by_org_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: string;
  username: string;
  password_hash: string;
  display_name: string;
  role: string;
  scope_region_code: string | null;
  scope_org_id: string | null;
  acting_party_org_id: string | null;
  member_id: string | null;
  active: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface AuditEventTable {
  /** Gapless: the next value is audit_head.count + 1, taken under the head row's lock. */
  seq: number;
  id: string;
  at: string;
  user_id: string | null;
  request_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  last_hash: string;
  count: number;
}

export interface IdempotencyKeyTable {
  /** The user id, or `public` for calls without an account. */
  scope: string;
  key: string;
  request_hash: string;
  /** 0 while the first request is still running; then its HTTP status. */
  status: number;
  content_type: string | null;
  body: string | null;
  created_at: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  regions: RegionTable;
  party_orgs: PartyOrgTable;
  units: UnitTable;
  members: MemberTable;
  member_skills: MemberSkillTable;
  temporary_orgs: TemporaryOrgTable;
  org_regions: OrgRegionTable;
  org_units: OrgUnitTable;
  memberships: MembershipTable;
  users: UserTable;
  sessions: SessionTable;
  audit_events: AuditEventTable;
  audit_head: AuditHeadTable;
  idempotency_keys: IdempotencyKeyTable;
  meta: MetaTable;
}

export type TemporaryOrgRow = Selectable<TemporaryOrgTable>;
export type MembershipRow = Selectable<MembershipTable>;
export type MemberRow = Selectable<MemberTable>;
export type UnitRow = Selectable<UnitTable>;
export type UserRow = Selectable<UserTable>;
export type NewTemporaryOrg = Insertable<TemporaryOrgTable>;
export type NewMembership = Insertable<MembershipTable>;
export type MembershipUpdate = Updateable<MembershipTable>;
