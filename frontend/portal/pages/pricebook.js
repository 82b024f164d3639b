/* The manager's price book (价格本): service packages (their content, with the estimate computed
   live as the booking site will show it), labour operations, parts, and sheets in and out. */
import { T } from "../kit/i18n.js";
import { call, authHeader } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc, table } from "../kit/dom.js";
import { input, select, checkbox, problem, clearErrors } from "../kit/forms.js";
import { bookSearch, bookSearchField } from "../kit/typeahead.js";

const TABS = ["packages", "operations", "parts", "sheets"];
const CATS = ["maintenance", "inspection", "repair", "bodywork", "recall"];
const UNITS = ["个", "件", "升", "瓶", "套", "对", "只", "条", "桶", "米", "组"];
// a sheet's columns, as the report names them
const COLS = { code: "pb_code", number: "part_number", name: "pb_name", name_en: "pb_name_en", hours: "hours", unit_price: "unit_price", unit: "pb_unit", stock: "pb_stock" };
let tab = "packages";
const query = { operations: "", parts: "" };   // each list's filter, kept when the page shows again
let editing = null;   // {kind, code} of the open editor: opened again when the page is shown again (409)
const fen = (y) => Math.round(Number(y || 0) * 100);
const yuan = (f) => (f / 100).toFixed(2);

/** Strings of the manager's administration (strings/admin/<lang>.js), loaded by the router first. */
export const area = "admin";

export default function show(view) {
  view.innerHTML = '<section class="card"><h2>' + T("nav_pricebook") + '</h2><div class="btns" role="tablist">' +
    TABS.map((t) => '<button type="button" role="tab" data-tab="' + t + '" aria-selected="' + (t === tab) + '"' + (t === tab ? ' class="go"' : "") + ">" + T("pb_" + t) + "</button>").join("") +
    '</div></section><div id="pbv"></div>';
  view.querySelectorAll("[data-tab]").forEach((b) => b.addEventListener("click", () => { tab = b.dataset.tab; show(view); }));
  const box = view.querySelector("#pbv");
  if (tab === "packages") packages(box);
  else if (tab === "sheets") sheets(box);
  else entries(box, tab, query[tab], null);
}

// ---- packages ------------------------------------------------------------------------------
function packages(box) {
  call("GET", "/api/staff/pricebook/packages").then((r) => {
    if (r.status !== 200) return problem(r);
    const rate = fen(r.body.labor_rate), list = r.body.packages;
    box.innerHTML = '<section class="card">' + table([T("pb_code"), T("description"), T("pb_estimate"), T("pb_labour_min"), T("pb_duration"), T("test_drive"), '<span class="sr-only">' + T("actions") + "</span>"],
      list.map((p) => '<tr data-pkg="' + esc(p.code) + '"><td>' + esc(p.code) + "</td><td>" + esc(p.name) + '</td><td class="num">¥' + p.price_estimate + "</td><td>" + p.labor_minutes + "</td><td>" + p.duration_min + "</td><td>" + (p.test_drive ? "✔" : "") +
        '</td><td><button type="button" class="small" data-edit="' + esc(p.code) + '">' + T("pb_edit") + "</button></td></tr>")) + '</section><div id="pked"></div>';
    const open = (code) => editPackage(box.querySelector("#pked"), list.find((p) => p.code === code), rate, () => packages(box));
    box.querySelectorAll("[data-edit]").forEach((b) => b.addEventListener("click", () => open(b.dataset.edit)));
    if (editing && editing.kind === "packages" && list.some((p) => p.code === editing.code)) open(editing.code);
  });
}

function editPackage(box, p, rate, done) {
  // what the estimate needs of each line: hours (labour) or unit price (parts), from the book
  const known = {};
  for (const ln of p.lines) known[ln.kind + ":" + ln.code] = ln.kind === "labor" ? { name: ln.name, hours: Number(ln.hours) } : { name: ln.name, price: ln.unit_price_fen };
  let items = p.items.map((i) => ({ ...i }));
  editing = { kind: "packages", code: p.code };
  box.innerHTML = '<section class="card"><h3>' + esc(p.code) + " · " + esc(p.name) + '</h3><form id="pkf" novalidate><div class="row">' +
    input("name", T("pb_name"), { value: p.name, required: true }) + input("name_en", T("pb_name_en"), { value: p.name_en }) +
    select("category", T("pb_category"), CATS.map((c) => [c, T("pb_cat_" + c)]), { value: p.category }) +
    input("position", T("pb_position"), { value: p.position, attrs: 'inputmode="numeric"' }) +
    input("handling_minutes", T("pb_handling"), { value: p.handling_minutes, attrs: 'inputmode="numeric"' }) +
    checkbox("test_drive", T("test_drive"), { checked: p.test_drive }) + '</div><div id="pkitems"></div><div class="err" data-err="items"></div>' +
    bookSearchField() + '<p>' + T("pb_estimate") + ': <b id="pkest" aria-live="polite"></b></p><button class="primary" type="submit">' + T("board_save") + "</button></form></section>";
  const f = box.querySelector("#pkf");
  function estimate() {
    let total = 0, hours = 0;
    for (const i of items) {
      const k = known[i.kind + ":" + i.code] || {};
      if (i.kind === "labor") { hours += k.hours || 0; total += Math.round((k.hours || 0) * (i.rate === null || i.rate === undefined || i.rate === "" ? rate : fen(i.rate))); }
      else total += Math.round(Number(i.quantity || 0) * (k.price || 0));
    }
    // a quantity or rate that is not a number yet: no figure rather than NaN (the field says why on save)
    f.querySelector("#pkest").textContent = Number.isFinite(total) ? T("pb_est", { p: yuan(total), m: Math.round(hours * 60) }) : "—";
  }
  function drawItems() {
    f.querySelector("#pkitems").innerHTML = table([T("kind"), T("pb_code"), T("description"), T("quantity") + " / " + T("rate"), '<span class="sr-only">' + T("actions") + "</span>"],
      items.map((i, n) => '<tr><td>' + T("k_" + i.kind) + "</td><td>" + esc(i.code) + '<div class="err" data-err="items.' + n + '.code"></div></td><td>' + esc((known[i.kind + ":" + i.code] || {}).name || "") + "</td><td>" +
        (i.kind === "labor" ? '<input aria-label="' + T("rate") + " " + esc(i.code) + '" data-n="' + n + '" data-k="rate" data-field="items.' + n + '.rate" value="' + esc(i.rate || "") + '" placeholder="' + T("pb_store_rate") + '" inputmode="decimal">'
          : '<input aria-label="' + T("quantity") + " " + esc(i.code) + '" data-n="' + n + '" data-k="quantity" data-field="items.' + n + '.quantity" value="' + esc(i.quantity) + '" inputmode="decimal">') +
        '<div class="err" data-err="items.' + n + "." + (i.kind === "labor" ? "rate" : "quantity") + '"></div></td><td><button type="button" class="small" data-rmi="' + n + '">' + T("remove") + "</button></td></tr>"));
    f.querySelectorAll("[data-k]").forEach((el) => el.addEventListener("input", () => { items[Number(el.dataset.n)][el.dataset.k] = el.value; estimate(); }));
    f.querySelectorAll("[data-rmi]").forEach((b) => b.addEventListener("click", () => { items.splice(Number(b.dataset.rmi), 1); drawItems(); }));
    estimate();
  }
  bookSearch(f, (h) => {
    const kind = h.kind === "op" ? "labor" : "part";
    known[kind + ":" + h.code] = kind === "labor" ? { name: h.name, hours: Number(h.hours) } : { name: h.name, price: fen(h.unit_price) };
    if (!items.some((i) => i.kind === kind && i.code === h.code)) items.push(kind === "labor" ? { kind, code: h.code, rate: null } : { kind, code: h.code, quantity: "1" });
    f.book.value = "";
    drawItems();
  });
  drawItems();
  f.name.focus();   // the editor opens below the list: bring it into view
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const body = { version: p.version, name: f.name.value, name_en: f.name_en.value, category: f.category.value, position: f.position.value,
      handling_minutes: f.handling_minutes.value, test_drive: f.test_drive.checked,
      items: items.map((i) => (i.kind === "labor" ? { kind: "labor", code: i.code, rate: i.rate || null } : { kind: "part", code: i.code, quantity: i.quantity })) };
    call("PUT", "/api/staff/pricebook/packages/" + encodeURIComponent(p.code), body).then((r) => {
      if (r.status === 200) { editing = null; say(T("saved"), "ok"); done(); } else problem(r, f);
    });
  });
}

// ---- operations and parts ------------------------------------------------------------------
function entries(box, kind, q, after, rows) {
  query[kind] = q;
  const path = "/api/staff/pricebook/" + kind + "?q=" + encodeURIComponent(q) + (after ? "&after=" + encodeURIComponent(after) : "");
  call("GET", path).then((r) => {
    if (r.status !== 200) return problem(r);
    const all = (rows || []).concat(r.body.items), op = kind === "operations";
    box.innerHTML = '<section class="card"><form id="pbq" class="row" role="search" novalidate>' + input("q", T("pb_filter"), { value: q }) +
      '<button class="small" type="submit">' + T("pb_search") + '</button><button class="small go" type="button" id="pbnew">' + T("pb_new") + "</button></form>" +
      table(op ? [T("pb_code"), T("pb_name"), T("hours"), '<span class="sr-only">' + T("actions") + "</span>"] : [T("part_number"), T("pb_name"), T("unit_price"), T("pb_unit"), T("pb_stock"), '<span class="sr-only">' + T("actions") + "</span>"],
        all.map((e, n) => '<tr data-entry="' + esc(e.code || e.number) + '"><td>' + esc(e.code || e.number) + "</td><td>" + esc(e.name) + (e.name_en ? ' <span class="muted">' + esc(e.name_en) + "</span>" : "") + "</td>" +
          (op ? "<td>" + esc(e.hours) + "</td>" : '<td class="num">¥' + e.unit_price + "</td><td>" + esc(e.unit) + "</td><td>" + (e.stock === null ? "" : e.stock) + "</td>") +
          '<td><button type="button" class="small" data-n="' + n + '">' + T("pb_edit") + "</button></td></tr>"), 'id="pbt"') +
      (r.body.next ? '<button type="button" class="small" id="pbmore">' + T("pb_more") + "</button>" : "") + '</section><div id="pbed"></div>';
    const again = () => entries(box, kind, q, null);
    box.querySelector("#pbq").addEventListener("submit", (ev) => { ev.preventDefault(); entries(box, kind, ev.target.q.value.trim(), null); });
    box.querySelector("#pbnew").addEventListener("click", () => editEntry(box.querySelector("#pbed"), kind, null, again));
    box.querySelectorAll("[data-n]").forEach((b) => b.addEventListener("click", () => editEntry(box.querySelector("#pbed"), kind, all[Number(b.dataset.n)], again)));
    const again_ = editing && editing.kind === kind && all.find((e) => (e.code || e.number) === editing.code);
    if (again_) editEntry(box.querySelector("#pbed"), kind, again_, again);
    const more = box.querySelector("#pbmore");
    if (more) more.addEventListener("click", () => entries(box, kind, q, r.body.next, all));
  });
}

function editEntry(box, kind, e, done) {
  const op = kind === "operations", v = e || {};
  editing = e ? { kind, code: e.code || e.number } : null;
  box.innerHTML = '<section class="card"><h3>' + (e ? esc(e.code || e.number) : T("pb_new")) + '</h3><form id="pbf" class="row" novalidate>' +
    (e ? "" : op ? input("code", T("pb_code"), { required: true }) : input("number", T("part_number"), { required: true })) +
    input("name", T("pb_name"), { value: v.name, required: true }) + input("name_en", T("pb_name_en"), { value: v.name_en }) +
    (op ? input("hours", T("hours"), { value: v.hours, required: true, attrs: 'inputmode="decimal"' })
      : input("unit_price", T("unit_price"), { value: v.unit_price, required: true, attrs: 'inputmode="decimal"' }) +
        select("unit", T("pb_unit"), UNITS.map((u) => [u, u]), { value: v.unit }) + input("stock", T("pb_stock"), { value: v.stock === null || v.stock === undefined ? "" : v.stock, attrs: 'inputmode="numeric"' })) +
    '<button class="primary" type="submit">' + T("board_save") + "</button></form></section>";
  const f = box.querySelector("#pbf");
  f.name.focus();
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = { name: f.name.value, name_en: f.name_en.value };
    if (op) body.hours = f.hours.value; else { body.unit_price = f.unit_price.value; body.unit = f.unit.value; body.stock = f.stock.value; }
    if (!e) { if (op) body.code = f.code.value; else body.number = f.number.value; } else body.version = e.version;
    const path = "/api/staff/pricebook/" + kind + (e ? "/" + encodeURIComponent(e.code || e.number) : "");
    call(e ? "PUT" : "POST", path, body).then((r) => {
      if (r.status === 200 || r.status === 201) { editing = null; say(T("saved"), "ok"); done(); } else problem(r, f);
    });
  });
}

// ---- sheets --------------------------------------------------------------------------------
function download(kind, format) {
  const type = format === "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv";
  fetch("/api/staff/pricebook/export?kind=" + kind + "&format=" + format, { headers: { ...authHeader(), Accept: type } })
    .then((resp) => resp.blob()).then((blob) => {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob); a.download = kind + "." + format;
      document.body.append(a); a.click(); a.remove();
    });
}

function sheets(box) {
  const kinds = [["parts", T("pb_parts")], ["operations", T("pb_operations")]];
  box.innerHTML = '<section class="card"><h3>' + T("pb_import") + '</h3><form id="imf" class="row" novalidate>' + select("kind", T("pb_sheet_of"), kinds) +
    input("file", T("pb_file"), { type: "file", required: true, attrs: 'accept=".xlsx,.csv" data-field="content filename"' }) +
    '<button class="primary" type="submit">' + T("pb_import") + '</button></form><progress id="imp" hidden aria-label="' + T("pb_uploading") + '"></progress><div id="imr" aria-live="polite"></div></section>' +
    '<section class="card"><h3>' + T("pb_export") + '</h3><div class="btns">' + kinds.map(([k, name]) =>
      ["xlsx", "csv"].map((fmt) => '<button type="button" class="small" data-x="' + k + '" data-f="' + fmt + '">' + name + " ." + fmt + "</button>").join("")).join("") + "</div></section>";
  box.querySelectorAll("[data-x]").forEach((b) => b.addEventListener("click", () => download(b.dataset.x, b.dataset.f)));
  const f = box.querySelector("#imf"), bar = box.querySelector("#imp"), out = box.querySelector("#imr");
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const file = f.file.files[0];
    if (!file) return problem({ status: 422, error: { fields: { file: T("pb_choose_file") } } }, f);
    const reader = new FileReader();
    reader.onload = () => {
      const content = String(reader.result).split(",")[1] || "";
      bar.hidden = false; out.textContent = T("pb_uploading");
      call("POST", "/api/staff/pricebook/import", { kind: f.kind.value, filename: file.name, content }).then((r) => {
        bar.hidden = true;
        if (r.status !== 200) { out.textContent = ""; return problem(r, f); }
        const b = r.body;
        out.innerHTML = '<p id="imsum">' + T("pb_report", { rows: b.rows, created: b.created, changed: b.changed, refused: b.refused }) + "</p>" +
          (b.problems.length ? table([T("pb_row"), T("pb_column"), T("pb_reason")], b.problems.map((p) => '<tr data-row="' + p.row + '"><td>' + p.row + "</td><td>" + esc(T(COLS[p.column] || p.column)) + "</td><td>" + esc(p.reason) + "</td></tr>"), 'id="improbs"') : "");
      });
    };
    reader.readAsDataURL(file);
  });
}
