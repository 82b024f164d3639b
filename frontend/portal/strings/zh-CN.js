/* Portal strings, zh-CN. One block per page (a comment names it); keys are unique across the file. */
export default {
  // page shell: header, navigation, messages every page may show
  title: "服务顾问工作台", nav_board: "预约看板", nav_orders: "施工单", nav_workshop: "车间看板", nav_jobs: "我的工单", nav_followups: "回访",
  nav_complaints: "投诉", nav_search: "客户档案", nav_walkin: "散客接车", logout: "退出", changed: "该记录已被他人修改,已为您重新加载,请再操作一次。",
  fix: "请修改标红的内容。", network: "网络连接失败,请重试。", server: "系统繁忙,请稍后重试。", saved: "已保存", forbidden: "您的角色无权执行此操作。",
  uploading: "正在上传 {n}…", close: "关闭",
  // page shell and kit, issue 12 (app.js: per-role titles; kit/forms.js: the conflict keeper)
  title_advisor: "服务顾问工作台", title_technician: "技师工作台", title_foreman: "车间主管工作台", title_inspector: "质检员工作台",
  title_cashier: "收银工作台", title_follow_up: "回访专员工作台", title_manager: "服务经理工作台", title_site: "售后服务",
  role_advisor: "服务顾问", role_technician: "技师", role_foreman: "车间主管", role_inspector: "质检员", role_cashier: "收银员",
  role_follow_up: "回访专员", role_manager: "服务经理",
  conflict_h: "您编辑期间,他人修改了此记录:", conflict_added: "新增:{x}", conflict_removed: "删除:{x}", conflict_changed: "修改:{x}",
  conflict_value: "{what}:{was} → {now}", conflict_none: "页面上没有可见的变化", conflict_save: "再次保存",
  conflict_kept: "他人刚刚修改了此记录。已为您重新加载并保留您填写的内容,请核对后点“再次保存”。",
  // issue 12: photos not sent (kit/photos.js), the phone menu (app.js)
  photo_failed: "{n} 张照片上传失败,请重试。", photo_retry: "重新上传",
  photo_refused: "{n} 张照片未上传:仅限 JPG/PNG/WebP,8 MB 以内。",
  menu: "菜单",
  // words several pages share
  customer: "客户", vehicle: "车辆", advisor: "顾问", technician: "技师", status: "状态", name: "姓名", phone: "手机号",
  plate: "车牌号", time: "时间", vin: "车架号", model: "车型", sale_date: "购车日期", mileage: "里程(公里)", note: "处理记录", record: "记录",
  remove: "删除", amount: "金额", actions: "操作", kind: "类型", photos: "照片", recommendations: "建议维修(客户曾拒绝)",
  history: "操作记录", signature: "客户签字", clear: "重签", promised: "预计交车时间", comeback: "返修", bay: "工位", sold: "售出工时",
  worked: "实际工时", s_booked: "已预约", s_confirmed: "已确认", s_arrived: "已到店", s_no_show: "未到店", s_cancelled: "已取消",
  o_open: "开单", o_awaiting_approval: "待客户确认", o_approved: "已确认", o_in_work: "施工中", o_quality_check: "质检",
  o_ready: "待交车", o_settled: "已结算", o_delivered: "已交车", op_take_home: "客户带走", op_dispose: "店内处理", j_unassigned: "未派工",
  j_waiting: "待开工", j_running: "施工中", j_paused: "暂停", j_finished: "完工", qc_h: "待质检", qc_level_self: "自检",
  qc_level_team_lead: "互检(班组长)", qc_level_final: "终检", start: "开工", pause: "暂停", resume: "继续", finish: "完工",
  pause_why: "暂停原因", r_parts: "等备件", r_approval: "等客户确认", r_other: "其他", zone_front_bumper: "前保险杠", zone_hood: "引擎盖",
  zone_windshield: "前挡风玻璃", zone_roof: "车顶", zone_rear_window: "后挡风玻璃", zone_trunk: "后备箱", zone_rear_bumper: "后保险杠",
  zone_left_front_fender: "左前翼子板", zone_left_front_door: "左前门", zone_left_rear_door: "左后门",
  zone_left_rear_fender: "左后翼子板", zone_right_front_fender: "右前翼子板", zone_right_front_door: "右前门",
  zone_right_rear_door: "右后门", zone_right_rear_fender: "右后翼子板", zone_left_mirror: "左后视镜", zone_right_mirror: "右后视镜",
  zone_wheels: "轮毂",
  // sign-in (pages/login.js)
  login_h: "员工登录", username: "用户名", password: "密码", login: "登录", bad_login: "用户名或密码错误", other_store: "该账号不属于本店",
  // appointment board (pages/board.js)
  date: "日期", refresh: "刷新", updated: "更新于 {t}", slot: "时段", services: "项目", transport: "到店方式", parts: "备件",
  confirm: "已确认", parts_ready: "备件就绪", parts_not: "备件未备", no_show: "未到店", check_in: "接车", open_order: "施工单",
  no_show_reason: "未到店原因(如:电话未接通)", none_today: "当天没有预约。", new_booking: "电话 / 散客预约", channel: "渠道", ch_phone: "电话",
  ch_walk_in: "散客", book: "预约", t_wait: "店内等候", t_drop_off: "送修", t_loaner: "代步车", t_pickup: "取送车",
  // desk: board actions, confirmation calls, phone booking (pages/board.js, pages/calls.js, pages/board-desk.js)
  board_confirm: "确认预约", board_cancel: "取消预约", board_move: "改约", board_call: "致电 {n}", board_lost: "取消原因",
  lost_bad_time: "时间不合适", lost_repaired_elsewhere: "已在他处维修", lost_car_sold: "车辆已出售", lost_price: "价格原因",
  lost_unreachable: "联系不上", lost_other: "其他(请填写备注)", board_note: "备注", board_cancel_h: "取消预约 {ref} · {who}",
  board_move_h: "改约 {ref} · {who}", board_choose: "请选择", board_save: "保存", board_cancelled: "预约已取消,已短信通知客户。",
  board_tech_for: "{b} 的技师",
  board_moved: "已改约,已短信通知客户。", slots_left: "剩 {n} 位", slots_full: "已满", slots_none: "当天没有可预约的时段。",
  nav_calls: "确认电话", calls_h: "预约确认电话", calls_intro: "当天尚未确认的预约(默认明天),逐个致电并记录结果。",
  calls_none: "没有需要确认的预约。", calls_log: "通话记录", call_record: "记录通话", call_h: "通话结果 · {ref} · {who}",
  call_outcome: "通话结果", co_confirmed: "已确认到店", co_not_reached: "未接通", co_rescheduled: "改约", co_cancelled: "取消预约",
  calls_tried: "已拨 {n} 次", nb_date: "预约日期", nb_services: "项目(可多选)", nb_note: "备注(客户要求等)",
  nb_concern: "故障描述(维修项目建议填写)", search_booked: "已预约、尚未到店",
  // customer file: search and vehicle (pages/search.js, pages/vehicle.js)
  search_h: "查找客户 / 车辆", search_ph: "姓名、手机号或尾号后4位、车牌(可不带省份或输中间几位)、车架号", search: "查找", no_results: "没有找到。",
  rw: "整车保修(3年/6万公里)", sanbao: "三包有效期(2年/5万公里)", active: "有效至 {d}", ended: "已过期", unknown: "未知(缺购车日期)", orders: "施工单",
  bookings: "预约记录", documents: "签字文件",
  // vehicle file, round 3 (pages/vehicle.js)
  vehicle_none: "暂无", vehicle_doc_check_in: "接车单签字", vehicle_doc_approval_estimate: "报价确认签字",
  vehicle_photo_check_in: "接车照片", vehicle_doc_approval_additional: "增项确认签字",
  // reception walk-around (pages/reception.js)
  checkin_h: "接车环检", from_booking: "预约单 {ref}", fuel: "油量", f_empty: "空", f_quarter: "1/4", f_half: "1/2",
  f_three_quarters: "3/4", f_full: "满", covers: "已铺三件套", interior: "内饰", i_clean: "整洁", i_dirty: "较脏",
  interior_note: "内饰备注", valuables: "已提醒客户带走贵重物品", concern_h: "客户描述(客户原话)", c_what: "问题", c_where: "位置",
  c_noise: "噪音", c_frequency: "频率", c_when: "情景(车速、路况、天气)", findings: "顾问检查发现", damage_h: "外观检查:点击车身部位标记损伤",
  d_scratch: "划痕", d_dent: "凹陷", d_crack: "裂纹", d_other: "其他", no_damage: "未标记损伤", add_photos: "拍照 / 上传照片",
  old_parts: "旧件", wash: "需要免费洗车", contact: "维修中联系方式", cp_phone: "电话", cp_sms: "短信", cp_wechat: "微信",
  submit_checkin: "完成接车并开单",
  // reception walk-around, issue 12 (pages/reception.js, kit/cardiagram.js)
  reception_technician: "技师(预派工)", reception_no_technician: "暂不指定(由车间主管派工)", reception_damage_kind: "损伤类型",
  reception_damage_note: "损伤说明", car_diagram: "车身外观图:点击或按回车键标记/取消部位", car_front: "车头", car_rear: "车尾",
  zs_front_bumper: "前保险杠", zs_hood: "引擎盖", zs_windshield: "前挡风玻璃", zs_roof: "车顶", zs_rear_window: "后挡玻璃",
  zs_trunk: "后备箱", zs_rear_bumper: "后保险杠", zs_left_front_fender: "左前翼", zs_left_front_door: "左前门",
  zs_left_rear_door: "左后门", zs_left_rear_fender: "左后翼", zs_right_front_fender: "右前翼", zs_right_front_door: "右前门",
  zs_right_rear_door: "右后门", zs_right_rear_fender: "右后翼", zs_left_mirror: "左镜", zs_right_mirror: "右镜", zs_wheels: "轮毂",
  // cars in the store (pages/orders.js)
  in_store: "在店车辆", order_no: "单号",
  // repair order (pages/order.js)
  order_h: "施工单 {ref}", opened: "开单时间", print_order: "打印施工单", print_checkin: "打印接车单", offered: "本次可再推荐",
  lines: "项目明细", description: "项目 / 名称", operation: "工时代码", part_number: "零件号", hours: "工时", rate: "工时单价",
  quantity: "数量", unit_price: "单价", pay_type: "付费方式", p_customer: "客户付费", p_warranty: "保修", p_internal: "内部",
  p_goodwill: "善意", k_labor: "工时", k_part: "备件", add_line: "添加项目", l_draft: "待发送", l_pending: "待客户确认",
  l_approved: "已确认", l_declined: "客户拒绝", l_in_work: "施工中", l_done: "已完成", additional: "增项", customer_pays: "客户应付",
  tax: "其中增值税", estimate: "估价(未拒绝项目)", agreed: "客户已确认", reason: "原因(优惠或非客户付费必填)", reason_by: "原因:{r}(经办 {by})",
  reason_only: "原因:{r}", approvals_h: "客户确认", pending_customer: "等待客户确认中", decided_sms: "短信确认",
  decided_in_store: "现场签字", sms_resent: "已重新发送确认短信({n})", send_sms: "发送短信请客户确认", resend_sms: "重新发送确认短信",
  link_sent: "确认短信已发送到客户手机。", sign_here: "客户现场签字确认", approve: "同意", decline: "不做",
  // repair order, issue 12: what an approval asked for (pages/order.js)
  order_approval_estimate: "报价确认", order_approval_additional: "增项确认",
  // repair order, workshop to delivery (pages/order-work.js)
  job_h: "派工与施工", rework: "返工次数", pass: "合格", fail: "不合格", qc_note: "说明(不合格必填)", test_drive: "试车记录",
  distance: "试车里程(公里)", drive_findings: "试车结果", sign_qc: "签字确认", qc_passed: "质检合格", wash_done: "洗车完成", settle_h: "结算",
  amount_due: "应收金额", discount: "优惠金额", discount_reason: "优惠原因", method: "支付方式", m_cash: "现金", m_card: "刷卡",
  m_wechat_pay: "微信支付", m_alipay: "支付宝", m_transfer: "转账", settle: "确认收款", print_invoice: "打印结算单",
  print_report: "打印保养/维修报告", deliver_h: "交车", ck_clean: "车辆内外清洁", ck_old_parts: "旧件已按客户要求处理", ck_keys: "钥匙已交还",
  ck_documents: "随车资料齐全", ck_explained: "已向客户讲解维修内容与费用", deliver: "确认交车", next_service: "下次保养", on_time: "准时交车",
  late: "延误 {m} 分钟", timeline: "时间线", resend_link: "重新发送客户进度短信", link_resent: "客户进度短信已发送到客户手机。",
  // workshop board (pages/workshop.js)
  waiting: "待派工", bays: "工位", ready_h: "待结算 / 交车", dispatch: "派工", handover: "交接", at_risk: "交车时间有风险", none: "无",
  ws_pick_tech: "请选择技师",
  // my jobs (pages/jobs.js)
  no_jobs: "没有工单。",
  // workshop floor (issue 12: pages/workshop.js, pages/jobs.js, pages/order-job.js, pages/order-work.js)
  ws_booked: "预约", ws_booked_title: "预约客户,优先派工", ws_finding: "技师发现 {n} 项待报价", ws_found_by: "技师发现",
  ws_to_price: "待报价", ws_price: "报价", ws_price_h: "为技师发现报价",
  ws_concern_h: "客户描述", ws_findings_h: "顾问检查发现", ws_work_h: "施工项目", ws_report_h: "报告发现(增项)",
  ws_report_desc: "发现的问题", ws_report: "报告给顾问", ws_reported: "已报告给服务顾问,待报价后发给客户确认。",
  ws_photos_n: "已上传 {n} 张", ws_wait_upload: "照片上传中,请稍候。", ws_no_concern: "无", ws_mileage: "进店里程 {km} 公里",
  hist_finding_reported: "{who} 报告了技师发现(待报价)",
  qc_choose: "请选择", qc_signature: "检验人签字",
  // follow-up calls (pages/followups.js)
  followups_h: "今日回访", task_first: "首次回访", task_second: "二次回访", overdue: "已逾期", survey: "满意度", o_satisfied: "满意",
  o_reached: "已联系", o_not_reached: "未接通", o_issue_raised: "客户反映问题", retry_on: "再次联系日期", issue: "问题描述",
  no_followups: "今天没有需要回访的客户。",
  // follow-up calls: overdue, today, the week ahead (pages/followups.js)
  fu_overdue_h: "已逾期", fu_today_h: "今天 {d}", fu_upcoming_h: "未来一周（至 {d}）", fu_due: "应回访 {d}",
  fu_none_overdue: "没有逾期的回访。", fu_none_upcoming: "未来一周没有待回访的客户。",
  // complaints (pages/complaints.js)
  complaints_h: "投诉处理", open_n: "处理中", escalated: "已升级", overdue_reply: "超时未回复", resolved: "已解决", reply_by: "回复时限",
  owner: "负责人", add_note: "记录", resolution: "处理结果", accepted: "客户接受", not_accepted: "客户不接受", resolve: "提交处理结果",
  new_complaint: "登记投诉", description_c: "投诉内容", staff_involved: "涉及员工", severity: "严重程度", sev_low: "低",
  sev_medium: "中", sev_high: "高", src_survey: "评价", src_follow_up: "回访", src_staff: "员工登记", src_customer: "客户",
  avg_resolve: "平均处理时长 {h} 小时",
  // complaints: reassign, trail, call, order (pages/complaints.js)
  cpl_order: "施工单 {ref}", cpl_assign_to: "转交给", cpl_assign: "转交", cpl_trail: "处理记录", cpl_resolution: "处理结果：{r}",
  cpl_ev_opened: "{who} 登记投诉（{what}）", cpl_ev_note: "{who}：{what}", cpl_ev_assigned: "{who} 转交给 {what}",
  cpl_ev_escalated: "{who}：超时未处理，已升级给经理", cpl_ev_resolution_refused: "{who} 提出处理方案「{what}」，客户不接受",
  cpl_ev_resolved: "{who} 处理完毕「{what}」，客户接受",
  // change history, sentences (kit/history.js): {who} the person, {what} what it was about
  hist_customer: "客户", hist_system: "系统", hist_an_item: "项目", hist_item: "项目「{name}」{qty} × ¥{price}",
  hist_item_text: "项目「{text}」", hist_item_name: "「{name}」", hist_and: "、", hist_then: "，", hist_yes: "同意{items}",
  hist_no: "不做{items}", hist_answer: "：{a}", hist_other: "{who} 修改了记录", hist_opened: "{who} 开单", hist_line_added: "{who} 添加了{what}",
  hist_line_changed: "{who} 修改了{what}", hist_line_removed: "{who} 删除了项目{what}", hist_line_started: "{who} 开始施工{what}",
  hist_promise_set: "{who} 把预计交车时间改为 {what}", hist_sent_estimate: "{who} 把报价发给客户确认",
  hist_sent_additional: "{who} 把增项发给客户确认", hist_resent_estimate: "{who} 再次发送报价确认短信",
  hist_resent_additional: "{who} 再次发送增项确认短信", hist_decided_estimate: "{who} 答复了报价{what}",
  hist_decided_additional: "{who} 答复了增项{what}", hist_order_link_resent: "{who} 重新发送了进度短信",
  hist_dispatched: "{who} 派工给 {what}", hist_handed_over: "{who} 把工作交接给 {what}", hist_job_started: "{who} 开工",
  hist_job_paused: "{who} 暂停施工", hist_job_resumed: "{who} 继续施工", hist_job_finished: "{who} 完工",
  hist_qc_self_passed: "{who} 自检合格", hist_qc_self_failed: "{who} 自检不合格", hist_qc_team_lead_passed: "{who} 互检合格",
  hist_qc_team_lead_failed: "{who} 互检不合格", hist_qc_final_passed: "{who} 终检合格", hist_qc_final_failed: "{who} 终检不合格",
  hist_washed: "{who} 洗车完成", hist_settled: "{who} 结算收款 ¥{what}", hist_delivered: "{who} 交车", hist_created: "{who} 建档",
  hist_checked_in: "{who} 接车登记", hist_edited: "{who} 修改了资料", hist_mileage_corrected: "{who} 更正了里程",
  // order (pages/order.js), round 3
  order_sign_total: "按客户选择合计", hist_settled_plain: "{who} 结算收款",
  // navigation (issue 13: the manager's administration pages)
  nav_settings: "门店设置", nav_pricebook: "价格本", nav_accounts: "员工",
  // ---- store settings (pages/settings.js) ----

  // ---- price book (pages/pricebook.js) ----
  pb_h: "{n} 工时",
  pb_reason: "原因",
  pb_est: "¥{p} · 工时 {m} 分钟",
  pb_find: "查价格本", pb_find_hint: "代码、名称或拼音首字母", pb_packages: "套餐", pb_operations: "工时项目",
  pb_parts: "零件", pb_sheets: "导入导出", pb_code: "代码", pb_estimate: "估价", pb_labour_min: "工时(分钟)",
  pb_duration: "估时(分钟)", pb_edit: "编辑", pb_name: "名称", pb_name_en: "英文名称", pb_category: "类别",
  pb_cat_maintenance: "保养", pb_cat_inspection: "检查", pb_cat_repair: "维修", pb_cat_bodywork: "钣喷", pb_cat_recall: "召回",
  pb_position: "排序", pb_handling: "交接时间(分钟)", pb_store_rate: "门店工时单价", pb_filter: "筛选", pb_search: "搜索",
  pb_new: "新增", pb_more: "更多", pb_unit: "单位", pb_stock: "库存", pb_import: "导入", pb_export: "导出",
  pb_sheet_of: "表格内容", pb_file: "文件(.xlsx / .csv)", pb_uploading: "正在上传…", pb_choose_file: "请选择文件",
  pb_report: "共 {rows} 行:新增 {created},修改 {changed},拒绝 {refused}", pb_row: "行", pb_column: "列",

  // ---- staff accounts (pages/accounts.js) ----

};
