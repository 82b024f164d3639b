/* The customer's booking page, opened from the SMS link: view, reschedule, cancel. */
(function () {
  "use strict";
  var t = App.t, api = App.api;
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(location.search);
  var id = params.get("id") || "", token = params.get("token") || "";
  var base = "/api/bookings/" + encodeURIComponent(id);
  var q = "?token=" + encodeURIComponent(token);
  var booking = null, picker = null, newSlot = null, busy = false;

  function banner(text, kind) { $("banner").className = "banner " + (kind || "bad"); $("banner").textContent = text || ""; }
  function show(section) { ["view", "reschedule", "cancel"].forEach(function (s) { $(s).hidden = s !== section; }); }

  function render() {
    var b = booking, en = App.lang() === "en";
    App.setTimeZone(b.store.timezone);
    $("store-name").textContent = en ? b.store.name_en : b.store.name;
    $("ref").textContent = b.reference;
    $("status").textContent = t("status_" + b.status);
    $("status").className = "status " + b.status;
    $("v-when").textContent = App.longWhen(b.slot_start);
    $("v-services").textContent = b.services.map(function (s) { return en ? s.name_en : s.name; }).join(en ? ", " : "、");
    $("v-estimate").textContent = App.money(b.estimate.price) + " · " + t("minutes", { n: b.estimate.duration_min });
    $("v-vehicle").textContent = [b.vehicle.plate, b.vehicle.model, b.vehicle.vin].filter(Boolean).join(" · ");
    // who acted is a role (you / the service advisor), never a staff login; the VIN comes masked
    $("v-history").textContent = "";
    b.history.forEach(function (h) {
      var li = document.createElement("li");
      li.textContent = App.longWhen(h.at) + " · " + t("ev_" + h.event) + " · " + t("by_" + h.by);
      $("v-history").appendChild(li);
    });
    $("v-transport").textContent = t("t_" + b.transport);
    $("v-address").textContent = (en && b.store.address_en) || b.store.address;
    $("v-phone").textContent = b.store.phone; $("v-phone").href = "tel:" + b.store.phone.replace(/[^\d+]/g, "");
    $("v-reason").textContent = b.cancel_reason || "";
    $("v-reason").hidden = $("v-reason-label").hidden = !b.cancel_reason;
    $("v-actions").hidden = !b.can_change;
    $("do-reschedule").hidden = b.reschedules_left === 0;
    $("v-no-moves").hidden = !b.can_change || b.reschedules_left !== 0;
    $("v-locked").hidden = b.can_change || b.status === "cancelled";
  }

  function load() {
    if (!id || !token) { App.linkProblem(); return; }
    api("GET", base + q).then(function (r) {
      $("loading").hidden = true;
      if (r.status === 200) { booking = r.body; render(); show("view"); return; }
      if (r.status === 403 || r.status === 404) { App.linkProblem(); return; }
      banner(t("server"));
    }, function () { $("loading").hidden = true; banner(t("network")); });
  }

  function failure(r, target) {
    var err = (r.body && r.body.error) || {};
    if (r.status === 409 && err.code === "slot_full") {
      target.textContent = t("slot_full") + " " + (r.body.alternatives || []).map(App.longWhen).join(", ");
      picker.render(); return;
    }
    if (r.status === 403) { target.textContent = t("invalid_link"); return; }
    if (r.status === 409 && err.code === "already_booked") { target.textContent = t("already_booked"); return; }
    if (r.status === 409 && err.code === "too_many_changes") { target.textContent = t("too_many_changes"); return; }
    if (r.status === 409) { target.textContent = t("cannot_change"); return; }
    target.textContent = err.fields ? Object.keys(err.fields).map(function (k) { return err.fields[k]; }).join("; ") : (err.message || t("server"));
  }

  $("do-reschedule").addEventListener("click", function () {
    banner(""); show("reschedule"); newSlot = null; $("r-save").disabled = true; $("r-error").textContent = "";
    api("GET", "/api/store").then(function (r) {
      if (r.status !== 200) { $("r-error").textContent = t("server"); return; }
      picker = new App.SlotPicker({ store: r.body, days: $("days"), slots: $("slots"), status: $("slot-status"),
        services: booking.services.map(function (s) { return s.code; }), exclude: booking.slot_start,
        onPick: function (start) { newSlot = start; $("r-save").disabled = false; $("r-error").textContent = ""; } });
      picker.render();
      picker.pickDay(booking.slot_start.slice(0, 10) >= r.body.today ? booking.slot_start.slice(0, 10) : r.body.today);
      $("r-h").focus();
    }, function () { $("r-error").textContent = t("network"); });
  });
  $("r-back").addEventListener("click", function () { show("view"); });
  $("r-save").addEventListener("click", function () {
    if (!newSlot || busy) return;
    busy = true; $("r-save").disabled = true;
    api("POST", base + "/reschedule" + q, { slot_start: newSlot }).then(function (r) {
      if (r.status === 200) { booking = r.body; render(); show("view");
        banner(t("rescheduled_ok", { when: App.longWhen(booking.slot_start) }), "ok"); $("ref").focus(); return; }
      failure(r, $("r-error"));
    }, function () { $("r-error").textContent = t("network"); }).then(function () { busy = false; $("r-save").disabled = !newSlot; });
  });

  $("do-cancel").addEventListener("click", function () { banner(""); show("cancel"); $("e-reason").textContent = ""; $("c-h").focus(); });
  $("c-back").addEventListener("click", function () { show("view"); });
  $("cancel").addEventListener("submit", function (e) {
    e.preventDefault();
    if (busy) return;
    var picked = document.querySelector("input[name=reason]:checked");
    var other = $("c-other").value.trim();
    var reason = picked && picked.value !== "other" ? t(picked.value) : other;
    if (picked && picked.value !== "other" && other) reason += ":" + other;
    if (!reason) { $("e-reason").textContent = t("choose_reason"); $("c-other").setAttribute("aria-invalid", "true"); $("c-other").focus(); return; }
    busy = true; $("c-save").disabled = true;
    api("POST", base + "/cancel" + q, { reason: reason }).then(function (r) {
      if (r.status === 200) { booking = r.body; render(); show("view"); banner(t("cancelled_ok"), "ok"); $("ref").focus(); return; }
      failure(r, $("e-reason"));
    }, function () { $("e-reason").textContent = t("network"); }).then(function () { busy = false; $("c-save").disabled = false; });
  });

  App.applyI18n();
  App.setupLangButton(function () { if (booking) render(); });
  load();
})();
