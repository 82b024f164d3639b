/* The repair order from the workshop to delivery: job and clock, the three quality checks, wash,
   settlement (结算), delivery (交车) and the timeline. Part of the order page (pages/order.js). */
import { T, lang } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc } from "../kit/dom.js";
import { who } from "../kit/people.js";
import { input, select, problem } from "../kit/forms.js";
import { local } from "../kit/time.js";
import { has } from "../kit/session.js";
import { signaturePad } from "../kit/signature.js";
import { printDoc } from "../kit/print.js";
import { clockButtons, askPause, hm, workedBy } from "../kit/clock.js";
import { timelineList } from "../kit/history.js";

const CHECKLIST = ["clean", "old_parts", "keys", "documents", "explained"];

/** The sections' HTML for order o (only those its status and the staff member's roles call for). */
export function workSections(o) {
  let html = "";
  const j = o.job;
  if (["approved", "in_work", "quality_check", "ready", "settled", "delivered"].includes(o.status)) {
    const worked = workedBy(o);
    html += '<section class="card" id="jobsec"><h3>' + T("job_h") + '</h3><div class="grid2"><div>' + T("technician") + ": <b>" + esc(who(o, j.technician) || "—") + "</b> " + (j.bay ? T("bay") + " " + esc(j.bay) : "") +
      ' <span class="pill">' + T("j_" + j.state) + "</span></div><div>" + T("sold") + " " + hm(j.sold_minutes) + " · " + T("worked") + " " + (worked || "0") + "</div></div>" +
      (o.quality.rework_count ? '<p><span class="pill declined">' + T("rework") + " " + o.quality.rework_count + "</span></p>" : "") +
      (o.comeback_of ? '<p><span class="pill declined">' + T("comeback") + " ← " + esc(o.comeback_of) + "</span></p>" : "") +
      '<div class="big-btns" data-job="' + o.id + '">' + (has(["technician", "foreman", "manager"]) ? clockButtons({ job: j.state }) : "") + "</div>" +
      o.quality.records.map((q) => '<div class="muted">' + T("qc_level_" + q.level) + " · " + (q.passed ? "✔ " + T("pass") : "✘ " + T("fail")) + " · " + esc(q.by_name) + " " + local(q.at) + (q.note ? " · " + esc(q.note) : "") +
        (q.test_drive ? " · " + T("test_drive") + " " + esc(q.test_drive.distance_km) + "km " + esc(q.test_drive.findings) : "") + "</div>").join("") +
      (o.quality.passed_at ? '<p class="banner ok">✔ ' + T("qc_passed") + " " + local(o.quality.passed_at) + "</p>" : "") + "</section>";
  }
  if (o.quality.next_level && has(["technician", "foreman", "inspector", "manager"])) {
    const level = o.quality.next_level;
    html += '<section class="card"><h3>' + T("qc_level_" + level) + '</h3><form id="qcf" class="checklist" novalidate>' + o.quality.checklist.map((it) =>
      "<label>" + esc(lang() === "en" ? it.label_en : it.label_zh) + '<select name="item_' + it.code + '" data-field="items.' + it.code + '" required aria-required="true"><option value="" selected>' + T("qc_choose") + '</option><option value="pass">' + T("pass") + '</option><option value="fail">' + T("fail") + "</option></select></label>" +
      '<div class="err" data-err="items.' + it.code + '"></div>').join("") +
      input("note", T("qc_note")) +
      (level === "final" && o.test_drive_required ? "<fieldset><legend>" + T("test_drive") + '</legend><div class="row">' +
        input("test_drive.distance_km", T("distance"), { attrs: 'inputmode="decimal"' }) + input("test_drive.findings", T("drive_findings")) + "</div></fieldset>" : "") +
      '<div class="field"><span class="label" id="qsig-l">' + T("qc_signature") + '</span><canvas class="sign" id="qsig" data-field="signature" role="img" aria-labelledby="qsig-l"></canvas><div class="err" data-err="signature"></div></div>' +
      '<div class="btns"><button type="button" id="qclr">' + T("clear") + '</button><button type="submit" class="go">' + T("sign_qc") + "</button></div></form></section>";
  }
  if (o.status === "quality_check" && o.quality.passed_at && o.wash_wanted && !o.wash_done_at) {
    html += '<section class="card"><button class="primary" id="wash" type="button">' + T("wash_done") + "</button></section>";
  }
  if (o.status === "ready" && has(["cashier", "manager"])) {
    html += '<section class="card"><h3>' + T("settle_h") + "</h3><p>" + T("amount_due") + ': <b class="due">¥' + o.agreed.customer_pays + '</b></p><form id="stf" class="row" novalidate>' +
      input("discount", T("discount"), { attrs: 'inputmode="decimal" placeholder="0.00"' }) +
      input("discount_reason", T("discount_reason")) +
      select("payment_method", T("method"), ["wechat_pay", "alipay", "card", "cash", "transfer"].map((m) => [m, T("m_" + m)])) +
      '<button class="primary" type="submit">' + T("settle") + "</button></form></section>";
  }
  if (o.settlement) {
    html += '<section class="card"><h3>' + T("settle_h") + " " + esc(o.settlement.invoice_no) + "</h3><p>" + T("amount_due") + " ¥" + o.settlement.amount_due + (o.settlement.discount !== "0.00" ? " (" + T("discount") + " ¥" + o.settlement.discount + ")" : "") +
      " · " + T("m_" + o.settlement.payment_method) + " · " + esc(o.settlement.cashier_name) + '</p><div class="btns"><button type="button" id="pinv">' + T("print_invoice") + '</button><button type="button" id="prep">' + T("print_report") + "</button></div></section>";
  }
  if (o.status === "settled" && has(["advisor", "manager"])) {
    html += '<section class="card"><h3>' + T("deliver_h") + '</h3><form id="dlf" class="checklist" novalidate>' + CHECKLIST.map((k) =>
      "<label>" + T("ck_" + k) + (k === "old_parts" ? " (" + T("op_" + (o.reception.old_parts || "dispose")) + ")" : "") + '<input type="checkbox" name="ck_' + k + '" data-field="checklist.' + k + '"></label><div class="err" data-err="checklist.' + k + '"></div>').join("") +
      '<button class="primary" type="submit">' + T("deliver") + "</button></form></section>";
  }
  if (o.delivery) {
    html += '<section class="card"><h3>' + T("deliver_h") + " " + local(o.delivery.delivered_at) + "</h3><p>" + (o.delivery.on_time ? T("on_time") : T("late", { m: o.delivery.late_minutes })) +
      " · " + T("next_service") + ': <b id="nexts">' + esc(o.delivery.next_service_date) + (o.delivery.next_service_km ? " / " + o.delivery.next_service_km + " km" : "") + "</b></p></section>";
  }
  html += '<section class="card"><h3>' + T("timeline") + '</h3>' + timelineList(o.timeline) +
    (o.status !== "cancelled" && has(["advisor", "manager"]) ? '<button type="button" class="small" id="relink">' + T("resend_link") + "</button>" : "") + "</section>";
  return html;
}

/** Wires the sections' controls; render(order) shows the order again after a change. */
export function wireWork(view, o, render) {
  function post(path, body, form) {
    return call("POST", "/api/staff/orders/" + o.id + path, { version: o.version, ...body }).then((r) => {
      if (r.status === 200) { say(T("saved"), "ok"); render(r.body); } else problem(r, form);
    });
  }
  view.querySelectorAll("#jobsec [data-clock]").forEach((btn) => btn.addEventListener("click", () => {
    const body = { action: btn.dataset.clock };
    if (body.action === "pause" && !askPause(body)) return;
    post("/clock", body);
  }));
  const qcf = view.querySelector("#qcf");
  if (qcf) {
    const pad = signaturePad(view.querySelector("#qsig"));
    view.querySelector("#qclr").onclick = pad.clear;
    qcf.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const items = {};
      qcf.querySelectorAll("select[name^=item_]").forEach((s) => { items[s.name.slice(5)] = s.value; });
      const body = { level: o.quality.next_level, items, note: qcf.note.value, signature: pad.value() };
      if (qcf["test_drive.distance_km"]) body.test_drive = { distance_km: qcf["test_drive.distance_km"].value, findings: qcf["test_drive.findings"].value };
      post("/quality-check", body, qcf);
    });
  }
  const wash = view.querySelector("#wash");
  if (wash) wash.addEventListener("click", () => post("/wash", {}));
  const stf = view.querySelector("#stf");
  if (stf) stf.addEventListener("submit", (ev) => {
    ev.preventDefault();
    post("/settle", { discount: stf.discount.value || undefined, discount_reason: stf.discount_reason.value, payment_method: stf.payment_method.value }, stf);
  });
  const dlf = view.querySelector("#dlf");
  if (dlf) dlf.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const checklist = {};
    for (const k of CHECKLIST) checklist[k] = dlf["ck_" + k].checked;
    post("/deliver", { checklist }, dlf);
  });
  const relink = view.querySelector("#relink");   // the link goes to the customer's phone only
  if (relink) relink.addEventListener("click", () => {
    relink.disabled = true;
    call("POST", "/api/staff/orders/" + o.id + "/resend-link", { version: o.version }).then((r) => {
      if (r.status !== 200) { relink.disabled = false; return problem(r); }
      render(r.body); say(T("link_resent"), "ok");
    });
  });
  const pinv = view.querySelector("#pinv"), prep = view.querySelector("#prep");
  if (pinv) pinv.onclick = () => printDoc(o.id, "invoice");
  if (prep) prep.onclick = () => printDoc(o.id, "report");
}
