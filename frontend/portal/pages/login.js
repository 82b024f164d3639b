/* Sign-in (员工登录), and the first sign-in's new password (设置新密码): the login answers 401
   new_password_required with a session; the new password goes with it to /api/auth/new-password. */
import { T } from "../kit/i18n.js";
import { publicCall } from "../kit/api.js";
import { keep, home } from "../kit/session.js";
import { say } from "../kit/banner.js";
import { input, problem, clearErrors, showErrors } from "../kit/forms.js";

function signedIn(r) { keep(r.body); location.hash = home(r.body.staff.roles); }

/** The new password (twice), sent with the login's session. */
function newPassword(view, username, session) {
  const pw = { type: "password", required: true, attrs: 'autocomplete="new-password"' };
  view.innerHTML = '<form class="card login" id="np" novalidate><h2>' + T("np_h") + '</h2><p class="muted">' + T("np_rule") + "</p>" +
    input("new_password", T("np_new"), pw) + input("repeat", T("np_repeat"), pw) +
    '<button class="primary" type="submit">' + T("np_go") + "</button></form>";
  const form = view.querySelector("form");
  form.new_password.focus();
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (form.repeat.value !== form.new_password.value) { showErrors(form, { repeat: T("np_mismatch") }); return say(T("fix"), "bad"); }
    publicCall("POST", "/api/auth/new-password", { username, session, new_password: form.new_password.value }).then((r) => {
      if (r.status === 200) return signedIn(r);
      if (r.status === 401) { say((r.error && r.error.message) || T("bad_login"), "bad"); return show(view); }
      problem(r, form);
    }, () => say(T("network"), "bad"));
  });
}

export default function show(view) {
  view.innerHTML = '<form class="card login" novalidate><h2>' + T("login_h") + "</h2>" +
    input("username", T("username"), { required: true, attrs: 'autocomplete="username" autocapitalize="none"' }) +
    input("password", T("password"), { type: "password", required: true, attrs: 'autocomplete="current-password"' }) +
    '<button class="primary" type="submit">' + T("login") + "</button></form>";
  const form = view.querySelector("form");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);   // a new attempt: the last attempt's field errors go
    const username = form.username.value.trim();
    publicCall("POST", "/api/auth/login", { username, password: form.password.value }).then((r) => {
      if (r.status === 200) return signedIn(r);
      if (r.status === 401 && r.body && r.body.challenge === "new_password") { say(""); return newPassword(view, username, r.body.session); }
      if (r.status === 401) { form.password.setAttribute("aria-invalid", "true"); return say(T("bad_login"), "bad"); }
      if (r.status === 403) return say(T("other_store"), "bad");
      problem(r, form);
    }, () => say(T("network"), "bad"));
  });
}
