/* Unsubscribe from marketing SMS (退订, issue 15): /unsubscribe.html?invitation=<id>&token=<t>,
   one button, then the confirmation. A wrong link: the page that says what to do. */
(function () {
  "use strict";
  var t = App.t, api = App.api;
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(window.location.search);
  var id = params.get("invitation"), token = params.get("token");
  App.applyI18n();
  App.setupLangButton();
  if (!id || !token) { App.linkProblem(); return; }
  api("GET", "/api/store").then(function (r) {
    if (r.status === 200) $("store-name").textContent = App.lang() === "en" ? r.body.name_en : r.body.name;
  }, function () { /* the page works without the store's name */ });
  $("unsubscribe").addEventListener("click", function () {
    var btn = $("unsubscribe"), banner = $("banner");
    btn.disabled = true; btn.textContent = t("unsub_busy");
    banner.textContent = ""; banner.className = "banner";
    api("POST", "/api/invitations/" + encodeURIComponent(id) + "/unsubscribe?token=" + encodeURIComponent(token), {}).then(function (r) {
      if (r.status === 200 && r.body.unsubscribed) {
        $("view").hidden = true; $("done").hidden = false; $("done-h").focus(); return;
      }
      if (r.status === 403 || r.status === 404) { App.linkProblem(); return; }
      btn.disabled = false; btn.textContent = t("unsub_button");
      banner.className = "banner bad"; banner.textContent = (r.body && r.body.error && r.body.error.message) || t("server");
    }, function () {
      btn.disabled = false; btn.textContent = t("unsub_button");
      banner.className = "banner bad"; banner.textContent = t("network");
    });
  });
})();
