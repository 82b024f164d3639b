/* Staff accounts (员工账号, the manager): the store's staff with their roles, mobile and status;
   a new account (its temporary password shown once), a change of name, roles or mobile,
   disable / enable and a password reset, each confirmed. */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc, table, pill, phoneText } from "../kit/dom.js";
import { input, checkbox, problem, clearErrors } from "../kit/forms.js";
import { openDialog } from "../kit/dialog.js";
import { rerender } from "../kit/nav.js";
import { me } from "../kit/session.js";

const ROLES = ["advisor", "technician", "foreman", "inspector", "cashier", "follow_up", "manager"];
const roleWords = (roles) => roles.map((r) => T("role_" + r)).join("、");

/** The roles as checkboxes (one field: the API names "roles" when none or a wrong one is chosen). */
function roleBoxes(checked) {
  return '<fieldset class="field choices-field" data-field="roles"><legend>' + T("acc_roles") + ' <span class="req" aria-hidden="true">*</span></legend><div class="choices">' +
    ROLES.map((r) => checkbox("role", T("role_" + r), { checked: checked.includes(r), attrs: 'value="' + r + '"' })).join("") +
    '</div><div class="err"></div></fieldset>';
}
const rolesOf = (form) => [...form.querySelectorAll('input[name="role"]:checked')].map((el) => el.value);

/** The account's fields: display name, mobile, roles (the login only when new). */
function fields(a) {
  return (a ? "" : input("username", T("acc_login"), { required: true, attrs: 'autocomplete="off" autocapitalize="none" spellcheck="false"' })) +
    input("name", T("name"), { required: true, value: a ? a.name : undefined }) +
    input("mobile", T("phone") + '<span class="muted"> · ' + T("acc_mobile_hint") + "</span>", { type: "tel", value: a && a.mobile ? phoneText(a.mobile) : undefined }) +
    roleBoxes(a ? a.roles : []);
}

function buttons(label) {
  return '<div class="btns"><button class="go" type="submit">' + label + '</button><button type="button" data-close>' + T("close") + "</button></div>";
}

function dialog(title, html, label) {
  const dlg = openDialog(title, "<form novalidate>" + html + buttons(label) + "</form>");
  dlg.querySelector("[data-close]").addEventListener("click", () => dlg.close());
  return [dlg, dlg.querySelector("form")];
}

/** The temporary password, once: a copy button and what to do with it. */
function showPassword(a, password) {
  const [dlg] = dialog(T("acc_pw_h", { n: esc(a.name) }), '<p class="temp-pw"><code id="temp-pw">' + esc(password) + "</code> " +
    '<button type="button" class="small" data-copy>' + T("acc_copy") + '</button></p><p class="note">' + T("acc_pw_note") + "</p>", T("acc_sure"));
  dlg.querySelector("form").addEventListener("submit", (ev) => { ev.preventDefault(); dlg.close(); });
  dlg.querySelector("[data-copy]").addEventListener("click", (ev) => {
    const done = () => { ev.target.textContent = T("acc_copied"); };
    if (navigator.clipboard) navigator.clipboard.writeText(password).then(done, () => {}); else done();
  });
  dlg.addEventListener("close", rerender);
}

function create() {
  const [dlg, form] = dialog(T("acc_new"), fields(null), T("acc_create"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    call("POST", "/api/staff/accounts", { username: form.username.value.trim(), name: form.name.value, mobile: form.mobile.value, roles: rolesOf(form) }).then((r) => {
      if (r.status !== 201) return problem(r, form);
      dlg.close();
      showPassword(r.body.account, r.body.temporary_password);
    });
  });
}

function edit(a) {
  const [dlg, form] = dialog(T("acc_edit") + " " + esc(a.name) + " (" + esc(a.username) + ")", fields(a), T("board_save"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    call("PUT", "/api/staff/accounts/" + encodeURIComponent(a.username), { name: form.name.value, mobile: form.mobile.value, roles: rolesOf(form) }).then((r) => {
      if (r.status !== 200) return problem(r, form);
      dlg.close(); rerender(); say(T("acc_done"), "ok");
    });
  });
}

/** Disable, enable or reset, after a yes. */
function act(a, what) {
  const path = "/api/staff/accounts/" + encodeURIComponent(a.username) + "/" + what;
  const ask = what === "disable" ? T("acc_disable_q", { n: esc(a.name) }) : what === "reset-password" ? T("acc_reset_q", { n: esc(a.name) }) : "";
  const run = (dlg) => call("POST", path, {}).then((r) => {
    if (dlg) dlg.close();
    if (r.status !== 200) return problem(r);
    if (r.body.temporary_password) return showPassword(r.body.account, r.body.temporary_password);
    rerender(); say(T("acc_done"), "ok");
  });
  if (!ask) return run(null);
  const [dlg, form] = dialog(ask, "", T("acc_sure"));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); run(dlg); });
}

function row(a, self) {
  const status = a.enabled ? (a.status === "active" ? "" : "pending") : "cancelled";
  const btn = (what, label) => '<button class="small" type="button" data-act="' + what + '" data-u="' + esc(a.username) + '">' + label + "</button>";
  return '<tr data-account="' + esc(a.username) + '"><td>' + esc(a.name) + '</td><td><span class="muted">' + esc(a.username) + "</span></td><td>" + roleWords(a.roles) +
    "</td><td>" + esc(phoneText(a.mobile || "")) + "</td><td>" + pill(status, T("acc_" + a.status)) + '</td><td class="btns">' + btn("edit", T("acc_edit")) +
    (a.enabled ? btn("reset-password", T("acc_reset")) + (a.username === self ? "" : btn("disable", T("acc_disable"))) : btn("enable", T("acc_enable"))) + "</td></tr>";
}

/** Strings of the manager's administration (strings/admin/<lang>.js), loaded by the router first. */
export const area = "admin";

export default function show(view) {
  call("GET", "/api/staff/accounts").then((r) => {
    if (r.status !== 200) return problem(r);
    const list = r.body.accounts, self = me().username;
    view.innerHTML = '<section class="card"><h2>' + T("acc_h") + '</h2><p><button class="small go" type="button" id="acc-new">' + T("acc_new") + "</button></p>" +
      table([T("name"), T("acc_login"), T("acc_roles"), T("phone"), T("status"), T("acc_edit")], list.map((a) => row(a, self)), 'id="accounts"') + "</section>";
    view.querySelector("#acc-new").addEventListener("click", create);
    view.querySelectorAll("button[data-act]").forEach((b) => b.addEventListener("click", () => {
      const a = list.find((x) => x.username === b.dataset.u);
      if (b.dataset.act === "edit") edit(a); else act(a, b.dataset.act);
    }));
  });
}
