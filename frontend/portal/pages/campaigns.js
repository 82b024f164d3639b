/* The manager's campaigns (营销活动 / 服务活动 / 召回, issue 15): what each campaign and each
   reminder kind earned (a bar chart, then a table), the campaign form with a live SMS preview,
   the preview of who it reaches and what it costs, schedule / cancel, and the recall VIN upload. */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc, table } from "../kit/dom.js";
import { input, select, checkbox, problem, clearErrors } from "../kit/forms.js";

export const area = "admin";

// the figures' bars, plain CSS: loaded with this page, not with the portal's first load
const STYLE = ".cm-chart { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: .75rem; margin-bottom: 1rem; } .cm-src { margin: 0; padding: .5rem; border: 1px solid var(--line, #ddd); border-radius: 6px; } .cm-src figcaption { margin-bottom: .25rem; } .cm-bar { display: grid; grid-template-columns: 3.5em 1fr 3em; align-items: center; gap: .4rem; font-size: .9em; } .cm-track { background: #eef1f5; height: .8em; border-radius: 3px; overflow: hidden; } .cm-fill { display: block; height: 100%; } .cm-sent { background: #6b8fd6; } .cm-opened { background: #4fb0c6; } .cm-booked { background: #5bb974; } .cm-arrived { background: #e0a030; } .cm-bar b { text-align: right; }";
function styled() {
  if (document.getElementById("cmcss")) return;
  const el = document.createElement("style");
  el.id = "cmcss"; el.textContent = STYLE;
  document.head.append(el);
}

const KINDS = ["event", "promotion", "service", "recall"];
const DUE = ["service", "first_free", "second_free", "lapsed", "anniversary", "declined"];
const BARS = ["sent", "opened", "booked", "arrived"];
const TEXT_MAX = 60;
let frames = { marketing: "〔TEXT〕", service: "〔TEXT〕" };   // the SMS around the text (server's templates)
let editing = null;   // the id of the campaign open in the form ("new" for a new one): shown again after a 409

export default function show(view) {
  styled();
  call("GET", "/api/staff/campaigns").then((r) => {
    if (r.status !== 200) return problem(r);
    const list = r.body.campaigns, reminders = r.body.reminders;
    frames = r.body.sms_frames;
    const rows = list.map((c) => ({ key: "c:" + c.id, name: c.name, sub: T("cm_k_" + c.kind), f: c.figures }))
      .concat(reminders.map((k) => ({ key: "r:" + k.kind, name: k.name, sub: T("cm_reminder"), f: k.figures })));
    view.innerHTML = '<section class="card"><h2>' + T("cm_figures") + "</h2>" + chart(rows) + figuresTable(rows) + "</section>" +
      '<section class="card"><h3>' + T("cm_list") + '</h3><div class="btns"><button type="button" class="go" id="cmnew">' + T("cm_new") + "</button></div>" +
      (list.length ? table([T("cm_name"), T("cm_kind"), T("cm_status"), T("cm_send_at"), T("cm_outcome"), '<span class="sr-only">' + T("actions") + "</span>"],
        list.map((c) => '<tr data-campaign="' + esc(c.id) + '"><td>' + esc(c.name) + "</td><td>" + T("cm_k_" + c.kind) + "</td><td>" + T("cm_s_" + c.status) +
          "</td><td>" + esc(when(c.send_at)) + "</td><td>" + esc(outcomes(c)) + '</td><td class="btns">' +
          (["draft", "scheduled"].includes(c.status) ? '<button type="button" class="small" data-edit="' + esc(c.id) + '">' + T("cm_edit") + "</button>" : "") +
          '<button type="button" class="small" data-preview="' + esc(c.id) + '">' + T("cm_preview") + "</button></td></tr>"), 'id="cmlist"')
        : '<p class="muted">' + T("cm_none") + "</p>") + '</section><div id="cmform"></div><div id="cmprev"></div>';
    const formBox = view.querySelector("#cmform"), prevBox = view.querySelector("#cmprev");
    const again = () => show(view);
    view.querySelector("#cmnew").addEventListener("click", () => form(formBox, prevBox, null, again));
    view.querySelectorAll("[data-edit]").forEach((b) => b.addEventListener("click", () => form(formBox, prevBox, list.find((c) => c.id === b.dataset.edit), again)));
    view.querySelectorAll("[data-preview]").forEach((b) => b.addEventListener("click", () => preview(prevBox, list.find((c) => c.id === b.dataset.preview), again)));
    if (editing === "new") form(formBox, prevBox, null, again);
    else if (editing) { const c = list.find((x) => x.id === editing); if (c) form(formBox, prevBox, c, again); }
  });
}

function when(iso) { return iso ? iso.slice(0, 16).replace("T", " ") : "—"; }
function outcomes(c) {
  const o = c.outcomes || {}, keys = Object.keys(o);
  return keys.length ? keys.map((k) => T("cm_o_" + k) + " " + o[k]).join(" · ") : "";
}
function pct(v) { return v === null || v === undefined ? "—" : v + "%"; }

// ---- the figures ---------------------------------------------------------------------------
function chart(rows) {
  const top = Math.max(1, ...rows.map((r) => r.f.sent));
  const bar = (r, k) => '<div class="cm-bar"><span class="cm-l">' + T("cm_f_" + k) + '</span><span class="cm-track"><span class="cm-fill cm-' + k + '" style="width:' +
    (100 * r.f[k] / top).toFixed(1) + '%"></span></span><b data-fig="' + esc(r.key) + ":" + k + '">' + r.f[k] + "</b></div>";
  return '<div class="cm-chart" role="img" aria-label="' + esc(T("cm_chart")) + '">' + rows.map((r) =>
    '<figure class="cm-src"><figcaption><b>' + esc(r.name) + '</b> <span class="muted">' + esc(r.sub) + "</span> · ¥" + esc(r.f.revenue) + "</figcaption>" +
    BARS.map((k) => bar(r, k)).join("") + "</figure>").join("") + "</div>";
}
function figuresTable(rows) {
  return table([T("cm_source"), T("cm_f_sent"), T("cm_f_opened"), T("cm_f_booked"), T("cm_f_arrived"), T("cm_revenue"), T("cm_open_rate"), T("cm_booking_rate")],
    rows.map((r) => '<tr data-source="' + esc(r.key) + '"><td>' + esc(r.name) + ' <span class="muted">' + esc(r.sub) + "</span></td><td>" + r.f.sent + "</td><td>" + r.f.opened +
      "</td><td>" + r.f.booked + "</td><td>" + r.f.arrived + '</td><td class="num">¥' + esc(r.f.revenue) + "</td><td>" + pct(r.f.open_rate) + "</td><td>" + pct(r.f.booking_rate) + "</td></tr>"), 'id="cmfig"');
}

// ---- the form ------------------------------------------------------------------------------
/** SMS parts as the operator counts them: 70 characters in one, 67 a part beyond (Chinese). */
function parts(text) {
  const gsm = /^[\x00-\x7f]*$/.test(text), one = gsm ? 160 : 70, each = gsm ? 153 : 67;
  return text.length <= one ? 1 : Math.ceil(text.length / each);
}
function sample(text, marketing) {
  return frames[marketing ? "marketing" : "service"].replace("〔TEXT〕", text);
}
function localInput(iso) { return iso ? iso.slice(0, 16) : ""; }

function form(box, prevBox, c, done) {
  const v = c || { kind: "promotion", segment: {} }, s = v.segment || {};
  editing = c ? c.id : "new";
  prevBox.innerHTML = "";
  box.innerHTML = '<section class="card"><h3>' + (c ? esc(c.name) : T("cm_new")) + '</h3><form id="cmf" novalidate><div class="row">' +
    input("name", T("cm_name"), { value: v.name, required: true }) +
    select("kind", T("cm_kind"), KINDS.map((k) => [k, T("cm_k_" + k)]), { value: v.kind }) +
    input("event_date", T("cm_event_date"), { type: "date", value: v.event_date || "" }) +
    input("send_at", T("cm_send_at"), { type: "datetime-local", value: localInput(v.send_at) }) + "</div>" +
    '<div class="field"><label for="cmtext">' + T("cm_text") + ' <span class="muted">' + T("cm_text_hint") + '</span></label><textarea id="cmtext" name="text" rows="2" maxlength="' + TEXT_MAX + '">' + esc(v.text || "") +
    '</textarea><div class="err" data-err="text"></div><p class="muted" id="cmsms" aria-live="polite"></p></div>' +
    '<fieldset class="field" data-field="segment"><legend>' + T("cm_segment") + '</legend><div class="err" data-err="segment"></div><div class="row">' +
    input("segment.model", T("cm_model"), { value: s.model || "" }) +
    input("segment.last_visit_from", T("cm_visit_from"), { type: "date", value: s.last_visit_from || "" }) +
    input("segment.last_visit_to", T("cm_visit_to"), { type: "date", value: s.last_visit_to || "" }) +
    input("segment.mileage_from", T("cm_km_from"), { value: s.mileage_from ?? "", attrs: 'inputmode="numeric"' }) +
    input("segment.mileage_to", T("cm_km_to"), { value: s.mileage_to ?? "", attrs: 'inputmode="numeric"' }) +
    select("segment.due_kind", T("cm_due_kind"), [["", "—"]].concat(DUE.map((k) => [k, T("cm_due_" + k)])), { value: s.due_kind || "" }) +
    input("segment.due_within_days", T("cm_due_within"), { value: s.due_within_days || 30, attrs: 'inputmode="numeric"' }) +
    checkbox("segment.recall", T("cm_recall_list"), { checked: !!s.recall }) + "</div></fieldset>" +
    '<div class="btns"><button class="go" type="submit">' + T("board_save") + "</button>" +
    (c ? '<button type="button" id="cmsched">' + T("cm_schedule") + '</button><button type="button" id="cmcancel">' + T("cm_cancel") + "</button>" : "") +
    '<button type="button" id="cmclose">' + T("cm_close") + "</button></div></form>" +
    (c && s.recall ? recallBox(c) : "") + "</section>";
  const f = box.querySelector("#cmf");
  const live = () => {
    const text = f.text.value.trim(), m = ["event", "promotion"].includes(f.kind.value), sms = sample(text, m);
    f.querySelector("#cmsms").textContent = T("cm_sms_live", { n: text.length, max: TEXT_MAX, p: parts(sms) }) + " " + sms;
  };
  f.text.addEventListener("input", live);
  f.kind.addEventListener("change", live);
  live();
  f.name.focus();
  f.querySelector("#cmclose").addEventListener("click", () => { editing = null; box.innerHTML = ""; });
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const body = bodyOf(f);
    if (c) body.version = c.version;
    call(c ? "PUT" : "POST", "/api/staff/campaigns" + (c ? "/" + encodeURIComponent(c.id) : ""), body).then((r) => {
      if (r.status === 200 || r.status === 201) { editing = r.body.id; say(T("saved"), "ok"); done(); } else problem(r, f);
    });
  });
  if (c) {
    const step = (what) => call("POST", "/api/staff/campaigns/" + encodeURIComponent(c.id) + "/" + what, { version: c.version }).then((r) => {
      if (r.status === 200) { editing = null; say(T(what === "schedule" ? "cm_scheduled" : "cm_cancelled"), "ok"); done(); } else problem(r, f);
    });
    f.querySelector("#cmsched").addEventListener("click", () => step("schedule"));
    f.querySelector("#cmcancel").addEventListener("click", () => step("cancel"));
    if (s.recall) recallUpload(box, c);
  }
}

function bodyOf(f) {
  const val = (n) => f.elements[n].value.trim();
  const num = (n) => (val(n) === "" ? null : val(n));
  const segment = { model: val("segment.model"), last_visit_from: val("segment.last_visit_from") || null, last_visit_to: val("segment.last_visit_to") || null,
    mileage_from: num("segment.mileage_from"), mileage_to: num("segment.mileage_to"), due_kind: val("segment.due_kind"),
    due_within_days: num("segment.due_within_days"), recall: f.elements["segment.recall"].checked };
  const sendAt = val("send_at");
  return { name: val("name"), kind: val("kind"), text: val("text"), segment, event_date: val("event_date") || null,
    send_at: sendAt ? (sendAt.length === 16 ? sendAt + ":00" : sendAt) + "+08:00" : null };
}

// ---- the preview ---------------------------------------------------------------------------
function preview(box, c) {
  call("GET", "/api/staff/campaigns/" + encodeURIComponent(c.id) + "/preview").then((r) => {
    if (r.status !== 200) return problem(r);
    const p = r.body, x = p.excluded;
    box.innerHTML = '<section class="card" id="cmpv"><h3>' + T("cm_preview") + " · " + esc(c.name) + "</h3>" +
      '<p id="cmcount" data-watch="cm_members">' + T("cm_pv_sum", { m: p.members, s: p.messages, p: p.parts_per_message, t: p.parts_total }) + "</p>" +
      (p.cut ? '<p class="err">' + T("cm_cut", { n: p.max_members }) + "</p>" : "") +
      '<p class="muted">' + T("cm_excluded", { o: x.opted_out, c: x.no_consent, n: x.no_mobile }) + "</p>" +
      '<p><span class="muted">' + T("cm_sample") + "</span> " + esc(p.sample) + "</p>" +
      table([T("plate"), T("cm_model"), T("cm_customer"), T("cm_mobile"), T("cm_last_visit"), T("cm_km")],
        p.first.map((m) => '<tr data-member="' + esc(m.vehicle_id) + '"><td>' + esc(m.plate) + "</td><td>" + esc(m.model) + "</td><td>" + esc(m.customer_name) + "</td><td>" + esc(m.phone_masked) +
          "</td><td>" + esc(m.last_visit_on || "—") + "</td><td>" + (m.mileage_km ?? "—") + "</td></tr>"), 'id="cmmembers"') + "</section>";
    box.querySelector("#cmpv").scrollIntoView({ block: "nearest" });
  });
}

// ---- the recall VIN list -------------------------------------------------------------------
function recallBox(c) {
  return '<h3>' + T("cm_vins") + '</h3><p class="muted">' + T("cm_vins_hint", { n: c.recall_rows }) + '</p><form id="cmvf" class="row" novalidate>' +
    input("file", T("cm_file"), { type: "file", required: true, attrs: 'accept=".xlsx,.csv" data-field="content filename"' }) +
    '<button class="primary" type="submit">' + T("cm_upload") + '</button></form><div id="cmvr" aria-live="polite"></div>';
}

function recallUpload(box, c) {
  const f = box.querySelector("#cmvf"), out = box.querySelector("#cmvr");
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const file = f.file.files[0];
    if (!file) return problem({ status: 422, error: { fields: { file: T("cm_choose_file") } } }, f);
    const reader = new FileReader();
    reader.onload = () => {
      const content = String(reader.result).split(",")[1] || "";
      call("POST", "/api/staff/campaigns/" + encodeURIComponent(c.id) + "/recall-vins", { version: c.version, filename: file.name, content }).then((r) => {
        if (r.status !== 200) { out.textContent = ""; return problem(r, f); }
        const b = r.body;
        c.version = b.version;   // the list is part of the campaign: the form saves on the new version
        out.innerHTML = '<p id="cmvsum">' + T("cm_vin_report", { rows: b.rows, vins: b.vins, m: b.matched, u: b.unmatched.length, i: b.invalid.length, d: b.duplicates.length }) + "</p>" +
          (b.unmatched.length ? '<p>' + T("cm_unmatched") + ' <button type="button" class="small" id="cmcsv">' + T("cm_csv") + '</button></p><ul id="cmunmatched">' +
            b.unmatched.map((v) => "<li>" + esc(v) + "</li>").join("") + "</ul>" : "") +
          (b.invalid.length ? table([T("cm_row"), T("cm_value")], b.invalid.map((i) => '<tr data-row="' + i.row + '"><td>' + i.row + "</td><td>" + esc(i.value) + "</td></tr>"), 'id="cminvalid"') : "");
        const csv = out.querySelector("#cmcsv");
        if (csv) csv.addEventListener("click", () => {
          const a = document.createElement("a");
          a.href = URL.createObjectURL(new Blob(["\ufeffVIN\n" + b.unmatched.join("\n") + "\n"], { type: "text/csv" }));
          a.download = "unmatched-vins.csv";
          document.body.append(a); a.click(); a.remove();
        });
      });
    };
    reader.readAsDataURL(file);
  });
}
