/* Shared by the customer's pages (booking, manage, approve, order, link): language, API calls,
   status words, dates, slot picker, and the page for a wrong or expired link. */
(function () {
  "use strict";
  var STRINGS = {
    "zh-CN": {
      lang_switch: "EN", booking_title: "在线预约", manage_title: "我的预约",
      step_services: "选服务", step_time: "选时间", step_details: "填信息", step_done: "完成",
      services_h: "选择服务项目", services_hint: "可多选;价格为预估,以到店检查为准。",
      minutes: "约{n}分钟", free: "免费", est_total: "预估 {price} · 约{min}分钟",
      next: "下一步", back: "上一步", choose_service: "请至少选择一项服务",
      time_h: "选择到店时间", time_hint: "灰色表示已约满或不可预约。", left: "余{n}", full: "已满",
      loading_slots: "正在查询可约时段…", no_slots_closed: "当天休息,请选择其他日期。",
      no_slots_past: "该日期已过。", no_slots_beyond_horizon: "超出可预约范围。",
      no_slots: "当天已无可约时段,请选择其他日期。", choose_slot: "请选择到店时间",
      today: "今天", tomorrow: "明天", weekdays: "日一二三四五六", closed: "休息",
      details_h: "填写车主和车辆信息", name: "姓名", phone: "手机号", plate: "车牌号",
      vin: "车架号 (VIN)", model: "车型", mileage: "当前里程 (公里)", optional: "选填",
      phone_ph: "例如 13800138000", plate_ph: "例如 粤B12345", name_ph: "例如 王先生",
      concern_h: "故障描述(维修项目建议填写)", concern_what: "什么问题", concern_where: "在什么位置",
      concern_noise: "有什么声音", concern_frequency: "多久出现一次", concern_when: "什么情况下出现(车速、路况、天气)",
      transport: "到店方式", t_wait: "在店等候", t_drop_off: "送修后离开", t_loaner: "需要代步车", t_pickup: "上门取送车",
      submit: "确认预约", submitting: "正在提交…",
      done_h: "预约成功", done_ref: "预约单号", done_sms: "确认短信将发送到 {phone}。", when: "时间",
      services: "服务", address: "地址", store_phone: "门店电话", add_calendar: "添加到日历", manage: "查看 / 改约 / 取消",
      fix_fields: "请修改标红的内容。", network: "网络连接失败,请检查网络后重试。", server: "系统繁忙,请稍后重试。",
      slot_full: "该时段刚刚约满。以下是最近的可约时段:", pick_alt: "选择",
      req: "必填", bad_phone: "请输入11位手机号,例如 13800138000", bad_plate: "请输入正确的车牌号,例如 粤B12345 或 粤BD12345",
      bad_vin: "车架号为17位字母或数字,不含 I、O、Q", bad_mileage: "请输入0到2000000之间的整数",
      status_booked: "已预约", status_cancelled: "已取消", status_confirmed: "已确认", status_arrived: "已到店",
      status_no_show: "未到店", vehicle: "车辆", estimate: "预估",
      reschedule: "改约", cancel: "取消预约", cancel_reason: "取消原因", cancel_confirm: "确认取消",
      keep: "暂不取消", reason_time: "时间有冲突", reason_elsewhere: "已在别处维修", reason_not_needed: "不需要了",
      reason_other: "其他原因", reason_other_ph: "请写明原因", choose_reason: "请选择或填写取消原因",
      cancelled_ok: "预约已取消。", rescheduled_ok: "已改约到 {when},短信通知将发送到您的手机。",
      new_time: "选择新的时间", save_new_time: "确认改约", invalid_link: "链接无效或已过期,请使用短信中的链接,或致电门店。",
      cannot_change: "该预约已不能在线修改,如需帮助请致电门店。", reason: "原因", loading: "正在加载…",
      concern: "故障描述", transport_short: "到店方式",
      history: "记录", ev_booked: "预约", ev_rescheduled: "改约", ev_cancelled: "取消", ev_confirmed: "确认预约",
      ev_prepared: "到店准备", ev_no_show: "未到店", ev_arrived: "到店接车", by_customer: "您", by_advisor: "服务顾问",
      already_booked: "该车辆当天已有预约。如需修改,请使用短信中的链接或致电门店。", already_booked_field: "该车辆当天已有预约",
      get_code: "获取验证码", resend_code: "重新获取", resend_in: "{n}秒后重新获取", code: "短信验证码", code_ph: "6位数字",
      code_sent: "验证码已发送至 {phone},10分钟内有效。", code_first: "请先获取并填写短信验证码",
      bad_code: "请输入短信中的6位验证码", code_wrong: "验证码错误或已失效,请核对短信或重新获取",
      code_wait: "获取太频繁,请{n}秒后再试", code_limit_day: "该号码今天获取验证码的次数已用完,请明天再试或致电门店",
      labor_limit: "所选项目工时较多,无法在线预约,请致电门店 {phone} 预约。",
      too_many_bookings: "该手机号已有未到店的预约。如需修改,请使用短信中的链接或致电门店。",
      too_many_bookings_field: "该手机号已有未到店的预约",
      too_many_changes: "该预约的在线改约次数已用完,如需再次改约请致电门店;仍可在线取消。",
      /* status words: every status of a repair order and of its lines (bookings: status_*) */
      order_open: "已接车,正在检查报价", order_awaiting_approval: "等待您确认维修项目",
      order_approved: "已确认,等待维修", order_in_work: "维修中", order_quality_check: "质检中",
      order_ready: "维修完成,可提车", order_settled: "已结算,待交车", order_delivered: "已交车",
      order_cancelled: "已取消",
      line_draft: "报价中", line_pending: "待您确认", line_approved: "已同意", line_declined: "暂不维修",
      line_in_work: "维修中", line_done: "已完成",
      /* a wrong or expired link */
      link_h: "链接无效或已过期", link_why: "链接可能不完整,或已超过有效期。为保护您的信息,这里不显示任何内容。",
      link_todo: "请使用最新短信中的链接;找不到短信,请致电门店,我们帮您查询。",
      link_call: "致电门店", link_book: "重新预约",
      /* an invitation's personal link (邀约) and unsubscribe (退订) */
      inv_banner: "{kind}:已为您填好车辆和推荐项目,选好时间即可预约,无需短信验证码。",
      inv_items: "上次建议的项目:{items}", inv_due: "建议在 {day} 前到店。",
      inv_bad: "这个专属预约链接无效或已过期。您仍可在下方正常预约。",
      inv_phone_hint: "已通过短信链接验证,无需验证码",
      consent: "接收保养提醒以外的优惠活动短信",
      unsub_title: "退订优惠活动短信", unsub_text: "退订后,我们不再向您的手机发送优惠和活动短信。保养提醒、预约确认等服务短信不受影响。",
      unsub_button: "确认退订", unsub_busy: "正在退订…",
      unsub_done: "已退订。我们不会再向您发送优惠和活动短信。", unsub_book: "预约保养"
    },
    en: {
      lang_switch: "中文", booking_title: "Book a service", manage_title: "My booking",
      step_services: "Services", step_time: "Time", step_details: "Details", step_done: "Done",
      services_h: "Choose services", services_hint: "Choose one or more; prices are estimates until we inspect the car.",
      minutes: "about {n} min", free: "Free", est_total: "Estimate {price} · about {min} min",
      next: "Next", back: "Back", choose_service: "Please choose at least one service",
      time_h: "Choose a time", time_hint: "Grey times are full or cannot be booked.", left: "{n} left", full: "Full",
      loading_slots: "Looking for free times…", no_slots_closed: "The store is closed that day. Please choose another date.",
      no_slots_past: "That date has passed.", no_slots_beyond_horizon: "That date is too far ahead.",
      no_slots: "No free times left that day. Please choose another date.", choose_slot: "Please choose a time",
      today: "Today", tomorrow: "Tomorrow", weekdays: "SunMonTueWedThuFriSat", closed: "Closed",
      details_h: "Your details and your car", name: "Name", phone: "Mobile number", plate: "Licence plate",
      vin: "VIN", model: "Model", mileage: "Mileage (km)", optional: "optional",
      phone_ph: "e.g. 13800138000", plate_ph: "e.g. 粤B12345", name_ph: "e.g. Mr Wang",
      concern_h: "Describe the problem (for repairs)", concern_what: "What is wrong", concern_where: "Where on the car",
      concern_noise: "What noise", concern_frequency: "How often", concern_when: "When it happens (speed, road, weather)",
      transport: "Getting here", t_wait: "Wait in the lounge", t_drop_off: "Drop off the car", t_loaner: "Loaner car", t_pickup: "Pick-up and delivery",
      submit: "Book now", submitting: "Booking…",
      done_h: "You are booked", done_ref: "Reference", done_sms: "A confirmation SMS goes to {phone}.", when: "When",
      services: "Services", address: "Address", store_phone: "Store phone", add_calendar: "Add to calendar", manage: "View / change / cancel",
      fix_fields: "Please correct the fields marked in red.", network: "No connection. Please check your network and try again.", server: "The system is busy. Please try again shortly.",
      slot_full: "That time was just taken. The nearest free times:", pick_alt: "Choose",
      req: "Required", bad_phone: "Enter an 11-digit mobile number, e.g. 13800138000", bad_plate: "Enter a valid plate, e.g. 粤B12345 or 粤BD12345",
      bad_vin: "A VIN has 17 letters or digits, without I, O or Q", bad_mileage: "Enter a whole number from 0 to 2000000",
      status_booked: "Booked", status_cancelled: "Cancelled", status_confirmed: "Confirmed", status_arrived: "Arrived",
      status_no_show: "Did not come", vehicle: "Car", estimate: "Estimate",
      reschedule: "Change time", cancel: "Cancel booking", cancel_reason: "Why are you cancelling?", cancel_confirm: "Cancel the booking",
      keep: "Keep it", reason_time: "The time no longer suits me", reason_elsewhere: "Repaired elsewhere", reason_not_needed: "No longer needed",
      reason_other: "Other", reason_other_ph: "Please tell us why", choose_reason: "Please choose or write a reason",
      cancelled_ok: "Your booking is cancelled.", rescheduled_ok: "Moved to {when}. We will confirm by SMS.",
      new_time: "Choose a new time", save_new_time: "Move my booking", invalid_link: "This link is not valid or has expired. Please use the link in your SMS or call the store.",
      cannot_change: "This booking can no longer be changed online. Please call the store.", reason: "Reason", loading: "Loading…",
      concern: "Problem", transport_short: "Getting here",
      history: "History", ev_booked: "Booked", ev_rescheduled: "Time changed", ev_cancelled: "Cancelled", ev_confirmed: "Confirmed",
      ev_prepared: "Visit prepared", ev_no_show: "Not arrived", ev_arrived: "Car received", by_customer: "you", by_advisor: "service advisor",
      already_booked: "This car already has a booking that day. To change it, use the link in your SMS or call the store.",
      already_booked_field: "Already booked that day",
      get_code: "Get code", resend_code: "Send again", resend_in: "Again in {n}s", code: "SMS code", code_ph: "6 digits",
      code_sent: "Code sent to {phone}, valid for 10 minutes.", code_first: "Get the SMS code and enter it",
      bad_code: "Enter the 6-digit code from the SMS", code_wrong: "Wrong or expired code: check the SMS or get a new one",
      code_wait: "Too many requests: try again in {n} s", code_limit_day: "No more codes for this number today: try tomorrow or call the store",
      labor_limit: "These services take too long to book online: please call the store at {phone}.",
      too_many_bookings: "This mobile number already has upcoming bookings. To change one, use the link in your SMS or call the store.",
      too_many_bookings_field: "Already has upcoming bookings",
      too_many_changes: "This booking cannot be moved online any more. To move it again, please call the store; you can still cancel it here.",
      order_open: "Received, preparing the estimate", order_awaiting_approval: "Waiting for your approval",
      order_approved: "Approved, waiting for the workshop", order_in_work: "In the workshop", order_quality_check: "Quality check",
      order_ready: "Ready for collection", order_settled: "Paid, ready for collection", order_delivered: "Collected",
      order_cancelled: "Cancelled",
      line_draft: "Being priced", line_pending: "Waiting for you", line_approved: "Approved", line_declined: "Declined",
      line_in_work: "In work", line_done: "Done",
      link_h: "This link is wrong or has expired", link_why: "It may be incomplete, or too old. To protect your details, we show nothing here.",
      link_todo: "Use the link in our latest SMS. If you cannot find it, call the store and we will look it up for you.",
      link_call: "Call the store", link_book: "Book again",
      inv_banner: "{kind}: we have filled in your car and the work we suggest. Pick a time to book; no SMS code needed.",
      inv_items: "Suggested last time: {items}", inv_due: "Due by {day}",
      inv_bad: "This personal booking link is wrong or has expired. You can still book below.",
      inv_phone_hint: "Verified by your SMS link: no code needed",
      consent: "Send me offers and events by SMS (beyond service reminders)",
      unsub_title: "Stop offers by SMS", unsub_text: "We will no longer text you offers or events. Service reminders and booking confirmations still come.",
      unsub_button: "Unsubscribe", unsub_busy: "Unsubscribing…",
      unsub_done: "Done. We will not text you offers or events any more.", unsub_book: "Book a service"
    }
  };
  /* the language the customer chose on our pages, else their phone's: English for a phone set
     to English, Chinese otherwise */
  function initialLang() {
    var stored = null;
    try { stored = localStorage.getItem("lang"); } catch (e) { /* private mode */ }
    if (stored === "en" || stored === "zh-CN") return stored;
    var first = (navigator.languages && navigator.languages[0]) || navigator.language || "";
    return /^en\b/i.test(first) ? "en" : "zh-CN";
  }
  var lang = initialLang();

  function t(key, vars) {
    var text = (STRINGS[lang] && STRINGS[lang][key]) || STRINGS["zh-CN"][key] || key;
    if (vars) Object.keys(vars).forEach(function (k) { text = text.split("{" + k + "}").join(vars[k]); });
    return text;
  }

  function applyI18n(root) {
    document.documentElement.lang = lang;
    (root || document).querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t(el.dataset.i18n); });
    (root || document).querySelectorAll("[data-i18n-ph]").forEach(function (el) { el.placeholder = t(el.dataset.i18nPh); });
  }

  function setupLangButton(onChange) {
    var btn = document.getElementById("lang");
    btn.textContent = t("lang_switch");
    btn.setAttribute("aria-label", lang === "en" ? "切换到中文" : "Switch to English");
    btn.addEventListener("click", function () {
      lang = lang === "en" ? "zh-CN" : "en";
      try { localStorage.setItem("lang", lang); } catch (e) { /* ignore */ }
      btn.textContent = t("lang_switch");
      btn.setAttribute("aria-label", lang === "en" ? "切换到中文" : "Switch to English");
      applyI18n();
      if (problem.shown) renderLinkProblem();
      if (onChange) onChange();
    });
  }

  /* fetch JSON; resolves {status, body}; rejects only on network failure. The server answers
     in the page's language. */
  function api(method, path, body, headers) {
    var opts = { method: method, headers: Object.assign({ "Accept": "application/json", "Accept-Language": lang }, headers || {}) };
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    return fetch(path, opts).then(function (resp) {
      return resp.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return { status: resp.status, body: data };
      });
    });
  }

  /* ---- dates in the store's time zone ---- */
  var tz = "Asia/Shanghai";
  function setTimeZone(zone) { tz = zone || tz; }
  function parts(iso) {
    var d = new Date(iso);
    var f = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", weekday: "short", hour12: false });
    var out = {};
    f.formatToParts(d).forEach(function (p) { out[p.type] = p.value; });
    out.hour = out.hour === "24" ? "00" : out.hour;
    return out;
  }
  function hhmm(iso) { var p = parts(iso); return p.hour + ":" + p.minute; }
  function dayLabel(dateText, todayText) {
    var d = new Date(dateText + "T12:00:00Z");
    var wd = d.getUTCDay();
    var names = t("weekdays");
    var wname = lang === "en" ? names.substr(wd * 3, 3) : "周" + names.charAt(wd);
    var diff = Math.round((d - new Date(todayText + "T12:00:00Z")) / 86400000);
    var top = diff === 0 ? t("today") : diff === 1 ? t("tomorrow") : wname;
    var md = lang === "en" ? d.getUTCDate() + "/" + (d.getUTCMonth() + 1) : (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日";
    return { top: top, bottom: md };
  }
  function longWhen(iso) {
    var p = parts(iso);
    var d = new Date(p.year + "-" + p.month + "-" + p.day + "T12:00:00Z");
    var names = t("weekdays");
    if (lang === "en") return names.substr(d.getUTCDay() * 3, 3) + " " + Number(p.day) + "/" + Number(p.month) + "/" + p.year + " " + p.hour + ":" + p.minute;
    return p.year + "年" + Number(p.month) + "月" + Number(p.day) + "日(周" + names.charAt(d.getUTCDay()) + ") " + p.hour + ":" + p.minute;
  }
  function addDays(dateText, n) {
    var d = new Date(dateText + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }
  function money(text) { return "¥" + text; }

  /* ---- slot picker: day chips + slot grid; calls onPick(slotStart or null) ---- */
  var slotRequests = 0;
  function SlotPicker(opts) {
    this.store = opts.store; this.daysEl = opts.days; this.slotsEl = opts.slots; this.statusEl = opts.status;
    this.services = opts.services || []; this.onPick = opts.onPick; this.exclude = opts.exclude || null;
    this.date = null; this.selected = null; this.seq = 0;
  }
  SlotPicker.prototype.render = function () {
    var self = this, s = this.store, closed = s.closed_dates || [];
    var keys = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    this.daysEl.innerHTML = "";
    var count = Math.min(s.horizon_days + 1, 15);
    for (var i = 0; i < count; i++) {
      var day = addDays(s.today, i);
      var wd = new Date(day + "T12:00:00Z").getUTCDay();
      var isClosed = closed.indexOf(day) >= 0 || !(s.opening_hours[keys[wd]] || []).length;
      var label = dayLabel(day, s.today);
      var b = document.createElement("button");
      b.type = "button"; b.className = "day"; b.dataset.date = day;
      b.innerHTML = "<b></b><span></span>";
      b.firstChild.textContent = label.top;
      b.lastChild.textContent = isClosed ? t("closed") : label.bottom;
      b.setAttribute("aria-pressed", "false");
      if (isClosed) b.disabled = true;
      b.addEventListener("click", function (ev) { self.pickDay(ev.currentTarget.dataset.date); });
      this.daysEl.appendChild(b);
    }
    if (this.date) this.pickDay(this.date);
  };
  /* open the first day that still has a free slot (today is often full or too late) */
  SlotPicker.prototype.pickFirstFree = function () {
    var self = this;
    var days = Array.prototype.filter.call(this.daysEl.querySelectorAll(".day"), function (b) { return !b.disabled; })
      .map(function (b) { return b.dataset.date; });
    var tryDay = function (i) {
      if (i >= days.length) { if (days.length) self.pickDay(days[0]); return; }
      self.pickDay(days[i], function (slots) {
        if (!slots.some(function (x) { return x.available > 0; })) tryDay(i + 1);
      });
    };
    tryDay(0);
  };
  SlotPicker.prototype.pickDay = function (day, then) {
    var self = this;
    this.date = day;
    this.daysEl.querySelectorAll(".day").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.date === day)); });
    this.slotsEl.innerHTML = "";
    this.statusEl.className = "loading"; this.statusEl.textContent = t("loading_slots");
    // the grid's last request wins, whichever picker asked (the booking page makes a new
    // picker when the customer goes back or takes an alternative, while a request may be out)
    var seq = this.seq = ++slotRequests;
    this.slotsEl.dataset.request = String(seq);
    var q = "/api/slots?date=" + day + (this.services.length ? "&services=" + this.services.join(",") : "");
    var stale = function () { return seq !== self.seq || self.slotsEl.dataset.request !== String(seq); };
    api("GET", q).then(function (r) {
      if (stale()) return;
      self.statusEl.className = "hint"; self.statusEl.textContent = "";
      if (r.status !== 200) { self.statusEl.className = "banner bad"; self.statusEl.textContent = t("server"); return; }
      var slots = r.body.slots;
      if (then) then(slots);
      if (stale()) return;
      if (!slots.length) { self.statusEl.textContent = t(r.body.closed_reason ? "no_slots_" + r.body.closed_reason : "no_slots"); return; }
      if (!slots.some(function (x) { return x.available > 0; })) self.statusEl.textContent = t("no_slots");
      slots.forEach(function (slot) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "slot"; b.dataset.start = slot.start;
        var mine = self.exclude === slot.start;
        b.innerHTML = "<span></span><small></small>";
        b.firstChild.textContent = hhmm(slot.start);
        b.lastChild.textContent = slot.available > 0 && !mine ? t("left", { n: slot.available }) : t("full");
        b.disabled = slot.available <= 0 || mine;
        b.setAttribute("aria-pressed", String(self.selected === slot.start));
        b.setAttribute("aria-label", hhmm(slot.start) + " " + b.lastChild.textContent);
        b.addEventListener("click", function () { self.pick(slot.start); });
        self.slotsEl.appendChild(b);
      });
    }, function () {
      if (stale()) return;
      self.statusEl.className = "banner bad"; self.statusEl.textContent = t("network");
    });
  };
  SlotPicker.prototype.pick = function (start) {
    this.selected = start;
    this.slotsEl.querySelectorAll(".slot").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.start === start)); });
    if (this.onPick) this.onPick(start);
  };

  /* ---- a wrong or expired link: say so, and what to do (the store's phone, or book again) ---- */
  var problem = { shown: false, store: null };
  function renderLinkProblem() {
    var main = document.querySelector("main"), box = document.getElementById("link-problem");
    if (!box) {
      box = document.createElement("section");
      box.id = "link-problem"; box.className = "card problem";
      main.insertBefore(box, main.firstChild);
    }
    var phone = problem.store && problem.store.phone;
    box.innerHTML = "<h2 tabindex=\"-1\"></h2><p></p><p></p><div class=\"row\"></div>";
    box.children[0].textContent = t("link_h");
    box.children[1].textContent = t("link_why");
    box.children[2].textContent = t("link_todo");
    var actions = box.children[3];
    if (phone) {
      var call = document.createElement("a");
      call.className = "primary"; call.href = "tel:" + phone.replace(/[^\d+]/g, "");
      call.textContent = t("link_call");
      var number = document.createElement("span");
      number.className = "num"; number.textContent = phone;
      call.appendChild(number);
      actions.appendChild(call);
    }
    var book = document.createElement("a");
    book.className = "secondary"; book.href = "/"; book.textContent = t("link_book");
    actions.appendChild(book);
    if (problem.store) {
      var name = document.getElementById("store-name");
      if (name) name.textContent = lang === "en" ? (problem.store.name_en || problem.store.name) : problem.store.name;
    }
  }
  function linkProblem() {
    ["loading", "view", "banner"].forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) return;
      if (id === "banner") { el.textContent = ""; el.className = "banner"; } else el.hidden = true;
    });
    problem.shown = true;
    renderLinkProblem();
    document.querySelector("#link-problem h2").focus();
    if (problem.store) return;
    api("GET", "/api/store").then(function (r) {
      if (r.status !== 200) return;
      problem.store = r.body;
      renderLinkProblem();
    }, function () { /* offline: the words and "book again" are still there */ });
  }

  window.App = { t: t, applyI18n: applyI18n, setupLangButton: setupLangButton, api: api, hhmm: hhmm,
    longWhen: longWhen, setTimeZone: setTimeZone, money: money, SlotPicker: SlotPicker,
    linkProblem: linkProblem, lang: function () { return lang; } };
})();
