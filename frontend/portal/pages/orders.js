/* Cars in the store (在店车辆): every open repair order, the advisor's and the cashier's list. */
import { T } from "../kit/i18n.js";
import { call, problem } from "../kit/api.js";
import { esc, table } from "../kit/dom.js";
import { local } from "../kit/time.js";

export default function show(view) {
  call("GET", "/api/staff/orders?scope=in_store").then((r) => {
    if (r.status !== 200) return problem(r);
    const money = !r.body.orders.length || r.body.orders.some((o) => "amount_due" in o);   // not for the technician
    view.innerHTML = '<section class="card"><h2>' + T("in_store") + "</h2>" +
      table([T("order_no"), T("plate"), T("customer"), T("status"), T("promised")].concat(money ? [T("amount_due")] : []), r.body.orders.map((o) =>
        '<tr data-order="' + o.id + '"><td><a href="#/order/' + o.id + '">' + esc(o.reference) + "</a></td><td>" + esc(o.plate) + "</td><td>" + esc(o.customer_name) +
        '</td><td><span class="pill ' + o.status + '">' + T("o_" + o.status) + "</span>" + (o.comeback_of ? ' <span class="pill declined">' + T("comeback") + "</span>" : "") +
        (o.findings_to_price ? ' <span class="pill finding">' + T("ws_finding", { n: o.findings_to_price }) + "</span>" : "") +
        "</td><td>" + local(o.promised_at) + "</td>" + (money ? '<td class="num">¥' + o.amount_due + "</td>" : "") + "</tr>")) + "</section>";
  });
}
