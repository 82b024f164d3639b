/* Customer file search (客户档案): by plate, VIN or mobile. */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { esc, table } from "../kit/dom.js";
import { problem } from "../kit/forms.js";

export default function show(view) {
  view.innerHTML = '<section class="card"><h2>' + T("search_h") + '</h2><form class="row" id="sf" role="search"><div class="field">' +
    '<input name="q" type="search" aria-label="' + T("search_h") + '" placeholder="' + T("search_ph") + '" autofocus><div class="err" data-err="q"></div></div>' +
    '<button class="small go" type="submit">' + T("search") + '</button></form><div id="res"></div></section>';
  const form = view.querySelector("#sf");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    call("GET", "/api/staff/search?q=" + encodeURIComponent(form.q.value)).then((r) => {
      if (r.status !== 200) return problem(r, form);
      const res = view.querySelector("#res");
      if (!r.body.results.length) { res.innerHTML = '<p class="muted">' + T("no_results") + "</p>"; return; }
      res.innerHTML = table([T("plate"), T("model"), T("vin"), T("customer")], r.body.results.map((v) =>
        "<tr><td>" + (v.id ? '<a href="#/vehicle/' + v.id + '">' + esc(v.plate) + "</a>" : "—") + "</td><td>" + esc(v.model || "") +
        "</td><td>" + esc(v.vin || "") + "</td><td>" + esc(v.customer ? v.customer.name + " " + v.customer.phone : "") + "</td></tr>"));
    });
  });
}
