/* Complaints (投诉): counts, the list with reply deadlines, each complaint's customer (a call link
   for the roles that phone customers), its order, its trail (notes, reassignments) and
   resolution; the manager reassigns it; a new complaint. */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc, table, phoneText } from "../kit/dom.js";
import { input, select, problem } from "../kit/forms.js";
import { local } from "../kit/time.js";
import { rerender } from "../kit/nav.js";

// the trails the user opened (or acted on) stay open when the page shows again
const opened = new Set();

function saved(r, form, id) {
  if (r.status === 200 || r.status === 201) { if (id) opened.add(id); rerender(); say(T("saved"), "ok"); } else problem(r, form);
}

/** One trail event as a sentence; names: username -> display name. */
function eventText(e, name) {
  const what = e.action === "opened" ? T("src_" + e.note) : e.action === "assigned" ? name(e.note) : e.note;
  const key = "cpl_ev_" + e.action, text = T(key, { who: e.by === "system" ? T("hist_system") : e.by === "customer" ? T("hist_customer") : name(e.by), what });
  return text === key ? name(e.by) + " · " + e.note : text;
}

function customerCell(k) {
  const phone = k.can_call && k.phone ? '<a class="call" href="tel:' + esc(k.phone) + '">' + esc(phoneText(k.phone)) + "</a>" : esc(k.phone_masked);
  return esc(k.plate) + "<br>" + esc(k.customer_name) + (phone ? "<br>" + phone : "") +
    (k.order_id ? '<br><a href="#/order/' + esc(k.order_id) + '">' + T("cpl_order", { ref: esc(k.order_reference || "") }) + "</a>" : "");
}

function actions(k, b) {
  const assign = b.may_assign ? '<form class="row" data-assign="' + k.id + '" data-v="' + k.version + '" novalidate>' +
    select("owner", T("cpl_assign_to"), b.handlers.map((p) => [p.username, esc(p.name)]), { value: k.owner }) +
    '<button class="small" type="submit">' + T("cpl_assign") + "</button></form>" : "";
  return '<form class="row" data-k="' + k.id + '" data-v="' + k.version + '" novalidate>' +
    input("text", T("note") + " / " + T("resolution"), { attrs: 'data-field="note resolution"' }) +
    '<button class="small" type="submit" value="note">' + T("add_note") + '</button><button class="small go" type="submit" value="yes">' + T("resolve") + " (" + T("accepted") + ')</button><button class="small" type="submit" value="no">' + T("not_accepted") + "</button></form>" + assign;
}

function details(k) {
  const resolution = k.resolution ? '<p data-resolution="' + k.id + '">' + T("cpl_resolution", { r: esc(k.resolution) }) +
    ' <span class="pill ' + (k.customer_accepted ? "done" : "risk") + '">' + (k.customer_accepted ? T("accepted") : T("not_accepted")) + "</span></p>" : "";
  return resolution + '<details data-trail="' + k.id + '"' + (opened.has(k.id) ? " open" : "") + "><summary>" + T("cpl_trail") + '</summary><ol class="timeline"></ol></details>';
}

function loadTrail(box, name) {
  call("GET", "/api/staff/complaints/" + box.dataset.trail).then((r) => {
    if (r.status !== 200) return problem(r);
    box.querySelector("ol").innerHTML = r.body.events.map((e) => '<li><span class="muted">' + local(e.at) + "</span> " + esc(eventText(e, name)) + "</li>").join("");
  });
}

export default function show(view) {
  call("GET", "/api/staff/complaints").then((r) => {
    if (r.status !== 200) return problem(r);
    const b = r.body, c = b.counts, names = Object.fromEntries(b.handlers.map((p) => [p.username, p.name]));
    const name = (u) => names[u] || u;
    view.innerHTML = '<section class="card"><h2>' + T("complaints_h") + '</h2><div class="counts"><div><b>' + c.open + "</b>" + T("open_n") + "</div><div><b>" + c.escalated + "</b>" + T("escalated") +
      "</div><div><b>" + c.overdue_reply + "</b>" + T("overdue_reply") + "</div><div><b>" + c.resolved + "</b>" + T("resolved") + "</div></div>" +
      (b.average_hours_to_resolve ? '<p class="muted">' + T("avg_resolve", { h: b.average_hours_to_resolve }) + "</p>" : "") +
      table([T("time"), T("vehicle"), T("description_c"), T("severity"), T("owner"), T("reply_by"), T("status")], b.complaints.map((k) =>
        '<tr data-complaint="' + k.id + '"><td>' + local(k.opened_at) + '<br><span class="muted">' + T("src_" + k.source) + "</span></td><td>" + customerCell(k) + "</td><td>" + esc(k.description) + "</td><td>" + T("sev_" + k.severity) +
        "</td><td>" + esc(name(k.owner)) + "</td><td>" + local(k.reply_by) + (k.overdue_reply ? ' <span class="pill risk">' + T("overdue_reply") + "</span>" : "") + '</td><td><span class="pill ' + (k.escalated && k.status === "open" ? "escalated" : k.status) + '">' +
        (k.status === "open" ? (k.escalated ? T("escalated") : T("open_n")) : T("resolved")) + "</span></td></tr>" +
        '<tr class="sub"><td colspan="7">' + details(k) + (k.status === "open" ? actions(k, b) : "") + "</td></tr>"), 'id="cpl"') +
      "</section>" +
      '<details class="card"><summary>' + T("new_complaint") + '</summary><form id="nk" class="row" novalidate>' + input("customer_name", T("name"), { required: true }) +
      input("plate", T("plate")) + input("description", T("description_c"), { required: true }) +
      select("severity", T("severity"), [["medium", T("sev_medium")], ["high", T("sev_high")], ["low", T("sev_low")]]) +
      input("staff_involved", T("staff_involved")) + '<button class="small go" type="submit">' + T("record") + "</button></form></details>";
    view.querySelectorAll("details[data-trail]").forEach((box) => {
      if (box.open) loadTrail(box, name);
      box.addEventListener("toggle", () => {
        if (box.open) { opened.add(box.dataset.trail); loadTrail(box, name); } else opened.delete(box.dataset.trail);
      });
    });
    view.querySelectorAll("form[data-k]").forEach((form) => form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const kind = ev.submitter ? ev.submitter.value : "note", path = "/api/staff/complaints/" + form.dataset.k, v = Number(form.dataset.v);
      const req = kind === "note" ? call("POST", path + "/notes", { version: v, note: form.text.value })
        : call("POST", path + "/resolve", { version: v, resolution: form.text.value, customer_accepted: kind === "yes" });
      req.then((r2) => saved(r2, form, form.dataset.k));
    }));
    view.querySelectorAll("form[data-assign]").forEach((form) => form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      call("POST", "/api/staff/complaints/" + form.dataset.assign + "/assign", { version: Number(form.dataset.v), owner: form.owner.value })
        .then((r2) => saved(r2, form, form.dataset.assign));
    }));
    const nk = view.querySelector("#nk");
    nk.addEventListener("submit", (ev) => {
      ev.preventDefault();
      call("POST", "/api/staff/complaints", { customer_name: nk.customer_name.value, plate: nk.plate.value, description: nk.description.value,
        severity: nk.severity.value, staff_involved: nk.staff_involved.value }).then((r2) => saved(r2, nk));
    });
  });
}
