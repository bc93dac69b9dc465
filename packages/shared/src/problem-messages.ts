/**
 * What each stable problem code says to a reader of the English locale (RFC 9457 `detail` when the request asks for
 * English). Chinese details come from the server, worded at the place the rule is checked, with its figures.
 */
export const PROBLEM_MESSAGES_EN: Readonly<Record<string, string>> = {
  account_locked: 'Too many wrong passwords: the account is locked for a while. Try again later.',
  account_scope_invalid: 'The account’s scope does not fit its role: check the marked fields.',
  already_acknowledged: 'This has already been acknowledged.',
  already_answered: 'This recommendation has already been answered.',
  already_escalated: 'This item has already been escalated.',
  already_helper: 'This Party member is already a helper of the household.',
  already_member: 'This person is already a member of the organization.',
  already_on_item: 'This Party member is already working on the item.',
  already_participating: 'This person is already assisting with the item.',
  already_placed: 'This member or unit is already placed at this stage of the industry chain.',
  application_open: 'The household already has an exit-from-poverty application that is not yet concluded.',
  approval_missing: 'Record the approval date and the approval document number first.',
  approval_not_needed: 'This action does not need two-person approval: it can be done directly.',
  approval_required:
    'For this account, this action needs two-person approval: submit a request; it takes effect once another approver approves it.',
  approved_after_founding:
    'The approval date is after the founding date: an organization is approved first and founded after.',
  approver_level:
    'The committee you act for cannot approve a temporary Party organization there: a township committee approves its own, the county the rest.',
  approving_org_required:
    'Only an account acting for the approving Party organization can set up, change the status of or dissolve this organization.',
  backdate_reason_required:
    'The date is before today: to record something that already happened, give the reason for recording it late.',
  bad_request: 'The request is not in a valid format.',
  cannot_confirm_own_work:
    'You cannot confirm your own work: someone else must check and close out the item, or call the resident back.',
  case_open: 'The household is already under return-to-poverty monitoring or being identified for it.',
  children_not_dissolved: 'Some sub-organizations have not been dissolved yet.',
  county_only: 'Assessment schemes are set by the county.',
  county_scope_required: 'Only county-level accounts can compute the county-wide ledger.',
  county_unknown: 'This account does not belong to any county.',
  csrf_failed: 'The page has expired. Refresh it and try again.',
  date_before_previous_step: 'The date is before the date of the previous step.',
  date_before_record: 'The date is before the date of the record it belongs to.',
  date_in_future: 'The date is after today: nothing can be recorded in advance.',
  tracking_code_mistyped:
    'One character of the tracking code is wrong: check it against the receipt, character by character.',
  deadline_before_record: 'The deadline is before the date of the record it belongs to.',
  designation_requires_approving_org:
    'The approving organization designates and removes the secretary, deputy and committee; the branch, its group leaders.',
  dispute_exists: 'The parties and claims of this dispute are already recorded.',
  dispute_missing: 'Record the parties and their claims first.',
  dispute_outcome_missing: 'Record the outcome of mediation first (agreement reached, mediation failed or referred).',
  export_expired: 'The download link has expired. Export again.',
  feedback_not_open: 'The item is not done yet, so there is nothing to confirm yet.',
  file_too_large: 'The file is larger than the upload limit.',
  group_leader_designated_by_branch: 'A party group leader is designated by the group’s branch.',
  helper_already_ended: 'This helper assignment has already ended.',
  household_not_poor: 'Only a household that has not yet exited poverty can apply for exit from poverty.',
  household_not_served:
    'This household is not served by a helper of your organization: you can view it but not record or change anything.',
  idempotency_in_progress: 'A request with the same Idempotency-Key is being processed. Try again shortly.',
  idempotency_key_reused: 'This Idempotency-Key has already been used for a different request.',
  idempotency_reply_lost: 'The request was completed, but its reply could not be saved. Do not submit it again.',
  illegal_transition: 'This change is not allowed from the record’s current status; it may already have been handled.',
  import_running: 'An import by this account is already running. Wait for it to finish before importing again.',
  income_below_line: 'Per-capita net income does not exceed the year’s standard, so income cannot be verified as met.',
  internal_error: 'Internal server error. Try again later.',
  invalid_code: 'The one-time code is wrong or already used. Check the time on your phone and try again.',
  invalid_credentials: 'Wrong username or password.',
  invalid_cursor: 'The paging cursor is invalid.',
  item_closed: 'The item has already been closed out.',
  membership_already_ended: 'This membership has already ended.',
  monitoring_line_below_poverty_line: 'The monitoring line cannot be below the year’s poverty line.',
  no_home_org: 'This person is not a Party member and has no home Party organization.',
  no_labour_capacity:
    'A household without labour capacity is not marked as risk eliminated: it should get safety-net support and continued help.',
  no_mediation_session: 'No mediation session is recorded yet, so no mediation outcome can be recorded.',
  no_phone_on_file: 'No phone number was left when the report was made: wait for staff to call back to confirm.',
  no_responsible_group: 'Assign a responsible party group to the item first.',
  not_a_dispute: 'This item is not a dispute.',
  not_found: 'The requested record does not exist.',
  not_in_notice: 'Objections can only be recorded during the public notice period.',
  not_requester: 'Only the person who submitted the request can withdraw it.',
  not_well_graded: 'Policy or funding support goes only to organizations graded good or fairly good.',
  notice_period_not_over: 'The public notice period has not ended yet, so this step cannot be taken early.',
  open_items:
    'Some problem list items are not closed out yet: close them out or hand them over to a designated successor organization first.',
  org_dissolved: 'The organization has been dissolved: its records are read-only.',
  own_account:
    'This concerns your own account: another administrator must handle or approve it (change your own password under Change password).',
  own_recommendation: 'You cannot file a recommendation about yourself: the higher Party organization handles it.',
  own_request: 'You cannot approve a request you submitted yourself.',
  parent_dissolved: 'The parent organization has been dissolved: no organization can be set up under it.',
  participant_cannot_be_member:
    'This person is not a Party member: they can assist as a participant but cannot join a temporary Party organization.',
  participation_ended: 'This person’s assistance has already ended.',
  party_member_link_by_need:
    'This person is a Party member: link them into the responsible party group through “Link by need”.',
  password_change_required: 'Change your password first.',
  payload_too_large: 'The request or a photo in it is too large. Use a smaller photo.',
  permission_denied: 'Your role or scope does not allow this action.',
  person_already_registered: 'A family member is already registered in a household in your area.',
  person_not_registrable: 'A family member cannot be registered here. Ask a county administrator to check.',
  phone_code_expired: 'The verification code has expired, has been used or was tried too many times. Get a new one.',
  phone_code_not_needed:
    'This report was submitted by the resident: the tracking code alone is enough to confirm or rate it.',
  phone_code_required: 'This report was entered by staff: first get the verification code sent to the phone on file.',
  phone_code_too_soon:
    'A verification code has just been sent. Wait a little before asking for another; there is a daily limit.',
  photo_not_base64: 'The photo encoding is invalid: it must be standard Base64 text.',
  photo_unreadable: 'The photo is damaged or cannot be read. Use another one.',
  planned_end_before_founding: 'The planned end date must be after the founding date.',
  primary_helper_exists: 'The household already has a primary helper; you can add stacked helpers.',
  primary_helper_required:
    'Poor and monitored households must always have a primary helper: designate a new primary helper first.',
  rate_limited: 'Too many requests. Try again later.',
  rating_not_open: 'The item can only be rated after it has been closed out.',
  rectification_closed: 'The organization has already been delisted from rectification.',
  rectification_not_warranted:
    'Listing for rectification needs a ledger grading the organization poor, or a supervision record on it requiring rectification.',
  rectification_open: 'An organization listed for rectification returns to active only after review and delisting.',
  region_account_required:
    'The directory of units and Party organizations is maintained by county and township accounts authorized by administrative region.',
  region_outside_scope:
    'The region does not exist, or is outside your account’s jurisdiction or the parent organization’s coverage.',
  region_scope_required: 'Only county and township accounts authorized by administrative region can do this.',
  registration_paused:
    'This account entered too many people registered elsewhere within 24 hours: registration is paused. Contact a county administrator.',
  reopen_window_over:
    'The period for reopening this item has ended: it can still be rated and commented on; report a new problem afresh.',
  request_pending: 'This account already has a request awaiting approval: wait for the decision or withdraw it first.',
  role_already_held:
    'This post is already held (the organization’s secretary or the party group’s leader): end the current holder’s term first.',
  same_password: 'The new password cannot be the same as the current one.',
  scheme_missing: 'There is no assessment scheme for that year and tier yet.',
  score_effect_beyond_weight: 'A supervision score adjustment cannot exceed the weight of its indicator.',
  snapshot_missing:
    'Statistics above county level are daily snapshots, and there is none yet for that date. An administrator can make it with stats-snapshot.',
  standard_not_met: 'Some standards are not met: decide against the exit and give the reason.',
  supervision_closed: 'This supervision record has already been concluded.',
  tasks_open: 'Some rectification tasks are not finished, so the organization cannot be delisted yet.',
  temporary_org_cannot_collect_dues:
    'A temporary Party organization does not collect Party dues: members pay them in their home Party organization.',
  temporary_org_cannot_discipline:
    'A temporary Party organization cannot discipline Party members; it may recommend action to their home Party organization.',
  temporary_org_cannot_hold_elections:
    'A temporary Party organization holds no elections; its leaders are designated by the approving Party organization.',
  temporary_org_cannot_recruit: 'A temporary Party organization cannot recruit Party members.',
  totp_already_enabled:
    'One-time codes (second factor) are already set up. To change them, ask a security administrator to reset them.',
  totp_enrollment_required: 'Set up one-time codes (second factor) first.',
  totp_not_started: 'Generate the QR code first.',
  totp_required: 'Enter your one-time code.',
  unauthenticated: 'Please log in first.',
  unit_already_linked: 'This unit is already a linked unit of the organization.',
  unknown_indicator: 'This is not an indicator of that year’s assessment scheme.',
  unsupported_media_type:
    'Unsupported file type: photos must be JPEG, PNG or WebP, and import files are uploaded as the file itself.',
  username_taken: 'The username is already in use, or already requested for a new account awaiting approval.',
  validation_failed: 'Some input is invalid: check the marked fields.',
  version_conflict: 'Someone else has changed the record in the meantime. Refresh and try again.',
  weak_password: 'The password does not meet the password policy: choose a longer, less common one.',
  weights_not_100: 'The weights must add up to 100.',
  wrong_password: 'The current password is wrong.',
};
