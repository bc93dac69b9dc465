import type { Insertable, Selectable, Updateable } from 'kysely';
import type {
  AnchorType,
  HelperRole,
  NoticeChannel,
  NoticePurpose,
  NoticeStatus,
  OrgMode,
  PauseReason,
  PartyOrgKind,
  RegionLevel,
  ReportDismissalKind,
  UnitType,
  UserRole,
} from '@lianjian/shared';

/**
 * Portable storage conventions (the same migrations run on SQLite and PostgreSQL):
 * ids are text (UUIDs), instants are ISO-8601 UTC text, calendar dates are `YYYY-MM-DD` text in
 * Asia/Shanghai, booleans are 0/1 integers and JSON is text. Text comparison orders all of them correctly.
 */
export interface RegionTable {
  code: string;
  name: string;
  level: RegionLevel;
  kind: string;
  parent_code: string | null;
  name_initials: string;
  /** `official` (division data) or `local` (a relocation community registered by the county). */
  source: 'official' | 'local';
}

export interface PartyOrgTable {
  id: string;
  name: string;
  kind: PartyOrgKind;
  region_code: string;
  unit_id: string | null;
  /** The superior in the tree of formal organizations (DOMAIN §3); null for a county committee. */
  parent_id?: string | null;
  /** `/root/…/id/`: the subtree of an organization is `path like its path%`. */
  path?: string | null;
}

export interface UnitTable {
  id: string;
  name: string;
  type: UnitType;
  region_code: string;
  name_initials: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A unit's responsibilities, in the skills' terms: the power station for electricity (link by need ranks by it). */
export interface UnitDutyTable {
  unit_id: string;
  skill: string;
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
  mode: OrgMode;
  anchor_type: AnchorType;
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
  /** How often a party group is expected to meet; null = monthly. */
  meeting_period_months?: number | null;
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
  role: UserRole;
  scope_region_code: string | null;
  scope_org_id: string | null;
  acting_party_org_id: string | null;
  member_id: string | null;
  active: number;
  /** Consecutive failed logins; reset by a successful one. */
  failed_logins?: number;
  /** Locked after too many failures, until this instant. */
  locked_until?: string | null;
  /** Set for a new account, a reset password or an expired one: nothing but the change is allowed. */
  must_change_password?: number;
  password_changed_at?: string | null;
  /** TOTP secret, encrypted with the data key. */
  totp_secret_enc?: string | null;
  totp_enabled?: number;
  /** The last accepted TOTP time step: a code works once. */
  totp_last_step?: number | null;
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
  /** Hash of the session's CSRF token, sent back in X-CSRF-Token on every state-changing request. */
  csrf_hash?: string | null;
}

export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

/** What the security administrator filed about an administrator account, until a second person decides it. */
export interface AccountRequestTable {
  id: string;
  kind: 'create' | 'change' | 'reset_password' | 'reset_totp';
  status: 'pending' | 'approved' | 'rejected' | 'cancelled';
  /** The account concerned; for a requested account, set when the approval creates it. */
  user_id: string | null;
  /** The account's version when filed: an account changed since is not changed by the request. */
  user_version: number | null;
  /** The username a request to open an account asks for (one pending request per username); null for the other kinds. */
  username: string | null;
  /** The region the request concerns: who may see and decide it. */
  region_code: string;
  payload_json: string;
  /** The requester's half of a one-time password, encrypted with the data key; cleared at the decision. */
  password_part_enc: string | null;
  reason: string;
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  version: number;
}

/** A personal-data export asked for with a reason; fetched by its owner only, until it expires. */
export interface ExportGrantTable {
  id: string;
  user_id: string;
  kind: string;
  params_json: string;
  reason: string;
  created_at: string;
  expires_at: string;
}

/** One county's overview on one day, kept for overviews wider than a county (the province's). */
export interface StatSnapshotTable {
  as_of: string;
  /** The county's region code. */
  scope_code: string;
  computed_at: string;
  /** JSON: the county's overview and the parts that merge exactly (histograms, numerators). */
  payload: string;
}

/** A day whose snapshots are complete for every county. */
export interface StatSnapshotDayTable {
  as_of: string;
  counties: number;
  computed_at: string;
  seconds: number;
}

/** Requests counted per route and client across every application server (fixed windows). */
export interface RateLimitWindowTable {
  key: string;
  window_start: number;
  hits: number;
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
  /** The client's own X-Request-Id, kept apart from the server's `request_id` (which a client never chooses). */
  client_request_id: string | null;
}

export interface AuditHeadTable {
  id: number;
  last_hash: string;
  count: number;
  /** Events up to this one are plain SHA-256 links from before the chain was keyed; the seal vouches for the number. */
  legacy_upto: number;
  /** HMAC of count, last hash and legacy_upto under the chain key; `pending` until the first start with the key. */
  seal: string | null;
}

export interface IdempotencyKeyTable {
  /** The user id; for calls without an account `anon:` and a keyed hash of the client's address. */
  scope: string;
  key: string;
  request_hash: string;
  /** 0 while the first request is still running; then its HTTP status. */
  status: number;
  content_type: string | null;
  /** The reply, encrypted with the data key (it may hold a tracking code). */
  body: string | null;
  created_at: string;
  /** The holding request's random token; only it may complete an open claim. */
  claimed_by: string | null;
}

export interface ReportTable {
  id: string;
  /** sha256 of the resident's tracking code; the code itself is never stored. */
  tracking_hash: string;
  source: 'resident' | 'visit' | 'hotline' | 'meeting';
  region_code: string;
  org_id: string | null;
  category: string;
  description: string;
  reporter_name: string | null;
  /**
   * The resident's phone, encrypted with the data key (its keyed hash is `phone_index`). The table still has the
   * clear `phone` column of earlier versions, left out here so that nothing writes it: the rows it held are sealed
   * into this one at start-up (db/seal.ts).
   */
  phone_enc: string | null;
  status: 'new' | 'listed' | 'dismissed';
  /** Set when the report was not taken up: why (the kind and the reason the resident reads), when and by whom. */
  dismissal_kind: ReportDismissalKind | null;
  dismissal_reason: string | null;
  dismissed_at: string | null;
  /** When the resident said no to text messages (by the tracking code). */
  sms_opted_out_at: string | null;
  /** The keyed hash of the phone (null without one; filled in at start for reports of earlier versions, db/seal.ts). */
  phone_index: string | null;
  dismissed_by: string | null;
  created_by: string | null;
  reported_at: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ProblemListTable {
  id: string;
  org_id: string;
  no: number;
  title: string;
  listed_on: string;
  created_by: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ItemTable {
  id: string;
  list_id: string;
  org_id: string;
  no: number;
  kind: 'problem' | 'dispute' | 'blockage';
  problem: string;
  category: string;
  region_code: string | null;
  responsible_group_id: string | null;
  measures: string | null;
  due_on: string | null;
  needed_skill: string | null;
  status: 'open' | 'in_progress' | 'awaiting_confirmation' | 'closed';
  reopened_count: number;
  submitted_by: string | null;
  closed_at: string | null;
  closed_by: string | null;
  close_evidence: string | null;
  resident_confirmed_at: string | null;
  /** The resident's rating (1–5) and comment, left with the tracking code once the item is closed. */
  resident_rating: number | null;
  resident_comment: string | null;
  resident_rated_at: string | null;
  /** How the resident's confirmation came: the reporter's code, a one-time code to the phone on file, or a call. */
  resident_confirm_channel: 'code' | 'phone' | 'call' | 'sms' | null;
  /** For a call: the staff account that recorded it (never one that entered the report or worked the item). */
  resident_confirm_recorded_by: string | null;
  resident_call_at: string | null;
  resident_words: string | null;
  escalated_to_org_id: string | null;
  escalated_at: string | null;
  escalation_reason: string | null;
  handed_over_to_org_id: string | null;
  /** A blockage (堵点) sits on a stage of an industry chain. */
  stage_id?: string | null;
  project_id?: string | null;
  /**
   * The day the item entered its list, from which its working-day clock counts: the list's date for an item made with
   * the list, the day it was added for one added later.
   */
  listed_on: string;
  /** Ledger order (`itemSortKey`): the list's date and number, then the item's number. */
  sort_key: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/** The one-time code last sent to a staff-entered report's phone, for the resident's confirmation. */
export interface ResidentPhoneCodeTable {
  report_id: string;
  code_hash: string;
  sent_at: string;
  expires_at: string;
  attempts: number;
  sent_today: number;
  sent_on: string;
  used_at: string | null;
}

/** Text messages waiting for the county's SMS platform, phone and text encrypted. */
export type { NoticeChannel, NoticePurpose, NoticeStatus };

/**
 * A notice leaving the system (a text message to a resident, a message to a branch's WeCom robot), written in the
 * transaction of the change that causes it and sent by the dispatcher (lib/notices.ts).
 */
export interface NoticeTable {
  id: string;
  channel: NoticeChannel;
  purpose: NoticePurpose;
  county_code: string | null;
  report_id: string | null;
  item_id: string | null;
  org_id: string | null;
  /** The phone, encrypted with the data key. */
  to_enc: string | null;
  /** Template parameters that are nobody's personal data, as JSON. */
  params: string;
  /** Template parameters that are (a tracking code, a one-time code): JSON encrypted with the data key. */
  secret_params_enc: string | null;
  status: NoticeStatus;
  not_before: string;
  next_attempt_at: string;
  expires_at: string;
  tries: number;
  claimed_until: string | null;
  sent_at: string | null;
  provider_ref: string | null;
  last_code: string | null;
  last_message: string | null;
  created_at: string;
  updated_at: string;
}

/** One try of a notice: when, what came of it, and the provider's own code and message. */
export interface NoticeAttemptTable {
  id: string;
  notice_id: string;
  at: string;
  result: 'sent' | 'retry' | 'failed';
  provider: string;
  provider_code: string | null;
  provider_message: string | null;
}

/** A phone whose resident said no to text messages, by its keyed hash: nothing more is sent to it. */
export interface SmsOptOutTable {
  phone_index: string;
  opted_out_at: string;
}

/** What a resident's text reply did, or why it did nothing. */
export type SmsReplyOutcome =
  | 'confirmed'
  | 'reopened'
  | 'opted_out'
  | 'unknown_phone'
  | 'nothing_open'
  | 'ambiguous'
  | 'not_understood'
  | 'refused';

/** A data key of the ring (lib/crypto.ts): wrapped by the master key, or null for a version 1 (derived from it). */
export interface DataKeyTable {
  purpose: 'field' | 'index' | 'audit' | 'signing';
  profile: 'standard' | 'gm';
  version: number;
  wrapped: string | null;
  state: 'incoming' | 'active' | 'retired';
  created_at: string;
  changed_at: string;
}

/** A key rotation or change of profile (ops/key-jobs.ts), resumable from its phase and progress. */
export interface KeyJobTable {
  id: string;
  kind: 'rotate' | 'switch';
  target_json: string;
  phase: 'announced' | 'rewriting' | 'done';
  progress_json: string;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** A resident's text reply pushed by the SMS provider, kept once by the provider's id of it. */
export interface SmsReplyTable {
  id: string;
  provider: 'aliyun' | 'gateway';
  provider_message_id: string;
  phone_index: string | null;
  phone_masked: string | null;
  content_enc: string;
  sent_at_given: string | null;
  received_at: string;
  outcome: SmsReplyOutcome;
  refusal_code: string | null;
  report_id: string | null;
  item_id: string | null;
  notice_id: string | null;
}

/** A county's SMS sign name and template codes (JSON: purpose → template code). */
export interface SmsSettingTable {
  county_code: string;
  sign_name: string;
  templates: string;
  updated_by: string;
  updated_at: string;
}

/** A branch's WeCom group robot: the webhook address (it holds the robot's key), encrypted with the data key. */
export interface WecomRobotTable {
  org_id: string;
  url_enc: string;
  updated_by: string;
  updated_at: string;
}

/** Someone who is not a Party member assisting with an item (name, unit, role, dates): counted, never a membership. */
export interface ItemParticipantTable {
  id: string;
  item_id: string;
  member_id: string | null;
  name: string;
  unit_id: string | null;
  unit_name: string;
  role: string;
  start_on: string;
  end_on: string | null;
  created_by: string | null;
  created_at: string;
  version: number;
}

/** A tracking code reserved by a staff account for a report entered offline; only its keyed hash is kept. */
export interface TrackingCodeReservationTable {
  tracking_hash: string;
  user_id: string;
  /** The reserving session (sessions.id, the token's hash): its sign-out releases the codes. */
  session_id: string;
  reserved_at: string;
  expires_at: string;
}

/** A signature on an act (lib/signatures.ts): its algorithm and key named, over the act's canonical content. */
export interface SignatureTable {
  id: string;
  /** The act signed: `exit.announced`, `org.dissolved`… (modules/signatures/acts.ts). */
  act: string;
  /** The record the act was done to; its facts are read back from there. */
  entity_id: string;
  /** The canonical JSON that was signed, kept to be read; verification recomputes it from the records. */
  content_json: string;
  alg: string;
  key_id: string;
  sig: string;
  signed_at: string;
}

export interface ItemReportTable {
  item_id: string;
  report_id: string;
}

export interface ItemMemberTable {
  item_id: string;
  member_id: string;
  /** `responsible` members were assigned; `linked` ones were pulled in by need for this item. */
  role: 'responsible' | 'linked';
  membership_id: string | null;
  added_on: string;
  reason: string | null;
}

export interface ItemUnitTable {
  item_id: string;
  unit_id: string;
}

export interface ItemEventTable {
  id: string;
  item_id: string;
  at: string;
  user_id: string | null;
  actor_label: string;
  kind: 'progress' | 'transition' | 'link' | 'escalation' | 'feedback' | 'handover' | 'edit';
  text: string;
  public: number;
  from_status: string | null;
  to_status: string | null;
}

/** A stop of an item's working-day clock while it waits on the resident or another unit (DOMAIN §9a). */
export interface ItemPauseTable {
  id: string;
  item_id: string;
  reason: PauseReason;
  note: string;
  started_on: string;
  started_at: string;
  started_by: string;
  ended_on: string | null;
  ended_at: string | null;
  ended_by: string | null;
}

/** A day of the official calendar, with the working days from the calendar's first day up to it (migration 0044). */
export interface CalendarDayTable {
  day: string;
  working: number;
  ordinal: number;
}

/** Which edition of the calendar data `calendar_days` holds (one row). */
export interface CalendarEditionTable {
  id: number;
  edition: string;
}

/** A chase (催办): the dated notice at half, all and one and a half of an item's target, to be acknowledged. */
export interface ItemChaseTable {
  id: string;
  item_id: string;
  step: number;
  /** Which target the share was of: the response or the resolution. */
  target: 'response' | 'resolution';
  used_days: number;
  target_days: number;
  receiver_kind: 'group_leader' | 'branch_secretary' | 'township' | 'approving_org';
  /**
   * The group leader or branch secretary (a member); for the township, its Party committee; past it, the Party
   * organization that approved the branch.
   */
  receiver_member_id: string | null;
  receiver_party_org_id: string | null;
  text: string;
  on_day: string;
  created_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

export interface NotificationTable {
  id: string;
  member_id: string;
  item_id: string;
  kind: 'assigned' | 'reopened' | 'escalated' | 'linked';
  text: string;
  created_at: string;
  read_at: string | null;
}

export interface DisputeTable {
  item_id: string;
  parties_json: string;
  claims: string;
  outcome: 'agreement' | 'failed' | 'referred_judicial' | 'referred_court' | null;
  outcome_note: string | null;
  outcome_on: string | null;
  follow_up_due_on: string | null;
  follow_up_on: string | null;
  follow_up_result: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface MediationSessionTable {
  id: string;
  item_id: string;
  held_on: string;
  place: string | null;
  notes: string;
  created_by: string | null;
  created_at: string;
}

export interface MediationMediatorTable {
  session_id: string;
  member_id: string;
}

export interface ChainTable {
  id: string;
  org_id: string;
  name: string;
  product: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ChainStageTable {
  id: string;
  chain_id: string;
  seq: number;
  name: string;
}

export interface StagePlacementTable {
  stage_id: string;
  kind: 'member' | 'unit';
  ref_id: string;
  role: string | null;
}

export interface ProjectTable {
  id: string;
  org_id: string;
  name: string;
  investment_yuan: number;
  area_mu: number;
  beneficiaries: number;
  description: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface LandContractTable {
  id: string;
  project_id: string;
  holder: string;
  region_code: string;
  area_mu: number;
  signed_on: string | null;
  status: 'negotiating' | 'signed' | 'disputed';
  created_at: string;
}

export interface PhotoTable {
  id: string;
  owner_type: 'report' | 'item_event' | 'activity' | 'visit';
  owner_id: string;
  mime: string;
  size: number;
  sha256: string;
  data: string;
  created_at: string;
}

export interface ParticipationTable {
  id: string;
  chain_id: string | null;
  stage_id: string | null;
  project_id: string | null;
  household_id: string | null;
  holder: string;
  region_code: string;
  kind: 'job' | 'land_transfer' | 'purchase_contract';
  /** The yearly income it brings the household, in yuan. */
  income_yuan: number;
  year: number;
  created_at: string;
}

export interface HouseholdTable {
  id: string;
  region_code: string;
  head_name: string;
  head_initials: string;
  /** The head's name in full pinyin (`baibinggang`), for search. */
  head_pinyin: string;
  address: string;
  attribute: 'general' | 'dibao' | 'tekun';
  standard: 'national' | 'provincial';
  status: 'registered' | 'exited' | 'monitored' | 'risk_eliminated' | 'returned';
  exit_year: number | null;
  /** The day the exit was announced; null when only the year is known (imported registers). */
  exited_on: string | null;
  primary_cause: string;
  secondary_causes: string;
  income_wages: number;
  income_business: number;
  income_transfer: number;
  income_property: number;
  per_capita_income: number;
  housing_area: number | null;
  danger_rating: 'C' | 'D' | null;
  water_safe: number;
  relocated_to: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface HouseholdPersonTable {
  id: string;
  household_id: string;
  name: string;
  relationship: string;
  gender: 'male' | 'female';
  birth_year: number;
  in_school: number;
  labour: 'normal' | 'skilled' | 'lost' | 'none';
  health_enc: string;
  id_number_enc: string;
  id_number_index: string;
  phone_enc: string | null;
  phone_index: string | null;
  created_at: string;
}

export interface HelperTable {
  id: string;
  household_id: string;
  member_id: string;
  role: HelperRole;
  is_primary: number;
  reason: string;
  start_on: string;
  end_on: string | null;
  end_reason: string | null;
  version: number;
  created_at: string;
}

export interface VisitTable {
  id: string;
  household_id: string;
  visited_on: string;
  checks_json: string;
  findings: string | null;
  measures_agreed: string | null;
  /** A problem found on the visit becomes a report for the branch's problem list. */
  report_id: string | null;
  /** `{ seriousIllness, disaster, rigidSpending }` found on the visit; null when none recorded. */
  risks_json: string | null;
  created_by: string | null;
  created_at: string;
}

export interface VisitHelperTable {
  visit_id: string;
  member_id: string;
}

export interface MeasureTable {
  id: string;
  household_id: string;
  category: string;
  unit_id: string | null;
  content: string;
  cost_yuan: number;
  start_on: string;
  end_on: string | null;
  acknowledged_on: string | null;
  version: number;
  created_at: string;
}

export interface SettingTable {
  county_code: string;
  year: number;
  key: string;
  value: string;
}

export interface ExitApplicationTable {
  id: string;
  household_id: string;
  source: 'household' | 'village';
  status: 'applied' | 'reviewed' | 'verified' | 'acknowledged' | 'in_notice' | 'announced' | 'rejected';
  applied_on: string;
  reviewed_on: string | null;
  verified_on: string | null;
  criteria_json: string | null;
  acknowledged_on: string | null;
  notice_start_on: string | null;
  notice_days: number | null;
  /** The day the notice appeared on the village board: its floor runs from here, whatever day the paper says. */
  notice_published_on: string | null;
  announced_on: string | null;
  rejected_on: string | null;
  reject_reason: string | null;
  /** Who verified: a unit (驻村工作队) or a person (第一书记) of the county. */
  verified_by_unit_id: string | null;
  verified_by_member_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ExitEventTable {
  id: string;
  application_id: string;
  on: string;
  kind: 'transition' | 'objection';
  from_status: string | null;
  to_status: string | null;
  text: string;
  user_id: string | null;
  created_at: string;
}

export interface MonitoringCaseTable {
  id: string;
  household_id: string;
  category: 'unstable_exited' | 'marginal' | 'sudden_hardship';
  source: 'household_report' | 'cadre_visit' | 'data_crosscheck';
  risk: string;
  status: MonitoringStatus;
  identified_on: string;
  notice_start_on: string | null;
  notice_days: number | null;
  /** The day the notice appeared on the village board: its floor runs from here, whatever day the paper says. */
  notice_published_on: string | null;
  decided_on: string | null;
  eliminated_on: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export type MonitoringStatus =
  | 'identified'
  | 'consented'
  | 'in_notice'
  | 'township_reviewed'
  | 'monitored'
  | 'elimination_in_notice'
  | 'elimination_reviewed'
  | 'eliminated'
  | 'dropped';

export interface MonitoringEventTable {
  id: string;
  case_id: string;
  on: string;
  from_status: string | null;
  to_status: string;
  text: string;
  user_id: string | null;
  created_at: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface HouseholdImportTable {
  id: string;
  scope_code: string;
  file_name: string;
  file_hash: string;
  file_bytes: number;
  format: 'csv' | 'xlsx';
  /** `awaiting_mapping`: stopped after the header until the clerk confirms which column is which field. */
  status: 'running' | 'awaiting_mapping' | 'completed' | 'failed';
  /** Why a failed import failed: the file was refused (correct it), or the job was interrupted (upload it again). */
  failure: 'refused' | 'interrupted' | null;
  phase: 'received' | 'checking' | 'validating' | 'preparing' | 'writing' | 'done';
  progress: number;
  rows_read: number;
  households: number;
  people: number;
  error_count: number;
  errors_json: string | null;
  /** The file's columns that were not read, as JSON `{ column, header }[]` (column 1 is the first); null for none. */
  ignored_columns_json: string | null;
  /**
   * The column mapping as JSON (`ImportMapping`, import.layout.ts): while awaiting it, the file's headings, the
   * proposed mapping and a masked preview; once confirmed, the mapping the import ran with. Null for a file whose
   * headings were all known.
   */
  mapping_json: string | null;
  message: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** Written by the server running the import every few seconds; a running import silent for long was cut off. */
  heartbeat_at: string;
  finished_at: string | null;
}

/** A heading a county's clerks confirmed for a field of the register, used to map that county's next files. */
export interface ImportHeadingSynonymTable {
  county_code: string;
  /** The heading as the layout compares headings (no spaces, one kind of brackets). */
  heading: string;
  field: string;
  created_by: string;
  created_at: string;
}

export interface CoverageRuleTable {
  id: string;
  county_code: string;
  position: number;
  condition: string;
  roles_json: string;
  active: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ActivityTable {
  id: string;
  org_id: string;
  kind: 'branch_meeting' | 'group_meeting' | 'study_session' | 'themed_party_day' | 'joint_activity' | 'onsite_meeting';
  held_on: string;
  place: string;
  topic: string;
  host_member_id: string | null;
  agenda: string | null;
  minutes: string | null;
  /** The problem list its decisions created, if any. */
  list_id: string | null;
  created_by: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ActivityAttendanceTable {
  activity_id: string;
  member_id: string;
  status: 'present' | 'excused' | 'absent';
  reason: string | null;
  /** The membership that listed the member on that day; null for a guest from a linked unit. */
  membership_id: string | null;
}

export interface ActivityDecisionTable {
  id: string;
  activity_id: string;
  no: number;
  text: string;
  item_id: string | null;
}

export interface MeetingReminderTable {
  id: string;
  org_id: string;
  last_met_on: string | null;
  due_on: string;
  raised_on: string;
  resolved_on: string | null;
  resolved_by_activity_id: string | null;
}

export interface FeedbackToHomeTable {
  id: string;
  org_id: string;
  member_id: string;
  home_party_org_id: string;
  period: string;
  kind: 'good_work' | 'shortcoming' | 'commendation';
  text: string;
  sent_on: string;
  sent_by: string | null;
  acknowledged_on: string | null;
  acknowledged_by: string | null;
  ack_note: string | null;
  version: number;
  created_at: string;
}

export interface SupervisionRecordTable {
  id: string;
  kind: 'discipline' | 'organizational' | 'sector';
  org_id: string;
  member_id: string | null;
  supervised_on: string;
  supervisor: string;
  findings: string;
  /** The indicator (key) whose daily-supervision score the effect applies to. */
  indicator: string | null;
  /** Negative: a deduction; positive: a bonus (points). */
  score_effect: number | null;
  rectification: string | null;
  deadline: string | null;
  follow_up: string | null;
  closed_on: string | null;
  created_by: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AssessmentSchemeTable {
  id: string;
  county_code: string;
  year: number;
  tier: 'county' | 'township';
  name: string;
  daily_weight: number;
  final_weight: number;
  cutoffs_json: string;
  indicators_json: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AssessorScoreTable {
  id: string;
  scheme_id: string;
  indicator_key: string;
  org_id: string;
  score: number;
  evidence: string;
  assessor: string;
  created_at: string;
}

export interface LedgerTable {
  id: string;
  scheme_id: string;
  tier: 'county' | 'township';
  scope_code: string;
  period_from: string;
  period_to: string;
  version: number;
  inputs_json: string;
  rows_json: string;
  computed_by: string;
  computed_at: string;
}

export interface TiltTable {
  id: string;
  org_id: string;
  ledger_id: string;
  amount_yuan: number;
  purpose: string;
  approver: string;
  decided_on: string;
  created_at: string;
}

export interface RectificationTable {
  id: string;
  org_id: string;
  ledger_id: string | null;
  status: 'listed' | 'delisted';
  listed_on: string;
  reason: string;
  plan: string;
  tasks_json: string;
  deadline: string;
  responsible: string;
  review_note: string | null;
  delisted_on: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface RecommendationTable {
  id: string;
  kind: 'duty_failure' | 'organizational_action';
  org_id: string;
  member_id: string;
  home_party_org_id: string;
  text: string;
  filed_on: string;
  filed_by: string | null;
  answer: 'accepted' | 'declined' | null;
  answer_text: string | null;
  answered_on: string | null;
  version: number;
  created_at: string;
}

export interface Database {
  supervision_records: SupervisionRecordTable;
  assessment_schemes: AssessmentSchemeTable;
  assessor_scores: AssessorScoreTable;
  ledgers: LedgerTable;
  tilts: TiltTable;
  rectifications: RectificationTable;
  recommendations: RecommendationTable;
  activities: ActivityTable;
  activity_attendance: ActivityAttendanceTable;
  activity_decisions: ActivityDecisionTable;
  meeting_reminders: MeetingReminderTable;
  feedback_to_home: FeedbackToHomeTable;
  household_imports: HouseholdImportTable;
  import_heading_synonyms: ImportHeadingSynonymTable;
  coverage_rules: CoverageRuleTable;
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
  recovery_codes: RecoveryCodeTable;
  account_requests: AccountRequestTable;
  export_grants: ExportGrantTable;
  audit_events: AuditEventTable;
  stat_snapshots: StatSnapshotTable;
  stat_snapshot_days: StatSnapshotDayTable;
  rate_limit_windows: RateLimitWindowTable;
  audit_head: AuditHeadTable;
  idempotency_keys: IdempotencyKeyTable;
  reports: ReportTable;
  tracking_code_reservations: TrackingCodeReservationTable;
  signatures: SignatureTable;
  data_keys: DataKeyTable;
  key_jobs: KeyJobTable;
  problem_lists: ProblemListTable;
  items: ItemTable;
  item_participants: ItemParticipantTable;
  unit_duties: UnitDutyTable;
  resident_phone_codes: ResidentPhoneCodeTable;
  notices: NoticeTable;
  notice_attempts: NoticeAttemptTable;
  sms_settings: SmsSettingTable;
  sms_opt_outs: SmsOptOutTable;
  sms_replies: SmsReplyTable;
  wecom_robots: WecomRobotTable;
  item_reports: ItemReportTable;
  item_members: ItemMemberTable;
  item_units: ItemUnitTable;
  item_events: ItemEventTable;
  item_pauses: ItemPauseTable;
  calendar_days: CalendarDayTable;
  calendar_edition: CalendarEditionTable;
  item_chases: ItemChaseTable;
  notifications: NotificationTable;
  disputes: DisputeTable;
  mediation_sessions: MediationSessionTable;
  mediation_mediators: MediationMediatorTable;
  chains: ChainTable;
  chain_stages: ChainStageTable;
  stage_placements: StagePlacementTable;
  projects: ProjectTable;
  land_contracts: LandContractTable;
  photos: PhotoTable;
  participations: ParticipationTable;
  households: HouseholdTable;
  household_people: HouseholdPersonTable;
  helpers: HelperTable;
  visits: VisitTable;
  visit_helpers: VisitHelperTable;
  measures: MeasureTable;
  settings: SettingTable;
  exit_applications: ExitApplicationTable;
  exit_events: ExitEventTable;
  monitoring_cases: MonitoringCaseTable;
  monitoring_events: MonitoringEventTable;
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
