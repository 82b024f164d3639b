/* Customer care on the follow-up page and the vehicle file (issue 15): retention calls, the
   contact timeline, the call log, marketing consent; loaded with those pages only (kit/i18n.js
   loadArea), not at the portal's first load. en. */
export default {
  cc_h: "Retention calls", cc_none: "No retention calls.", cc_due: "Call on {d}", cc_service_due: "due {d}", cc_sent_at: "SMS {d}",
  cc_opened_at: "opened {d}", cc_booked_at: "booked {d}", cc_planned: "not sent yet", cc_sent: "sent", cc_skipped: "no SMS",
  cc_calls: "{n} calls", cc_o_booked: "Booked", cc_o_not_reached: "Not reached", cc_o_not_now: "Not now", cc_o_lost: "Lost",
  cc_next_on: "Ask again on", cc_reason: "Why lost", cc_r_sold: "Sold the car", cc_r_moved: "Moved away",
  cc_r_other_workshop: "Goes to another workshop", cc_r_unhappy: "Unhappy with us", cc_r_other: "Other",
  tl_h: "Contact history", tl_what: "What", tl_who: "By", tl_call_in: "Call in", tl_call_out: "Call out", tl_sms: "SMS", tl_call: "Call",
  tl_follow_up: "Follow-up call", tl_survey: "Survey", tl_complaint: "Complaint", tl_invitation: "Invitation SMS", tl_back: "again on {d}",
  tl_k_service: "Service due", tl_k_first_free: "First free service", tl_k_second_free: "Second free service", tl_k_lapsed: "Not seen for months",
  tl_k_anniversary: "Purchase anniversary", tl_k_declined: "Declined work", tl_k_recall: "Recall", tl_k_campaign: "Campaign",
  tl_k_confirmation: "Booking confirmation", tl_k_reminder_day: "Booking reminder", tl_k_reminder_hour: "Arrival reminder",
  tl_k_rescheduled: "Rescheduled", tl_k_cancelled: "Cancelled", tl_k_approval_request: "Approval request", tl_k_ready: "Car ready",
  tl_k_survey: "Survey", tl_k_second_follow_up: "Second follow-up", tl_k_complaint_ack: "Complaint received", tl_k_first: "First follow-up",
  tl_k_second: "Second follow-up", tl_k_follow_up: "Follow-up", tl_k_staff: "Taken by staff", tl_k_customer: "From the customer",
  tl_o_sent: "sent", tl_o_skipped: "not sent", tl_o_failed: "failed", tl_o_booked: "booked", tl_o_not_reached: "not reached",
  tl_o_not_now: "not now", tl_o_lost: "lost", tl_o_satisfied: "satisfied", tl_o_reached: "reached", tl_o_issue_raised: "issue raised",
  tl_o_low: "low score", tl_o_ok: "satisfied", tl_o_open: "open", tl_o_resolved: "resolved", tl_log_h: "Log a call in or out",
  tl_direction: "In or out", tl_note: "What was said", cs_label: "Agrees to marketing SMS", cs_yes: "agreed", cs_no: "refused",
  cs_none: "not asked", cs_opted_out: "unsubscribed",
};
