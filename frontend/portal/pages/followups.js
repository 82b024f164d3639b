/* Follow-up calls (回访): the calls due, the survey the customer gave, and the call's outcome. */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc } from "../kit/dom.js";
import { input, select, problem } from "../kit/forms.js";
import { rerender } from "../kit/nav.js";

function stars(n) { return '<span class="stars">' + "★★★★★".slice(0, n) + "</span>" + "☆☆☆☆☆".slice(0, 5 - n); }

export default function show(view) {
  call("GET", "/api/staff/followups").then((r) => {
    if (r.status !== 200) return problem(r);
    view.innerHTML = '<section class="card"><h2>' + T("followups_h") + " " + esc(r.body.date) + "</h2>" + (r.body.followups.map((f) => {
      const s = f.survey;
      return '<div class="job" data-fu="' + f.order_id + '" data-v="' + f.version + '"><div class="top"><span>' + esc(f.customer_name) + " · " + esc(f.plate) + "</span><span>" + T("task_" + f.task.kind) + (f.overdue ? ' <span class="pill risk">' + T("overdue") + "</span>" : "") + "</span></div>" +
        '<div><a href="tel:' + esc(f.phone) + '">' + esc(f.phone) + "</a> · " + esc(f.order_reference) + " · " + T("advisor") + " " + esc(f.advisor) + "</div>" +
        (s ? '<div class="survey' + (f.survey_low ? " banner bad" : "") + '">' + T("survey") + ": " + [s.attitude, s.quality, s.timeliness].map(stars).join(" / ") + (s.comment ? " “" + esc(s.comment) + "”" : "") + "</div>" : "") +
        '<form class="row" novalidate>' + select("outcome", T("status"), ["satisfied", "reached", "not_reached", "issue_raised"].map((x) => [x, T("o_" + x)])) +
        input("retry_on", T("retry_on"), { type: "date" }) + input("issue", T("issue")) + input("note", T("note")) +
        '<button class="small go" type="submit">' + T("record") + "</button></form></div>";
    }).join("") || '<p class="muted">' + T("no_followups") + "</p>") + "</section>";
    view.querySelectorAll("[data-fu] form").forEach((form) => form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const card = form.closest("[data-fu]");
      call("POST", "/api/staff/followups/" + card.dataset.fu + "/calls", { version: Number(card.dataset.v), outcome: form.outcome.value,
        retry_on: form.retry_on.value || undefined, issue: form.issue.value, note: form.note.value })
        .then((r2) => { if (r2.status === 200) { rerender(); say(T("saved"), "ok"); } else problem(r2, form); });
    }));
  });
}
