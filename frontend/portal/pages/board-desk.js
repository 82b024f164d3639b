/* The desk's booking tools, helpers of board.js and calls.js (loaded on use, not with the board):
   the slot picker with the places left, cancel and reschedule on the customer's word with the
   lost-booking reason (战败原因), a confirmation call's outcome, and the phone / walk-in booking form. */
import { T, serviceName } from "../kit/i18n.js";
import { call, publicCall } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc } from "../kit/dom.js";
import { input, select, textarea, radios, problem, clearErrors, radioValue, uid } from "../kit/forms.js";
import { openDialog } from "../kit/dialog.js";
import { local, today } from "../kit/time.js";
import { rerender } from "../kit/nav.js";

const LOST = ["bad_time", "repaired_elsewhere", "car_sold", "price", "unreachable", "other"];
const OUTCOMES = ["confirmed", "not_reached", "rescheduled", "cancelled"];
const TRANSPORTS = ["wait", "drop_off", "loaner", "pickup"];
const CONCERN = [["what", "c_what"], ["where", "c_where"], ["noise", "c_noise"], ["frequency", "c_frequency"], ["when", "c_when"]];

/** A date input and the slots of that day (radios named slot_start) with the places left for
    the services; slots that have passed are not offered (the server leaves them out). */
function slotField(date) {
  const id = uid("date");
  return '<div class="field"><label for="' + id + '">' + T("nb_date") + '</label><input id="' + id + '" name="date" type="date" value="' + esc(date) +
    '"></div><fieldset class="field slots" data-field="slot_start"><legend>' + T("time") + ' <span class="req" aria-hidden="true">*</span></legend>' +
    '<div class="slotgrid" role="radiogroup"></div><div class="err"></div></fieldset>';
}

function loadSlots(form, services, channel, keep) {
  const grid = form.querySelector(".slotgrid");
  const day = form.querySelector('input[name="date"]').value;
  const mine = String(Number(grid.dataset.seq || 0) + 1);
  grid.dataset.seq = mine;
  // the services changed: the same day's slots stay (and the one chosen) until the new places
  // arrive; another day: nothing to choose until its slots are there
  const was = keep ? radioValue(form, "slot_start") || grid.dataset.was || "" : "";
  grid.dataset.was = was;
  if (!keep || !grid.children.length) grid.textContent = "…";
  grid.setAttribute("aria-busy", "true");
  const q = "?date=" + encodeURIComponent(day) + "&channel=" + (channel || "phone") + (services.length ? "&services=" + services.join(",") : "");
  return call("GET", "/api/staff/slots" + q).then((r) => {
    if (grid.dataset.seq !== mine) return;   // a later question is under way
    grid.removeAttribute("aria-busy");
    if (r.status !== 200) { grid.textContent = ""; return problem(r, form); }
    grid.innerHTML = r.body.slots.length ? r.body.slots.map((s) => '<label class="' + (s.available > 0 ? "" : "full") + '"><input type="radio" name="slot_start" value="' + esc(s.start) + '"' +
      (s.available > 0 ? "" : " disabled") + "> " + local(s.start, false) + ' <small>' + (s.available > 0 ? T("slots_left", { n: s.available }) : T("slots_full")) + "</small></label>").join("")
      : '<p class="muted">' + T("slots_none") + "</p>";
    const again = was && grid.querySelector('input[value="' + CSS.escape(was) + '"]:not(:disabled)');
    if (again) again.checked = true;
  });
}

function wireSlots(form, services, channel) {
  const reload = (keep) => loadSlots(form, services(), channel ? channel() : "phone", keep === true);
  form.querySelector('input[name="date"]').addEventListener("change", () => reload(false));
  reload(false);
  return () => reload(true);
}

function lostField() {
  return select("lost_reason", T("board_lost"), [["", T("board_choose")]].concat(LOST.map((c) => [c, T("lost_" + c)])), { required: true });
}

function send(dlg, form, path, body, message, done) {
  clearErrors(form);
  call("POST", path, body).then((r) => {
    if (r.status !== 200) return problem(r, form);
    dlg.close();
    (done || rerender)();
    say(message, "ok");
  });
}

function buttons() {
  return '<div class="btns"><button class="go" type="submit">' + T("board_save") + '</button><button type="button" data-close>' + T("close") + "</button></div>";
}

function dialog(id, title, html) {
  const dlg = openDialog(title, '<form novalidate>' + html + buttons() + "</form>", { id });
  dlg.querySelector("[data-close]").addEventListener("click", () => dlg.close());
  return [dlg, dlg.querySelector("form")];
}

const codes = (b) => b.services.map((s) => s.code);
/** Whose booking a dialog is about: the customer and the plate. */
const who = (b) => esc(b.customer.name + " " + b.vehicle.plate);

/** Cancel a booking on the customer's word: the lost-booking reason and a note. */
export function cancelBooking(b, done) {
  const [dlg, form] = dialog("cancel-dlg", T("board_cancel_h", { ref: esc(b.reference), who: who(b) }), lostField() + textarea("note", T("board_note")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    send(dlg, form, "/api/staff/bookings/" + b.id + "/cancel", { version: b.version, lost_reason: form.lost_reason.value, note: form.note.value },
      T("board_cancelled"), done);
  });
}

/** Move a booking to another slot (its place moves with it). */
export function moveBooking(b, done) {
  const [dlg, form] = dialog("move-dlg", T("board_move_h", { ref: esc(b.reference), who: who(b) }), slotField(b.slot_start.slice(0, 10)));
  wireSlots(form, () => codes(b));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    send(dlg, form, "/api/staff/bookings/" + b.id + "/reschedule", { version: b.version, slot_start: radioValue(form, "slot_start") },
      T("board_moved"), done);
  });
}

/** Record a confirmation call: confirmed, not reached, rescheduled (to the time agreed) or cancelled. */
export function recordCall(b, done) {
  const [dlg, form] = dialog("call-dlg", T("call_h", { ref: esc(b.reference), who: who(b) }),
    radios("outcome", T("call_outcome"), OUTCOMES.map((o) => [o, T("co_" + o)]), { required: true }) +
    '<div class="if-cancelled" hidden>' + lostField() + '</div><div class="if-rescheduled" hidden>' + slotField(b.slot_start.slice(0, 10)) + "</div>" +
    textarea("note", T("board_note")));
  let slotsShown = false;
  form.addEventListener("change", (ev) => {
    if (ev.target.name !== "outcome") return;
    const o = radioValue(form, "outcome");
    form.querySelector(".if-cancelled").hidden = o !== "cancelled";
    form.querySelector(".if-rescheduled").hidden = o !== "rescheduled";
    if (o === "rescheduled" && !slotsShown) { slotsShown = true; wireSlots(form, () => codes(b)); }
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const outcome = radioValue(form, "outcome");
    const body = { version: b.version, outcome, note: form.note.value };
    if (outcome === "cancelled") body.lost_reason = form.lost_reason.value;
    if (outcome === "rescheduled") body.slot_start = radioValue(form, "slot_start");
    send(dlg, form, "/api/staff/bookings/" + b.id + "/calls", body, T("saved"), done);
  });
}

/** The phone / walk-in booking form in box: the online form's choices, for the desk. */
export function bookingForm(box, date, reload) {
  box.innerHTML = '<form id="nb" class="grid2" novalidate>' +
    select("channel", T("channel"), [["phone", T("ch_phone")], ["walk_in", T("ch_walk_in")]]) + "<div></div>" +
    slotField(date || today()) +
    '<fieldset class="field svcs" data-field="services"><legend>' + T("nb_services") + ' <span class="req" aria-hidden="true">*</span></legend><div class="choices"></div><div class="err"></div></fieldset>' +
    radios("transport", T("transport"), TRANSPORTS.map((t) => [t, T("t_" + t)]), { checked: "wait" }) +
    input("customer.name", T("name"), { required: true }) +
    input("customer.phone", T("phone"), { type: "tel", required: true }) +
    input("vehicle.plate", T("plate"), { required: true }) + input("vehicle.model", T("model")) +
    input("vehicle.mileage_km", T("mileage"), { type: "number", attrs: 'min="0" inputmode="numeric"' }) + "<div></div>" +
    '<details class="wide-field"><summary>' + T("nb_concern") + '</summary><div class="grid2">' +
    CONCERN.map(([k, label]) => input("concern." + k, T(label))).join("") + "</div></details>" +
    textarea("note", T("nb_note"), { attrs: 'maxlength="200"' }) +
    '<div><button class="primary" type="submit">' + T("book") + "</button></div></form>";
  const form = box.querySelector("#nb");
  const chosen = () => Array.from(form.querySelectorAll('input[name="services"]:checked')).map((el) => el.value);
  const slots = wireSlots(form, chosen, () => form.channel.value);
  form.channel.addEventListener("change", slots);
  publicCall("GET", "/api/services").then((r) => {
    if (r.status !== 200) return problem(r);
    form.querySelector(".svcs .choices").innerHTML = r.body.map((s) => '<label><input type="checkbox" name="services" value="' + esc(s.code) + '"> ' +
      esc(serviceName(s)) + ' <span class="muted">¥' + esc(s.price_estimate) + "</span></label>").join("");
  });
  form.querySelector(".svcs").addEventListener("change", slots);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = (name) => form.elements[name].value.trim();
    const concern = {};
    for (const [k] of CONCERN) if (v("concern." + k)) concern[k] = v("concern." + k);
    const body = { channel: form.channel.value, slot_start: radioValue(form, "slot_start"), services: chosen(),
      customer: { name: v("customer.name"), phone: v("customer.phone") },
      vehicle: { plate: v("vehicle.plate"), model: v("vehicle.model") },
      transport: radioValue(form, "transport") || "wait", note: v("note") };
    if (v("vehicle.mileage_km")) body.vehicle.mileage_km = Number(v("vehicle.mileage_km"));
    if (Object.keys(concern).length) body.concern = concern;
    call("POST", "/api/staff/bookings", body).then((r) => {
      if (r.status !== 201) {
        if (r.error && r.error.fields && Object.keys(r.error.fields).some((f) => f.startsWith("concern."))) form.querySelector("details").open = true;
        return problem(r, form);
      }
      const day = form.date.value;
      form.reset();
      form.date.value = day;
      form.date.dispatchEvent(new Event("change"));   // the places left, without the slot just booked
      reload();
      say(T("saved") + " " + r.body.reference, "ok");
    });
  });
}
