/* Customer care on the follow-up page and the vehicle file (issue 15): retention calls, the
   contact timeline, the call log, marketing consent; loaded with those pages only (kit/i18n.js
   loadArea), not at the portal's first load. zh-CN. */
export default {
  cc_h: "邀约电话", cc_none: "暂无邀约电话。", cc_due: "应致电 {d}", cc_service_due: "到期 {d}", cc_sent_at: "短信 {d}", cc_opened_at: "已打开 {d}",
  cc_booked_at: "已预约 {d}", cc_planned: "待发送", cc_sent: "已发送", cc_skipped: "未发短信", cc_calls: "已致电 {n} 次", cc_o_booked: "已预约",
  cc_o_not_reached: "未接通", cc_o_not_now: "暂不需要", cc_o_lost: "流失", cc_next_on: "下次联系日期", cc_reason: "流失原因",
  cc_r_sold: "车辆已卖", cc_r_moved: "已搬离", cc_r_other_workshop: "去其他维修厂", cc_r_unhappy: "对本店不满", cc_r_other: "其他",
  tl_h: "联系记录", tl_what: "内容", tl_who: "经办人", tl_call_in: "来电", tl_call_out: "去电", tl_sms: "短信", tl_call: "电话",
  tl_follow_up: "回访电话", tl_survey: "满意度问卷", tl_complaint: "投诉", tl_invitation: "邀约短信", tl_back: "{d} 再联系",
  tl_k_service: "定期保养", tl_k_first_free: "首保", tl_k_second_free: "二保", tl_k_lapsed: "久未回厂", tl_k_anniversary: "购车周年",
  tl_k_declined: "未做项目", tl_k_recall: "召回", tl_k_campaign: "营销活动", tl_k_confirmation: "预约确认", tl_k_reminder_day: "预约提醒",
  tl_k_reminder_hour: "到店提醒", tl_k_rescheduled: "改约通知", tl_k_cancelled: "取消通知", tl_k_approval_request: "报价确认",
  tl_k_ready: "交车通知", tl_k_survey: "满意度回访", tl_k_second_follow_up: "二次回访", tl_k_complaint_ack: "投诉受理",
  tl_k_first: "首次回访", tl_k_second: "二次回访", tl_k_follow_up: "回访", tl_k_staff: "员工登记", tl_k_customer: "客户提交",
  tl_o_sent: "已发送", tl_o_skipped: "未发送", tl_o_failed: "发送失败", tl_o_booked: "已预约", tl_o_not_reached: "未接通",
  tl_o_not_now: "暂不需要", tl_o_lost: "流失", tl_o_satisfied: "满意", tl_o_reached: "已联系", tl_o_issue_raised: "反映问题",
  tl_o_low: "有低分", tl_o_ok: "满意", tl_o_open: "处理中", tl_o_resolved: "已解决", tl_log_h: "登记来电/去电", tl_direction: "来电/去电",
  tl_note: "通话内容", cs_label: "同意接收营销短信", cs_yes: "已同意", cs_no: "已拒绝", cs_none: "未询问", cs_opted_out: "已退订",
};
