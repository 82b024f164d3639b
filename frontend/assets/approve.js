/* The customer's approval page (客户确认): approve or decline each line from the SMS link. */
(function () {
  "use strict";
  var S = {
    "zh-CN": { sub: "维修项目确认", lang: "EN", estimate: "维修估价", additional: "增项:检查中发现以下项目",
      plate: "车辆", promised: "预计交车", promised_new: "若同意增项,预计交车时间改为", approve: "同意维修",
      decline: "暂不维修", warranty: "保修免费", internal: "免费", goodwill: "免费", agreed_before: "已确认金额",
      if_all: "全部同意后合计", submit: "提交确认", sending: "正在提交…", choose: "请对每一项选择同意或暂不维修",
      done: "已收到您的确认,谢谢!", decided: "您已确认过此单。", approved: "已同意", declined: "暂不维修",
      invalid: "链接无效或已过期,请使用短信中的链接,或致电门店。", network: "网络连接失败,请重试。",
      server: "系统繁忙,请稍后重试。", total_now: "已确认合计", tax: "含增值税", call: "如有疑问请致电" },
    en: { sub: "Approve the work", lang: "中文", estimate: "Repair estimate", additional: "More work found during the repair",
      plate: "Car", promised: "Ready by", promised_new: "If you approve, the car will be ready by", approve: "Approve",
      decline: "Not now", warranty: "free (warranty)", internal: "free", goodwill: "free", agreed_before: "Already approved",
      if_all: "Total if all approved", submit: "Send my answer", sending: "Sending…", choose: "Please approve or decline each item",
      done: "Thank you, we have your answer.", decided: "You have already answered.", approved: "approved",
      declined: "declined", invalid: "This link is not valid. Please use the link from your SMS or call the store.",
      network: "Network error, please try again.", server: "Something went wrong, please try again.",
      total_now: "Approved total", tax: "incl. VAT", call: "Questions? Call" }
  };
  var lang = localStorage.getItem("lang") === "en" ? "en" : "zh-CN";
  function T(k) { return S[lang][k]; }
  function esc(v) { return String(v == null ? "" : v).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; }); }
  var q = new URLSearchParams(location.search);
  var path = "/api/orders/" + encodeURIComponent(q.get("o") || "") + "/approval?token=" + encodeURIComponent(q.get("t") || "");
  var form = document.getElementById("view"), banner = document.getElementById("banner"), data = null;
  function say(text, kind) { banner.textContent = text || ""; banner.className = "banner" + (kind ? " " + kind : ""); }
  function when(iso) {
    if (!iso) return "—";
    return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN", { timeZone: "Asia/Shanghai", month: "short",
      day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
  }
  function request(method, body) {
    return fetch(path, { method: method, headers: { "Content-Type": "application/json", "Accept-Language": lang }, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); });
  }
  function render() {
    document.getElementById("lang").textContent = T("lang");
    document.getElementById("sub").textContent = T("sub");
    document.documentElement.lang = lang;
    if (!data) return;
    document.getElementById("store-name").textContent = lang === "en" ? (data.store.name_en || data.store.name) : data.store.name;
    var pending = data.request.status === "pending";
    form.innerHTML = '<h2>' + (data.request.kind === "additional" ? T("additional") : T("estimate")) + '</h2>' +
      '<p>' + T("plate") + ': <b>' + esc(data.order.plate) + '</b> · ' + esc(data.order.customer_name) + '<br>' +
      (data.request.kind === "additional" ? T("promised_new") : T("promised")) + ': <b>' + when(data.request.promised_at) + '</b></p>' +
      data.lines.map(function (l) {
        var free = l.pay_type !== "customer";
        return '<div class="line" data-line="' + l.id + '"><h3>' + esc(l.description) + '<span class="amt">' + (free ? T(l.pay_type) : "¥" + l.amount) + '</span></h3>' +
          '<div class="muted">' + l.quantity + ' × ¥' + l.unit_price + '</div>' +
          l.photos.map(function (u) { return '<img src="' + esc(u) + '" alt="">'; }).join("") +
          (pending ? '<div class="choices"><label><input type="radio" name="' + l.id + '" value="approved"> ' + T("approve") + '</label>' +
            '<label><input type="radio" name="' + l.id + '" value="declined"> ' + T("decline") + '</label></div>'
            : '<p><b>' + T(l.status === "declined" ? "declined" : "approved") + '</b></p>') + '</div>';
      }).join("") +
      (data.agreed_before ? '<div class="sum"><span>' + T("agreed_before") + '</span><span>¥' + data.agreed_before.customer_pays + '</span></div>' : "") +
      '<div class="sum big"><span>' + (pending ? T("if_all") : T("total_now")) + '</span><span>¥' + (pending ? data.total_if_all_approved : data.total_now).customer_pays + '</span></div>' +
      '<div class="sum muted"><span>' + T("tax") + '</span><span>¥' + (pending ? data.total_if_all_approved : data.total_now).tax_included + '</span></div>' +
      (pending ? '<button class="primary" type="submit" id="send">' + T("submit") + '</button>' : '<p class="banner ok">' + T("decided") + '</p>') +
      '<p class="hint">' + T("call") + ' <a href="tel:' + esc(data.store.phone) + '">' + esc(data.store.phone) + '</a></p>';
    form.hidden = false;
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var decisions = {}, missing = null;
    data.lines.forEach(function (l) {
      var c = form.querySelector('input[name="' + l.id + '"]:checked');
      if (c) decisions[l.id] = c.value; else missing = missing || l.id;
    });
    if (missing) { say(T("choose"), "bad"); form.querySelector('[data-line="' + missing + '"] input').focus(); return; }
    var btn = document.getElementById("send"); btn.disabled = true; btn.textContent = T("sending");
    request("POST", { decisions: decisions }).then(function (r) {
      if (r.status === 200) { data = r.body; say(T("done"), "ok"); render(); return; }
      btn.disabled = false; btn.textContent = T("submit");
      if (r.status === 403) return say(T("invalid"), "bad");
      if (r.status === 409) { say(T("decided"), "warn"); return load(); }
      say((r.body && r.body.error && r.body.error.message) || T("server"), "bad");
    }, function () { btn.disabled = false; btn.textContent = T("submit"); say(T("network"), "bad"); });
  });
  document.getElementById("lang").addEventListener("click", function () {
    lang = lang === "en" ? "zh-CN" : "en"; localStorage.setItem("lang", lang); render();
  });
  function load() {
    request("GET").then(function (r) {
      document.getElementById("loading").hidden = true;
      if (r.status !== 200) { say(r.status === 403 || r.status === 404 ? T("invalid") : T("server"), "bad"); return; }
      data = r.body; render();
    }, function () { document.getElementById("loading").hidden = true; say(T("network"), "bad"); });
  }
  render(); load();
})();
