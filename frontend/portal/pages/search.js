/* Customer file search (客户档案): by name, a mobile or its last 4 digits, any part of a plate,
   a VIN; bookings not checked in yet are listed too. A new search clears the last result first. */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { esc, table, pill, phoneText } from "../kit/dom.js";
import { problem, clearErrors } from "../kit/forms.js";
import { local } from "../kit/time.js";

export default function show(view) {
  view.innerHTML = '<section class="card"><h2>' + T("search_h") + '</h2><form class="row" id="sf" role="search"><div class="field">' +
    '<input name="q" type="search" aria-label="' + T("search_h") + '" placeholder="' + T("search_ph") + '" autofocus><div class="err" data-err="q"></div></div>' +
    '<button class="small go" type="submit">' + T("search") + '</button></form><div id="res" aria-live="polite"></div></section>';
  const form = view.querySelector("#sf");
  const res = view.querySelector("#res");
  let asked = 0;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const mine = ++asked;
    res.innerHTML = "";            // never leave the last search's result under a new question
    clearErrors(form);
    call("GET", "/api/staff/search?q=" + encodeURIComponent(form.q.value)).then((r) => {
      if (mine !== asked) return;
      if (r.status !== 200) return problem(r, form);
      const { results, bookings = [] } = r.body;
      if (!results.length && !bookings.length) { res.innerHTML = '<p class="muted">' + T("no_results") + "</p>"; return; }
      let html = "";
      if (results.length) html += table([T("plate"), T("model"), T("vin"), T("customer")], results.map((v) =>
        '<tr><td class="nw">' + (v.id ? '<a href="#/vehicle/' + v.id + '">' + esc(v.plate) + "</a>" : "—") + "</td><td>" + esc(v.model || "") +
        "</td><td>" + esc(v.vin || "") + "</td><td>" + esc(v.customer ? v.customer.name + " " + phoneText(v.customer.phone) : "") + "</td></tr>"));
      if (bookings.length) html += "<h3>" + T("search_booked") + "</h3>" + table([T("time"), T("customer"), T("vehicle"), T("status"), T("actions")], bookings.map((b) =>
        '<tr><td class="nw">' + local(b.slot_start) + "</td><td>" + esc(b.customer.name) + '<br><span class="muted nw">' + esc(phoneText(b.customer.phone)) + '</span></td><td><span class="plate">' +
        esc(b.vehicle.plate) + '</span><br><span class="muted">' + esc(b.vehicle.model || "") + "</span></td><td>" + pill(b.status, T("s_" + b.status)) + "</td><td>" +
        (b.status === "booked" || b.status === "confirmed" ? '<a href="#/checkin/' + esc(b.id) + '">' + T("check_in") + "</a>" : "") + "</td></tr>"));
      res.innerHTML = html;
    });
  });
}
