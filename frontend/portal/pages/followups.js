/* Follow-up calls (回访): overdue, today's and the week ahead's calls, the survey the customer
   gave, and the call's outcome. */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc, phoneText } from "../kit/dom.js";
import { input, select, problem } from "../kit/forms.js";
import { rerender } from "../kit/nav.js";

function stars(n) { return '<span class="stars">' + "★★★★★".slice(0, n) + "</span>" + "☆☆☆☆☆".slice(0, 5 - n); }

/** One call to make: the customer (a call link for the roles that phone customers), the survey
    they gave, and the form for the call's outcome. */
function card(f) {
  const s = f.survey;
  const phone = f.can_call ? '<a class="call" href="tel:' + esc(f.phone) + '">' + esc(phoneText(f.phone)) + "</a>" : esc(f.phone_masked);
  return '<div class="job" data-fu="' + f.order_id + '" data-v="' + f.version + '"><div class="top"><span>' + esc(f.customer_name) + " · " + esc(f.plate) + "</span><span>" + T("task_" + f.task.kind) +
    ' · <span class="due">' + T("fu_due", { d: esc((f.due_on || "").slice(5)) }) + "</span>" + (f.overdue ? ' <span class="pill risk">' + T("overdue") + "</span>" : "") + "</span></div>" +
    "<div>" + phone + " · " + esc(f.order_reference) + " · " + T("advisor") + " " + esc(f.advisor_name || f.advisor) + "</div>" +
    (s ? '<div class="survey' + (f.survey_low ? " banner bad" : "") + '">' + T("survey") + ": " + [s.attitude, s.quality, s.timeliness].map(stars).join(" / ") + (s.comment ? " “" + esc(s.comment) + "”" : "") + "</div>" : "") +
    '<form class="row" novalidate>' + select("outcome", T("status"), [["", T("board_choose")]].concat(["satisfied", "reached", "not_reached", "issue_raised"].map((x) => [x, T("o_" + x)])), { required: true }) +
    input("retry_on", T("retry_on"), { type: "date" }) + input("issue", T("issue")) + input("note", T("note")) +
    '<button class="small go" type="submit">' + T("record") + "</button></form></div>";
}

function part(id, heading, list, empty) {
  return '<section class="card" id="' + id + '"><h2>' + heading + " (" + list.length + ")</h2>" + (list.map(card).join("") || '<p class="muted">' + empty + "</p>") + "</section>";
}

export default function show(view) {
  call("GET", "/api/staff/followups").then((r) => {
    if (r.status !== 200) return problem(r);
    const b = r.body;
    // overdue calls first, then today's, then the week ahead (a quiet day still shows what comes)
    view.innerHTML = part("fu-overdue", T("fu_overdue_h"), b.followups.filter((f) => f.overdue), T("fu_none_overdue")) +
      part("fu-today", T("fu_today_h", { d: esc(b.date) }), b.followups.filter((f) => !f.overdue), T("no_followups")) +
      part("fu-upcoming", T("fu_upcoming_h", { d: esc(b.until) }), b.upcoming, T("fu_none_upcoming"));
    view.querySelectorAll("[data-fu] form").forEach((form) => form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const c = form.closest("[data-fu]");
      call("POST", "/api/staff/followups/" + c.dataset.fu + "/calls", { version: Number(c.dataset.v), outcome: form.outcome.value,
        retry_on: form.retry_on.value || undefined, issue: form.issue.value, note: form.note.value })
        .then((r2) => { if (r2.status === 200) { rerender(); say(T("saved"), "ok"); } else problem(r2, form); });
    }));
  });
}
