/* Appointment board (预约看板): the day's bookings, their actions, and the phone / walk-in booking form. */
import { T, serviceName } from "../kit/i18n.js";
import { call, problem } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc, table, telLink } from "../kit/dom.js";
import { local, today } from "../kit/time.js";
import { rerender } from "../kit/nav.js";
import { has } from "../kit/session.js";

export default function show(view) {
  const date = sessionStorage.getItem("board.date") || today();
  view.innerHTML = '<section class="card"><div class="row"><div class="field"><label for="bd">' + T("date") + "</label>" +
    '<input id="bd" type="date" value="' + esc(date) + '"></div><button class="small" id="rf" type="button">' + T("refresh") + "</button>" +
    '<span class="muted" id="upd"></span></div><div id="day"><p class="loading">…</p></div></section>';
  const dateInput = view.querySelector("#bd");
  let formShown = false, techs = null;
  function load() {
    const asked = dateInput.value;
    Promise.all([call("GET", "/api/staff/board?date=" + asked), techs || call("GET", "/api/staff/technicians")]).then(([r, t]) => {
      if (asked !== dateInput.value) return;   // an older answer arriving late: another day by now
      if (r.status !== 200) return problem(r);
      if (t.status === 200) techs = t;
      renderBoard(view, r.body, t.status === 200 ? t.body.technicians : []);
      if (!formShown && has(["advisor", "manager"])) {   // below the list once it is there: nothing moves under the user's finger
        formShown = true;
        view.insertAdjacentHTML("beforeend", '<details class="card newb"><summary>' + T("new_booking") + '</summary><div id="nbx"></div></details>');
        const box = view.querySelector(".newb");
        box.addEventListener("toggle", () => {
          if (box.open && !box.dataset.ready) {
            box.dataset.ready = "1";
            import("./board-desk.js").then((m) => m.bookingForm(box.querySelector("#nbx"), dateInput.value, load));
          }
        });
      }
    });
  }
  dateInput.addEventListener("change", () => { sessionStorage.setItem("board.date", dateInput.value); load(); });
  view.querySelector("#rf").addEventListener("click", load);
  load();
  const timer = setInterval(load, 30000);   // refreshes without reloading the page
  return () => clearInterval(timer);
}

let shownRows = {};

function renderBoard(view, data, techs) {
  view.querySelector("#upd").textContent = T("updated", { t: local(data.generated_at, false) });
  const day = view.querySelector("#day");
  const counts = '<div class="counts" id="counts">' + ["booked", "confirmed", "arrived", "no_show", "cancelled"].map((s) =>
    "<div><b>" + (data.counts[s] || 0) + "</b>" + T("s_" + s) + "</div>").join("") + "</div>";
  if (!data.bookings.length) { day.innerHTML = counts + '<div id="rows"><p class="muted">' + T("none_today") + "</p></div>"; return; }
  day.innerHTML = counts + '<div id="rows"></div>';
  const rows = day.querySelector("#rows");
  shownRows = {};
  const desk = has(["advisor", "manager"]);
  rows.innerHTML = table([T("slot"), T("customer"), T("vehicle"), T("services"), T("advisor") + " / " + T("technician"),
    T("status"), T("actions")], data.bookings.map((b) => {
    shownRows[b.id] = b;
    const active = desk && (b.status === "booked" || b.status === "confirmed");   // the front desk changes bookings
    const acts = [];
    const act = (name, text, cls) => acts.push('<button type="button"' + (cls ? ' class="' + cls + '"' : "") + ' data-act="' + name + '" data-id="' + b.id + '">' + text + "</button>");
    if (active) {
      act("checkin", T("check_in"), "go");
      if (b.status === "booked") act("confirm", T("board_confirm"));
      act("parts", b.parts_ready ? T("parts_not") : T("parts_ready"));
      act("move", T("board_move"));
      act("cancel", T("board_cancel"));
      act("noshow", T("no_show"));
    }
    if (b.order_id) acts.push('<button type="button" data-act="order" data-id="' + b.order_id + '">' + T("open_order") + "</button>");
    const options = [["", "—"]].concat(techs.map((t) => [t.username, t.name]));
    if (b.technician && !techs.some((t) => t.username === b.technician)) options.push([b.technician, b.technician_name || b.technician]);
    const lostText = b.lost_reason ? T("lost_" + b.lost_reason) + (b.lost_note ? ":" + b.lost_note : "") : b.reason;
    return '<tr data-booking="' + b.id + '"><td class="nw">' + local(b.slot_start, false) + "</td><td>" + esc(b.customer.name) + '<br><span class="muted nw">' + telLink(b.customer.phone, b.customer.phone_full, T("board_call", { n: b.customer.name })) + "</span></td>" +
      '<td><span class="plate">' + esc(b.vehicle.plate) + '</span><br><span class="muted">' + esc(b.vehicle.model) + "</span></td><td>" +
      b.services.map((s) => '<span class="svcname">' + esc(serviceName(s)) + "</span>").join("<br>") + '<br><span class="muted">¥' + b.estimate + ' · <span class="nw">' + T("t_" + b.transport) + "</span></span>" +
      (b.note ? '<br><span class="muted">' + esc(b.note) + "</span>" : "") + "</td><td>" + esc(b.advisor_name || "—") + "<br>" +
      (active ? '<select data-act="tech" data-id="' + b.id + '" aria-label="' + T("board_tech_for", { b: esc(b.customer.name + " " + b.vehicle.plate) }) + '">' +
        options.map(([u, name]) => '<option value="' + esc(u) + '"' + (u === (b.technician || "") ? " selected" : "") + ">" + esc(name) + "</option>").join("") + "</select>" : esc(b.technician_name || "")) +
      (b.parts_ready ? '<br><span class="muted">' + T("parts_ready") + " ✔</span>" : "") + "</td>" +
      '<td><span class="pill ' + b.status + '">' + T("s_" + b.status) + "</span>" +
      (lostText ? '<br><span class="muted">' + esc(lostText) + "</span>" : "") + '</td><td><div class="btns">' + acts.join("") + "</div></td></tr>";
  }));
  rows.querySelectorAll("[data-act]").forEach((el) => {
    el.addEventListener(el.tagName === "SELECT" ? "change" : "click", () => boardAction(el));
  });
}

function boardAction(el) {
  const id = el.dataset.id, act = el.dataset.act, b = shownRows[id], v = b ? b.version : undefined;
  let req = null;
  if (act === "checkin") { location.hash = "#/checkin/" + id; return; }
  if (act === "order") { location.hash = "#/order/" + id; return; }
  if (act === "cancel" || act === "move") {
    import("./board-desk.js").then((m) => (act === "cancel" ? m.cancelBooking : m.moveBooking)(b));
    return;
  }
  if (act === "confirm") req = call("POST", "/api/staff/bookings/" + id + "/confirm", { version: v });
  if (act === "parts") req = call("POST", "/api/staff/bookings/" + id + "/prepare", { version: v, parts_ready: !b.parts_ready });
  if (act === "tech") req = call("POST", "/api/staff/bookings/" + id + "/prepare", { version: v, technician: el.value });
  if (act === "noshow") {
    const reason = window.prompt(T("no_show_reason"));
    if (!reason) return;
    req = call("POST", "/api/staff/bookings/" + id + "/no-show", { version: v, reason });
  }
  req.then((r) => { if (r.status !== 200) problem(r); else { rerender(); say(T("saved"), "ok"); } });
}
