/* Follow-up calls (回访): overdue, today's and the week ahead's calls, the survey the customer
   gave, and the call's outcome. Below them, the retention calls (邀约电话, issue 15): why we
   call (first free service due, not seen for months...), what the invitation did so far, and
   the outcome form, whose fields appear per outcome (typed work kept on a 409: kit/keeper.js). */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc, phoneText } from "../kit/dom.js";
import { input, select, problem, textarea } from "../kit/forms.js";
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

// ---- retention calls (邀约电话) ----
const OUTCOMES = ["booked", "not_reached", "not_now", "lost"];
const REASONS = ["sold", "moved", "other_workshop", "unhappy", "other"];
// the fields each outcome asks for (the others are hidden)
const NEEDS = { not_reached: ["retry_on"], not_now: ["next_on"], lost: ["reason"] };

/** What the invitation did so far: sent, opened, booked (each with its day). */
function progress(c) {
  return ["sent_at", "opened_at", "booked_at"].filter((k) => c[k]).map((k) => T("cc_" + k, { d: esc(c[k].slice(5, 10)) })).join(" · ") || T("cc_" + c.status);
}
function lastCall(c) {
  const l = c.calls[c.calls.length - 1];
  return l ? '<div class="muted">' + T("cc_calls", { n: c.calls.length }) + " · " + T("cc_o_" + l.outcome) + (l.note ? " “" + esc(l.note) + "”" : "") + "</div>" : "";
}
function careCard(c) {
  const phone = c.can_call ? '<a class="call" href="tel:' + esc(c.phone) + '">' + esc(phoneText(c.phone)) + "</a>" : esc(c.phone_masked);
  return '<div class="job" data-cc="' + esc(c.id) + '" data-v="' + c.version + '"><div class="top"><span>' + esc(c.customer_name) + " · " +
    '<a href="#/vehicle/' + esc(c.vehicle_id) + '">' + esc(c.plate) + "</a> " + esc(c.model) + '</span><span><span class="pill">' + esc(c.kind_name) + "</span> " +
    '<span class="due">' + T("cc_due", { d: esc((c.call_due || "").slice(5)) }) + "</span>" + (c.overdue ? ' <span class="pill risk">' + T("overdue") + "</span>" : "") + "</span></div>" +
    "<div>" + phone + " · " + T("cc_service_due", { d: esc(c.due_on) }) + " · " + progress(c) + "</div>" +
    (c.items.length ? '<ul class="items">' + c.items.map((i) => "<li>" + esc(i) + "</li>").join("") + "</ul>" : "") + lastCall(c) +
    '<form class="row" id="cc-' + esc(c.id) + '" novalidate>' + select("outcome", T("call_outcome"), [["", T("board_choose")]].concat(OUTCOMES.map((x) => [x, T("cc_o_" + x)])), { required: true }) +
    input("retry_on", T("retry_on"), { type: "date", required: true }) + input("next_on", T("cc_next_on"), { type: "date", required: true }) +
    select("reason", T("cc_reason"), [["", T("board_choose")]].concat(REASONS.map((x) => [x, T("cc_r_" + x)])), { required: true }) +
    textarea("note", T("note"), { attrs: 'rows="1" maxlength="500"' }) + '<button class="small go" type="submit">' + T("record") + "</button></form></div>";
}
/** Shows the fields the chosen outcome needs, hides the others. */
function fitFields(form) {
  const wanted = NEEDS[form.outcome.value] || [];
  ["retry_on", "next_on", "reason"].forEach((n) => { form.querySelector('[data-for="' + n + '"]').hidden = !wanted.includes(n); });
}
function careSection(b) {
  const list = b.calls.concat(b.upcoming);
  return '<section class="card" id="care-calls"><h2>' + T("cc_h") + " (" + list.length + ")</h2>" + (list.map(careCard).join("") || '<p class="muted">' + T("cc_none") + "</p>") + "</section>";
}
function showCare(view) {
  const box = document.createElement("div");
  view.append(box);
  call("GET", "/api/staff/care/calls").then((r) => {
    if (r.status !== 200) return;          // a role without retention calls: the section stays out
    box.outerHTML = careSection(r.body);
    view.querySelectorAll("[data-cc] form").forEach((form) => {
      fitFields(form);
      form.outcome.addEventListener("change", () => fitFields(form));
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        const c = form.closest("[data-cc]"), need = NEEDS[form.outcome.value] || [];
        const body = { version: Number(c.dataset.v), outcome: form.outcome.value, note: form.note.value };
        need.forEach((n) => { body[n] = form[n].value; });
        call("POST", "/api/staff/care/invitations/" + c.dataset.cc + "/calls", body)
          .then((r2) => { if (r2.status === 200) { rerender(); say(T("saved"), "ok"); } else problem(r2, form); });
      });
    });
  });
}

/** Strings of customer care (strings/care/<lang>.js), loaded by the router first. */
export const area = "care";

export default function show(view) {
  call("GET", "/api/staff/followups").then((r) => {
    if (r.status !== 200) { view.innerHTML = ""; showCare(view); if (r.status !== 403) problem(r); return; }
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
    showCare(view);
  });
}
