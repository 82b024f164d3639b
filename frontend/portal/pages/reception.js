/* Reception walk-around (接车 / 环车检查): the customer and the car, the concern in the customer's
   words, the damage on the diagram, photos, and the customer's signature; it opens the order. */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc } from "../kit/dom.js";
import { input, textarea, radios, checkbox, radioValue, select, problem } from "../kit/forms.js";
import { fromInput } from "../kit/time.js";
import { signaturePad } from "../kit/signature.js";
import { carSvg, zoneName, onZone, showMarked } from "../kit/cardiagram.js";
import { uploadPhotos } from "../kit/photos.js";

const CONCERN = ["what", "where", "noise", "frequency", "when"];
const choices = (values, prefix) => values.map((v) => [v, T(prefix + v)]);

export default function show(view, bookingId) {
  const fromBooking = bookingId && bookingId !== "new";
  const marks = [], photos = [];
  view.innerHTML = '<form class="card" id="ci" novalidate><h2>' + T("checkin_h") + ' <span class="muted" id="bref"></span></h2><div class="grid2">' +
    input("customer.name", T("name"), { required: true }) +
    input("customer.phone", T("phone"), { type: "tel", required: true }) +
    input("vehicle.plate", T("plate"), { required: true }) +
    input("vehicle.vin", T("vin"), { attrs: 'maxlength="17"' }) +
    input("vehicle.model", T("model")) +
    input("vehicle.sale_date", T("sale_date"), { type: "date" }) +
    input("mileage_km", T("mileage"), { type: "number", required: true, attrs: 'inputmode="numeric" min="0"' }) +
    radios("fuel_level", T("fuel"), choices(["empty", "quarter", "half", "three_quarters", "full"], "f_"), { required: true }) +
    radios("interior", T("interior"), choices(["clean", "dirty"], "i_"), { checked: "clean" }) +
    input("interior_note", T("interior_note")) +
    '</div><div class="field">' + checkbox("covers_fitted", T("covers")) + checkbox("valuables_reminded", T("valuables")) + checkbox("wash", T("wash")) + "</div>" +
    "<h3>" + T("concern_h") + '</h3><div class="grid2">' + CONCERN.map((k) => input("concern." + k, T("c_" + k))).join("") + "</div>" +
    textarea("findings", T("findings")) +
    "<h3>" + T("damage_h") + '</h3><div class="grid2"><div>' + carSvg() + '</div><div><div class="row">' +
    select("damage_kind", T("reception_damage_kind"), ["scratch", "dent", "crack", "other"].map((k) => [k, T("d_" + k)]), { id: "dk" }) +
    input("damage_note", T("reception_damage_note"), { id: "dn", attrs: 'maxlength="200"' }) + '</div><ul class="marks" id="marks" aria-live="polite"></ul>' +
    '<div class="field"><button type="button" class="secondary" id="phb">' + T("add_photos") + '</button><input id="ph" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" multiple hidden><div class="photos" id="phs"></div></div></div></div>' +
    '<div class="grid2">' + radios("old_parts", T("old_parts"), choices(["take_home", "dispose"], "op_"), { required: true }) +
    radios("contact_preference", T("contact"), choices(["phone", "sms", "wechat"], "cp_"), { checked: "phone" }) +
    input("promised_at", T("promised"), { type: "datetime-local" }) +
    select("technician", T("reception_technician"), [["", T("reception_no_technician")]], { attrs: 'data-field="technician"' }) + "</div>" +
    '<div class="field"><span class="label" id="sig-l">' + T("signature") + ' <span class="req" aria-hidden="true">*</span></span>' +
    '<canvas class="sign" id="sig" data-field="signature" role="img" aria-labelledby="sig-l" aria-describedby="sig-err"></canvas>' +
    '<div class="err" id="sig-err" data-err="signature"></div></div>' +
    '<button type="button" class="small" id="sigc">' + T("clear") + "</button>" +
    '<p><button class="primary" type="submit">' + T("submit_checkin") + "</button></p></form>";
  const form = view.querySelector("#ci");
  const pad = signaturePad(view.querySelector("#sig"));
  view.querySelector("#sigc").addEventListener("click", pad.clear);
  function drawMarks() {
    showMarked(view, marks);
    view.querySelector("#marks").innerHTML = marks.length ? marks.map((m, i) =>
      "<li>" + zoneName(m.zone) + " · " + T("d_" + m.kind) + (m.note ? " · " + esc(m.note) : "") + ' <button type="button" class="small" data-rm="' + i + '">' + T("remove") + "</button></li>").join("")
      : '<li class="muted">' + T("no_damage") + "</li>";
    view.querySelectorAll("[data-rm]").forEach((b) => b.addEventListener("click", () => { marks.splice(Number(b.dataset.rm), 1); drawMarks(); }));
  }
  onZone(view, (zone) => {   // a marked zone: its marks go; otherwise it gets one
    if (marks.some((m) => m.zone === zone)) {
      for (let i = marks.length - 1; i >= 0; i -= 1) if (marks[i].zone === zone) marks.splice(i, 1);
    } else {
      marks.push({ zone, kind: view.querySelector("#dk").value, note: view.querySelector("#dn").value, photo_keys: [] });
      view.querySelector("#dn").value = "";
    }
    drawMarks();
  });
  drawMarks();
  view.querySelector("#phb").addEventListener("click", () => view.querySelector("#ph").click());
  view.querySelector("#ph").addEventListener("change", (ev) => {
    uploadPhotos(ev.target.files, photos, () => { view.querySelector("#phs").textContent = photos.length + " ✔"; });
  });
  const technicians = call("GET", "/api/staff/technicians").then((r) => {
    if (r.status !== 200) return;
    form.technician.insertAdjacentHTML("beforeend", r.body.technicians.map((p) =>
      '<option value="' + esc(p.username) + '">' + esc(p.name || p.username) + "</option>").join(""));
  });
  if (fromBooking) {
    Promise.all([call("GET", "/api/staff/bookings/" + bookingId), technicians]).then(([r]) => {
      if (r.status !== 200) return problem(r);
      const b = r.body;
      if (b.technician) {   // 预派工: the booking's technician, even if no longer listed
        if (!Array.from(form.technician.options).some((o) => o.value === b.technician)) form.technician.add(new Option(b.technician, b.technician));
        form.technician.value = b.technician;
      }
      view.querySelector("#bref").textContent = T("from_booking", { ref: b.reference });
      form["customer.name"].value = b.customer.name; form["customer.phone"].value = b.customer.phone_full;
      form["vehicle.plate"].value = b.vehicle.plate; form["vehicle.vin"].value = b.vehicle.vin || "";
      form["vehicle.model"].value = b.vehicle.model || ""; form.mileage_km.value = b.vehicle.mileage_km || "";
      for (const k of CONCERN) form["concern." + k].value = b.concern[k] || "";
    });
  }
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const concern = {};
    for (const k of CONCERN) if (form["concern." + k].value) concern[k] = form["concern." + k].value;
    const body = { booking_id: fromBooking ? bookingId : "",
      customer: { name: form["customer.name"].value, phone: form["customer.phone"].value },
      vehicle: { plate: form["vehicle.plate"].value, vin: form["vehicle.vin"].value, model: form["vehicle.model"].value, sale_date: form["vehicle.sale_date"].value },
      mileage_km: form.mileage_km.value === "" ? null : Number(form.mileage_km.value), fuel_level: radioValue(form, "fuel_level"),
      covers_fitted: form.covers_fitted.checked, interior: radioValue(form, "interior"), interior_note: form.interior_note.value,
      valuables_reminded: form.valuables_reminded.checked, concern, findings: form.findings.value,
      old_parts: radioValue(form, "old_parts"), wash: form.wash.checked, contact_preference: radioValue(form, "contact_preference"),
      damage: marks, photo_keys: photos, technician: form.technician.value, promised_at: fromInput(form.promised_at.value), signature: pad.value() };
    // no early stop at the signature: the server names every missing field with it, in one answer
    call("POST", "/api/staff/checkins", body).then((r) => {
      if (r.status === 201) { say(T("saved"), "ok"); location.hash = "#/order/" + r.body.id; }
      else problem(r, form);
    });
  });
}
