/* Workshop dispatch board (车间看板 / 派工): bays, jobs waiting, each technician's lane, quality
   check and cars ready to settle or deliver. */
import { T } from "../kit/i18n.js";
import { call, problem } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc } from "../kit/dom.js";
import { when } from "../kit/time.js";
import { has } from "../kit/session.js";
import { hm } from "../kit/clock.js";
import { rerender } from "../kit/nav.js";

/** The marks on a card: booked (预约优先) and the technician's findings the advisor has to price. */
function marks(c) {
  return (c.booked ? ' <span class="pill booked" title="' + T("ws_booked_title") + '">' + T("ws_booked") + "</span>" : "") +
    (c.findings_to_price ? ' <span class="pill finding">' + T("ws_finding", { n: c.findings_to_price }) + "</span>" : "");
}

function jobCard(c, techs, bays, now) {
  let acts = "";
  if (has(["foreman", "manager"]) && (c.status === "approved" || c.status === "in_work")) {
    acts = '<form class="row" data-dispatch="' + c.order_id + '" data-v="' + c.version + '"><div class="pick"><select name="technician" aria-label="' + T("technician") + '" aria-required="true"><option value="">' + T("ws_pick_tech") + "</option>" +
      techs.map((t) => '<option value="' + esc(t.username) + '"' + (t.username === c.technician ? " selected" : "") + ">" + esc(t.name) + "</option>").join("") +
      '</select></div><select name="bay" aria-label="' + T("bay") + '"><option value="">' + T("bay") + "</option>" + bays.map((b) => "<option" + (b === c.bay ? " selected" : "") + ">" + esc(b) + "</option>").join("") +
      '</select><button class="small go" type="submit">' + (c.technician ? T("handover") : T("dispatch")) + "</button></form>";
  }
  return '<div class="job' + (c.at_risk ? " risk" : "") + '" data-job="' + c.order_id + '"><div class="top"><span><a href="#/order/' + c.order_id + '">' + esc(c.plate) + "</a>" + marks(c) + '</span><span class="pill ' + (c.job === "running" ? "in_work" : "") + '">' + T("j_" + c.job) + "</span></div>" +
    '<div class="muted">' + esc(c.reference) + " · " + T("promised") + " " + when(c.promised_at, now) + (c.bay ? " · " + T("bay") + " " + esc(c.bay) : "") + "</div>" +
    "<div>" + T("sold") + " " + hm(c.sold_minutes) + " · " + T("worked") + " " + hm(c.worked_minutes) + (c.pause_reason ? " · " + T("r_" + c.pause_reason) : "") + "</div>" +
    (c.at_risk ? '<div class="pill risk">' + T("at_risk") + "</div>" : "") + (c.rework_count ? ' <span class="pill declined">' + T("rework") + " " + c.rework_count + "</span>" : "") +
    (c.comeback_of ? ' <span class="pill declined">' + T("comeback") + "</span>" : "") + acts + "</div>";
}

export default function show(view) {
  view.innerHTML = '<p class="loading">…</p>';
  call("GET", "/api/staff/workshop").then((r) => {
    if (r.status !== 200) return problem(r);
    const b = r.body, techs = b.technicians, bays = b.bays.map((x) => x.bay);
    const card = (c) => jobCard(c, techs, bays, b.generated_at);
    view.innerHTML = '<section class="card"><h2>' + T("nav_workshop") + '</h2><div class="counts"><div><b>' + b.waiting.length + "</b>" + T("waiting") + "</div><div><b>" + b.quality_check.length + "</b>" + T("qc_h") +
      "</div><div><b>" + b.ready.length + "</b>" + T("ready_h") + "</div><div><b>" + b.at_risk + "</b>" + T("at_risk") + "</div></div>" +
      "<h3>" + T("bays") + '</h3><div class="bays">' + b.bays.map((x) => '<span class="' + (x.order_id ? "busy" : "") + '">' + esc(x.bay) + (x.plate ? " · " + esc(x.plate) : "") + "</span>").join("") + "</div></section>" +
      '<section class="card"><div class="lanes"><div class="lane" id="waiting"><h3>' + T("waiting") + "</h3>" + (b.waiting.map(card).join("") || '<p class="muted">' + T("none") + "</p>") + "</div>" +
      techs.map((t) => '<div class="lane" data-lane="' + esc(t.username) + '"><h3>' + esc(t.name) + "</h3>" + t.jobs.map(card).join("") + "</div>").join("") +
      '<div class="lane"><h3>' + T("qc_h") + "</h3>" + b.quality_check.map(card).join("") + "</div>" +
      '<div class="lane"><h3>' + T("ready_h") + "</h3>" + b.ready.map((o) => '<div class="job"><a href="#/order/' + o.order_id + '">' + esc(o.plate) + '</a> <span class="pill ' + o.status + '">' + T("o_" + o.status) + "</span>" + (o.amount_due ? " ¥" + o.amount_due : "") + "</div>").join("") + "</div></div></section>";
    view.querySelectorAll("[data-dispatch]").forEach((f) => f.addEventListener("submit", (ev) => {
      ev.preventDefault();
      call("POST", "/api/staff/orders/" + f.dataset.dispatch + "/dispatch", { version: Number(f.dataset.v), technician: f.technician.value, bay: f.bay.value })
        .then((r2) => { if (r2.status === 200) { rerender(); say(T("saved"), "ok"); } else problem(r2, f); });
    }));
  });
}
