/* The manager's store settings (门店设置): every setting in sections, checked at its field, saved
   with the version read (409 settings_changed keeps the typed input: kit/keeper.js); a change
   that strands bookings lists them in a dialog, saved anyway only on the manager's word (they
   then go to the confirmation-call page); China's public holidays and 调休 working days
   accepted or overridden day by day; the recent changes as sentences. */
import { T, lang } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc, table, phoneText } from "../kit/dom.js";
import { input, select, field, checkbox, uid, problem, clearErrors } from "../kit/forms.js";
import { openDialog } from "../kit/dialog.js";
import { local, today } from "../kit/time.js";
import { rerender } from "../kit/nav.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const LEVELS = ["self", "team_lead", "final"];
const wd = (i) => T("s_wd").split(",")[i];
// the settings shown as plain inputs: [key, label key, type, required]
const SECTIONS = [
  ["s_g_store", [["name", "s_name", "text", 1], ["name_en", "s_name_en"], ["address", "s_addr"], ["address_en", "s_addr_en"], ["phone", "cp_phone"]]],
  ["s_g_hours", null],
  ["s_g_cap", [["slot_minutes", "s_slot_min", "number", 1], ["slot_capacity", "s_slot_cap", "number", 1], ["workshop_hours_per_day", "s_ws_hours", "number", 1],
    ["walkin_reserve_percent", "s_walkin", "number", 1], ["min_notice_minutes", "s_notice", "number", 1], ["horizon_days", "s_horizon", "number", 1]]],
  ["s_g_hol", null],
  ["s_g_sms", [["sms_signature", "s_sig", "text", 1], ["quiet_start", "s_quiet_a", "time", 1], ["quiet_end", "s_quiet_b", "time", 1], ["sms_per_phone_per_hour", "s_sms_hour", "number", 1]]],
  ["s_g_price", [["labor_rate", "s_rate", "text", 1], ["tax_rate_percent", "s_tax", "text", 1], ["discount_limits.advisor", "s_disc_adv", "number", 1], ["discount_limits.cashier", "s_disc_cash", "number", 1]]],
  ["s_g_ws", [["bays", "s_bays", "text", 1], ["qc_minutes", "s_qc_min", "number", 1]]],
  ["s_g_care", [["service_interval_km", "s_int_km", "number", 1], ["service_interval_months", "s_int_mon", "number", 1], ["followup_days.0", "s_fu_sms", "number", 1],
    ["followup_days.1", "s_fu_call", "number", 1], ["complaint_reply_hours", "s_cpl_reply", "number", 1], ["complaint_escalate_hours", "s_cpl_esc", "number", 1]]],
  // customer care (issue 15): the daily job's rules (domain/store.py care settings)
  ["s_g_care2", [["care_lead_days", "s_care_lead", "number", 1], ["first_free_km", "s_ff_km", "number", 1], ["first_free_months", "s_ff_mon", "number", 1],
    ["second_free_km", "s_sf_km", "number", 1], ["second_free_months", "s_sf_mon", "number", 1], ["lapsed_months", "s_lapsed", "number", 1],
    ["anniversary_lead_days", "s_anniv", "number", 1], ["declined_after_days", "s_declined", "number", 1], ["care_call_after_days", "s_care_call", "number", 1],
    ["care_sms_per_day", "s_care_sms", "number", 1], ["marketing_per_phone_per_month", "s_mkt_cap", "number", 1], ["care_run_at", "s_care_run", "time", 1]]],
  ["s_g_online", [["online_max_labor_minutes", "s_onl_labor", "number", 1], ["max_active_bookings_per_phone", "s_onl_per_phone", "number", 1]]],
];
const LABELS = {};
SECTIONS.forEach(([, fields]) => (fields || []).forEach(([k, l]) => { LABELS[k] = l; }));
Object.assign(LABELS, { opening_hours: "s_g_hours", special_hours: "s_special", closed_dates: "s_closed", verify_phone: "s_verify", qc_checklists: "s_g_ws" });

function get(s, key) { return key.split(".").reduce((o, k) => (o == null ? o : o[k]), s); }
function labelOf(key) {
  const [head, sub] = key.split(/\.(.*)/);
  if (LABELS[key]) return T(LABELS[key]);
  if (head === "opening_hours") return T("s_g_hours") + " " + wd(DAYS.indexOf(sub));
  if (head === "qc_checklists") return T("qc_level_" + sub);
  return T(LABELS[head] || head) + (sub ? " " + sub : "");
}
function shown(v) { return v == null || (Array.isArray(v) && !v.length) ? T("s_shut") : Array.isArray(v) ? v.map((x) => (Array.isArray(x) ? x[1] : x)).join("–") : typeof v === "boolean" ? (v ? "✓" : "✗") : String(v); }
/** One audit entry as sentences: who changed what from what to what. */
function sentences(e) {
  const who = (e.names && e.names[e.actor]) || e.actor;
  return Object.entries(e.changes).map(([k, c]) => T("s_changed", { who, what: labelOf(k), was: shown(c.before), now: shown(c.after) }));
}

function hoursRow(name, label, hours, closable) {
  const id = uid(name), off = !hours || !hours.length;
  return '<div class="field" data-field="' + esc(name) + '"><label for="' + id + '">' + label + "</label>" +
    '<div class="row"><input id="' + id + '" name="' + name + '.a" type="time" value="' + esc(off ? "" : hours[0]) + '" aria-label="' + esc(label + " " + T("s_open")) + '">' +
    '<input name="' + name + '.b" type="time" value="' + esc(off ? "" : hours[1]) + '" aria-label="' + esc(label + " " + T("s_close")) + '">' +
    (closable ? checkbox(name + ".off", T("s_shut"), { checked: off }) : "") + '</div><div class="err"></div></div>';
}

function qcText(items) { return items.map((i) => i[1] + " / " + i[2]).join("\n"); }

function form(p) {
  const s = p.settings;
  let html = '<form id="settings-form" novalidate>';
  for (const [title, fields] of SECTIONS) {
    html += '<fieldset class="card"><legend><h3>' + T(title) + "</h3></legend>";
    if (title === "s_g_hours") {
      html += '<div class="row">' + DAYS.map((d, i) => hoursRow("opening_hours." + d, wd(i), s.opening_hours[d], true)).join("") + "</div>";
      html += "<h4>" + T("s_special") + '</h4><div class="row" id="specials">' + Object.entries(s.special_hours).map(([d, h]) => hoursRow("special_hours." + d, d, h, true)).join("") + "</div>";
      html += '<div class="row">' + input("new_special", T("s_add_day"), { type: "date" }) + '<button type="button" class="small" id="add-special">' + T("s_add") + "</button></div>";
      html += "<div class=\"row\">" + field("closed_dates", T("s_closed"), '<input id="cl" name="closed_dates" value="' + esc(s.closed_dates.join(", ")) + '">', "cl") + "</div>";
    } else if (title === "s_g_hol") {
      html += '<div class="row"><div class="field"><label for="hy">' + T("s_year") + '</label><select id="hy">' + [0, 1].map((n) => {
        const y = Number(p.today.slice(0, 4)) + n; return '<option value="' + y + '">' + y + "</option>"; }).join("") + '</select></div></div><div id="holidays"><p class="loading">…</p></div>';
    } else {
      if (title === "s_g_care2") html += '<p class="muted" id="care-hint">' + T("s_care_hint") + "</p>";
      html += '<div class="row">' + fields.map(([k, l, type, req]) => {
        let v = get(s, k);
        if (k === "bays") v = s.bays.join(", ");
        return input(k, T(l), { type: type || "text", value: v, required: !!req, attrs: type === "number" ? 'inputmode="numeric"' : "" });
      }).join("") + "</div>";
      if (title === "s_g_ws") html += '<div class="row">' + LEVELS.map((lv) => field("qc_checklists." + lv, T("qc_level_" + lv) + " · " + T("s_qc_items"),
        '<textarea id="qc-' + lv + '" name="qc_checklists.' + lv + '" rows="6">' + esc(qcText(s.qc_checklists[lv])) + "</textarea>", "qc-" + lv, { required: true })).join("") + "</div>";
      if (title === "s_g_online") html += checkbox("verify_phone", T("s_verify"), { checked: s.verify_phone });
    }
    html += "</fieldset>";
  }
  return html + '<div class="btns"><button class="go" type="submit">' + T("board_save") + "</button></div></form>";
}

/** The settings the form says, in the API's shape. */
function collect(f, p) {
  const s = p.settings, v = (n) => (f.elements[n] ? f.elements[n].value.trim() : "");
  const body = { version: p.version };
  SECTIONS.forEach(([, fields]) => (fields || []).forEach(([k]) => { if (!k.includes(".")) body[k] = v(k); }));
  body.bays = v("bays").split(/[,，\s]+/).filter(Boolean);
  body.discount_limits = { advisor: v("discount_limits.advisor"), cashier: v("discount_limits.cashier") };
  body.followup_days = [v("followup_days.0"), v("followup_days.1")];
  const hours = (n) => (f.elements[n + ".off"] && f.elements[n + ".off"].checked ? [] : [v(n + ".a"), v(n + ".b")]);
  body.opening_hours = Object.fromEntries(DAYS.map((d) => [d, hours("opening_hours." + d)]));
  body.special_hours = {};
  body.closed_dates = v("closed_dates").split(/[,，\s]+/).filter(Boolean);
  f.querySelectorAll('[data-field^="special_hours."]').forEach((el) => {
    const n = el.dataset.field, h = hours(n), day = n.slice(14);
    if (h.length) body.special_hours[day] = h; else if (!body.closed_dates.includes(day)) body.closed_dates.push(day);
  });
  body.qc_checklists = {};
  for (const lv of LEVELS) {
    const old = s.qc_checklists[lv];
    body.qc_checklists[lv] = v("qc_checklists." + lv).split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
      const [zh, en] = line.split(/\s*\/\s*(.*)/), same = old.find((i) => i[1] === zh || i[2] === (en || ""));
      return { code: same ? same[0] : "", zh, en: en || zh };
    });
  }
  body.verify_phone = f.elements.verify_phone.checked;
  return body;
}

function affectedDialog(rows, onApply) {
  const dlg = openDialog(T("s_aff_h", { n: rows.length }), '<p class="muted">' + T("s_aff_intro") + "</p>" +
    table([T("slot"), T("customer"), T("vehicle"), T("phone"), T("s_reason")], rows.map((b) => "<tr><td>" + esc(local(b.slot_start, true)) + "</td><td>" +
      esc(b.customer_name) + '</td><td class="plate">' + esc(b.plate) + "</td><td>" + esc(phoneText(b.phone)) + "</td><td>" + esc(b.reason_text) + "</td></tr>"), 'id="affected"') +
    '<div class="btns"><button class="go" type="button" id="apply">' + T("s_apply") + '</button><button type="button" id="keep">' + T("close") + "</button></div>");
  dlg.querySelector("#keep").addEventListener("click", () => dlg.close());
  dlg.querySelector("#apply").addEventListener("click", () => { dlg.close(); onApply(); });
}

function holidays(view, f, p) {
  const box = view.querySelector("#holidays"), year = view.querySelector("#hy").value;
  call("GET", "/api/staff/settings/holidays?year=" + year).then((r) => {
    if (r.status !== 200) { problem(r); return; }
    if (!r.body.covered) { box.innerHTML = '<p class="warn" role="status">' + T("s_hol_none", { y: year }) + "</p>"; return; }
    const rows = r.body.days.filter((d) => !d.past);
    if (!rows.length) { box.innerHTML = '<p class="muted" role="status">' + T("s_hol_rest", { y: year }) + "</p>"; return; }
    box.innerHTML = '<p class="muted">' + T("s_hol_intro") + '</p><button type="button" class="small" id="hol-all">' + T("s_hol_all") + "</button>" +
      table([T("date"), T("s_hol"), T("s_now"), T("s_offer"), T("actions")], rows.map((d) => '<tr data-day="' + d.date + '"><td class="nw">' + d.date + " " + wd(DAYS.indexOf(d.weekday)) +
        "</td><td>" + esc(p.lang === "en" ? d.name_en : d.name) + " · " + T(d.kind === "holiday" ? "s_hol_off" : "s_hol_work") + "</td><td>" + shown(d.hours) + "</td><td>" + shown(d.offer) +
        '</td><td><button type="button" class="small" data-take="' + d.date + '"' + (d.accepted ? " disabled" : "") + ">" + (d.accepted ? T("s_taken") : T("s_take")) + "</button></td></tr>"), 'id="hol-table"');
    const take = (d) => {
      const cl = f.elements.closed_dates, dates = cl.value.split(/[,，\s]+/).filter((x) => x && x !== d.date);
      const special = f.querySelector('[data-field="special_hours.' + d.date + '"]');
      if (special) special.remove();
      if (!d.offer.length) dates.push(d.date);
      else addSpecial(f, d.date, d.offer);
      cl.value = dates.sort().join(", ");
      const b = box.querySelector('[data-take="' + d.date + '"]'); b.disabled = true; b.textContent = T("s_taken");
    };
    box.querySelectorAll("[data-take]").forEach((b) => b.addEventListener("click", () => take(rows.find((d) => d.date === b.dataset.take))));
    box.querySelector("#hol-all").addEventListener("click", () => rows.filter((d) => !d.accepted).forEach(take));
  });
}

function addSpecial(f, day, hours) {
  if (f.querySelector('[data-field="special_hours.' + day + '"]')) return;
  f.querySelector("#specials").insertAdjacentHTML("beforeend", hoursRow("special_hours." + day, day, hours, true));
}

/** Strings of the manager's administration (strings/admin/<lang>.js), loaded by the router first. */
export const area = "admin";

export default function show(view) {
  view.innerHTML = '<section><h2>' + T("nav_settings") + '</h2><div id="st"><p class="loading">…</p></div></section>';
  call("GET", "/api/staff/settings").then((r) => {
    if (r.status !== 200) { problem(r); return; }
    const p = { ...r.body, today: today(), lang: lang() };
    const box = view.querySelector("#st");
    box.innerHTML = '<p class="muted" id="eff">' + T("s_eff", { n: Math.max(1, Math.round(p.effective_within_seconds / 60)) }) + "</p>" + form(p) +
      '<section class="card"><h3>' + T("history") + '</h3><ul class="audit" id="changes">' + p.changes.map((e) => sentences(e).map((t) =>
        '<li><span class="muted">' + local(e.at, true) + "</span> " + esc(t) + "</li>").join("")).join("") + "</ul></section>";
    const f = view.querySelector("#settings-form");
    f.querySelector("#add-special").addEventListener("click", () => {
      const d = f.elements.new_special.value; if (d) addSpecial(f, d, p.settings.opening_hours[DAYS[(new Date(d + "T12:00:00").getDay() + 6) % 7]] || ["09:00", "12:00"]);
    });
    view.querySelector("#hy").addEventListener("change", () => holidays(view, f, p));
    holidays(view, f, p);
    const save = (apply) => {
      clearErrors(f);
      const body = collect(f, p);
      if (apply) body.apply_affected = true;
      call("PUT", "/api/staff/settings", body).then((a) => {
        if (a.status === 200) {
          rerender();
          say(a.body.affected.length ? T("s_saved_aff", { n: a.body.affected.length }) : T("saved"), a.body.affected.length ? "warn" : "ok");
        } else if (a.status === 409 && a.error && a.error.code === "bookings_affected") affectedDialog(a.error.affected, () => save(true));
        else problem(a, f);
      });
    };
    f.addEventListener("submit", (ev) => { ev.preventDefault(); save(false); });
  });
}
