/* Before the first paint (classic script): the session's roles on <html>, so the nav shows at once. */
(function () {
  var root = document.documentElement, s = null;
  try { s = JSON.parse(localStorage.getItem("portal.session") || "null"); } catch (e) { s = null; }
  if (s && s.staff) {
    root.classList.add("signed-in");
    s.staff.roles.forEach(function (r) { root.classList.add("r-" + r); });
  }
})();
