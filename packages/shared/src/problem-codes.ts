/**
 * Every stable problem code the server answers with (RFC 9457 `code`), with what it says in each language of the
 * screens and its HTTP status where one status always goes with it. The messages are generic: a Chinese detail the
 * server words where the rule is checked may be more specific (figures, names); a reader of English gets the
 * registry's sentence. The server's raising helpers take a `ProblemCode`, so a code missing here does not compile.
 */
export interface ProblemCodeEntry {
  /** The HTTP status that always goes with the code; absent when it depends on the place (e.g. 401 or 422). */
  readonly status?: number;
  readonly 'zh-CN': string;
  readonly 'en-US': string;
}

export const PROBLEM_CODES = {
  account_locked: {
    status: 403,
    'zh-CN': '密码错误次数过多，账号已锁定，请稍后再试',
    'en-US': 'Too many wrong passwords: the account is locked for a while. Try again later.',
  },
  account_scope_invalid: {
    status: 400,
    'zh-CN': '账号的范围不符合其角色，请检查标出的字段',
    'en-US': 'The account’s scope does not fit its role: check the marked fields.',
  },
  already_acknowledged: { status: 409, 'zh-CN': '已确认或签收过', 'en-US': 'This has already been acknowledged.' },
  already_answered: { status: 409, 'zh-CN': '该建议已答复', 'en-US': 'This recommendation has already been answered.' },
  already_escalated: { status: 409, 'zh-CN': '该事项已上交', 'en-US': 'This item has already been escalated.' },
  already_helper: {
    status: 409,
    'zh-CN': '该党员已是本户帮扶人',
    'en-US': 'This Party member is already a helper of the household.',
  },
  already_member: {
    status: 409,
    'zh-CN': '该人员已在本组织中',
    'en-US': 'This person is already a member of the organization.',
  },
  already_on_item: {
    status: 409,
    'zh-CN': '该党员已在办理此事项',
    'en-US': 'This Party member is already working on the item.',
  },
  already_participating: {
    status: 409,
    'zh-CN': '该人员已在协助办理此事项',
    'en-US': 'This person is already assisting with the item.',
  },
  already_placed: {
    status: 409,
    'zh-CN': '该成员或单位已在产业链的这一环节',
    'en-US': 'This member or unit is already placed at this stage of the industry chain.',
  },
  application_open: {
    status: 409,
    'zh-CN': '该户已有未办结的脱贫申请',
    'en-US': 'The household already has an exit-from-poverty application that is not yet concluded.',
  },
  approval_missing: {
    status: 409,
    'zh-CN': '请先记录批准日期和批准文号',
    'en-US': 'Record the approval date and the approval document number first.',
  },
  approval_not_needed: {
    status: 409,
    'zh-CN': '此项无须双人审批，可直接办理',
    'en-US': 'This action does not need two-person approval: it can be done directly.',
  },
  approval_required: {
    status: 403,
    'zh-CN': '该账号的此项办理须双人审批：请提交申请，经另一名审批人批准后生效',
    'en-US':
      'For this account, this action needs two-person approval: submit a request; it takes effect once another approver approves it.',
  },
  approved_after_founding: {
    status: 400,
    'zh-CN': '批准日期晚于成立日期：须先批准、后成立',
    'en-US': 'The approval date is after the founding date: an organization is approved first and founded after.',
  },
  approver_level: {
    status: 403,
    'zh-CN': '所代行的党委不能批准成立该地的临时党组织：乡镇的由乡镇党委批准，县级的由县委批准',
    'en-US':
      'The committee you act for cannot approve a temporary Party organization there: a township committee approves its own, the county the rest.',
  },
  approving_org_required: {
    status: 403,
    'zh-CN': '只有代行批准成立的党组织职责的账号可以成立该组织、变更其状态或撤销它',
    'en-US':
      'Only an account acting for the approving Party organization can set up, change the status of or dissolve this organization.',
  },
  backdate_reason_required: {
    status: 400,
    'zh-CN': '日期早于今天：补录已经发生的事项，须写明补录理由',
    'en-US':
      'The date is before today: to record something that already happened, give the reason for recording it late.',
  },
  bad_request: { status: 400, 'zh-CN': '请求格式有误', 'en-US': 'The request is not in a valid format.' },
  calendar_year_unknown: {
    status: 422,
    'zh-CN': '官方节假日安排尚未收录该年份，无法按工作日计算；请更新日历后再试',
    'en-US':
      'The official holiday calendar does not cover that year yet: working days cannot be counted. Update the calendar.',
  },
  cannot_confirm_own_work: {
    status: 403,
    'zh-CN': '不能确认自己的工作：须由他人验收销号，或回访群众',
    'en-US':
      'You cannot confirm your own work: someone else must check and close out the item, or call the resident back.',
  },
  case_open: {
    status: 409,
    'zh-CN': '该户已在监测或识别中',
    'en-US': 'The household is already under return-to-poverty monitoring or being identified for it.',
  },
  children_not_dissolved: {
    status: 409,
    'zh-CN': '还有下级组织未撤销',
    'en-US': 'Some sub-organizations have not been dissolved yet.',
  },
  county_only: { status: 403, 'zh-CN': '考核方案由县级设定', 'en-US': 'Assessment schemes are set by the county.' },
  county_scope_required: {
    status: 403,
    'zh-CN': '只有县级账号可以计算全县台账',
    'en-US': 'Only county-level accounts can compute the county-wide ledger.',
  },
  county_unknown: {
    status: 403,
    'zh-CN': '当前账号不属于任何县',
    'en-US': 'This account does not belong to any county.',
  },
  csrf_failed: {
    status: 403,
    'zh-CN': '页面已过期，请刷新后重试',
    'en-US': 'The page has expired. Refresh it and try again.',
  },
  date_before_previous_step: {
    status: 400,
    'zh-CN': '日期早于上一步的日期',
    'en-US': 'The date is before the date of the previous step.',
  },
  date_before_record: {
    status: 400,
    'zh-CN': '日期早于所属记录的日期',
    'en-US': 'The date is before the date of the record it belongs to.',
  },
  date_in_future: {
    status: 400,
    'zh-CN': '日期晚于今天，不能预先登记',
    'en-US': 'The date is after today: nothing can be recorded in advance.',
  },
  deadline_before_record: {
    status: 400,
    'zh-CN': '期限早于所属记录的日期',
    'en-US': 'The deadline is before the date of the record it belongs to.',
  },
  designation_requires_approving_org: {
    status: 403,
    'zh-CN': '书记、副书记和委员由批准成立的党组织指定，党小组组长由支部指定',
    'en-US':
      'The approving organization designates and removes the secretary, deputy and committee; the branch, its group leaders.',
  },
  dispute_exists: {
    status: 409,
    'zh-CN': '已登记纠纷当事人和诉求',
    'en-US': 'The parties and claims of this dispute are already recorded.',
  },
  dispute_missing: {
    status: 409,
    'zh-CN': '请先登记当事人和诉求',
    'en-US': 'Record the parties and their claims first.',
  },
  dispute_outcome_missing: {
    status: 409,
    'zh-CN': '请先记录调解结果（达成协议、调解不成或移交）',
    'en-US': 'Record the outcome of mediation first (agreement reached, mediation failed or referred).',
  },
  export_expired: {
    status: 410,
    'zh-CN': '下载链接已过期，请重新导出',
    'en-US': 'The download link has expired. Export again.',
  },
  export_too_large: {
    status: 413,
    'zh-CN': '导出的行数超过上限，请缩小范围或时间段后再导出',
    'en-US': 'The export has more rows than allowed: narrow the scope or the period and try again.',
  },
  feedback_not_open: {
    status: 409,
    'zh-CN': '事项尚未办结，暂不能确认',
    'en-US': 'The item is not done yet, so there is nothing to confirm yet.',
  },
  file_too_large: {
    status: 413,
    'zh-CN': '文件超过上传大小上限',
    'en-US': 'The file is larger than the upload limit.',
  },
  group_leader_designated_by_branch: {
    status: 403,
    'zh-CN': '党小组组长由所在支部指定',
    'en-US': 'A party group leader is designated by the group’s branch.',
  },
  helper_already_ended: {
    status: 409,
    'zh-CN': '该帮扶记录已结束',
    'en-US': 'This helper assignment has already ended.',
  },
  household_not_poor: {
    status: 409,
    'zh-CN': '只有未脱贫户才能申请退出',
    'en-US': 'Only a household that has not yet exited poverty can apply for exit from poverty.',
  },
  household_not_served: {
    status: 403,
    'zh-CN': '该户不由本组织的帮扶人联系，只能查看，不能登记或修改',
    'en-US':
      'This household is not served by a helper of your organization: you can view it but not record or change anything.',
  },
  idempotency_in_progress: {
    status: 409,
    'zh-CN': '相同 Idempotency-Key 的请求已在处理，请稍后重试',
    'en-US': 'A request with the same Idempotency-Key is being processed. Try again shortly.',
  },
  idempotency_key_reused: {
    status: 422,
    'zh-CN': '该 Idempotency-Key 已用于另一个请求',
    'en-US': 'This Idempotency-Key has already been used for a different request.',
  },
  idempotency_reply_lost: {
    status: 409,
    'zh-CN': '该请求已处理完成，但回执未能保存；请勿重复提交',
    'en-US': 'The request was completed, but its reply could not be saved. Do not submit it again.',
  },
  illegal_transition: {
    status: 409,
    'zh-CN': '记录当前的状态不允许这一变更，可能已被他人办理',
    'en-US': 'This change is not allowed from the record’s current status; it may already have been handled.',
  },
  import_file_gone: {
    status: 409,
    'zh-CN': '该导入的文件已不在服务器上，请重新上传同一文件',
    'en-US': 'The file of this import is no longer on the server. Upload the same file again.',
  },
  import_mapping_incomplete: {
    status: 422,
    'zh-CN': '有必填字段还没有对应的列，请为每个必填字段选择文件中的一列',
    'en-US': 'Some required fields have no column yet: choose a column of the file for each required field.',
  },
  import_mapping_repeated: {
    status: 422,
    'zh-CN': '同一字段对应了多列，每个字段只能对应一列',
    'en-US': 'A field is mapped from more than one column: each field takes one column at most.',
  },
  import_not_uploader: {
    status: 403,
    'zh-CN': '只有上传该文件的账号可以确认列的对应关系',
    'en-US': 'Only the account that uploaded the file can confirm how its columns map.',
  },
  import_running: {
    status: 409,
    'zh-CN': '本账号已有一个导入正在进行，请等它结束后再导入',
    'en-US': 'An import by this account is already running. Wait for it to finish before importing again.',
  },
  income_below_line: {
    status: 409,
    'zh-CN': '人均纯收入未超过当年标准，收入一项不能核验为达标',
    'en-US': 'Per-capita net income does not exceed the year’s standard, so income cannot be verified as met.',
  },
  internal_error: {
    status: 500,
    'zh-CN': '服务器内部错误，请稍后重试',
    'en-US': 'Internal server error. Try again later.',
  },
  invalid_code: {
    'zh-CN': '动态验证码错误或已使用，请核对手机时间后重试',
    'en-US': 'The one-time code is wrong or already used. Check the time on your phone and try again.',
  },
  invalid_credentials: { status: 401, 'zh-CN': '用户名或密码错误', 'en-US': 'Wrong username or password.' },
  invalid_cursor: { status: 400, 'zh-CN': '分页游标无效', 'en-US': 'The paging cursor is invalid.' },
  item_already_paused: { status: 409, 'zh-CN': '该事项已暂停计时', 'en-US': 'The item’s clock is already stopped.' },
  item_closed: { status: 409, 'zh-CN': '事项已销号', 'en-US': 'The item has already been closed out.' },
  item_not_paused: { status: 409, 'zh-CN': '该事项没有暂停计时', 'en-US': 'The item’s clock is not stopped.' },
  key_job_running: {
    status: 409,
    'zh-CN': '数据密钥正在更换，暂不能导入登记册；请在更换完成后再导入',
    'en-US': 'The data keys are being changed: the register cannot be imported until that has finished.',
  },
  linked_members_in_group: {
    status: 409,
    'zh-CN': '有因需联结的党员在原责任党小组中，请先结束联结再更换党小组',
    'en-US': 'Members linked by need sit in the current party group: end their links before changing the group.',
  },
  membership_already_ended: { status: 409, 'zh-CN': '该成员记录已结束', 'en-US': 'This membership has already ended.' },
  monitoring_line_below_poverty_line: {
    status: 400,
    'zh-CN': '监测线不能低于当年贫困线',
    'en-US': 'The monitoring line cannot be below the year’s poverty line.',
  },
  no_home_org: {
    status: 409,
    'zh-CN': '该人员不是党员，没有所在党组织',
    'en-US': 'This person is not a Party member and has no home Party organization.',
  },
  no_labour_capacity: {
    status: 409,
    'zh-CN': '无劳动能力户不标注风险消除，应纳入兜底保障持续帮扶',
    'en-US':
      'A household without labour capacity is not marked as risk eliminated: it should get safety-net support and continued help.',
  },
  no_mediation_session: {
    status: 409,
    'zh-CN': '尚无调解记录，不能记录调解结果',
    'en-US': 'No mediation session is recorded yet, so no mediation outcome can be recorded.',
  },
  no_phone_on_file: {
    status: 409,
    'zh-CN': '登记反映时未留电话，请等待工作人员电话回访确认',
    'en-US': 'No phone number was left when the report was made: wait for staff to call back to confirm.',
  },
  no_responsible_group: {
    status: 409,
    'zh-CN': '请先为事项指定责任党小组',
    'en-US': 'Assign a responsible party group to the item first.',
  },
  not_a_dispute: { status: 409, 'zh-CN': '该事项不是矛盾纠纷', 'en-US': 'This item is not a dispute.' },
  not_chase_receiver: {
    status: 403,
    'zh-CN': '只有催办的接收人可以签收',
    'en-US': 'Only the receiver of a chase notice may acknowledge it.',
  },
  not_found: { status: 404, 'zh-CN': '请求的记录不存在', 'en-US': 'The requested record does not exist.' },
  not_in_notice: {
    status: 409,
    'zh-CN': '只有公示期间才能登记异议',
    'en-US': 'Objections can only be recorded during the public notice period.',
  },
  not_requester: {
    status: 403,
    'zh-CN': '只有提交人可以撤回申请',
    'en-US': 'Only the person who submitted the request can withdraw it.',
  },
  not_well_graded: {
    status: 409,
    'zh-CN': '只对考核为“好”或“较好”的组织倾斜政策或资金',
    'en-US': 'Policy or funding support goes only to organizations graded good or fairly good.',
  },
  notice_period_not_over: {
    status: 409,
    'zh-CN': '公示期尚未结束，不能提前办理这一步',
    'en-US': 'The public notice period has not ended yet, so this step cannot be taken early.',
  },
  open_items: {
    status: 409,
    'zh-CN': '还有未销号的清单事项，须先办结或移交给指定的接续组织',
    'en-US':
      'Some problem list items are not closed out yet: close them out or hand them over to a designated successor organization first.',
  },
  org_dissolved: {
    status: 409,
    'zh-CN': '组织已撤销，记录只读',
    'en-US': 'The organization has been dissolved: its records are read-only.',
  },
  own_account: {
    status: 403,
    'zh-CN': '涉及本人账号，须由另一名管理员办理或审批（本人密码请在“修改密码”中修改）',
    'en-US':
      'This concerns your own account: another administrator must handle or approve it (change your own password under Change password).',
  },
  own_recommendation: {
    status: 403,
    'zh-CN': '不能就本人提出建议，请由上级党组织办理',
    'en-US': 'You cannot file a recommendation about yourself: the higher Party organization handles it.',
  },
  own_request: {
    status: 403,
    'zh-CN': '不能审批本人提交的申请',
    'en-US': 'You cannot approve a request you submitted yourself.',
  },
  parent_dissolved: {
    status: 409,
    'zh-CN': '上级组织已撤销，不能在其下设立组织',
    'en-US': 'The parent organization has been dissolved: no organization can be set up under it.',
  },
  participant_cannot_be_member: {
    status: 409,
    'zh-CN': '该人员不是党员，可作为参与人员协助办理，不能加入临时党组织',
    'en-US':
      'This person is not a Party member: they can assist as a participant but cannot join a temporary Party organization.',
  },
  participation_ended: {
    status: 409,
    'zh-CN': '该人员的协助已结束',
    'en-US': 'This person’s assistance has already ended.',
  },
  party_member_link_by_need: {
    status: 409,
    'zh-CN': '该人员是党员，请通过“因需而联”联结进责任党小组',
    'en-US': 'This person is a Party member: link them into the responsible party group through “Link by need”.',
  },
  password_change_required: { status: 403, 'zh-CN': '请先修改密码', 'en-US': 'Change your password first.' },
  payload_too_large: {
    status: 413,
    'zh-CN': '请求或其中的照片过大，请换一张较小的照片',
    'en-US': 'The request or a photo in it is too large. Use a smaller photo.',
  },
  permission_denied: {
    status: 403,
    'zh-CN': '当前角色或范围无权执行此操作',
    'en-US': 'Your role or scope does not allow this action.',
  },
  person_already_registered: {
    status: 409,
    'zh-CN': '有家庭成员已登记在本辖区的其他户',
    'en-US': 'A family member is already registered in a household in your area.',
  },
  person_not_registrable: {
    status: 409,
    'zh-CN': '有家庭成员不能在此登记，请联系县级管理员核实',
    'en-US': 'A family member cannot be registered here. Ask a county administrator to check.',
  },
  phone_code_expired: {
    status: 409,
    'zh-CN': '验证码已失效、已使用或尝试次数过多，请重新获取',
    'en-US': 'The verification code has expired, has been used or was tried too many times. Get a new one.',
  },
  phone_code_not_needed: {
    status: 409,
    'zh-CN': '您本人提交的反映，凭查询码即可确认或评价',
    'en-US': 'This report was submitted by the resident: the tracking code alone is enough to confirm or rate it.',
  },
  phone_code_required: {
    status: 409,
    'zh-CN': '此反映由工作人员代为登记，请先获取发到预留手机的验证码',
    'en-US': 'This report was entered by staff: first get the verification code sent to the phone on file.',
  },
  phone_code_too_soon: {
    status: 409,
    'zh-CN': '验证码刚刚发送，请稍后再获取；每天有次数上限',
    'en-US': 'A verification code has just been sent. Wait a little before asking for another; there is a daily limit.',
  },
  photo_not_base64: {
    status: 400,
    'zh-CN': '照片编码无效：须为标准 Base64 文本',
    'en-US': 'The photo encoding is invalid: it must be standard Base64 text.',
  },
  photo_unreadable: {
    status: 400,
    'zh-CN': '照片已损坏或无法读取，请换一张',
    'en-US': 'The photo is damaged or cannot be read. Use another one.',
  },
  planned_end_before_founding: {
    status: 400,
    'zh-CN': '计划结束日期须晚于成立日期',
    'en-US': 'The planned end date must be after the founding date.',
  },
  primary_helper_exists: {
    status: 409,
    'zh-CN': '本户已有主帮扶责任人，可增加叠加帮扶人',
    'en-US': 'The household already has a primary helper; you can add stacked helpers.',
  },
  primary_helper_required: {
    status: 409,
    'zh-CN': '未脱贫户和监测户须始终有主帮扶责任人：请先指定新的主帮扶责任人',
    'en-US': 'Poor and monitored households must always have a primary helper: designate a new primary helper first.',
  },
  rate_limited: { status: 429, 'zh-CN': '请求过于频繁，请稍后再试', 'en-US': 'Too many requests. Try again later.' },
  rating_not_open: {
    status: 409,
    'zh-CN': '事项销号后才能评价',
    'en-US': 'The item can only be rated after it has been closed out.',
  },
  rectification_closed: {
    status: 409,
    'zh-CN': '该组织已摘牌',
    'en-US': 'The organization has already been delisted from rectification.',
  },
  rectification_not_warranted: {
    status: 409,
    'zh-CN': '挂牌整顿须依据考核台账（等次为“差”）或对该组织要求整改的督查记录',
    'en-US':
      'Listing for rectification needs a ledger grading the organization poor, or a supervision record on it requiring rectification.',
  },
  rectification_open: {
    status: 409,
    'zh-CN': '挂牌整顿须经复查摘牌后才能恢复运行',
    'en-US': 'An organization listed for rectification returns to active only after review and delisting.',
  },
  region_account_required: {
    status: 403,
    'zh-CN': '单位和党组织名录由县、乡按行政区域授权的账号维护',
    'en-US':
      'The directory of units and Party organizations is maintained by county and township accounts authorized by administrative region.',
  },
  region_outside_scope: {
    status: 400,
    'zh-CN': '区划不存在，或不在本账号的管辖范围、上级组织的覆盖范围之内',
    'en-US':
      'The region does not exist, or is outside your account’s jurisdiction or the parent organization’s coverage.',
  },
  region_scope_required: {
    status: 403,
    'zh-CN': '只有按行政区域授权的县、乡账号可以办理',
    'en-US': 'Only county and township accounts authorized by administrative region can do this.',
  },
  registration_paused: {
    status: 429,
    'zh-CN': '本账号 24 小时内多次登记已在其他辖区建档的人员，建档登记暂停；请联系县级管理员核实',
    'en-US':
      'This account entered too many people registered elsewhere within 24 hours: registration is paused. Contact a county administrator.',
  },
  reopen_window_over: {
    status: 409,
    'zh-CN': '事项可重新打开的期限已过，仍可评价和留言；如有新问题请重新反映',
    'en-US':
      'The period for reopening this item has ended: it can still be rated and commented on; report a new problem afresh.',
  },
  report_already_dismissed: {
    status: 409,
    'zh-CN': '该反映已不予受理',
    'en-US': 'This report has already been dismissed.',
  },
  report_already_listed: {
    status: 409,
    'zh-CN': '该反映已列入问题清单，不能再不予受理',
    'en-US': 'This report is already on a problem list: it can no longer be dismissed.',
  },
  report_no_phone: {
    status: 409,
    'zh-CN': '该反映没有留电话',
    'en-US': 'No phone number was left with this report.',
  },
  request_pending: {
    status: 409,
    'zh-CN': '该账号已有待审批的申请，请先等待审批或撤回',
    'en-US': 'This account already has a request awaiting approval: wait for the decision or withdraw it first.',
  },
  report_not_new: {
    status: 409,
    'zh-CN': '该反映已列入清单或已不予受理',
    'en-US': 'The report is already on a list or has been dismissed.',
  },
  role_already_held: {
    status: 409,
    'zh-CN': '该职务已有人担任（组织书记或党小组组长）：请先结束现任者的任职',
    'en-US':
      'This post is already held (the organization’s secretary or the party group’s leader): end the current holder’s term first.',
  },
  same_password: {
    status: 422,
    'zh-CN': '新密码不能与当前密码相同',
    'en-US': 'The new password cannot be the same as the current one.',
  },
  scheme_missing: {
    status: 409,
    'zh-CN': '该年度和层级还没有考核方案',
    'en-US': 'There is no assessment scheme for that year and tier yet.',
  },
  score_effect_beyond_weight: {
    status: 400,
    'zh-CN': '督查加减分不能超过所涉指标的权重',
    'en-US': 'A supervision score adjustment cannot exceed the weight of its indicator.',
  },
  snapshot_missing: {
    status: 409,
    'zh-CN': '县级以上范围的统计按日汇总，该日期还没有统计快照；管理员可用 stats-snapshot 命令补做',
    'en-US':
      'Statistics above county level are daily snapshots, and there is none yet for that date. An administrator can make it with stats-snapshot.',
  },
  standard_not_met: {
    status: 409,
    'zh-CN': '有未达标的项目，应作出不予退出的决定并写明理由',
    'en-US': 'Some standards are not met: decide against the exit and give the reason.',
  },
  supervision_closed: {
    status: 409,
    'zh-CN': '该督查记录已办结',
    'en-US': 'This supervision record has already been concluded.',
  },
  tasks_open: {
    status: 409,
    'zh-CN': '还有整改任务未完成，不能摘牌',
    'en-US': 'Some rectification tasks are not finished, so the organization cannot be delisted yet.',
  },
  temporary_org_cannot_collect_dues: {
    status: 403,
    'zh-CN': '临时党组织不收缴党费，党员在所在党组织交纳党费',
    'en-US':
      'A temporary Party organization does not collect Party dues: members pay them in their home Party organization.',
  },
  temporary_org_cannot_discipline: {
    status: 403,
    'zh-CN': '临时党组织不能处分处置党员，可向其所在党组织提出建议',
    'en-US':
      'A temporary Party organization cannot discipline Party members; it may recommend action to their home Party organization.',
  },
  temporary_org_cannot_hold_elections: {
    status: 403,
    'zh-CN': '临时党组织不进行选举，其负责人由批准成立的党组织指定',
    'en-US':
      'A temporary Party organization holds no elections; its leaders are designated by the approving Party organization.',
  },
  temporary_org_cannot_recruit: {
    status: 403,
    'zh-CN': '临时党组织不能发展党员',
    'en-US': 'A temporary Party organization cannot recruit Party members.',
  },
  totp_already_enabled: {
    status: 409,
    'zh-CN': '已绑定动态验证码；如需更换，请联系安全管理员重置',
    'en-US':
      'One-time codes (second factor) are already set up. To change them, ask a security administrator to reset them.',
  },
  totp_enrollment_required: {
    status: 403,
    'zh-CN': '请先绑定动态验证码（双因素认证）',
    'en-US': 'Set up one-time codes (second factor) first.',
  },
  totp_not_started: { status: 409, 'zh-CN': '请先生成二维码', 'en-US': 'Generate the QR code first.' },
  totp_required: { status: 401, 'zh-CN': '请输入动态验证码', 'en-US': 'Enter your one-time code.' },
  tracking_code_not_reserved: {
    status: 400,
    'zh-CN': '这个查询码不是本账号预留的，或已经用过、已过期',
    'en-US': 'This tracking code was not reserved by this account, or it was used or has expired.',
  },
  tracking_code_mistyped: {
    status: 400,
    'zh-CN': '查询码有一位不对，请对照回执逐位核对',
    'en-US': 'One character of the tracking code is wrong: check it against the receipt, character by character.',
  },
  unauthenticated: { status: 401, 'zh-CN': '请先登录', 'en-US': 'Please log in first.' },
  unit_already_linked: {
    status: 409,
    'zh-CN': '该单位已是本组织的联建单位',
    'en-US': 'This unit is already a linked unit of the organization.',
  },
  unknown_indicator: {
    status: 400,
    'zh-CN': '不是该年度考核方案的指标',
    'en-US': 'This is not an indicator of that year’s assessment scheme.',
  },
  unsupported_media_type: {
    status: 415,
    'zh-CN': '不支持的文件类型：照片须为 JPEG、PNG 或 WebP，导入文件须上传文件本身',
    'en-US':
      'Unsupported file type: photos must be JPEG, PNG or WebP, and import files are uploaded as the file itself.',
  },
  username_taken: {
    status: 409,
    'zh-CN': '用户名已被使用，或已有待审批的开设申请',
    'en-US': 'The username is already in use, or already requested for a new account awaiting approval.',
  },
  validation_failed: {
    status: 400,
    'zh-CN': '输入有误，请检查标出的字段',
    'en-US': 'Some input is invalid: check the marked fields.',
  },
  version_conflict: {
    status: 409,
    'zh-CN': '记录已被他人修改，请刷新后重试',
    'en-US': 'Someone else has changed the record in the meantime. Refresh and try again.',
  },
  weak_password: {
    status: 422,
    'zh-CN': '密码不符合密码策略，请换一个更长、更少见的密码',
    'en-US': 'The password does not meet the password policy: choose a longer, less common one.',
  },
  weights_not_100: { status: 400, 'zh-CN': '权重合计应为 100', 'en-US': 'The weights must add up to 100.' },
  wrong_password: { status: 422, 'zh-CN': '当前密码不正确', 'en-US': 'The current password is wrong.' },
} as const satisfies Record<string, ProblemCodeEntry>;

/** A stable problem code: one of the registry's keys. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

export type ProblemLanguage = 'zh-CN' | 'en-US';

/** The registry's codes, sorted: the OpenAPI `Problem.code` enumeration. */
export const PROBLEM_CODE_LIST = /* @__PURE__ */ sortedCodes();

// A function called as pure, so that a bundle importing something else from this package leaves the registry out.
function sortedCodes() {
  return Object.keys(PROBLEM_CODES).sort() as [ProblemCode, ...ProblemCode[]];
}

export const isProblemCode = (code: string): code is ProblemCode => Object.hasOwn(PROBLEM_CODES, code);

/** What a code says in a language; undefined for a code the registry does not know (an older or newer server). */
export function problemMessage(code: string, language: ProblemLanguage): string | undefined {
  return isProblemCode(code) ? PROBLEM_CODES[code][language] : undefined;
}
