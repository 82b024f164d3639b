/* One vehicle's file (一车一档): owner, warranty, declined recommendations, orders, bookings,
   photos, signed documents and the change history. */
import { T } from "../kit/i18n.js";
import { call, problem } from "../kit/api.js";
import { esc, table, phoneText } from "../kit/dom.js";
import { local } from "../kit/time.js";
import { auditList } from "../kit/history.js";

function cover(c) {
  if (!c) return T("unknown");
  return c.active ? T("active", { d: c.until }) : T("ended") + " (" + c.until + ")";
}

/** What a photo shows, in words: a check-in photo, a damage mark (zone and kind) or a line. */
function photoTitle(p) {
  if (p.kind === "damage") return T("zone_" + p.zone) + " · " + T("d_" + p.damage);
  return p.kind === "line" ? p.description : T("vehicle_photo_check_in");
}

const NONE = () => '<span class="muted">' + T("vehicle_none") + "</span>";
const listOr = (items) => items.length ? items.join("") : '<li class="muted">' + T("vehicle_none") + "</li>";
/** A signed document in words (check_in, approval_estimate...); a kind without words keeps its code. */
function docName(code) {
  const key = "vehicle_doc_" + code, text = T(key);
  return text === key || !text ? esc(code) : text;
}

export default function show(view, id) {
  call("GET", "/api/staff/vehicles/" + id).then((r) => {
    if (r.status !== 200) return problem(r);
    const v = r.body;
    view.innerHTML = '<section class="card"><h2>' + esc(v.plate) + ' <span class="muted">' + esc(v.model) + '</span></h2><div class="grid2">' +
      "<div>" + T("customer") + ": " + esc(v.customer ? v.customer.name + " " + phoneText(v.customer.phone) : "") + "</div>" +
      "<div>" + T("vin") + ": " + esc(v.vin || "—") + "</div><div>" + T("sale_date") + ": " + esc(v.sale_date || "—") + "</div>" +
      "<div>" + T("mileage") + ": " + esc(v.mileage_km) + "</div><div>" + T("rw") + ": <b>" + cover(v.warranty.repair_warranty) + "</b></div>" +
      "<div>" + T("sanbao") + ": <b>" + cover(v.warranty.sanbao) + "</b></div></div>" +
      (v.recommendations.length ? "<h3>" + T("recommendations") + "</h3><ul>" + v.recommendations.map((x) =>
        "<li>" + esc(x.description) + " ¥" + x.amount + ' <span class="muted">(' + esc(x.order_reference) + ", " + local(x.declined_at) + ")</span></li>").join("") + "</ul>" : "") +
      "<h3>" + T("orders") + "</h3>" + table([T("orders"), T("time"), T("status"), T("amount")], v.orders.map((o) =>
        '<tr><td><a href="#/order/' + o.id + '">' + esc(o.reference) + "</a></td><td>" + local(o.opened_at) + '</td><td><span class="pill ' + o.status + '">' + T("o_" + o.status) + '</span></td><td class="num">¥' + o.estimate + "</td></tr>")) +
      "<h3>" + T("bookings") + '</h3><ul id="vbookings">' + listOr(v.bookings.map((b) => "<li>" + local(b.slot_start) + " · " + esc(b.reference) + " · " + T("s_" + b.status) + "</li>")) +
      "</ul><h3>" + T("photos") + '</h3><div class="photos" id="vphotos">' + (v.photos.length ? v.photos.map((p) =>
        '<a href="' + esc(p.url) + '" target="_blank" title="' + esc(photoTitle(p)) + '"><img src="' + esc(p.url) + '" alt="' + esc(photoTitle(p)) + '"></a>').join("") : NONE()) +
      "</div><h3>" + T("documents") + '</h3><ul id="docs">' + listOr(v.documents.map((d) =>
        '<li><a href="' + esc(d.url) + '" target="_blank">' + esc(d.reference) + " · " + docName(d.document) + "</a> " + local(d.signed_at) + "</li>")) +
      "</ul>" + auditList(v.audit) + "</section>";
  });
}
