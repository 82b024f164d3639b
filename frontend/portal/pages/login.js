/* Sign-in (员工登录). */
import { T } from "../kit/i18n.js";
import { publicCall } from "../kit/api.js";
import { keep, home } from "../kit/session.js";
import { say } from "../kit/banner.js";
import { input, problem, clearErrors } from "../kit/forms.js";

export default function show(view) {
  view.innerHTML = '<form class="card login" novalidate><h2>' + T("login_h") + "</h2>" +
    input("username", T("username"), { required: true, attrs: 'autocomplete="username" autocapitalize="none"' }) +
    input("password", T("password"), { type: "password", required: true, attrs: 'autocomplete="current-password"' }) +
    '<button class="primary" type="submit">' + T("login") + "</button></form>";
  const form = view.querySelector("form");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearErrors(form);   // a new attempt: the last attempt's field errors go
    publicCall("POST", "/api/auth/login", { username: form.username.value.trim(), password: form.password.value }).then((r) => {
      if (r.status === 200) { keep(r.body); location.hash = home(r.body.staff.roles); return; }
      if (r.status === 401) { form.password.setAttribute("aria-invalid", "true"); return say(T("bad_login"), "bad"); }
      if (r.status === 403) return say(T("other_store"), "bad");
      problem(r, form);
    }, () => say(T("network"), "bad"));
  });
}
