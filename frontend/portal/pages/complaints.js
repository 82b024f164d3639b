/* Complaints (投诉): counts, the list with reply deadlines, notes and resolution, and a new complaint. */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc, table } from "../kit/dom.js";
import { input, select, problem } from "../kit/forms.js";
import { local } from "../kit/time.js";
import { rerender } from "../kit/nav.js";

function saved(r, form) { if (r.status === 200 || r.status === 201) { rerender(); say(T("saved"), "ok"); } else problem(r, form); }

export default function show(view) {
  call("GET", "/api/staff/complaints").then((r) => {
    if (r.status !== 200) return problem(r);
    const b = r.body, c = b.counts;
    view.innerHTML = '<section class="card"><h2>' + T("complaints_h") + '</h2><div class="counts"><div><b>' + c.open + "</b>" + T("open_n") + "</div><div><b>" + c.escalated + "</b>" + T("escalated") +
      "</div><div><b>" + c.overdue_reply + "</b>" + T("overdue_reply") + "</div><div><b>" + c.resolved + "</b>" + T("resolved") + "</div></div>" +
      (b.average_hours_to_resolve ? '<p class="muted">' + T("avg_resolve", { h: b.average_hours_to_resolve }) + "</p>" : "") +
      table([T("time"), T("vehicle"), T("description_c"), T("severity"), T("owner"), T("reply_by"), T("status")], b.complaints.map((k) =>
        '<tr data-complaint="' + k.id + '"><td>' + local(k.opened_at) + '<br><span class="muted">' + T("src_" + k.source) + "</span></td><td>" + esc(k.plate) + "<br>" + esc(k.customer_name) + "</td><td>" + esc(k.description) + "</td><td>" + T("sev_" + k.severity) +
        "</td><td>" + esc(k.owner) + "</td><td>" + local(k.reply_by) + (k.overdue_reply ? ' <span class="pill risk">' + T("overdue_reply") + "</span>" : "") + '</td><td><span class="pill ' + (k.escalated && k.status === "open" ? "escalated" : k.status) + '">' +
        (k.status === "open" ? (k.escalated ? T("escalated") : T("open_n")) : T("resolved")) + "</span></td></tr>" +
        (k.status === "open" ? '<tr><td colspan="7"><form class="row" data-k="' + k.id + '" data-v="' + k.version + '" novalidate>' +
          input("text", T("note") + " / " + T("resolution"), { attrs: 'data-field="note resolution"' }) +
          '<button class="small" type="submit" value="note">' + T("add_note") + '</button><button class="small go" type="submit" value="yes">' + T("resolve") + " (" + T("accepted") + ')</button><button class="small" type="submit" value="no">' + T("not_accepted") + "</button></form></td></tr>" : "")), 'id="cpl"') +
      "</section>" +
      '<details class="card"><summary>' + T("new_complaint") + '</summary><form id="nk" class="row" novalidate>' + input("customer_name", T("name"), { required: true }) +
      input("plate", T("plate")) + input("description", T("description_c"), { required: true }) +
      select("severity", T("severity"), [["medium", T("sev_medium")], ["high", T("sev_high")], ["low", T("sev_low")]]) +
      input("staff_involved", T("staff_involved")) + '<button class="small go" type="submit">' + T("record") + "</button></form></details>";
    view.querySelectorAll("form[data-k]").forEach((form) => form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const kind = ev.submitter ? ev.submitter.value : "note", path = "/api/staff/complaints/" + form.dataset.k, v = Number(form.dataset.v);
      const req = kind === "note" ? call("POST", path + "/notes", { version: v, note: form.text.value })
        : call("POST", path + "/resolve", { version: v, resolution: form.text.value, customer_accepted: kind === "yes" });
      req.then((r2) => saved(r2, form));
    }));
    const nk = view.querySelector("#nk");
    nk.addEventListener("submit", (ev) => {
      ev.preventDefault();
      call("POST", "/api/staff/complaints", { customer_name: nk.customer_name.value, plate: nk.plate.value, description: nk.description.value,
        severity: nk.severity.value, staff_involved: nk.staff_involved.value }).then((r2) => saved(r2, nk));
    });
  });
}
