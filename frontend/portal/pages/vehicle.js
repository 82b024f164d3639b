/* One vehicle's file (一车一档): owner, warranty, declined recommendations, orders, bookings,
   photos, signed documents and the change history; the contact timeline (every SMS, call,
   follow-up, survey, complaint and invitation, newest first), the form to log a call in or out
   (登记来电/去电) and the marketing SMS consent switch (issue 15). */
import { T } from "../kit/i18n.js";
import { call, problem } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { select, textarea, input, problem as fieldProblem } from "../kit/forms.js";
import { has } from "../kit/session.js";
import { rerender } from "../kit/nav.js";
import { esc, table, phoneText } from "../kit/dom.js";
import { local } from "../kit/time.js";
import { auditList } from "../kit/history.js";

function cover(c) {
  if (!c) return T("unknown");
  return c.active ? T("active", { d: c.until }) : T("ended") + " (" + c.until + ")";
}

/** What a photo shows, in words: a check-in photo, a damage mark (zone and kind) or a line. */
function photoTitle(p) {
  if (p.kind === "damage") return T("zone_" + p.zone) + " · " + T("d_" + p.damage);
  return p.kind === "line" ? p.description : T("vehicle_photo_check_in");
}

const NONE = () => '<span class="muted">' + T("vehicle_none") + "</span>";
const listOr = (items) => items.length ? items.join("") : '<li class="muted">' + T("vehicle_none") + "</li>";
/** A signed document in words (check_in, approval_estimate...); a kind without words keeps its code. */
function docName(code) {
  const key = "vehicle_doc_" + code, text = T(key);
  return text === key || !text ? esc(code) : text;
}

// ---- contacts (issue 15) ----
const CALLERS = ["advisor", "follow_up", "manager"];   // who phones customers (logs calls, consent)
/** What a timeline entry was, in words: an SMS of a kind, a call in or out, a follow-up... */
function what(e) {
  const kind = e.kind ? T("tl_k_" + e.kind) : "";
  const named = kind && kind !== "tl_k_" + e.kind ? kind : esc(e.kind || "");
  if (e.type === "call") return T(e.direction === "in" ? "tl_call_in" : "tl_call_out") + (e.invitation_id && named ? " · " + named : "");
  return T("tl_" + e.type) + (named ? " · " + named : "");
}
function outcomeText(e) {
  if (!e.outcome) return "";
  const key = "tl_o_" + e.outcome, text = T(key);
  return (text === key ? esc(e.outcome) : text) + (e.reason ? " · " + T("cc_r_" + e.reason) : "") + (e.comes_back_on ? " · " + T("tl_back", { d: esc(e.comes_back_on) }) : "");
}
function timeline(v) {
  const rows = v.timeline.map((e) => '<tr data-tl="' + esc(e.type) + '"><td class="nw">' + local(e.at, true) + "</td><td>" + what(e) + "</td><td>" + esc(e.by_name || "") +
    "</td><td>" + outcomeText(e) + (e.note ? ' <span class="muted">' + esc(e.note) + "</span>" : "") + "</td></tr>");
  return "<h3>" + T("tl_h") + "</h3>" + (rows.length ? table([T("time"), T("tl_what"), T("tl_who"), T("call_outcome")], rows, 'id="timeline"') : NONE());
}
function consent(v) {
  const c = v.consent;
  if (!c || !v.customer) return "";
  const state = c.opted_out ? T("cs_opted_out") : c.recorded ? T(c.marketing ? "cs_yes" : "cs_no") + " · " + local(c.at, true) : T("cs_none");
  return '<div class="row" id="consent"><label class="check"><input type="checkbox" id="consent-box"' + (c.marketing ? " checked" : "") + (has(CALLERS) ? "" : " disabled") + "> " +
    T("cs_label") + '</label> <span class="muted" data-watch="cs_label">' + state + "</span></div>";
}
function contactForm(v) {
  if (!v.customer || !has(CALLERS)) return "";
  return '<form class="row" id="contact-form" novalidate><h4>' + T("tl_log_h") + "</h4>" +
    select("direction", T("tl_direction"), [["in", T("tl_call_in")], ["out", T("tl_call_out")]], { required: true }) +
    textarea("note", T("tl_note"), { required: true, attrs: 'rows="2" maxlength="500"' }) + input("outcome", T("call_outcome"), { attrs: 'maxlength="40"' }) +
    '<button class="small go" type="submit">' + T("record") + "</button></form>";
}
function wire(view, v) {
  const box = view.querySelector("#consent-box");
  if (box) box.addEventListener("change", () => call("PUT", "/api/staff/customers/" + v.customer.id + "/consent", { marketing: box.checked })
    .then((r) => { if (r.status === 200) { say(T("saved"), "ok"); rerender(); } else { box.checked = !box.checked; problem(r); } }));
  const f = view.querySelector("#contact-form");
  if (f) f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    call("POST", "/api/staff/customers/" + v.customer.id + "/contacts", { direction: f.direction.value, note: f.note.value, outcome: f.outcome.value || undefined, vehicle_id: v.id })
      .then((r) => { if (r.status === 201) { say(T("saved"), "ok"); rerender(); } else fieldProblem(r, f); });
  });
}

/** Strings of customer care (strings/care/<lang>.js), loaded by the router first. */
export const area = "care";

export default function show(view, id) {
  call("GET", "/api/staff/vehicles/" + id).then((r) => {
    if (r.status !== 200) return problem(r);
    const v = r.body;
    view.innerHTML = '<section class="card"><h2>' + esc(v.plate) + ' <span class="muted">' + esc(v.model) + '</span></h2><div class="grid2">' +
      "<div>" + T("customer") + ": " + esc(v.customer ? v.customer.name + " " + phoneText(v.customer.phone) : "") + "</div>" +
      "<div>" + T("vin") + ": " + esc(v.vin || "—") + "</div><div>" + T("sale_date") + ": " + esc(v.sale_date || "—") + "</div>" +
      "<div>" + T("mileage") + ": " + esc(v.mileage_km) + "</div><div>" + T("rw") + ": <b>" + cover(v.warranty.repair_warranty) + "</b></div>" +
      "<div>" + T("sanbao") + ": <b>" + cover(v.warranty.sanbao) + "</b></div></div>" +
      (v.recommendations.length ? "<h3>" + T("recommendations") + "</h3><ul>" + v.recommendations.map((x) =>
        "<li>" + esc(x.description) + " ¥" + x.amount + ' <span class="muted">(' + esc(x.order_reference) + ", " + local(x.declined_at) + ")</span></li>").join("") + "</ul>" : "") +
      "<h3>" + T("orders") + "</h3>" + table([T("orders"), T("time"), T("status"), T("amount")], v.orders.map((o) =>
        '<tr><td><a href="#/order/' + o.id + '">' + esc(o.reference) + "</a></td><td>" + local(o.opened_at) + '</td><td><span class="pill ' + o.status + '">' + T("o_" + o.status) + '</span></td><td class="num">¥' + o.estimate + "</td></tr>")) +
      "<h3>" + T("bookings") + '</h3><ul id="vbookings">' + listOr(v.bookings.map((b) => "<li>" + local(b.slot_start) + " · " + esc(b.reference) + " · " + T("s_" + b.status) + "</li>")) +
      "</ul><h3>" + T("photos") + '</h3><div class="photos" id="vphotos">' + (v.photos.length ? v.photos.map((p) =>
        '<a href="' + esc(p.url) + '" target="_blank" title="' + esc(photoTitle(p)) + '"><img src="' + esc(p.url) + '" alt="' + esc(photoTitle(p)) + '"></a>').join("") : NONE()) +
      "</div><h3>" + T("documents") + '</h3><ul id="docs">' + listOr(v.documents.map((d) =>
        '<li><a href="' + esc(d.url) + '" target="_blank">' + esc(d.reference) + " · " + docName(d.document) + "</a> " + local(d.signed_at) + "</li>")) +
      "</ul>" + consent(v) + timeline(v) + contactForm(v) + auditList(v.audit) + "</section>";
    wire(view, v);
  });
}
