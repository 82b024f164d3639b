/* Confirmation calls (预约确认电话): a day's bookings not yet confirmed (tomorrow's by default),
   each with a call link and its calls so far; the outcome of each call is recorded. */
import { T, serviceName } from "../kit/i18n.js";
import { call, problem } from "../kit/api.js";
import { esc, table, telLink } from "../kit/dom.js";
import { local, today } from "../kit/time.js";
import { recordCall } from "./board-desk.js";

function tomorrow() {
  const d = new Date(today() + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export default function show(view) {
  view.innerHTML = '<section class="card"><h2>' + T("calls_h") + '</h2><p class="muted">' + T("calls_intro") + '</p><div class="row"><div class="field"><label for="cd">' +
    T("date") + '</label><input id="cd" type="date" value="' + esc(sessionStorage.getItem("calls.date") || tomorrow()) + '"></div></div><div id="calls"><p class="loading">…</p></div></section>';
  const dateInput = view.querySelector("#cd");
  let shown = {};
  function load() {
    const asked = dateInput.value;
    call("GET", "/api/staff/calls?date=" + asked).then((r) => {
      if (asked !== dateInput.value) return;
      if (r.status !== 200) return problem(r);
      const box = view.querySelector("#calls");
      shown = {};
      // store settings (issue 13): bookings a settings change left without a place, any day
      const recalls = r.body.recalls || [];
      const head = recalls.length ? "<h3>" + T("s_recall_h") + "</h3>" + rows(recalls, true) + "<h3>" + esc(asked) + "</h3>" : "";
      if (!r.body.bookings.length) { box.innerHTML = head + '<p class="muted">' + T("calls_none") + "</p>"; bind(box); return; }
      box.innerHTML = head + rows(r.body.bookings, false);
      bind(box);
    });
  }
  function bind(box) {
    box.querySelectorAll('[data-act="call"]').forEach((el) => el.addEventListener("click", () => recordCall(shown[el.dataset.id], load)));
  }
  function rows(list, recall) {
      return table([T("slot"), T("customer"), T("vehicle"), T("services"), T("calls_log"), T("actions")], list.map((b) => {
        shown[b.id] = b;
        const last = b.calls[b.calls.length - 1];
        return '<tr data-call="' + b.id + '"><td class="nw">' + local(b.slot_start, recall ? undefined : false) +
          (recall ? '<br><span class="pill warn">' + esc(b.recall.reason_text) + "</span>" : "") + "</td><td>" + esc(b.customer.name) + "<br>" +
          telLink(b.customer.phone, b.customer.phone_full, T("board_call", { n: b.customer.name })) + '</td><td><span class="plate">' + esc(b.vehicle.plate) +
          '</span><br><span class="muted">' + esc(b.vehicle.model) + "</span></td><td>" + b.services.map((s) => '<span class="svcname">' + esc(serviceName(s)) + "</span>").join("<br>") +
          "</td><td>" + (last ? T("calls_tried", { n: b.calls.length }) + '<br><span class="muted">' + local(last.at) + " " + T("co_" + last.outcome) +
            (last.note ? ":" + esc(last.note) : "") + "</span>" : "—") +
          '</td><td><div class="btns"><button type="button" class="go" data-act="call" data-id="' + b.id + '">' + T("call_record") + "</button></div></td></tr>";
      }), recall ? 'id="recalls"' : "");
  }
  dateInput.addEventListener("change", () => { sessionStorage.setItem("calls.date", dateInput.value); load(); });
  load();
}
