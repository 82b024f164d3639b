/* My jobs (我的工单): the technician's jobs with the clock, on a phone or a workshop tablet. */
import { T } from "../kit/i18n.js";
import { call, problem } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc } from "../kit/dom.js";
import { me, has } from "../kit/session.js";
import { clockButtons, askPause, hm } from "../kit/clock.js";
import { rerender } from "../kit/nav.js";
import { when } from "../kit/time.js";

export default function show(view) {
  call("GET", "/api/staff/workshop").then((r) => {
    if (r.status !== 200) return problem(r);
    let mine = [];
    for (const t of r.body.technicians) if (t.username === me().username || has(["foreman", "manager"])) mine = mine.concat(t.jobs);
    const qc = r.body.quality_check.filter((c) => c.may_check);   // only the checks this reader signs
    view.innerHTML = '<section class="card"><h2>' + T("nav_jobs") + "</h2>" + (mine.map((c) =>
      '<div class="job' + (c.at_risk ? " risk" : "") + '" data-job="' + c.order_id + '" data-v="' + c.version + '"><div class="top"><a href="#/order/' + c.order_id + '">' + esc(c.plate) + "</a><span>" + T("j_" + c.job) + "</span></div>" +
      "<div>" + T("promised") + " <b>" + when(c.promised_at, r.body.generated_at) + "</b>" + (c.bay ? " · " + T("bay") + " <b>" + esc(c.bay) + "</b>" : "") + "</div>" +
      '<div class="muted">' + c.lines.map((l) => esc(l.description)).join("、") + '</div><div class="muted">' + esc((c.concern && c.concern.what) || "") + "</div>" +
      "<div>" + T("sold") + " " + hm(c.sold_minutes) + " · " + T("worked") + " " + hm(c.worked_minutes) + '</div><div class="big-btns">' + clockButtons(c) + "</div></div>").join("")
      || '<p class="muted">' + T("no_jobs") + "</p>") + "</section>" +
      (qc.length ? '<section class="card"><h2>' + T("qc_h") + "</h2>" + qc.map((c) => '<div class="job"><a href="#/order/' + c.order_id + '">' + esc(c.plate) + "</a> · " + T("qc_level_" + c.qc_next) + "</div>").join("") + "</section>" : "");
    view.querySelectorAll("[data-clock]").forEach((btn) => btn.addEventListener("click", () => {
      const card = btn.closest("[data-job]"), body = { version: Number(card.dataset.v), action: btn.dataset.clock };
      if (body.action === "pause" && !askPause(body)) return;
      btn.disabled = true;
      call("POST", "/api/staff/orders/" + card.dataset.job + "/clock", body).then((r2) => {
        btn.disabled = false;
        if (r2.status === 200) { rerender(); say(T("saved"), "ok"); } else problem(r2);
      });
    }));
  });
}
