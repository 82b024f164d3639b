/* Booking wizard: services -> date and slot -> details -> confirmation. */
(function () {
  "use strict";
  var t = App.t, api = App.api;
  var state = { step: 1, store: null, services: [], chosen: [], slot: null, idemKey: null, busy: false };
  var code = { id: null, phone: null, timer: null };  // the SMS code (短信验证码) of the phone
  /* an invitation's personal link (邀约, /?invitation=<id>&token=<t>): the form filled in, and
     the link proves the phone (shown masked, read-only): no SMS code */
  var params = new URLSearchParams(window.location.search);
  var invitation = params.get("invitation") && params.get("token")
    ? { id: params.get("invitation"), token: params.get("token"), page: null } : null;
  var $ = function (id) { return document.getElementById(id); };
  var banner = $("banner");
  var picker = null;

  function showBanner(text, kind) { banner.className = "banner " + (kind || "bad"); banner.textContent = text || ""; }

  function goTo(step) {
    state.step = step;
    [1, 2, 3, 4].forEach(function (n) { $("step" + n).hidden = n !== step; });
    document.querySelectorAll(".steps li").forEach(function (li) {
      var n = Number(li.dataset.step);
      if (n === step) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
      li.classList.toggle("done", n < step);
    });
    $("back").hidden = step === 1 || step === 4;
    $("actions").hidden = step === 4;
    $("next").textContent = t(step === 3 ? "submit" : "next");
    showBanner("");
    var heading = $("h" + step);
    if (heading) heading.focus();
    window.scrollTo(0, 0);
    if (step === 2) openPicker();
    updateTotal();
  }

  function updateTotal() {
    var fen = 0, min = 0;
    state.services.forEach(function (s) {
      if (state.chosen.indexOf(s.code) >= 0) {
        var p = s.price_estimate.split("."); fen += Number(p[0]) * 100 + Number(p[1]); min += s.duration_min;
      }
    });
    var price = Math.floor(fen / 100) + "." + String(fen % 100).padStart(2, "0");
    var text = state.chosen.length ? t("est_total", { price: App.money(price), min: min }) : "";
    if (state.step >= 2 && state.slot) text = App.longWhen(state.slot) + (text ? " · " + text.split(" · ")[0] : "");
    $("total").textContent = text;
  }

  function overLabourLimit() {
    var max = state.store && state.store.online_max_labor_minutes, minutes = 0;
    state.services.forEach(function (s) { if (state.chosen.indexOf(s.code) >= 0) minutes += Math.round(s.labor_hours * 60); });
    return Boolean(max) && minutes > max;
  }
  function labourWarning() { showBanner(t("labor_limit", { phone: state.store.phone }), "warn"); }

  function renderServices() {
    var box = $("services");
    box.innerHTML = "";
    var en = App.lang() === "en";
    state.services.forEach(function (s) {
      var row = document.createElement("div");
      row.className = "svc";
      var id = "svc-" + s.code;
      row.innerHTML = '<input type="checkbox"><label><span class="name"></span><br><span class="meta"></span></label><span class="price"></span>';
      var box1 = row.querySelector("input");
      box1.id = id; box1.value = s.code; box1.checked = state.chosen.indexOf(s.code) >= 0;
      row.querySelector("label").htmlFor = id;
      row.querySelector(".name").textContent = en ? s.name_en : s.name;
      row.querySelector(".meta").textContent = t("minutes", { n: s.duration_min });
      row.querySelector(".price").textContent = s.price_estimate === "0.00" ? t("free") : App.money(s.price_estimate);
      box1.addEventListener("change", function () {
        state.chosen = Array.prototype.map.call(box.querySelectorAll("input:checked"), function (i) { return i.value; });
        state.slot = null;
        if (overLabourLimit()) labourWarning(); else if (state.chosen.length) showBanner("");
        updateTotal();
      });
      box.appendChild(row);
    });
  }

  function openPicker() {
    var previousDate = picker && picker.date;
    picker = new App.SlotPicker({ store: state.store, days: $("days"), slots: $("slots"), status: $("slot-status"),
      services: state.chosen, onPick: function (start) { state.slot = start; showBanner(""); updateTotal(); } });
    picker.selected = state.slot;
    if (state.slot) picker.date = state.slot.slice(0, 10);
    else if (previousDate) picker.date = previousDate;
    picker.render();
    if (!picker.date) picker.pickFirstFree();
  }

  /* ---- details form ---- */
  var PHONE = /^(\+?86)?1[3-9]\d{9}$/;
  var P = "[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]";  // same rules as the API
  var PLATES = [new RegExp("^" + P + "[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]$"),
    new RegExp("^" + P + "[DF][A-HJ-NP-Z0-9][0-9]{4}$"), new RegExp("^" + P + "[0-9]{5}[DF]$")];
  var PLATE = { test: function (v) { return PLATES.some(function (r) { return r.test(v); }); } };
  var VIN = /^[A-HJ-NPR-Z0-9]{17}$/;
  var SERVER_MESSAGES = [  // server texts -> the user's language
    [/^required/, "req"], [/mobile number/, "bad_phone"], [/licence plate/, "bad_plate"],
    [/17 letters/, "bad_vin"], [/between 0 and/, "bad_mileage"], [/whole number/, "bad_mileage"]];

  function fieldInput(name) { return document.querySelector('[data-field="' + name + '"]'); }
  function setError(name, text) {
    var el = document.getElementById("e-" + name);
    var input = fieldInput(name);
    if (el) el.textContent = text || "";
    if (input) { if (text) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid"); }
  }
  function clearErrors() { document.querySelectorAll(".err").forEach(function (e) { e.textContent = ""; });
    document.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); }); }
  function localise(message) {
    for (var i = 0; i < SERVER_MESSAGES.length; i++) if (SERVER_MESSAGES[i][0].test(message)) return t(SERVER_MESSAGES[i][1]);
    return message;
  }
  function val(id) { return $(id).value.trim(); }
  function phoneValue() { return val("f-phone").replace(/[\s-]/g, ""); }
  function masked(phone) { return phone.replace(/^(\+?86)?(\d{3})\d{4}(\d{4})$/, "$2****$3"); }

  /* ---- SMS code: "获取验证码", then a countdown before another may be asked ---- */
  function linkPhone() { return Boolean(invitation && invitation.page) && val("f-phone") === invitation.page.customer.phone; }
  function verifying() { return Boolean(state.store && state.store.verify_phone) && !linkPhone(); }
  function showCodeStep() { $("get-code").hidden = $("code-field").hidden = !verifying(); }
  function codeButton(waitSeconds) {
    var btn = $("get-code"), left = waitSeconds;
    clearInterval(code.timer); code.timer = null;
    var tick = function () {
      if (left <= 0) { clearInterval(code.timer); code.timer = null; btn.disabled = false; btn.textContent = t(code.id ? "resend_code" : "get_code"); return; }
      btn.disabled = true; btn.textContent = t("resend_in", { n: left }); left -= 1;
    };
    tick();
    if (waitSeconds > 0) code.timer = setInterval(tick, 1000);
  }
  function getCode() {
    var phone = phoneValue(), btn = $("get-code");
    setError("customer.phone", ""); setError("verification.code", "");
    if (!PHONE.test(phone)) { setError("customer.phone", t(phone ? "bad_phone" : "req")); $("f-phone").focus(); return; }
    btn.disabled = true;
    api("POST", "/api/verifications", { phone: phone, locale: App.lang() === "en" ? "en" : "zh-CN" }).then(function (r) {
      var err = (r.body && r.body.error) || {};
      if (r.status === 202) {
        code.id = r.body.verification_id; code.phone = phone;
        keepCode({ id: code.id, phone: phone, expires: Date.parse(r.body.expires_at),
                   resend: Date.now() + (r.body.resend_after || 60) * 1000 });
        $("code-hint").textContent = t("code_sent", { phone: masked(phone) });
        codeButton(r.body.resend_after || 60); $("f-code").focus(); return;
      }
      if (r.status === 429) {
        var wait = err.retry_after || 60;
        if (wait > 120) { setError("verification.code", t("code_limit_day")); codeButton(0); btn.disabled = true; return; }
        setError("verification.code", t("code_wait", { n: wait })); codeButton(wait); return;
      }
      btn.disabled = false;
      if (r.status === 422 && err.fields && err.fields.phone) { setError("customer.phone", t("bad_phone")); return; }
      showBanner(err.message || t("server"));
    }, function () { btn.disabled = false; showBanner(t("network")); });
  }
  function phoneChanged() {
    if (code.phone && phoneValue() !== code.phone) {  // a code verifies only the number it went to
      code.id = code.phone = null; $("code-hint").textContent = ""; $("f-code").value = ""; codeButton(0);
      keepCode(null);
    }
  }
  /* a code asked for survives a reload of the page (the SMS is already on its way) */
  var CODE_KEY = "booking-code";
  function keepCode(kept) {
    try { if (kept) sessionStorage.setItem(CODE_KEY, JSON.stringify(kept)); else sessionStorage.removeItem(CODE_KEY); }
    catch (e) { /* private mode: nothing kept */ }
  }
  function restoreCode() {
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(CODE_KEY) || "null"); } catch (e) { kept = null; }
    if (!kept || !kept.id || !(kept.expires > Date.now())) { keepCode(null); return; }
    if (!phoneValue()) $("f-phone").value = kept.phone;
    if (phoneValue() !== kept.phone) { keepCode(null); return; }
    code.id = kept.id; code.phone = kept.phone;
    $("code-hint").textContent = t("code_sent", { phone: masked(kept.phone) });
    codeButton(Math.max(0, Math.ceil((kept.resend - Date.now()) / 1000)));
  }

  function collect() {
    var body = {
      customer: { name: val("f-name"), phone: val("f-phone").replace(/[\s-]/g, "") },
      vehicle: { plate: val("f-plate").toUpperCase().replace(/[\s·.]/g, "") },
      services: state.chosen, slot_start: state.slot,
      transport: document.querySelector("input[name=transport]:checked").value,
      locale: App.lang() === "en" ? "en" : "zh-CN"
    };
    if (val("f-vin")) body.vehicle.vin = val("f-vin").toUpperCase();
    if (val("f-model")) body.vehicle.model = val("f-model");
    if (val("f-mileage") !== "") body.vehicle.mileage_km = Number(val("f-mileage"));
    var concern = {};
    ["what", "where", "noise", "frequency", "when"].forEach(function (k) { var v = val("c-" + k); if (v) concern[k] = v; });
    if (Object.keys(concern).length) body.concern = concern;
    if (verifying() && code.id) body.verification = { id: code.id, code: val("f-code").replace(/\s/g, "") };
    if (invitation && invitation.page) body.invitation = { id: invitation.id, token: invitation.token };
    if ($("f-consent").checked) body.marketing_consent = true;   // unticked: nothing recorded
    return body;
  }

  function validate(body) {
    var errors = {};
    if (!body.customer.name) errors["customer.name"] = t("req");
    if (!body.customer.phone) errors["customer.phone"] = t("req");
    else if (!PHONE.test(body.customer.phone) && !linkPhone()) errors["customer.phone"] = t("bad_phone");
    if (!body.vehicle.plate) errors["vehicle.plate"] = t("req");
    else if (!PLATE.test(body.vehicle.plate)) errors["vehicle.plate"] = t("bad_plate");
    if (body.vehicle.vin && !VIN.test(body.vehicle.vin)) errors["vehicle.vin"] = t("bad_vin");
    var m = body.vehicle.mileage_km;
    if (m !== undefined && (!Number.isInteger(m) || m < 0 || m > 2000000)) errors["vehicle.mileage_km"] = t("bad_mileage");
    if (verifying() && !errors["customer.phone"]) {
      if (!body.verification) errors["verification.code"] = t("code_first");
      else if (!/^\d{6}$/.test(body.verification.code)) errors["verification.code"] = t("bad_code");
    }
    return errors;
  }

  function showFieldErrors(errors) {
    var first = null;
    Object.keys(errors).forEach(function (name) {
      setError(name, errors[name]);
      if (name.indexOf("concern.") === 0) $("concern").open = true;
      var input = fieldInput(name);
      if (input && !first) first = input;
    });
    showBanner(t("fix_fields"));
    if (first) first.focus();
  }

  function submit() {
    if (state.busy) return;
    clearErrors();
    var body = collect();
    var errors = validate(body);
    if (Object.keys(errors).length) { showFieldErrors(errors); return; }
    state.busy = true;
    $("next").disabled = true; $("next").textContent = t("submitting");
    state.idemKey = state.idemKey || (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
    api("POST", "/api/bookings", body, { "Idempotency-Key": state.idemKey }).then(function (r) {
      if (r.status === 201) { state.idemKey = null; keepCode(null); done(r.body, body); return; }
      state.idemKey = null;  // the request was answered: a corrected one is a new request
      var err = (r.body && r.body.error) || {};
      if (r.status === 409 && err.code === "slot_full") { slotFull(r.body.alternatives || []); return; }
      if (r.status === 403 && err.code === "invalid_token" && invitation) { linkExpired(); return; }
      if (r.status === 422 && (err.code === "verification_required" || err.code === "verification_failed")) {
        showFieldErrors({ "verification.code": t(err.code === "verification_failed" ? "code_wrong" : "code_first") }); return;
      }
      if (r.status === 422 && err.code === "online_labor_limit") { goTo(1); labourWarning(); return; }
      if (r.status === 409 && err.code === "too_many_bookings") {
        showFieldErrors({ "customer.phone": t("too_many_bookings_field") }); showBanner(t("too_many_bookings")); return;
      }
      if (r.status === 409 && err.code === "already_booked") {
        showFieldErrors({ "vehicle.plate": t("already_booked_field") }); showBanner(t("already_booked")); return;
      }
      if (r.status === 422 && err.fields) {
        var mapped = {}, unknown = [];
        Object.keys(err.fields).forEach(function (k) {
          if (fieldInput(k) || document.getElementById("e-" + k)) mapped[k] = localise(err.fields[k]);
          else unknown.push(err.fields[k]);
        });
        if (err.fields.slot_start) { goTo(2); showBanner(err.fields.slot_start); return; }
        showFieldErrors(mapped);
        if (unknown.length) showBanner(t("fix_fields") + " " + unknown.join("; "));
        return;
      }
      showBanner(err.message || t("server"));
    }, function () {
      showBanner(t("network"));  // the same Idempotency-Key is kept: a retry cannot book twice
    }).then(function () {
      state.busy = false; $("next").disabled = false; if (state.step === 3) $("next").textContent = t("submit");
    });
  }

  function slotFull(alternatives) {
    state.slot = null;
    goTo(2);
    showBanner(t("slot_full"), "warn");
    var box = document.createElement("div");
    box.className = "alts";
    alternatives.forEach(function (start) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "secondary"; b.textContent = App.longWhen(start);
      b.addEventListener("click", function () {
        state.slot = start; showBanner(""); openPicker(); updateTotal();
      });
      box.appendChild(b);
    });
    banner.appendChild(box);
  }

  function done(created, body) {
    var en = App.lang() === "en";
    $("d-ref").textContent = created.reference;
    $("d-when").textContent = App.longWhen(created.slot_start);
    $("d-services").textContent = state.services.filter(function (s) { return state.chosen.indexOf(s.code) >= 0; })
      .map(function (s) { return en ? s.name_en : s.name; }).join(en ? ", " : "、");
    $("d-address").textContent = (en && state.store.address_en) || state.store.address;
    $("d-phone").textContent = state.store.phone;
    $("d-sms").textContent = t("done_sms", { phone: masked(body.customer.phone) });
    $("manage").href = created.manage_url;
    $("invitation").hidden = true;
    $("ics").onclick = function () { downloadIcs(created); };
    goTo(4);
  }

  function icsTime(iso) { return new Date(iso).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, ""); }
  function downloadIcs(created) {
    var s = state.store;
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//4S after-sales//booking//ZH", "BEGIN:VEVENT",
      "UID:" + created.id + "@4s-booking", "DTSTAMP:" + icsTime(new Date().toISOString()),
      "DTSTART:" + icsTime(created.slot_start), "DTEND:" + icsTime(created.slot_end),
      "SUMMARY:" + s.name + " " + $("d-services").textContent + " (" + created.reference + ")",
      "LOCATION:" + s.address.replace(/,/g, "\\,"), "DESCRIPTION:" + created.manage_url,
      "BEGIN:VALARM", "TRIGGER:-PT1H", "ACTION:DISPLAY", "DESCRIPTION:" + s.name, "END:VALARM",
      "END:VEVENT", "END:VCALENDAR"];
    var blob = new Blob([lines.join("\r\n")], { type: "text/calendar;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = "booking-" + created.reference + ".ics";
    document.body.appendChild(a); a.click(); a.remove();
  }

  $("next").addEventListener("click", function () {
    if (state.step === 1) {
      if (!state.chosen.length) { showBanner(t("choose_service")); return; }
      if (overLabourLimit()) { labourWarning(); return; }
      goTo(2);
    }
    else if (state.step === 2) { if (!state.slot) { showBanner(t("choose_slot")); return; } goTo(3); }
    else if (state.step === 3) submit();
  });
  $("back").addEventListener("click", function () { goTo(state.step - 1); });
  $("step3").addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  ["f-name", "f-phone", "f-plate", "f-vin", "f-mileage", "f-code"].forEach(function (id) {
    $(id).addEventListener("input", function () { setError($(id).dataset.field, ""); });
  });
  $("f-phone").addEventListener("input", phoneChanged);
  $("get-code").addEventListener("click", getCode);

  App.applyI18n();
  App.setupLangButton(function () {
    renderServices(); if (state.step === 2) openPicker();
    $("next").textContent = t(state.step === 3 ? "submit" : "next"); updateTotal();
    if (!code.timer && !$("get-code").disabled) codeButton(0);
    if (state.store) $("store-name").textContent = App.lang() === "en" ? state.store.name_en : state.store.name;
    if (invitation && invitation.page) {   // the kind's name comes in the page's language
      api("GET", "/api/invitations/" + encodeURIComponent(invitation.id) + "?token=" + encodeURIComponent(invitation.token)).then(function (r) {
        if (r.status === 200) { invitation.page = r.body; showInvitation(); }
      });
    } else if (!$("invitation").hidden) $("invitation").textContent = t("inv_bad");
  });
  Promise.all([api("GET", "/api/store"), api("GET", "/api/services")]).then(function (res) {
    if (res[0].status !== 200 || res[1].status !== 200) { showBanner(t("server")); return; }
    state.store = res[0].body; state.services = res[1].body;
    App.setTimeZone(state.store.timezone);
    $("store-name").textContent = App.lang() === "en" ? state.store.name_en : state.store.name;
    document.title = t("booking_title") + " · " + state.store.name;
    showCodeStep();
    if (verifying()) restoreCode();
    renderServices();
    if (invitation) loadInvitation();
  }, function () { showBanner(t("network")); });

  function loadInvitation() {
    api("GET", "/api/invitations/" + encodeURIComponent(invitation.id) + "?token=" + encodeURIComponent(invitation.token)).then(function (r) {
      if (r.status !== 200) { linkExpired(); return; }
      var page = invitation.page = r.body;
      $("f-name").value = page.customer.name;
      $("f-phone").value = page.customer.phone; $("f-phone").readOnly = true; $("inv-phone").hidden = false;
      $("f-plate").value = page.vehicle.plate || "";
      if (page.vehicle.model) $("f-model").value = page.vehicle.model;
      if (page.vehicle.mileage_km !== null && page.vehicle.mileage_km !== undefined) $("f-mileage").value = page.vehicle.mileage_km;
      if (page.items.length) { $("c-what").value = page.items.join("; ").slice(0, 200); $("concern").open = true; }
      var known = state.services.map(function (s) { return s.code; });
      state.chosen = page.services.filter(function (c) { return known.indexOf(c) >= 0; });
      renderServices(); updateTotal();
      showCodeStep();
      showInvitation();
    }, function () { showBanner(t("network")); });
  }
  function showInvitation() {
    var page = invitation && invitation.page, box = $("invitation");
    if (!page) return;
    var lines = [t("inv_banner", { kind: page.kind_name })];
    if (page.due_on) lines.push(t("inv_due", { day: page.due_on }));
    if (page.items.length) lines.push(t("inv_items", { items: page.items.join(App.lang() === "en" ? ", " : "、") }));
    box.textContent = lines.join("\n"); box.className = "banner ok invitation"; box.hidden = false;
  }
  /* a wrong or expired link: say so, and the normal form (with the SMS code) */
  function linkExpired() {
    if (invitation && invitation.page) { $("f-phone").value = ""; }
    invitation = null;
    $("f-phone").readOnly = false; $("inv-phone").hidden = true;
    showCodeStep();
    var box = $("invitation");
    box.textContent = t("inv_bad"); box.className = "banner warn"; box.hidden = false;
  }
})();
