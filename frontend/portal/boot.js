/* Runs before the first paint (a classic script in <head>, no module): marks who is signed in
   and their roles on <html>, so the navigation shows at once (portal.css) and nothing moves
   when the modules arrive. */
(function () {
  var root = document.documentElement, s = null;
  try { s = JSON.parse(localStorage.getItem("portal.session") || "null"); } catch (e) { s = null; }
  if (s && s.staff) {
    root.classList.add("signed-in");
    s.staff.roles.forEach(function (r) { root.classList.add("r-" + r); });
  }
})();
