/* Advisor portal (服务顾问工作台): sign-in, appointment board, customer file, reception, repair orders. */
(function () {
  "use strict";
  var S = {
    "zh-CN": {
      title: "服务顾问工作台", nav_board: "预约看板", nav_orders: "施工单", nav_search: "客户档案",
      nav_walkin: "散客接车", logout: "退出", login_h: "员工登录", username: "用户名", password: "密码",
      login: "登录", bad_login: "用户名或密码错误", other_store: "该账号不属于本店", date: "日期",
      refresh: "刷新", updated: "更新于 {t}", slot: "时段", customer: "客户", vehicle: "车辆",
      services: "项目", transport: "到店方式", advisor: "顾问", technician: "技师", parts: "备件",
      status: "状态", actions: "操作", confirm: "已确认", parts_ready: "备件就绪", parts_not: "备件未备",
      no_show: "未到店", check_in: "接车", open_order: "施工单", no_show_reason: "未到店原因(如:电话未接通)",
      none_today: "当天没有预约。", new_booking: "电话 / 散客预约", channel: "渠道", ch_phone: "电话",
      ch_walk_in: "散客", name: "姓名", phone: "手机号", plate: "车牌号", book: "预约", time: "时间",
      s_booked: "已预约", s_confirmed: "已确认", s_arrived: "已到店", s_no_show: "未到店", s_cancelled: "已取消",
      t_wait: "店内等候", t_drop_off: "送修", t_loaner: "代步车", t_pickup: "取送车",
      search_h: "查找客户 / 车辆", search_ph: "车牌或车架号(可输入前几位)、完整手机号或手机尾号后4位", search: "查找",
      no_results: "没有找到。", vin: "车架号", model: "车型", sale_date: "购车日期", mileage: "里程(公里)",
      warranty: "质保", rw: "整车保修(3年/6万公里)", sanbao: "三包有效期(2年/5万公里)", active: "有效至 {d}",
      ended: "已过期", unknown: "未知(缺购车日期)", recommendations: "建议维修(客户曾拒绝)", orders: "施工单",
      bookings: "预约记录", photos: "照片", documents: "签字文件", history: "操作记录",
      checkin_h: "接车环检", from_booking: "预约单 {ref}", fuel: "油量", f_empty: "空", f_quarter: "1/4",
      f_half: "1/2", f_three_quarters: "3/4", f_full: "满", covers: "已铺三件套", interior: "内饰",
      i_clean: "整洁", i_dirty: "较脏", interior_note: "内饰备注", valuables: "已提醒客户带走贵重物品",
      concern_h: "客户描述(客户原话)", c_what: "问题", c_where: "位置", c_noise: "噪音", c_frequency: "频率",
      c_when: "情景(车速、路况、天气)", findings: "顾问检查发现", damage_h: "外观检查:点击车身部位标记损伤",
      d_scratch: "划痕", d_dent: "凹陷", d_crack: "裂纹", d_other: "其他", note: "说明", remove: "删除",
      no_damage: "未标记损伤", add_photos: "拍照 / 上传照片", uploading: "正在上传 {n}…", old_parts: "旧件",
      op_take_home: "客户带走", op_dispose: "店内处理", wash: "需要免费洗车", contact: "维修中联系方式",
      cp_phone: "电话", cp_sms: "短信", cp_wechat: "微信", promised: "预计交车时间", signature: "客户签字",
      clear: "重签", submit_checkin: "完成接车并开单", yes: "是", no: "否", required_sig: "请客户签字",
      order_h: "施工单 {ref}", lines: "项目明细", kind: "类型", k_labor: "工时", k_part: "备件",
      description: "项目 / 名称", operation: "工时代码", part_number: "零件号", hours: "工时", rate: "工时单价",
      quantity: "数量", unit_price: "单价", amount: "金额", pay_type: "付费方式", p_customer: "客户付费",
      p_warranty: "保修", p_internal: "内部", p_goodwill: "善意", add_line: "添加项目",
      l_draft: "待发送", l_pending: "待客户确认", l_approved: "已确认", l_declined: "客户拒绝", l_in_work: "施工中",
      l_done: "已完成", additional: "增项", totals: "合计", customer_pays: "客户应付", tax: "其中增值税",
      estimate: "估价(未拒绝项目)", agreed: "客户已确认", send_sms: "发送短信请客户确认",
      sign_here: "客户现场签字确认", approve: "同意", decline: "不做", approvals_h: "客户确认",
      link_sent: "确认短信已发送到客户手机。", resend_sms: "重新发送确认短信", sms_resent: "已重新发送确认短信({n})",
      reason: "原因(优惠或非客户付费必填)", reason_by: "原因:{r}(经办 {by})", reason_only: "原因:{r}", print_order: "打印施工单", print_checkin: "打印接车单",
      o_open: "开单", o_awaiting_approval: "待客户确认", o_approved: "已确认", o_in_work: "施工中",
      o_quality_check: "质检", o_ready: "待交车", o_settled: "已结算", o_delivered: "已交车",
      changed: "该记录已被他人修改,已为您重新加载,请再操作一次。", fix: "请修改标红的内容。",
      network: "网络连接失败,请重试。", server: "系统繁忙,请稍后重试。", saved: "已保存", forbidden: "您的角色无权执行此操作。",
      reception: "接车单", opened: "开单时间", ordersToday: "当天施工单", save_promise: "保存交车时间",
      pending_customer: "等待客户确认中", decided_sms: "短信确认", decided_in_store: "现场签字", offered: "本次可再推荐"
    },
    en: {
      title: "Advisor portal", nav_board: "Board", nav_orders: "Orders", nav_search: "Customer file",
      nav_walkin: "Walk-in", logout: "Sign out", login_h: "Staff sign-in", username: "Username", password: "Password",
      login: "Sign in", bad_login: "Wrong username or password", other_store: "This account is not for this store",
      date: "Date", refresh: "Refresh", updated: "Updated {t}", slot: "Slot", customer: "Customer",
      vehicle: "Vehicle", services: "Services", transport: "Transport", advisor: "Advisor",
      technician: "Technician", parts: "Parts", status: "Status", actions: "Actions", confirm: "Confirmed",
      parts_ready: "Parts ready", parts_not: "Parts not ready", no_show: "No-show", check_in: "Check in",
      open_order: "Order", no_show_reason: "Reason for the no-show (e.g. phone not answered)",
      none_today: "No bookings this day.", new_booking: "Phone / walk-in booking", channel: "Channel",
      ch_phone: "Phone", ch_walk_in: "Walk-in", name: "Name", phone: "Mobile", plate: "Plate", book: "Book",
      time: "Time", s_booked: "Booked", s_confirmed: "Confirmed", s_arrived: "Arrived", s_no_show: "No-show",
      s_cancelled: "Cancelled", t_wait: "Waits", t_drop_off: "Drop-off", t_loaner: "Loaner", t_pickup: "Pick-up",
      search_h: "Find a customer or vehicle", search_ph: "Plate or VIN (first characters are enough), whole mobile or its last 4 digits",
      search: "Search", no_results: "Nothing found.", vin: "VIN", model: "Model", sale_date: "Sale date",
      mileage: "Mileage (km)", warranty: "Warranty", rw: "Repair warranty (3 y / 60,000 km)",
      sanbao: "三包 validity (2 y / 50,000 km)", active: "valid until {d}", ended: "ended",
      unknown: "unknown (no sale date)", recommendations: "Recommended, declined before", orders: "Repair orders",
      bookings: "Bookings", photos: "Photos", documents: "Signed documents", history: "Change history",
      checkin_h: "Reception walk-around", from_booking: "Booking {ref}", fuel: "Fuel", f_empty: "empty",
      f_quarter: "1/4", f_half: "1/2", f_three_quarters: "3/4", f_full: "full", covers: "Covers fitted",
      interior: "Interior", i_clean: "clean", i_dirty: "dirty", interior_note: "Interior note",
      valuables: "Valuables reminder given", concern_h: "Customer's concern (their words)", c_what: "What",
      c_where: "Where", c_noise: "Noise", c_frequency: "How often", c_when: "When (speed, road, weather)",
      findings: "Advisor's findings", damage_h: "Exterior: tap a zone to mark damage", d_scratch: "scratch",
      d_dent: "dent", d_crack: "crack", d_other: "other", note: "Note", remove: "Remove",
      no_damage: "No damage marked", add_photos: "Take / upload photos", uploading: "Uploading {n}…",
      old_parts: "Old parts", op_take_home: "customer takes them", op_dispose: "store disposes",
      wash: "Free wash wanted", contact: "Contact during repair", cp_phone: "phone", cp_sms: "SMS",
      cp_wechat: "WeChat", promised: "Promised completion", signature: "Customer signature", clear: "Clear",
      submit_checkin: "Finish check-in, open the order", yes: "yes", no: "no",
      required_sig: "The customer must sign", order_h: "Repair order {ref}", lines: "Lines", kind: "Type",
      k_labor: "Labour", k_part: "Part", description: "Description", operation: "Operation code",
      part_number: "Part number", hours: "Hours", rate: "Rate", quantity: "Qty", unit_price: "Unit price",
      amount: "Amount", pay_type: "Pay type", p_customer: "Customer", p_warranty: "Warranty",
      p_internal: "Internal", p_goodwill: "Goodwill", add_line: "Add line", l_draft: "draft",
      l_pending: "awaiting customer", l_approved: "approved", l_declined: "declined", l_in_work: "in work",
      l_done: "done", additional: "additional", totals: "Totals", customer_pays: "Customer pays",
      tax: "incl. VAT", estimate: "Estimate (not declined)", agreed: "Approved by customer",
      send_sms: "Send to customer by SMS", sign_here: "Customer approves here and signs",
      approve: "Approve", decline: "Decline", approvals_h: "Customer approval",
      link_sent: "The SMS went to the customer's phone.", resend_sms: "Send the SMS again", sms_resent: "SMS sent again ({n})",
      reason: "Reason (required for a discount or a non-customer pay type)", reason_by: "Reason: {r} (by {by})", reason_only: "Reason: {r}", print_order: "Print order", print_checkin: "Print check-in sheet",
      o_open: "open", o_awaiting_approval: "awaiting approval", o_approved: "approved", o_in_work: "in work",
      o_quality_check: "quality check", o_ready: "ready", o_settled: "settled", o_delivered: "delivered",
      changed: "Someone else changed this record: it was reloaded, please do it again.",
      fix: "Please correct the fields marked in red.", network: "Network error, please try again.",
      server: "Something went wrong, please try again.", saved: "Saved", forbidden: "Your role may not do this.",
      reception: "Check-in sheet", opened: "Opened", ordersToday: "Orders opened", save_promise: "Save time",
      pending_customer: "Waiting for the customer", decided_sms: "by SMS", decided_in_store: "signed in store",
      offered: "offer again this visit"
    }
  };
  var ZONES = [
    ["front_bumper", "前保险杠", 200, 10, 120, 30], ["hood", "引擎盖", 190, 45, 140, 70],
    ["windshield", "前挡风玻璃", 195, 120, 130, 30], ["roof", "车顶", 195, 155, 130, 90],
    ["rear_window", "后挡风玻璃", 195, 250, 130, 25], ["trunk", "后备箱", 190, 280, 140, 55],
    ["rear_bumper", "后保险杠", 200, 340, 120, 30],
    ["left_front_fender", "左前翼子板", 140, 45, 45, 75], ["left_front_door", "左前门", 140, 125, 45, 80],
    ["left_rear_door", "左后门", 140, 210, 45, 70], ["left_rear_fender", "左后翼子板", 140, 285, 45, 60],
    ["right_front_fender", "右前翼子板", 335, 45, 45, 75], ["right_front_door", "右前门", 335, 125, 45, 80],
    ["right_rear_door", "右后门", 335, 210, 45, 70], ["right_rear_fender", "右后翼子板", 335, 285, 45, 60],
    ["left_mirror", "左后视镜", 105, 120, 30, 20], ["right_mirror", "右后视镜", 385, 120, 30, 20],
    ["wheels", "轮毂", 20, 160, 70, 70]
  ];
  var lang = localStorage.getItem("lang") === "en" ? "en" : "zh-CN";
  function T(key, vars) {
    var text = (S[lang] && S[lang][key]) || S["zh-CN"][key] || key;
    if (vars) Object.keys(vars).forEach(function (k) { text = text.split("{" + k + "}").join(vars[k]); });
    return text;
  }
  function esc(v) {
    return String(v === null || v === undefined ? "" : v).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  var view = document.getElementById("view");
  var banner = document.getElementById("banner");
  function say(text, kind) { banner.textContent = text || ""; banner.className = "banner" + (kind ? " " + kind : ""); }
  var tz = "Asia/Shanghai";
  function local(iso, withDate) {
    if (!iso) return "—";
    var f = new Intl.DateTimeFormat("zh-CN", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hour12: false });
    var p = {}; f.formatToParts(new Date(iso)).forEach(function (x) { p[x.type] = x.value; });
    return (withDate === false ? "" : p.year + "-" + p.month + "-" + p.day + " ") + p.hour + ":" + p.minute;
  }
  function today() { return local(new Date().toISOString()).slice(0, 10); }
  function offsetOf() { return "+08:00"; }   // store time (Asia/Shanghai, no daylight saving)

  /* ---- session ---- */
  var session = null;
  try { session = JSON.parse(localStorage.getItem("portal.session") || "null"); } catch (e) { session = null; }
  function keep(s) { session = s; if (s) localStorage.setItem("portal.session", JSON.stringify(s)); else localStorage.removeItem("portal.session"); }
  var shown = 0;   // counts page changes: a page's data arriving after the user moved on is dropped
  function call(method, path, body, retried) {
    var asked = shown;
    return send(method, path, body, retried).then(function (r) {
      if (method === "GET" && asked !== shown) return new Promise(function () {});
      return r;
    });
  }
  function send(method, path, body, retried) {
    var headers = session ? { Authorization: "Bearer " + session.id_token } : {};
    return App.api(method, path, body, headers).then(function (r) {
      if (r.status === 401 && session && session.refresh_token && !retried) {
        return App.api("POST", "/api/auth/refresh", { refresh_token: session.refresh_token }).then(function (rr) {
          if (rr.status !== 200) { keep(null); location.hash = "#/login"; return r; }
          keep(Object.assign({}, session, { id_token: rr.body.id_token }));
          return send(method, path, body, true);
        });
      }
      if (r.status === 401) { keep(null); location.hash = "#/login"; }
      return r;
    }, function () { say(T("network"), "bad"); throw new Error("network"); });
  }
  function problem(r, form) {
    var err = (r.body && r.body.error) || {};
    if (r.status === 403) return say(T("forbidden"), "bad");
    if (r.status === 409 && /_changed$/.test(err.code || "")) { say(T("changed"), "warn"); route(); return; }
    if (form && err.fields) {
      form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
      form.querySelectorAll(".err").forEach(function (el) { el.textContent = ""; });
      var first = null;
      Object.keys(err.fields).forEach(function (name) {
        var el = form.querySelector('[name="' + name + '"]') || form.querySelector('[data-field="' + name.split(".")[0] + '"]');
        var slot = form.querySelector('[data-err="' + name + '"]') || (el && el.closest(".field") && el.closest(".field").querySelector(".err"));
        if (el) { el.setAttribute("aria-invalid", "true"); first = first || el; }
        if (slot) slot.textContent = err.fields[name];
      });
      if (first && first.focus) first.focus();
      return say(T("fix") + " " + Object.keys(err.fields).map(function (k) { return k + ": " + err.fields[k]; }).join("; "), "bad");
    }
    say(err.message || T("server"), "bad");
  }

  /* ---- shell ---- */
  function shell() {
    document.querySelectorAll("[data-t]").forEach(function (el) { el.textContent = T(el.dataset.t); });
    document.getElementById("lang").textContent = lang === "en" ? "中文" : "EN";
    document.documentElement.lang = lang;
    document.getElementById("nav").hidden = !session;
    document.getElementById("who").textContent = session ? session.staff.name + " · " + session.staff.roles.join(", ") : "Advisor portal";
    var roles = session ? session.staff.roles : [];
    document.querySelectorAll("#nav a").forEach(function (a) {
      a.classList.toggle("on", location.hash.indexOf(a.getAttribute("href")) === 0);
      a.hidden = !!a.dataset.roles && !a.dataset.roles.split(",").some(function (r) { return roles.indexOf(r) >= 0; });
    });
  }
  document.getElementById("lang").addEventListener("click", function () {
    lang = lang === "en" ? "zh-CN" : "en"; localStorage.setItem("lang", lang); route();
  });
  document.getElementById("logout").addEventListener("click", function () { keep(null); location.hash = "#/login"; });

  var timer = null;
  function route() {
    shown += 1;
    if (timer) { clearInterval(timer); timer = null; }
    say("");
    var parts = location.hash.replace(/^#\/?/, "").split("?")[0].split("/");
    if (!session && parts[0] !== "login") { location.hash = "#/login"; return; }
    shell();
    var page = { login: login, board: board, search: search, vehicle: vehicle, checkin: checkin,
      order: order, orders: orders }[parts[0]] || Portal.pages[parts[0]] || board;
    page(parts[1]);
  }
  window.addEventListener("hashchange", route);

  /* ---- sign-in ---- */
  function login() {
    view.innerHTML = '<form class="card login" novalidate><h2>' + T("login_h") + '</h2>' +
      '<div class="field"><label for="u">' + T("username") + '</label><input id="u" name="username" type="text" autocomplete="username" autocapitalize="none"><div class="err"></div></div>' +
      '<div class="field"><label for="p">' + T("password") + '</label><input id="p" name="password" type="password" autocomplete="current-password"><div class="err"></div></div>' +
      '<button class="primary" type="submit">' + T("login") + '</button></form>';
    var form = view.querySelector("form");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      App.api("POST", "/api/auth/login", { username: form.username.value.trim(), password: form.password.value }).then(function (r) {
        if (r.status === 200) { keep(r.body); location.hash = home(r.body.staff.roles); return; }
        if (r.status === 401) { form.password.setAttribute("aria-invalid", "true"); return say(T("bad_login"), "bad"); }
        if (r.status === 403) return say(T("other_store"), "bad");
        problem(r, form);
      }, function () { say(T("network"), "bad"); });
    });
  }

  function home(roles) {   // where each role starts its day
    var first = { technician: "#/jobs", foreman: "#/workshop", inspector: "#/workshop", cashier: "#/orders",
      follow_up: "#/followups" };
    if (roles.indexOf("advisor") >= 0 || roles.indexOf("manager") >= 0) return "#/board";
    for (var i = 0; i < roles.length; i++) if (first[roles[i]]) return first[roles[i]];
    return "#/board";
  }

  /* ---- appointment board (预约看板) ---- */
  function board() {
    var date = sessionStorage.getItem("board.date") || today();
    view.innerHTML = '<section class="card"><div class="row"><div class="field"><label for="bd">' + T("date") + '</label>' +
      '<input id="bd" type="date" value="' + esc(date) + '"></div><button class="small" id="rf" type="button">' + T("refresh") + '</button>' +
      '<span class="muted" id="upd"></span></div><div class="counts" id="counts"></div><div id="rows"><p class="loading">…</p></div></section>' +
      '<details class="card"><summary>' + T("new_booking") + '</summary>' + bookingForm() + '</details>';
    var input = view.querySelector("#bd");
    function load() {
      var asked = input.value;
      call("GET", "/api/staff/board?date=" + asked).then(function (r) {
        if (asked !== input.value) return;   // an older answer arriving late: another day by now
        if (r.status !== 200) return problem(r);
        renderBoard(r.body);
      });
    }
    input.addEventListener("change", function () { sessionStorage.setItem("board.date", input.value); load(); });
    view.querySelector("#rf").addEventListener("click", load);
    load();
    timer = setInterval(load, 30000);   // refreshes without reloading the page
    wireBookingForm(input, load);
  }
  function renderBoard(data) {
    view.querySelector("#upd").textContent = T("updated", { t: local(data.generated_at, false) });
    var counts = view.querySelector("#counts");
    counts.innerHTML = ["booked", "confirmed", "arrived", "no_show", "cancelled"].map(function (s) {
      return '<div><b>' + (data.counts[s] || 0) + '</b>' + T("s_" + s) + '</div>';
    }).join("");
    var rows = view.querySelector("#rows");
    if (!data.bookings.length) { rows.innerHTML = '<p class="muted">' + T("none_today") + '</p>'; return; }
    rows.innerHTML = '<table class="list"><thead><tr><th>' + [T("slot"), T("customer"), T("vehicle"), T("services"),
      T("transport"), T("advisor") + " / " + T("technician"), T("parts"), T("status"), T("actions")].join("</th><th>") +
      '</th></tr></thead><tbody>' + data.bookings.map(function (b) {
        var active = b.status === "booked" || b.status === "confirmed";
        var acts = [];
        if (active) {
          acts.push('<button class="go" data-act="checkin" data-id="' + b.id + '">' + T("check_in") + '</button>');
          if (b.status === "booked") acts.push('<button data-act="confirm" data-id="' + b.id + '" data-v="' + b.version + '">' + T("confirm") + '</button>');
          acts.push('<button data-act="parts" data-id="' + b.id + '" data-v="' + b.version + '" data-on="' + b.parts_ready + '">' + (b.parts_ready ? T("parts_not") : T("parts_ready")) + '</button>');
          acts.push('<button data-act="noshow" data-id="' + b.id + '" data-v="' + b.version + '">' + T("no_show") + '</button>');
        }
        if (b.order_id) acts.push('<button data-act="order" data-id="' + b.order_id + '">' + T("open_order") + '</button>');
        return '<tr data-booking="' + b.id + '"><td>' + local(b.slot_start, false) + '</td><td>' + esc(b.customer.name) + '<br><span class="muted">' + esc(b.customer.phone) + '</span></td>' +
          '<td>' + esc(b.vehicle.plate) + '<br><span class="muted">' + esc(b.vehicle.model) + '</span></td><td>' +
          b.services.map(function (s) { return esc(lang === "en" ? s.name_en : s.name); }).join("<br>") + '<br><span class="muted">¥' + b.estimate + '</span></td>' +
          '<td>' + T("t_" + b.transport) + '</td><td>' + esc(b.advisor || "—") + '<br>' +
          (active ? '<select data-act="tech" data-id="' + b.id + '" data-v="' + b.version + '" aria-label="' + T("technician") + '">' +
            ["", "technician"].map(function (u) { return '<option value="' + u + '"' + (u === b.technician ? " selected" : "") + '>' + (u || "—") + '</option>'; }).join("") + '</select>' : esc(b.technician || "")) + '</td>' +
          '<td>' + (b.parts_ready ? "✔" : "—") + '</td><td><span class="pill ' + b.status + '">' + T("s_" + b.status) + '</span>' +
          (b.reason ? '<br><span class="muted">' + esc(b.reason) + '</span>' : "") + '</td><td class="btns">' + acts.join("") + '</td></tr>';
      }).join("") + '</tbody></table>';
    rows.querySelectorAll("[data-act]").forEach(function (el) {
      var ev = el.tagName === "SELECT" ? "change" : "click";
      el.addEventListener(ev, function () { boardAction(el); });
    });
  }
  function boardAction(el) {
    var id = el.dataset.id, v = Number(el.dataset.v), act = el.dataset.act, req = null;
    if (act === "checkin") { location.hash = "#/checkin/" + id; return; }
    if (act === "order") { location.hash = "#/order/" + id; return; }
    if (act === "confirm") req = call("POST", "/api/staff/bookings/" + id + "/confirm", { version: v });
    if (act === "parts") req = call("POST", "/api/staff/bookings/" + id + "/prepare", { version: v, parts_ready: el.dataset.on !== "true" });
    if (act === "tech") req = call("POST", "/api/staff/bookings/" + id + "/prepare", { version: v, technician: el.value });
    if (act === "noshow") {
      var reason = window.prompt(T("no_show_reason"));
      if (!reason) return;
      req = call("POST", "/api/staff/bookings/" + id + "/no-show", { version: v, reason: reason });
    }
    req.then(function (r) { if (r.status !== 200) problem(r); else { say(T("saved"), "ok"); board(); } });
  }
  function bookingForm() {
    return '<form id="nb" class="grid2" novalidate>' +
      field("channel", T("channel"), '<select name="channel"><option value="phone">' + T("ch_phone") + '</option><option value="walk_in">' + T("ch_walk_in") + '</option></select>') +
      field("slot_start", T("time"), '<select name="slot_start"></select>') +
      field("customer.name", T("name"), '<input name="customer.name" type="text">') +
      field("customer.phone", T("phone"), '<input name="customer.phone" type="tel">') +
      field("vehicle.plate", T("plate"), '<input name="vehicle.plate" type="text">') +
      field("services", T("services"), '<select name="services" data-field="services"></select>') +
      '<div><button class="primary" type="submit">' + T("book") + '</button></div></form>';
  }
  function wireBookingForm(dateInput, reload) {
    var form = view.querySelector("#nb");
    function slots() {
      App.api("GET", "/api/store").then(function (r) {
        var day = new Date(dateInput.value + "T00:00:00Z").getUTCDay();
        var hours = r.body.opening_hours[["sun", "mon", "tue", "wed", "thu", "fri", "sat"][day]] || [];
        var out = [];
        if (hours.length) {
          var h = Number(hours[0].slice(0, 2)), end = Number(hours[1].slice(0, 2));
          for (; h < end; h++) out.push(("0" + h).slice(-2) + ":00");
        }
        form.slot_start.innerHTML = out.map(function (t) { return '<option value="' + dateInput.value + "T" + t + ':00' + offsetOf(dateInput.value) + '">' + t + '</option>'; }).join("");
      });
    }
    App.api("GET", "/api/services").then(function (r) {
      form.services.innerHTML = r.body.map(function (s) { return '<option value="' + s.code + '">' + esc(lang === "en" ? s.name_en : s.name) + ' ¥' + s.price_estimate + '</option>'; }).join("");
    });
    slots();
    dateInput.addEventListener("change", slots);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = { channel: form.channel.value, slot_start: form.slot_start.value, services: [form.services.value],
        customer: { name: form["customer.name"].value, phone: form["customer.phone"].value },
        vehicle: { plate: form["vehicle.plate"].value } };
      call("POST", "/api/staff/bookings", body).then(function (r) {
        if (r.status === 201) { say(T("saved") + " " + r.body.reference, "ok"); form.reset(); reload(); }
        else problem(r, form);
      });
    });
  }
  function field(name, label, control) {
    return '<div class="field"><label>' + label + '</label>' + control + '<div class="err" data-err="' + name + '"></div></div>';
  }

  /* ---- customer and vehicle file (一车一档) ---- */
  function search() {
    view.innerHTML = '<section class="card"><h2>' + T("search_h") + '</h2><form class="row" id="sf"><div class="field">' +
      '<input name="q" type="search" placeholder="' + T("search_ph") + '" autofocus><div class="err" data-err="q"></div></div>' +
      '<button class="small go" type="submit">' + T("search") + '</button></form><div id="res"></div></section>';
    var form = view.querySelector("#sf");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      call("GET", "/api/staff/search?q=" + encodeURIComponent(form.q.value)).then(function (r) {
        if (r.status !== 200) return problem(r, form);
        var res = view.querySelector("#res");
        if (!r.body.results.length) { res.innerHTML = '<p class="muted">' + T("no_results") + '</p>'; return; }
        res.innerHTML = '<table class="list"><tbody>' + r.body.results.map(function (v) {
          return '<tr><td>' + (v.id ? '<a href="#/vehicle/' + v.id + '">' + esc(v.plate) + '</a>' : "—") + '</td><td>' + esc(v.model || "") +
            '</td><td>' + esc(v.vin || "") + '</td><td>' + esc(v.customer ? v.customer.name + " " + v.customer.phone : "") + '</td></tr>';
        }).join("") + '</tbody></table>';
      });
    });
  }
  function cover(c) {
    if (!c) return T("unknown");
    return c.active ? T("active", { d: c.until }) : T("ended") + " (" + c.until + ")";
  }
  function auditList(entries) {
    if (!entries) return "";
    return '<h3>' + T("history") + '</h3><ul class="audit">' + entries.map(function (e) {
      return '<li>' + local(e.at) + ' · ' + esc(e.actor) + ' · ' + esc(e.action) + ' · ' + Object.keys(e.changes).map(function (k) {
        return esc(k) + ": " + esc(JSON.stringify(e.changes[k].before)) + " → " + esc(JSON.stringify(e.changes[k].after));
      }).join("; ") + '</li>';
    }).join("") + '</ul>';
  }
  function vehicle(id) {
    call("GET", "/api/staff/vehicles/" + id).then(function (r) {
      if (r.status !== 200) return problem(r);
      var v = r.body;
      view.innerHTML = '<section class="card"><h2>' + esc(v.plate) + ' <span class="muted">' + esc(v.model) + '</span></h2><div class="grid2">' +
        '<div>' + T("customer") + ': ' + esc(v.customer ? v.customer.name + " " + v.customer.phone : "") + '</div>' +
        '<div>' + T("vin") + ': ' + esc(v.vin || "—") + '</div><div>' + T("sale_date") + ': ' + esc(v.sale_date || "—") + '</div>' +
        '<div>' + T("mileage") + ': ' + esc(v.mileage_km) + '</div><div>' + T("rw") + ': <b>' + cover(v.warranty.repair_warranty) + '</b></div>' +
        '<div>' + T("sanbao") + ': <b>' + cover(v.warranty.sanbao) + '</b></div></div>' +
        (v.recommendations.length ? '<h3>' + T("recommendations") + '</h3><ul>' + v.recommendations.map(function (x) {
          return '<li>' + esc(x.description) + ' ¥' + x.amount + ' <span class="muted">(' + esc(x.order_reference) + ', ' + local(x.declined_at) + ')</span></li>';
        }).join("") + '</ul>' : "") +
        '<h3>' + T("orders") + '</h3><table class="list"><tbody>' + v.orders.map(function (o) {
          return '<tr><td><a href="#/order/' + o.id + '">' + esc(o.reference) + '</a></td><td>' + local(o.opened_at) + '</td><td><span class="pill ' + o.status + '">' + T("o_" + o.status) + '</span></td><td class="num">¥' + o.estimate + '</td></tr>';
        }).join("") + '</tbody></table><h3>' + T("bookings") + '</h3><ul>' + v.bookings.map(function (b) {
          return '<li>' + local(b.slot_start) + ' · ' + esc(b.reference) + ' · ' + T("s_" + b.status) + '</li>';
        }).join("") + '</ul><h3>' + T("photos") + '</h3><div class="photos">' + v.photos.map(function (p) {
          return '<a href="' + esc(p.url) + '" target="_blank" title="' + esc(p.what) + '"><img src="' + esc(p.url) + '" alt="' + esc(p.what) + '"></a>';
        }).join("") + '</div><h3>' + T("documents") + '</h3><ul>' + v.documents.map(function (d) {
          return '<li><a href="' + esc(d.url) + '" target="_blank">' + esc(d.reference) + ' · ' + esc(d.document) + '</a> ' + local(d.signed_at) + '</li>';
        }).join("") + '</ul>' + auditList(v.audit) + '</section>';
    });
  }

  /* ---- reception walk-around (接车 / 环车检查) ---- */
  function radios(name, values, prefix, checked) {
    return '<div class="choices" data-field="' + name + '">' + values.map(function (v) {
      return '<label><input type="radio" name="' + name + '" value="' + v + '"' + (v === checked ? " checked" : "") + '> ' + T(prefix + v) + '</label>';
    }).join("") + '</div>';
  }
  function check(name, label) { return '<label class="check"><input type="checkbox" name="' + name + '"> ' + label + '</label>'; }
  function carSvg() {
    return '<svg class="car" viewBox="0 0 520 380" role="group" aria-label="car">' + ZONES.map(function (z) {
      return '<rect class="zone" data-zone="' + z[0] + '" x="' + z[2] + '" y="' + z[3] + '" width="' + z[4] + '" height="' + z[5] + '" rx="8"><title>' + (lang === "en" ? z[0].replace(/_/g, " ") : z[1]) + '</title></rect>';
    }).join("") + '</svg>';
  }
  function zoneName(z) { var f = ZONES.filter(function (x) { return x[0] === z; })[0]; return lang === "en" ? z.replace(/_/g, " ") : (f ? f[1] : z); }
  function signaturePad(canvas) {
    var ctx = canvas.getContext("2d"), drawing = false, used = false;
    function size() { var r = canvas.getBoundingClientRect(); canvas.width = r.width; canvas.height = r.height; ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111"; }
    size();
    function pos(e) { var r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
    canvas.addEventListener("pointerdown", function (e) { drawing = true; used = true; var p = pos(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener("pointermove", function (e) { if (!drawing) return; var p = pos(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); });
    canvas.addEventListener("pointerup", function () { drawing = false; });
    return { clear: function () { ctx.clearRect(0, 0, canvas.width, canvas.height); used = false; },
      value: function () { return used ? canvas.toDataURL("image/png") : ""; } };
  }
  function uploadPhotos(files, into, onDone) {
    var list = Array.prototype.slice.call(files), left = list.length;
    list.forEach(function (file) {
      say(T("uploading", { n: left }));
      call("POST", "/api/staff/uploads", { content_type: file.type, size: file.size }).then(function (r) {
        if (r.status !== 200) { problem(r); return; }
        return fetch(r.body.url, { method: "PUT", headers: r.body.headers, body: file }).then(function (up) {
          if (!up.ok) throw new Error("upload " + up.status);
          into.push(r.body.key); left -= 1;
          say(left ? T("uploading", { n: left }) : T("saved"), left ? "" : "ok");
          onDone();
        });
      }).catch(function () { say(T("network"), "bad"); });
    });
  }
  function checkin(bookingId) {
    var fromBooking = bookingId && bookingId !== "new";
    var marks = [], photos = [];
    view.innerHTML = '<form class="card" id="ci" novalidate><h2>' + T("checkin_h") + ' <span class="muted" id="bref"></span></h2><div class="grid2">' +
      field("customer.name", T("name"), '<input name="customer.name" type="text">') +
      field("customer.phone", T("phone"), '<input name="customer.phone" type="tel">') +
      field("vehicle.plate", T("plate"), '<input name="vehicle.plate" type="text">') +
      field("vehicle.vin", T("vin"), '<input name="vehicle.vin" type="text" maxlength="17">') +
      field("vehicle.model", T("model"), '<input name="vehicle.model" type="text">') +
      field("vehicle.sale_date", T("sale_date"), '<input name="vehicle.sale_date" type="date">') +
      field("mileage_km", T("mileage"), '<input name="mileage_km" type="number" inputmode="numeric" min="0">') +
      field("fuel_level", T("fuel"), radios("fuel_level", ["empty", "quarter", "half", "three_quarters", "full"], "f_")) +
      field("interior", T("interior"), radios("interior", ["clean", "dirty"], "i_", "clean")) +
      field("interior_note", T("interior_note"), '<input name="interior_note" type="text">') +
      '</div><div class="field">' + check("covers_fitted", T("covers")) + check("valuables_reminded", T("valuables")) + check("wash", T("wash")) + '</div>' +
      '<h3>' + T("concern_h") + '</h3><div class="grid2">' + ["what", "where", "noise", "frequency", "when"].map(function (k) {
        return field("concern." + k, T("c_" + k), '<input name="concern.' + k + '" type="text">');
      }).join("") + '</div>' + field("findings", T("findings"), '<textarea name="findings"></textarea>') +
      '<h3>' + T("damage_h") + '</h3><div class="grid2"><div>' + carSvg() + '</div><div><div class="row"><div class="field"><label>' + T("kind") + '</label><select id="dk">' +
      ["scratch", "dent", "crack", "other"].map(function (k) { return '<option value="' + k + '">' + T("d_" + k) + '</option>'; }).join("") +
      '</select></div><div class="field"><label>' + T("note") + '</label><input id="dn" type="text"></div></div><ul class="marks" id="marks"></ul>' +
      '<div class="field"><label class="secondary small">' + T("add_photos") + '<input id="ph" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" multiple hidden></label><div class="photos" id="phs"></div></div></div></div>' +
      '<div class="grid2">' + field("old_parts", T("old_parts"), radios("old_parts", ["take_home", "dispose"], "op_")) +
      field("contact_preference", T("contact"), radios("contact_preference", ["phone", "sms", "wechat"], "cp_", "phone")) +
      field("promised_at", T("promised"), '<input name="promised_at" type="datetime-local">') + '</div>' +
      '<div class="field"><label>' + T("signature") + '</label><canvas class="sign" id="sig"></canvas><div class="err" data-err="signature"></div>' +
      '<button type="button" class="small" id="sigc">' + T("clear") + '</button></div>' +
      '<button class="primary" type="submit">' + T("submit_checkin") + '</button></form>';
    var form = view.querySelector("#ci");
    var pad = signaturePad(view.querySelector("#sig"));
    view.querySelector("#sigc").addEventListener("click", pad.clear);
    function drawMarks() {
      view.querySelectorAll(".zone").forEach(function (z) { z.classList.toggle("marked", marks.some(function (m) { return m.zone === z.dataset.zone; })); });
      view.querySelector("#marks").innerHTML = marks.length ? marks.map(function (m, i) {
        return '<li>' + zoneName(m.zone) + ' · ' + T("d_" + m.kind) + (m.note ? " · " + esc(m.note) : "") + ' <button type="button" class="small" data-rm="' + i + '">' + T("remove") + '</button></li>';
      }).join("") : '<li class="muted">' + T("no_damage") + '</li>';
      view.querySelectorAll("[data-rm]").forEach(function (b) { b.addEventListener("click", function () { marks.splice(Number(b.dataset.rm), 1); drawMarks(); }); });
    }
    view.querySelectorAll(".zone").forEach(function (z) {
      z.addEventListener("click", function () {
        marks.push({ zone: z.dataset.zone, kind: view.querySelector("#dk").value, note: view.querySelector("#dn").value, photo_keys: [] });
        view.querySelector("#dn").value = ""; drawMarks();
      });
    });
    drawMarks();
    view.querySelector("#ph").addEventListener("change", function (ev) {
      uploadPhotos(ev.target.files, photos, function () { view.querySelector("#phs").textContent = photos.length + " ✔"; });
    });
    if (fromBooking) {
      call("GET", "/api/staff/bookings/" + bookingId).then(function (r) {
        if (r.status !== 200) return problem(r);
        var b = r.body;
        view.querySelector("#bref").textContent = T("from_booking", { ref: b.reference });
        form["customer.name"].value = b.customer.name; form["customer.phone"].value = b.customer.phone_full;
        form["vehicle.plate"].value = b.vehicle.plate; form["vehicle.vin"].value = b.vehicle.vin || "";
        form["vehicle.model"].value = b.vehicle.model || ""; form.mileage_km.value = b.vehicle.mileage_km || "";
        ["what", "where", "noise", "frequency", "when"].forEach(function (k) { form["concern." + k].value = b.concern[k] || ""; });
      });
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var radio = function (n) { var el = form.querySelector('input[name="' + n + '"]:checked'); return el ? el.value : ""; };
      var concern = {};
      ["what", "where", "noise", "frequency", "when"].forEach(function (k) { if (form["concern." + k].value) concern[k] = form["concern." + k].value; });
      var promised = form.promised_at.value ? form.promised_at.value + ":00+08:00" : "";
      var body = { booking_id: fromBooking ? bookingId : "",
        customer: { name: form["customer.name"].value, phone: form["customer.phone"].value },
        vehicle: { plate: form["vehicle.plate"].value, vin: form["vehicle.vin"].value, model: form["vehicle.model"].value, sale_date: form["vehicle.sale_date"].value },
        mileage_km: form.mileage_km.value === "" ? null : Number(form.mileage_km.value), fuel_level: radio("fuel_level"),
        covers_fitted: form.covers_fitted.checked, interior: radio("interior"), interior_note: form.interior_note.value,
        valuables_reminded: form.valuables_reminded.checked, concern: concern, findings: form.findings.value,
        old_parts: radio("old_parts"), wash: form.wash.checked, contact_preference: radio("contact_preference"),
        damage: marks, photo_keys: photos, promised_at: promised, signature: pad.value() };
      if (!body.signature) {
        view.querySelector('[data-err="signature"]').textContent = T("required_sig");
        return say(T("required_sig"), "bad");
      }
      call("POST", "/api/staff/checkins", body).then(function (r) {
        if (r.status === 201) { say(T("saved"), "ok"); location.hash = "#/order/" + r.body.id; }
        else problem(r, form);
      });
    });
  }

  /* ---- repair orders (施工单) ---- */
  function orders() {   // every car still in the store: the advisor's and the cashier's list
    call("GET", "/api/staff/orders?scope=in_store").then(function (r) {
      if (r.status !== 200) return problem(r);
      view.innerHTML = '<section class="card"><h2>' + T("in_store") + '</h2><table class="list"><tbody>' + r.body.orders.map(function (o) {
        return '<tr data-order="' + o.id + '"><td><a href="#/order/' + o.id + '">' + esc(o.reference) + '</a></td><td>' + esc(o.plate) + '</td><td>' + esc(o.customer_name) +
          '</td><td><span class="pill ' + o.status + '">' + T("o_" + o.status) + '</span>' + (o.comeback_of ? ' <span class="pill declined">' + T("comeback") + '</span>' : "") +
          '</td><td>' + local(o.promised_at) + '</td><td class="num">¥' + o.amount_due + '</td></tr>';
      }).join("") + '</tbody></table></section>';
    });
  }
  function totalsBox(t, title) {
    return '<div class="totals"><div><b>' + title + '</b></div>' + ["customer", "warranty", "internal", "goodwill"].filter(function (p) {
      return t.by_pay_type[p] !== "0.00";
    }).map(function (p) { return '<div><span>' + T("p_" + p) + '</span><span>¥' + t.by_pay_type[p] + '</span></div>'; }).join("") +
      '<div class="big"><span>' + T("customer_pays") + '</span><span>¥' + t.customer_pays + '</span></div>' +
      '<div class="muted"><span>' + T("tax") + '</span><span>¥' + t.tax_included + '</span></div></div>';
  }
  function order(id) {
    call("GET", "/api/staff/orders/" + id).then(function (r) {
      if (r.status !== 200) return problem(r);
      renderOrder(r.body);
    });
  }
  function renderOrder(o) {
    var drafts = o.lines.filter(function (l) { return l.status === "draft"; });
    view.innerHTML = '<section class="card"><h2>' + T("order_h", { ref: esc(o.reference) }) + ' <span class="pill ' + o.status + '">' + T("o_" + o.status) + '</span></h2>' +
      '<div class="grid2"><div>' + T("customer") + ': ' + esc(o.customer.name) + ' ' + esc(o.customer.phone) + '</div><div>' + T("vehicle") + ': ' + esc(o.vehicle.plate) + ' ' + esc(o.vehicle.model) + '</div>' +
      '<div>' + T("opened") + ': ' + local(o.opened_at) + '</div><div>' + T("promised") + ': <b id="prom">' + local(o.promised_at) + '</b></div></div>' +
      '<div class="btns" style="margin-top:8px"><button type="button" id="pr1">' + T("print_order") + '</button><button type="button" id="pr2">' + T("print_checkin") + '</button>' +
      '<a class="small" href="#/vehicle/' + o.vehicle.id + '">' + T("nav_search") + '</a></div></section>' +
      (o.recommendations.length ? '<section class="card banner warn"><b>' + T("recommendations") + '</b> (' + T("offered") + '): ' + o.recommendations.map(function (x) { return esc(x.description) + " ¥" + x.amount; }).join(", ") + '</section>' : "") +
      '<section class="card"><h3>' + T("lines") + '</h3><table class="list" id="lines"><thead><tr><th>' + [T("kind"), T("description"), T("quantity") + "/" + T("hours"), T("unit_price"), T("amount"), T("pay_type"), T("status"), ""].join("</th><th>") + '</th></tr></thead><tbody>' +
      o.lines.map(function (l) {
        return '<tr data-line="' + l.id + '"><td>' + T("k_" + l.kind) + (l.additional ? ' <span class="pill pending">' + T("additional") + '</span>' : "") + '</td><td>' + esc(l.description) + ' <span class="muted">' + esc(l.code) + '</span>' +
          (l.reason ? '<div class="muted small">' + (l.discount_by ? T("reason_by", { r: esc(l.reason), by: esc(l.discount_by) })
                                                               : T("reason_only", { r: esc(l.reason) })) + '</div>' : "") +
          (l.photos.length ? '<div class="photos">' + l.photos.map(function (u) { return '<img src="' + esc(u) + '" alt="">'; }).join("") + '</div>' : "") + '</td><td class="num">' + l.quantity + '</td><td class="num">' + l.unit_price +
          '</td><td class="num">' + l.amount + '</td><td>' + T("p_" + l.pay_type) + '</td><td><span class="pill ' + l.status + '">' + T("l_" + l.status) + '</span></td><td>' +
          (l.status === "draft" ? '<button type="button" class="small" data-rm="' + l.id + '">' + T("remove") + '</button>' : "") + '</td></tr>';
      }).join("") + '</tbody></table>' +
      '<form id="al" class="row" novalidate><div class="field"><label>' + T("kind") + '</label><select name="kind"><option value="part">' + T("k_part") + '</option><option value="labor">' + T("k_labor") + '</option></select></div>' +
      '<div class="field"><label>' + T("description") + '</label><input name="description" type="text"><div class="err"></div></div>' +
      '<div class="field"><label>' + T("part_number") + " / " + T("operation") + '</label><input name="code" type="text"></div>' +
      '<div class="field"><label>' + T("quantity") + " / " + T("hours") + '</label><input name="qty" type="text" inputmode="decimal" data-field="quantity"><div class="err" data-err="quantity"></div><div class="err" data-err="hours"></div></div>' +
      '<div class="field"><label>' + T("unit_price") + " / " + T("rate") + '</label><input name="price" type="text" inputmode="decimal" data-field="unit_price"><div class="err" data-err="unit_price"></div><div class="err" data-err="rate"></div></div>' +
      '<div class="field"><label>' + T("pay_type") + '</label><select name="pay_type">' + ["customer", "warranty", "internal", "goodwill"].map(function (p) { return '<option value="' + p + '">' + T("p_" + p) + '</option>'; }).join("") + '</select><div class="err"></div></div>' +
      '<div class="field"><label>' + T("reason") + '</label><input name="reason" type="text" maxlength="120"><div class="err"></div></div>' +
      '<div class="field"><label class="small">' + T("photos") + '<input name="photo" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" multiple></label></div>' +
      '<button class="small go" type="submit">' + T("add_line") + '</button></form>' +
      '<div class="grid2"><div>' + totalsBox(o.estimate, T("estimate")) + '</div><div>' + totalsBox(o.agreed, T("agreed")) + '</div></div></section>' +
      '<section class="card"><h3>' + T("approvals_h") + '</h3>' + o.approvals.map(function (a) {
        return '<div class="muted">' + local(a.created_at) + ' · ' + esc(a.kind) + ' · ' + (a.status === "pending" ? T("pending_customer") : (a.channel === "sms" ? T("decided_sms") : T("decided_in_store")) + " " + local(a.decided_at)) + ' → ' + T("promised") + ' ' + local(a.promised_at) +
          (a.signature_url ? ' <a href="' + esc(a.signature_url) + '" target="_blank">' + T("signature") + '</a>' : "") +
          (a.resent ? ' · ' + T("sms_resent", { n: a.resent }) : "") + '</div>';
      }).join("") + '<div id="sent"></div>' +
      (drafts.length || o.pending_approval ? '<form id="ap" class="row" novalidate>' + (drafts.length ? '<div class="field"><label>' + T("promised") + '</label><input name="promised_at" type="datetime-local"><div class="err" data-err="promised_at"></div></div>' +
        '<button type="button" class="small go" id="sms">' + T("send_sms") + '</button>' : '<button type="button" class="small" id="resms">' + T("resend_sms") + '</button>') +
        '<button type="button" class="small" id="instore">' + T("sign_here") + '</button></form>' : "") +
      auditList(o.audit) + '</section>' + Portal.orderSections(o) +
      '<dialog id="dlg"><form method="dialog" id="df"><h3>' + T("sign_here") + '</h3><div id="dl"></div><canvas class="sign" id="dsig"></canvas><div class="err" data-err="signature"></div>' +
      '<div class="btns"><button type="button" id="dclr">' + T("clear") + '</button><button type="button" class="go" id="dok">' + T("approve") + ' ✔</button><button value="cancel">✕</button></div></form></dialog>';
    var lineForm = view.querySelector("#al"), linePhotos = [];
    lineForm.photo.addEventListener("change", function (ev) { uploadPhotos(ev.target.files, linePhotos, function () {}); });
    lineForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var part = lineForm.kind.value === "part";
      var body = { version: o.version, kind: lineForm.kind.value, description: lineForm.description.value, pay_type: lineForm.pay_type.value, reason: lineForm.reason.value, photo_keys: linePhotos };
      if (part) { body.part_number = lineForm.code.value; body.quantity = lineForm.qty.value; body.unit_price = lineForm.price.value; }
      else { body.operation = lineForm.code.value; body.hours = lineForm.qty.value; if (lineForm.price.value) body.rate = lineForm.price.value; }
      call("POST", "/api/staff/orders/" + o.id + "/lines", body).then(function (r) {
        if (r.status === 201) { say(T("saved"), "ok"); renderOrder(r.body); } else problem(r, lineForm);
      });
    });
    view.querySelectorAll("[data-rm]").forEach(function (b) {
      b.addEventListener("click", function () {
        call("POST", "/api/staff/orders/" + o.id + "/lines/" + b.dataset.rm + "/remove", { version: o.version }).then(function (r) {
          if (r.status === 200) renderOrder(r.body); else problem(r);
        });
      });
    });
    view.querySelector("#pr1").addEventListener("click", function () { printDoc(o.id, "order"); });
    view.querySelector("#pr2").addEventListener("click", function () { printDoc(o.id, "checkin"); });
    var ap = view.querySelector("#ap");
    function promised() { return ap && ap.promised_at && ap.promised_at.value ? ap.promised_at.value + ":00+08:00" : undefined; }
    var smsBtn = view.querySelector("#sms");
    if (smsBtn) smsBtn.addEventListener("click", function () {
      smsBtn.disabled = true;
      call("POST", "/api/staff/orders/" + o.id + "/send-approval", { version: o.version, promised_at: promised() }).then(function (r) {
        smsBtn.disabled = false;
        if (r.status !== 200) return problem(r, ap);
        renderOrder(r.body);
        view.querySelector("#sent").innerHTML = '<p class="banner ok">' + T("link_sent") + '</p>';
      });
    });
    var resend = view.querySelector("#resms");   // the customer lost the SMS: the same request again
    if (resend) resend.addEventListener("click", function () {
      resend.disabled = true;
      call("POST", "/api/staff/orders/" + o.id + "/send-approval", { version: o.version }).then(function (r) {
        resend.disabled = false;
        if (r.status !== 200) return problem(r, ap);
        renderOrder(r.body);
        var pending = r.body.approvals.filter(function (a) { return a.id === r.body.pending_approval; })[0];
        view.querySelector("#sent").innerHTML = '<p class="banner ok">' + T("sms_resent", { n: pending ? pending.resent : "" }) + '</p>';
      });
    });
    Portal.wireOrder(o);
    var inStore = view.querySelector("#instore");
    if (inStore) inStore.addEventListener("click", function () {
      var pendingIds = o.pending_approval ? o.approvals.filter(function (a) { return a.id === o.pending_approval; })[0].line_ids : drafts.map(function (l) { return l.id; });
      var dlg = view.querySelector("#dlg");
      view.querySelector("#dl").innerHTML = o.lines.filter(function (l) { return pendingIds.indexOf(l.id) >= 0; }).map(function (l) {
        return '<div class="row"><span style="flex:1">' + esc(l.description) + ' ¥' + l.amount + '</span><label><input type="radio" name="d_' + l.id + '" value="approved" checked> ' + T("approve") + '</label><label><input type="radio" name="d_' + l.id + '" value="declined"> ' + T("decline") + '</label></div>';
      }).join("");
      dlg.showModal();
      var pad = signaturePad(view.querySelector("#dsig"));
      view.querySelector("#dclr").onclick = pad.clear;
      view.querySelector("#dok").onclick = function () {
        var decisions = {};
        pendingIds.forEach(function (lid) { decisions[lid] = view.querySelector('input[name="d_' + lid + '"]:checked').value; });
        call("POST", "/api/staff/orders/" + o.id + "/approve-in-store", { version: o.version, decisions: decisions, signature: pad.value(), promised_at: promised() }).then(function (r) {
          if (r.status !== 200) return problem(r, view.querySelector("#df"));
          dlg.close(); say(T("saved"), "ok"); renderOrder(r.body);
        });
      };
    });
  }
  function printDoc(id, doc) {
    var w = window.open("", "_blank");
    fetch("/api/staff/orders/" + id + "/print?doc=" + doc + "&lang=" + lang, { headers: { Authorization: "Bearer " + session.id_token } })
      .then(function (resp) { return resp.text(); }).then(function (html) {
        w.document.open(); w.document.write(html); w.document.close();
        // the document has no script of its own (CSP): its print button is wired from here
        var button = w.document.getElementById("print-now");
        if (button) button.addEventListener("click", function () { w.print(); });
      });
  }

  var Portal = window.Portal = window.Portal || {};
  Portal.pages = Portal.pages || {};
  Portal.api = { call: call, T: T, esc: esc, local: local, say: say, problem: problem, signaturePad: signaturePad,
    printDoc: printDoc, renderOrder: renderOrder, route: route, view: view,
    me: function () { return session && session.staff; }, lang: function () { return lang; } };
  Portal.strings = function (zh, en) { Object.assign(S["zh-CN"], zh); Object.assign(S.en, en); };
  Portal.orderSections = Portal.orderSections || function () { return ""; };
  Portal.wireOrder = Portal.wireOrder || function () {};
  window.addEventListener("load", route);
})();
