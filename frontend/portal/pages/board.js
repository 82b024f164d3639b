/* Appointment board (预约看板): the day's bookings, their actions, and the phone / walk-in booking form. */
import { T, serviceName } from "../kit/i18n.js";
import { call, publicCall } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc, table } from "../kit/dom.js";
import { input, select, problem } from "../kit/forms.js";
import { local, today, OFFSET } from "../kit/time.js";
import { rerender } from "../kit/nav.js";

export default function show(view) {
  const date = sessionStorage.getItem("board.date") || today();
  view.innerHTML = '<section class="card"><div class="row"><div class="field"><label for="bd">' + T("date") + "</label>" +
    '<input id="bd" type="date" value="' + esc(date) + '"></div><button class="small" id="rf" type="button">' + T("refresh") + "</button>" +
    '<span class="muted" id="upd"></span></div><div id="day"><p class="loading">…</p></div></section>';
  const dateInput = view.querySelector("#bd");
  let formShown = false;
  function load() {
    const asked = dateInput.value;
    call("GET", "/api/staff/board?date=" + asked).then((r) => {
      if (asked !== dateInput.value) return;   // an older answer arriving late: another day by now
      if (r.status !== 200) return problem(r);
      renderBoard(view, r.body);
      if (!formShown) {   // below the list once it is there: nothing moves under the user's finger
        formShown = true;
        view.insertAdjacentHTML("beforeend", '<details class="card"><summary>' + T("new_booking") + "</summary>" + bookingForm() + "</details>");
        wireBookingForm(view, dateInput, load);
      }
    });
  }
  dateInput.addEventListener("change", () => { sessionStorage.setItem("board.date", dateInput.value); load(); });
  view.querySelector("#rf").addEventListener("click", load);
  load();
  const timer = setInterval(load, 30000);   // refreshes without reloading the page
  return () => clearInterval(timer);
}

function renderBoard(view, data) {
  view.querySelector("#upd").textContent = T("updated", { t: local(data.generated_at, false) });
  const day = view.querySelector("#day");
  const counts = '<div class="counts" id="counts">' + ["booked", "confirmed", "arrived", "no_show", "cancelled"].map((s) =>
    "<div><b>" + (data.counts[s] || 0) + "</b>" + T("s_" + s) + "</div>").join("") + "</div>";
  if (!data.bookings.length) { day.innerHTML = counts + '<div id="rows"><p class="muted">' + T("none_today") + "</p></div>"; return; }
  day.innerHTML = counts + '<div id="rows"></div>';
  const rows = day.querySelector("#rows");
  rows.innerHTML = table([T("slot"), T("customer"), T("vehicle"), T("services"), T("transport"), T("advisor") + " / " + T("technician"),
    T("parts"), T("status"), T("actions")], data.bookings.map((b) => {
    const active = b.status === "booked" || b.status === "confirmed";
    const acts = [];
    if (active) {
      acts.push('<button class="go" data-act="checkin" data-id="' + b.id + '">' + T("check_in") + "</button>");
      if (b.status === "booked") acts.push('<button data-act="confirm" data-id="' + b.id + '" data-v="' + b.version + '">' + T("confirm") + "</button>");
      acts.push('<button data-act="parts" data-id="' + b.id + '" data-v="' + b.version + '" data-on="' + b.parts_ready + '">' + (b.parts_ready ? T("parts_not") : T("parts_ready")) + "</button>");
      acts.push('<button data-act="noshow" data-id="' + b.id + '" data-v="' + b.version + '">' + T("no_show") + "</button>");
    }
    if (b.order_id) acts.push('<button data-act="order" data-id="' + b.order_id + '">' + T("open_order") + "</button>");
    return '<tr data-booking="' + b.id + '"><td>' + local(b.slot_start, false) + "</td><td>" + esc(b.customer.name) + '<br><span class="muted">' + esc(b.customer.phone) + "</span></td>" +
      "<td>" + esc(b.vehicle.plate) + '<br><span class="muted">' + esc(b.vehicle.model) + "</span></td><td>" +
      b.services.map((s) => esc(serviceName(s))).join("<br>") + '<br><span class="muted">¥' + b.estimate + "</span></td>" +
      "<td>" + T("t_" + b.transport) + "</td><td>" + esc(b.advisor || "—") + "<br>" +
      (active ? '<select data-act="tech" data-id="' + b.id + '" data-v="' + b.version + '" aria-label="' + T("technician") + '">' +
        ["", "technician"].map((u) => '<option value="' + u + '"' + (u === b.technician ? " selected" : "") + ">" + (u || "—") + "</option>").join("") + "</select>" : esc(b.technician || "")) + "</td>" +
      "<td>" + (b.parts_ready ? "✔" : "—") + '</td><td><span class="pill ' + b.status + '">' + T("s_" + b.status) + "</span>" +
      (b.reason ? '<br><span class="muted">' + esc(b.reason) + "</span>" : "") + '</td><td class="btns">' + acts.join("") + "</td></tr>";
  }));
  rows.querySelectorAll("[data-act]").forEach((el) => {
    el.addEventListener(el.tagName === "SELECT" ? "change" : "click", () => boardAction(el));
  });
}

function boardAction(el) {
  const id = el.dataset.id, v = Number(el.dataset.v), act = el.dataset.act;
  let req = null;
  if (act === "checkin") { location.hash = "#/checkin/" + id; return; }
  if (act === "order") { location.hash = "#/order/" + id; return; }
  if (act === "confirm") req = call("POST", "/api/staff/bookings/" + id + "/confirm", { version: v });
  if (act === "parts") req = call("POST", "/api/staff/bookings/" + id + "/prepare", { version: v, parts_ready: el.dataset.on !== "true" });
  if (act === "tech") req = call("POST", "/api/staff/bookings/" + id + "/prepare", { version: v, technician: el.value });
  if (act === "noshow") {
    const reason = window.prompt(T("no_show_reason"));
    if (!reason) return;
    req = call("POST", "/api/staff/bookings/" + id + "/no-show", { version: v, reason });
  }
  req.then((r) => { if (r.status !== 200) problem(r); else { rerender(); say(T("saved"), "ok"); } });
}

function bookingForm() {
  return '<form id="nb" class="grid2" novalidate>' +
    select("channel", T("channel"), [["phone", T("ch_phone")], ["walk_in", T("ch_walk_in")]]) +
    select("slot_start", T("time"), [], { required: true }) +
    input("customer.name", T("name"), { required: true }) +
    input("customer.phone", T("phone"), { type: "tel", required: true }) +
    input("vehicle.plate", T("plate"), { required: true }) +
    select("services", T("services"), [], { required: true }) +
    '<div><button class="primary" type="submit">' + T("book") + "</button></div></form>";
}

function wireBookingForm(view, dateInput, reload) {
  const form = view.querySelector("#nb");
  function slots() {
    publicCall("GET", "/api/store").then((r) => {
      const day = new Date(dateInput.value + "T00:00:00Z").getUTCDay();
      const hours = r.body.opening_hours[["sun", "mon", "tue", "wed", "thu", "fri", "sat"][day]] || [];
      const out = [];
      if (hours.length) for (let h = Number(hours[0].slice(0, 2)), end = Number(hours[1].slice(0, 2)); h < end; h++) out.push(("0" + h).slice(-2) + ":00");
      form.slot_start.innerHTML = out.map((t) => '<option value="' + dateInput.value + "T" + t + ":00" + OFFSET + '">' + t + "</option>").join("");
    });
  }
  publicCall("GET", "/api/services").then((r) => {
    form.services.innerHTML = r.body.map((s) => '<option value="' + s.code + '">' + esc(serviceName(s)) + " ¥" + s.price_estimate + "</option>").join("");
  });
  slots();
  dateInput.addEventListener("change", slots);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = { channel: form.channel.value, slot_start: form.slot_start.value, services: [form.services.value],
      customer: { name: form["customer.name"].value, phone: form["customer.phone"].value },
      vehicle: { plate: form["vehicle.plate"].value } };
    call("POST", "/api/staff/bookings", body).then((r) => {
      if (r.status === 201) { say(T("saved") + " " + r.body.reference, "ok"); form.reset(); reload(); }
      else problem(r, form);
    });
  });
}
