/* Repair order (施工单): header, lines and totals, adding a line, customer approval (by SMS or
   signed in store), prints; the workshop-to-delivery sections come from order-work.js. */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc, table, telLink } from "../kit/dom.js";
import { who } from "../kit/people.js";
import { input, select, problem } from "../kit/forms.js";
import { local, fromInput, toInput } from "../kit/time.js";
import { signaturePad } from "../kit/signature.js";
import { uploadPhotos } from "../kit/photos.js";
import { printDoc } from "../kit/print.js";
import { auditList } from "../kit/history.js";
import { openDialog } from "../kit/dialog.js";
import { bookSearch, bookSearchField } from "../kit/typeahead.js";
import { workSections, wireWork } from "./order-work.js";
import { renderJob } from "./order-job.js";

const PAY_TYPES = ["customer", "warranty", "internal", "goodwill"];

export default function show(view, id) {
  call("GET", "/api/staff/orders/" + id).then((r) => {
    if (r.status !== 200) return problem(r);
    renderOrder(view, r.body);
  });
}

function totalsBox(t, title) {
  return '<div class="totals"><div><b>' + title + "</b></div>" + PAY_TYPES.filter((p) => t.by_pay_type[p] !== "0.00")
    .map((p) => "<div><span>" + T("p_" + p) + "</span><span>¥" + t.by_pay_type[p] + "</span></div>").join("") +
    '<div class="big"><span>' + T("customer_pays") + "</span><span>¥" + t.customer_pays + "</span></div>" +
    '<div class="muted"><span>' + T("tax") + "</span><span>¥" + t.tax_included + "</span></div></div>";
}

function lineRow(l, o) {
  return '<tr data-line="' + l.id + '"><td>' + T("k_" + l.kind) + (l.additional ? ' <span class="pill pending">' + T("additional") + "</span>" : "") + "</td><td>" + esc(l.description) + ' <span class="muted">' + esc(l.code) + "</span>" +
    (l.found_by ? ' <span class="pill finding">' + T("ws_found_by") + " · " + esc(who(o, l.found_by)) + "</span>" : "") +
    (l.to_price ? ' <span class="pill pending">' + T("ws_to_price") + "</span>" : "") +
    (l.reason ? '<div class="muted small">' + (l.discount_by ? T("reason_by", { r: esc(l.reason), by: esc(who(o, l.discount_by)) }) : T("reason_only", { r: esc(l.reason) })) + "</div>" : "") +
    (l.photos.length ? '<div class="photos">' + l.photos.map((u) => '<img src="' + esc(u) + '" alt="">').join("") + "</div>" : "") + '</td><td class="num">' + l.quantity + '</td><td class="num">' + l.unit_price +
    '</td><td class="num">' + l.amount + "</td><td>" + T("p_" + l.pay_type) + '</td><td><span class="pill ' + l.status + '">' + T("l_" + l.status) + "</span></td><td>" +
    (l.to_price ? '<button type="button" class="small go" data-price="' + l.id + '">' + T("ws_price") + "</button>" : "") +
    (l.status === "draft" ? '<button type="button" class="small" data-rm="' + l.id + '">' + T("remove") + "</button>" : "") + "</td></tr>";
}

/** The fields of a line (adding one, or pricing a technician's finding: values of that line). */
function lineFields(v = {}) {
  return select("kind", T("kind"), [["part", T("k_part")], ["labor", T("k_labor")]], { value: v.kind }) +
    input("description", T("description"), { required: true, value: v.description }) +
    input("code", T("part_number") + " / " + T("operation")) +
    input("qty", T("quantity") + " / " + T("hours"), { required: true, attrs: 'inputmode="decimal" data-field="quantity hours"' }) +
    input("price", T("unit_price") + " / " + T("rate"), { attrs: 'inputmode="decimal" data-field="unit_price rate"' }) +
    select("pay_type", T("pay_type"), PAY_TYPES.map((p) => [p, T("p_" + p)])) +
    input("reason", T("reason"), { attrs: 'maxlength="120"' });
}

function lineForm() {
  return '<form id="al" class="row" novalidate>' + bookSearchField() + lineFields() +
    input("photo", T("photos"), { type: "file", attrs: 'accept="image/jpeg,image/png,image/webp" capture="environment" multiple' }) +
    '<button class="small go" type="submit">' + T("add_line") + "</button></form>";
}

function approvalsSection(o, drafts) {
  return '<section class="card"><h3>' + T("approvals_h") + "</h3>" + o.approvals.map((a) =>
    '<div class="muted">' + local(a.created_at) + " · " + T("order_approval_" + a.kind) + " · " + (a.status === "pending" ? T("pending_customer") : (a.channel === "sms" ? T("decided_sms") : T("decided_in_store")) + " " + local(a.decided_at)) + " → " + T("promised") + " " + local(a.promised_at) +
    (a.signature_url ? ' <a href="' + esc(a.signature_url) + '" target="_blank">' + T("signature") + "</a>" : "") +
    (a.resent ? " · " + T("sms_resent", { n: a.resent }) : "") + "</div>").join("") + '<div id="sent"></div>' +
    (drafts.length || o.pending_approval ? '<form id="ap" class="row" novalidate>' +
      (drafts.length ? input("promised_at", T("promised"), { type: "datetime-local", value: toInput(o.promise_suggested || o.promised_at) }) + '<button type="button" class="small go" id="sms">' + T("send_sms") + "</button>"
        : '<button type="button" class="small" id="resms">' + T("resend_sms") + "</button>") +
      '<button type="button" class="small" id="instore">' + T("sign_here") + "</button></form>" : "") +
    auditList(o.audit) + "</section>";
}

export function renderOrder(view, o) {
  if (o.view === "job") return renderJob(view, o, (next) => renderOrder(view, next));   // the technician's job view
  const drafts = o.lines.filter((l) => l.status === "draft");
  view.innerHTML = '<section class="card"><h2>' + T("order_h", { ref: esc(o.reference) }) + ' <span class="pill ' + o.status + '" data-watch="status">' + T("o_" + o.status) + "</span></h2>" +
    '<div class="grid2"><div>' + T("customer") + ": " + esc(o.customer.name) + " " + telLink(o.customer.phone, o.customer.phone !== o.customer.phone_masked && o.customer.phone, T("board_call", { n: o.customer.name })) + "</div><div>" + T("vehicle") + ": " + esc(o.vehicle.plate) + " " + esc(o.vehicle.model) + "</div>" +
    "<div>" + T("opened") + ": " + local(o.opened_at) + "</div><div>" + T("promised") + ': <b id="prom" data-watch="promised">' + local(o.promised_at) + "</b></div></div>" +
    '<div class="btns" style="margin-top:8px"><button type="button" id="pr1">' + T("print_order") + '</button><button type="button" id="pr2">' + T("print_checkin") + "</button>" +
    '<a class="small" href="#/vehicle/' + o.vehicle.id + '">' + T("nav_search") + "</a></div></section>" +
    (o.recommendations.length ? '<section class="card banner warn"><b>' + T("recommendations") + "</b> (" + T("offered") + "): " + o.recommendations.map((x) => esc(x.description) + " ¥" + x.amount).join(", ") + "</section>" : "") +
    '<section class="card"><h3>' + T("lines") + "</h3>" +
    table([T("kind"), T("description"), T("quantity") + "/" + T("hours"), T("unit_price"), T("amount"), T("pay_type"), T("status"), '<span class="sr-only">' + T("actions") + "</span>"],
      o.lines.map((l) => lineRow(l, o)), 'id="lines"') + (o.may_add_lines ? lineForm() : "") +
    '<div class="grid2"><div>' + totalsBox(o.estimate, T("estimate")) + "</div><div>" + totalsBox(o.agreed, T("agreed")) + "</div></div></section>" +
    approvalsSection(o, drafts) + workSections(o);
  const render = (next) => renderOrder(view, next);
  const lf = view.querySelector("#al"), linePhotos = [];
  if (lf) lf.photo.addEventListener("change", (ev) => uploadPhotos(ev.target.files, linePhotos, () => {}));
  if (lf) bookSearch(lf, (h) => fillFromBook(lf, h));
  if (lf) lf.addEventListener("submit", (ev) => {
    ev.preventDefault();
    call("POST", "/api/staff/orders/" + o.id + "/lines", lineBody(lf, o, linePhotos)).then((r) => {
      if (r.status === 201) { say(T("saved"), "ok"); render(r.body); } else problem(r, lf);
    });
  });
  view.querySelectorAll("[data-rm]").forEach((b) => b.addEventListener("click", () => {
    call("POST", "/api/staff/orders/" + o.id + "/lines/" + b.dataset.rm + "/remove", { version: o.version }).then((r) => {
      if (r.status === 200) render(r.body); else problem(r);
    });
  }));
  view.querySelectorAll("[data-price]").forEach((b) => b.addEventListener("click", () => priceFinding(o, o.lines.find((l) => l.id === b.dataset.price), render)));
  view.querySelector("#pr1").addEventListener("click", () => printDoc(o.id, "order"));
  view.querySelector("#pr2").addEventListener("click", () => printDoc(o.id, "checkin"));
  wireApproval(view, o, drafts, render);
  wireWork(view, o, render);
}

/** A price book entry chosen in the type-ahead fills the line (the advisor may still edit it). */
function fillFromBook(f, h) {
  f.kind.value = h.kind === "op" ? "labor" : "part";
  f.code.value = h.code;
  f.description.value = h.name;
  f.qty.value = h.kind === "op" ? h.hours : "1";
  f.price.value = h.kind === "op" ? "" : h.unit_price;
  f.qty.focus();
}

/** A line's body for the API from a form of lineFields(). */
function lineBody(f, o, photos) {
  const body = { version: o.version, kind: f.kind.value, description: f.description.value, pay_type: f.pay_type.value, reason: f.reason.value, photo_keys: photos };
  if (f.kind.value === "part") { body.part_number = f.code.value; body.quantity = f.qty.value; body.unit_price = f.price.value; }
  else { body.operation = f.code.value; body.hours = f.qty.value; if (f.price.value) body.rate = f.price.value; }
  return body;
}

/** The advisor prices a technician's finding (技师发现): the draft line gets its work, hours and
    price (its photos kept); then it is sent with the other drafts as additional work. */
function priceFinding(o, l, render) {
  const dlg = openDialog(T("ws_price_h"), '<form method="dialog" id="pf" class="pricing" novalidate>' +
    (l.photos.length ? '<div class="photos">' + l.photos.map((u) => '<img src="' + esc(u) + '" alt="">').join("") + "</div>" : "") +
    lineFields({ kind: "labor", description: l.description }) +
    '<div class="btns"><button type="submit" class="go">' + T("ws_price") + '</button><button type="button" value="cancel" id="pfx" aria-label="' + T("close") + '">✕</button></div></form>', { id: "pdlg" });
  const f = dlg.querySelector("#pf");
  dlg.querySelector("#pfx").addEventListener("click", () => dlg.close());
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    call("PUT", "/api/staff/orders/" + o.id + "/lines/" + l.id, lineBody(f, o, l.photo_keys)).then((r) => {
      if (r.status !== 200) return problem(r, f);
      dlg.close(); render(r.body); say(T("saved"), "ok");
    });
  });
}

function wireApproval(view, o, drafts, render) {
  const ap = view.querySelector("#ap");
  const promised = () => (ap && ap.promised_at && ap.promised_at.value ? fromInput(ap.promised_at.value) : undefined);
  const smsBtn = view.querySelector("#sms");
  if (smsBtn) smsBtn.addEventListener("click", () => {
    smsBtn.disabled = true;
    call("POST", "/api/staff/orders/" + o.id + "/send-approval", { version: o.version, promised_at: promised() }).then((r) => {
      smsBtn.disabled = false;
      if (r.status !== 200) return problem(r, ap);
      render(r.body);
      view.querySelector("#sent").innerHTML = '<p class="banner ok">' + T("link_sent") + "</p>";
    });
  });
  const resend = view.querySelector("#resms");   // the customer lost the SMS: the same request again
  if (resend) resend.addEventListener("click", () => {
    resend.disabled = true;
    call("POST", "/api/staff/orders/" + o.id + "/send-approval", { version: o.version }).then((r) => {
      resend.disabled = false;
      if (r.status !== 200) return problem(r, ap);
      render(r.body);
      const pending = r.body.approvals.find((a) => a.id === r.body.pending_approval);
      view.querySelector("#sent").innerHTML = '<p class="banner ok">' + T("sms_resent", { n: pending ? pending.resent : "" }) + "</p>";
    });
  });
  const inStore = view.querySelector("#instore");
  if (inStore) inStore.addEventListener("click", () => {
    const items = o.approval_items;   // job by job (a job's labour and parts: one answer), as the customer's page
    const dlg = openDialog(T("sign_here"), '<form method="dialog" id="df"><div id="dl">' + items.map((it) =>
      '<div class="row" role="radiogroup" aria-labelledby="dn_' + it.id + '"><span style="flex:1" id="dn_' + it.id + '">' + esc(it.description) + " ¥" + it.customer_amount + '</span><label><input type="radio" name="d_' + it.id + '" value="approved" checked> ' + T("approve") +
      '</label><label><input type="radio" name="d_' + it.id + '" value="declined"> ' + T("decline") + "</label></div>").join("") +
      '</div><p class="big">' + T("order_sign_total") + ' <b id="dtotal" aria-live="polite"></b></p>' + input("promised_at", T("promised"), { type: "datetime-local", value: (ap && ap.promised_at && ap.promised_at.value) || toInput(o.promise_suggested || o.promised_at) }) +
      '<div class="field"><span class="label" id="dsig-l">' + T("signature") + '</span><canvas class="sign" id="dsig" role="img" aria-labelledby="dsig-l"></canvas><div class="err" data-err="signature"></div></div>' +
      '<div class="btns"><button type="button" id="dclr">' + T("clear") + '</button><button type="button" class="go" id="dok">' + T("approve") + ' ✔</button><button value="cancel" aria-label="' + T("close") + '">✕</button></div></form>', { id: "dlg" });
    const fen = (y) => Math.round(Number(y) * 100), chosen = (it) => dlg.querySelector('input[name="d_' + it.id + '"]:checked').value;
    const live = () => {   // what was agreed before plus each job approved now
      const total = items.reduce((sum, it) => sum + (chosen(it) === "approved" ? fen(it.customer_amount) : 0), fen(o.agreed.customer_pays));
      dlg.querySelector("#dtotal").textContent = "¥" + (total / 100).toFixed(2);
    };
    live();
    dlg.querySelector("#dl").addEventListener("change", live);
    const pad = signaturePad(dlg.querySelector("#dsig"));
    dlg.querySelector("#dclr").onclick = pad.clear;
    dlg.querySelector("#dok").onclick = () => {
      const decisions = {};
      for (const it of items) for (const lid of it.line_ids) decisions[lid] = chosen(it);
      const df = dlg.querySelector("#df"), when = df.promised_at.value ? fromInput(df.promised_at.value) : undefined;
      call("POST", "/api/staff/orders/" + o.id + "/approve-in-store", { version: o.version, decisions, signature: pad.value(), promised_at: when }).then((r) => {
        if (r.status !== 200) return problem(r, dlg.querySelector("#df"));
        dlg.close(); say(T("saved"), "ok"); render(r.body);
      });
    };
  });
}
