/* The customer's approval page (客户确认), from the SMS link: approve or decline each job (a
   labour line with the parts fitted in it, decided as one), with the total following each choice. */
(function () {
  "use strict";
  var S = {
    "zh-CN": { sub: "维修项目确认", estimate: "维修估价", additional: "增项:检查中发现以下项目",
      plate: "车辆", promised: "预计交车", promised_new: "若同意增项,预计交车时间改为", approve: "同意维修",
      decline: "暂不维修", warranty: "保修免费", internal: "免费", goodwill: "免费", agreed_before: "已确认金额",
      chosen_total: "按您的选择合计", undecided: "还有{n}项未选择", submit: "提交确认", sending: "正在提交…",
      choose: "请对每一项选择同意或暂不维修", done: "已收到您的确认,谢谢!", decided: "您已确认过此单。",
      network: "网络连接失败,请重试。", server: "系统繁忙,请稍后重试。", total_now: "已确认合计", tax: "含增值税",
      call: "如有疑问请致电", hours: "工时 {n} 小时", job_h: "维修项目" },
    en: { sub: "Approve the work", estimate: "Repair estimate", additional: "More work found during the repair",
      plate: "Car", promised: "Ready by", promised_new: "If you approve, the car will be ready by", approve: "Approve",
      decline: "Not now", warranty: "free (warranty)", internal: "free", goodwill: "free", agreed_before: "Already approved",
      chosen_total: "Total of your choices", undecided: "{n} left to choose", submit: "Send my answer", sending: "Sending…",
      choose: "Please approve or decline each item", done: "Thank you, we have your answer.", decided: "You have already answered.",
      network: "Network error, please try again.", server: "Something went wrong, please try again.",
      total_now: "Approved total", tax: "incl. VAT", call: "Questions? Call", hours: "labour {n} h", job_h: "Work" }
  };
  /* the page's words, else the shared ones (status words) */
  function T(k, v) {
    var s = S[App.lang()][k];
    if (s === undefined) return App.t(k, v);
    Object.keys(v || {}).forEach(function (n) { s = s.split("{" + n + "}").join(v[n]); });
    return s;
  }
  function esc(v) { return String(v == null ? "" : v).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; }); }
  /* exact money: yuan text <-> integer fen */
  function fen(text) { var p = String(text).split("."); return Number(p[0]) * 100 + Number(((p[1] || "") + "00").slice(0, 2)); }
  function yuan(f) { return "¥" + Math.floor(f / 100) + "." + ("0" + (f % 100)).slice(-2); }
  /* VAT contained in an amount (gross x r / (1 + r)), rounded half up to the fen, as the server does */
  function taxOf(gross, ratePercent) {
    var bp = Math.round(parseFloat(ratePercent) * 100);
    return Math.floor((2 * gross * bp + (10000 + bp)) / (2 * (10000 + bp)));
  }
  var q = new URLSearchParams(location.search);
  var path = "/api/orders/" + encodeURIComponent(q.get("o") || "") + "/approval?token=" + encodeURIComponent(q.get("t") || "");
  var form = document.getElementById("view"), banner = document.getElementById("banner"), data = null, choices = {};
  function say(text, kind) { banner.textContent = text || ""; banner.className = "banner" + (kind ? " " + kind : ""); }
  function when(iso) {
    if (!iso) return "—";
    return new Intl.DateTimeFormat(App.lang() === "en" ? "en-GB" : "zh-CN", { timeZone: "Asia/Shanghai", month: "short",
      day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
  }
  function request(method, body) { return App.api(method, path, body); }
  /* a line of a job: what it is (not again for a job of one line), how much of it, at what price */
  function lineText(l, alone) {
    var what = alone ? "" : esc(l.description) + (l.kind === "labor" ? " · " : " ");
    return what + (l.kind === "labor" ? T("hours", { n: esc(l.quantity) }) + " × ¥" + esc(l.unit_price)
      : "× " + esc(l.quantity) + " · ¥" + esc(l.unit_price));
  }
  function price(amount, customer, payTypes) {
    if (fen(customer) > 0 || fen(amount) === 0) return "¥" + esc(customer);
    return T(payTypes.filter(function (p) { return p !== "customer"; })[0] || "internal");
  }
  function itemHtml(item, pending, photos) {
    var payTypes = item.lines.map(function (l) { return l.pay_type; });
    return '<div class="line" data-item="' + esc(item.id) + '"><h3>' + esc(item.description) +
      '<span class="amt">' + price(item.amount, item.customer_amount, payTypes) + '</span></h3>' +
      '<ul class="parts">' + item.lines.map(function (l) {
        return '<li><span>' + lineText(l, item.lines.length === 1) + '</span><span>' + price(l.amount, l.customer_amount, [l.pay_type]) + '</span></li>';
      }).join("") + '</ul>' +
      item.line_ids.map(function (id) { return (photos[id] || []).map(function (u) { return '<img src="' + esc(u) + '" alt="">'; }).join(""); }).join("") +
      (pending ? '<div class="choices" role="radiogroup" aria-label="' + esc(item.description) + '">' +
        '<label><input type="radio" name="d_' + esc(item.id) + '" value="approved"' + (choices[item.id] === "approved" ? " checked" : "") + '> ' + T("approve") + '</label>' +
        '<label><input type="radio" name="d_' + esc(item.id) + '" value="declined"' + (choices[item.id] === "declined" ? " checked" : "") + '> ' + T("decline") + '</label></div>'
        : '<p class="state ' + esc(item.status) + '">' + T("line_" + item.status) + '</p>') + '</div>';
  }
  /* the total as the customer decides: what was approved before, plus each job they approve */
  function showLive() {
    var total = data.agreed_before ? fen(data.agreed_before.customer_pays) : 0, left = 0;
    data.work_items.forEach(function (item) {
      if (choices[item.id] === "approved") total += fen(item.customer_amount);
      else if (!choices[item.id]) left += 1;
    });
    document.getElementById("live").textContent = yuan(total);
    document.getElementById("live-tax").textContent = yuan(taxOf(total, data.tax_rate_percent));
    var undecided = document.getElementById("undecided");
    undecided.textContent = T("undecided", { n: left });
    undecided.hidden = left === 0;
  }
  function render() {
    document.getElementById("sub").textContent = T("sub");
    if (!data) return;
    document.getElementById("store-name").textContent = App.lang() === "en" ? (data.store.name_en || data.store.name) : data.store.name;
    var pending = data.request.status === "pending", photos = {};
    data.lines.forEach(function (l) { photos[l.id] = l.photos || []; });
    var after = data.total_now;
    form.innerHTML = '<h2>' + (data.request.kind === "additional" ? T("additional") : T("estimate")) + '</h2>' +
      '<p>' + T("plate") + ': <b>' + esc(data.order.plate) + '</b> · ' + esc(data.order.customer_name) + '<br>' +
      (data.request.kind === "additional" ? T("promised_new") : T("promised")) + ': <b>' + when(data.request.promised_at) + '</b></p>' +
      data.work_items.map(function (item) { return itemHtml(item, pending, photos); }).join("") +
      (data.agreed_before ? '<div class="sum"><span>' + T("agreed_before") + '</span><span>¥' + esc(data.agreed_before.customer_pays) + '</span></div>' : "") +
      (pending ? '<div class="sum big"><span>' + T("chosen_total") + '</span><span id="live" aria-live="polite"></span></div>' +
        '<div class="sum muted"><span>' + T("tax") + '</span><span id="live-tax"></span></div><p class="hint" id="undecided"></p>' +
        '<button class="primary" type="submit" id="send">' + T("submit") + '</button>'
        : '<div class="sum big"><span>' + T("total_now") + '</span><span>¥' + esc(after.customer_pays) + '</span></div>' +
        '<div class="sum muted"><span>' + T("tax") + '</span><span>¥' + esc(after.tax_included) + '</span></div>' +
        '<p class="banner ok">' + T("decided") + '</p>') +
      '<p class="hint">' + T("call") + ' <a href="tel:' + esc(data.store.phone.replace(/[^\d+]/g, "")) + '">' + esc(data.store.phone) + '</a></p>';
    if (pending) showLive();
    form.hidden = false;
  }
  form.addEventListener("change", function (ev) {
    var input = ev.target;
    if (!input.name || input.name.indexOf("d_") !== 0) return;
    choices[input.name.slice(2)] = input.value;
    showLive();
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var missing = data.work_items.filter(function (item) { return !choices[item.id]; })[0];
    if (missing) { say(T("choose"), "bad"); form.querySelector('[data-item="' + missing.id + '"] input').focus(); return; }
    var decisions = {};
    data.work_items.forEach(function (item) { decisions[item.id] = choices[item.id]; });
    var btn = document.getElementById("send"); btn.disabled = true; btn.textContent = T("sending");
    request("POST", { decisions: decisions }).then(function (r) {
      if (r.status === 200) { data = r.body; say(T("done"), "ok"); render(); return; }
      btn.disabled = false; btn.textContent = T("submit");
      if (r.status === 403 || r.status === 404) return App.linkProblem();
      if (r.status === 409) { say(T("decided"), "warn"); return load(); }
      say((r.body && r.body.error && r.body.error.message) || T("server"), "bad");
    }, function () { btn.disabled = false; btn.textContent = T("submit"); say(T("network"), "bad"); });
  });
  function load() {
    request("GET").then(function (r) {
      document.getElementById("loading").hidden = true;
      if (r.status === 403 || r.status === 404) return App.linkProblem();
      if (r.status !== 200) return say(T("server"), "bad");
      data = r.body; render();
    }, function () { document.getElementById("loading").hidden = true; say(T("network"), "bad"); });
  }
  App.applyI18n();
  App.setupLangButton(render);
  render(); load();
})();
