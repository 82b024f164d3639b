/* The customer's order page (维修进度): progress, the service report, the survey, feedback. */
(function () {
  "use strict";
  var S = {
    "zh-CN": { sub: "维修进度", received: "已接车", in_work: "维修中", quality_check: "质检",
      ready: "可提车", delivered: "已交车", plate: "车辆", ref: "单号", promised: "预计交车", amount: "应付金额",
      report_maintenance: "保养报告", report_repair: "维修报告", work_done: "已完成项目", parts_replaced: "更换零件",
      findings: "检查结果", recommendations: "建议下次处理", next_service: "下次保养", next_text: "{d} 或 {k} 公里,以先到者为准",
      none: "无", survey_h: "服务评价", attitude: "服务态度", quality: "维修质量", timeliness: "交车及时性", comment: "意见或建议(选填)",
      send: "提交评价", sending: "正在提交…", rate_all: "请为每一项打分(1-5星)", thanks: "感谢您的评价!",
      sorry: "非常抱歉给您带来不好的体验,我们的客服将尽快与您联系。", feedback_h: "遇到问题?", feedback_ph: "请描述遇到的问题",
      feedback_send: "提交反馈", feedback_done: "我们已收到您的反馈(编号{r}),将在{t}前与您联系。", describe: "请描述遇到的问题",
      network: "网络连接失败,请重试。", server: "系统繁忙,请稍后重试。",
      call: "咨询电话", your: "您的评价", items_h: "维修项目" },
    en: { sub: "Repair progress", received: "Received", in_work: "In work", quality_check: "Quality check",
      ready: "Ready", delivered: "Delivered", plate: "Car", ref: "Ref.", promised: "Ready by", amount: "Amount due",
      report_maintenance: "Maintenance report", report_repair: "Repair report", work_done: "Work done", parts_replaced: "Parts replaced",
      findings: "Findings", recommendations: "Recommended next time", next_service: "Next service",
      next_text: "{d} or {k} km, whichever comes first", none: "none", survey_h: "Rate our service", attitude: "Attitude",
      quality: "Quality of the work", timeliness: "On time", comment: "Comments (optional)", send: "Send", sending: "Sending…",
      rate_all: "Please give each question 1 to 5 stars", thanks: "Thank you for your rating!",
      sorry: "We are sorry it was not better. Our customer service will contact you shortly.", feedback_h: "Something wrong?",
      feedback_ph: "Tell us what went wrong", feedback_send: "Send", feedback_done: "We have your feedback (ref. {r}) and will contact you by {t}.",
      describe: "Please tell us what went wrong",
      network: "Network error, please try again.", server: "Something went wrong, please try again.", call: "Call", your: "Your rating",
      items_h: "Work on your car" }
  };
  /* the page's words, else the shared ones (status words) */
  function T(k, v) {
    var s = S[App.lang()][k];
    if (s === undefined) return App.t(k, v);
    Object.keys(v || {}).forEach(function (n) { s = s.split("{" + n + "}").join(v[n]); });
    return s;
  }
  function esc(v) { return String(v == null ? "" : v).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; }); }
  var q = new URLSearchParams(location.search);
  var base = "/api/orders/" + encodeURIComponent(q.get("o") || ""), token = "?token=" + encodeURIComponent(q.get("t") || "");
  var view = document.getElementById("view"), banner = document.getElementById("banner"), data = null, scores = {};
  function say(text, kind) { banner.textContent = text || ""; banner.className = "banner" + (kind ? " " + kind : ""); }
  function when(iso) {
    if (!iso) return "—";
    return new Intl.DateTimeFormat(App.lang() === "en" ? "en-GB" : "zh-CN", { timeZone: "Asia/Shanghai", month: "short",
      day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
  }
  function request(method, path, body) { return App.api(method, base + path + token, body); }
  function error(r) { return (r.body && r.body.error && r.body.error.message) || T("server"); }
  function list(items, fn) { return items.length ? "<ul>" + items.map(function (x) { return "<li>" + fn(x) + "</li>"; }).join("") + "</ul>" : '<p class="muted">' + T("none") + "</p>"; }
  function render() {
    document.getElementById("sub").textContent = T("sub");
    if (!data) return;
    var d = data, rep = d.report;
    document.getElementById("store-name").textContent = App.lang() === "en" ? (d.store.name_en || d.store.name) : d.store.name;
    var html = '<section class="card"><div><b>' + esc(d.plate) + '</b> · ' + T("ref") + ' ' + esc(d.reference) + '</div>' +
      '<span id="order-status" class="status order-status ' + esc(d.status) + '">' + T("order_" + d.status) + '</span>' +
      '<ol class="steps" aria-label="progress">' + d.steps.map(function (s, i) {
        return '<li class="' + (i < d.step_index ? "done" : i === d.step_index ? "now" : "") + '" data-step="' + s + '">' + T(s) + '</li>';
      }).join("") + '</ol>' +
      (d.progress !== "delivered" ? '<p>' + T("promised") + ': <b>' + when(d.promised_at) + '</b></p>' : "") +
      (d.progress === "ready" ? '<p class="banner ok">' + T("amount") + ': <b>¥' + esc(d.amount_due) + '</b></p>' : "") + '</section>';
    if (d.work_items && d.work_items.length) {
      html += '<section class="card"><h2>' + T("items_h") + '</h2><ul class="items">' + d.work_items.map(function (item) {
        var parts = item.lines.slice(1).map(function (l) { return esc(l.description) + " × " + esc(l.quantity); }).join("、");
        return '<li data-item="' + esc(item.id) + '"><span>' + esc(item.description) + (parts ? "<small>" + parts + "</small>" : "") +
          '</span><span class="state ' + esc(item.status) + '">' + T("line_" + item.status) + '</span></li>';
      }).join("") + '</ul></section>';
    }
    if (rep) {
      html += '<section class="card report"><h2>' + T("report_" + rep.kind) + '</h2>' +
        '<h3>' + T("work_done") + '</h3>' + list(rep.work_done, function (w) { return esc(w.description); }) +
        '<h3>' + T("parts_replaced") + '</h3>' + list(rep.parts_replaced, function (p) { return esc(p.description) + " × " + esc(p.quantity); }) +
        '<h3>' + T("findings") + '</h3>' + list(rep.findings, esc) +
        '<h3>' + T("recommendations") + '</h3>' + list(rep.recommendations, function (r) { return esc(r.description); }) +
        (rep.next_service ? '<h3>' + T("next_service") + '</h3><p id="next">' + T("next_text", { d: esc(rep.next_service.date), k: esc(rep.next_service.mileage_km || "—") }) + '</p>' : "") + '</section>';
    }
    if (d.survey.open) {
      html += '<form class="card" id="survey" novalidate><h2>' + T("survey_h") + '</h2>' + ["attitude", "quality", "timeliness"].map(function (k) {
        return '<div class="rate" data-field="' + k + '"><span>' + T(k) + '</span><span class="starset" role="radiogroup" aria-label="' + T(k) + '">' + [1, 2, 3, 4, 5].map(function (n) {
          return '<button type="button" data-k="' + k + '" data-n="' + n + '" aria-label="' + n + '" class="' + (scores[k] >= n ? "on" : "") + '">★</button>';
        }).join("") + '</span></div>';
      }).join("") + '<label for="cm">' + T("comment") + '</label><textarea id="cm" name="comment" maxlength="500"></textarea>' +
        '<button class="primary" type="submit">' + T("send") + '</button></form>';
    } else if (d.survey.answered) {
      var a = d.survey.answered;
      html += '<section class="card"><h2>' + T("your") + '</h2><p>' + ["attitude", "quality", "timeliness"].map(function (k) { return T(k) + " " + "★★★★★".slice(0, a[k]); }).join(" · ") + '</p></section>';
    }
    html += '<details class="card"><summary>' + T("feedback_h") + '</summary><form id="fb" novalidate><textarea name="description" placeholder="' + T("feedback_ph") + '" maxlength="1000"></textarea>' +
      '<button class="primary" type="submit">' + T("feedback_send") + '</button></form></details>' +
      '<p class="muted">' + T("call") + ' <a href="tel:' + esc(d.store.phone) + '">' + esc(d.store.phone) + '</a></p>';
    view.innerHTML = html;
    view.hidden = false;
    view.querySelectorAll("[data-k]").forEach(function (b) {
      b.addEventListener("click", function () { scores[b.dataset.k] = Number(b.dataset.n); var c = document.getElementById("cm").value; render(); document.getElementById("cm").value = c; });
    });
    var survey = document.getElementById("survey");
    if (survey) survey.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!scores.attitude || !scores.quality || !scores.timeliness) return say(T("rate_all"), "bad");
      var btn = survey.querySelector("button[type=submit]"); btn.disabled = true; btn.textContent = T("sending");
      request("POST", "/survey", { attitude: scores.attitude, quality: scores.quality, timeliness: scores.timeliness, comment: survey.comment.value })
        .then(function (r) {
          if (r.status !== 200) { btn.disabled = false; btn.textContent = T("send"); return say(error(r), "bad"); }
          data = r.body; render();
          var low = Math.min(scores.attitude, scores.quality, scores.timeliness) <= 3;
          say(T("thanks") + (low ? " " + T("sorry") : ""), "ok");
        }, function () { btn.disabled = false; btn.textContent = T("send"); say(T("network"), "bad"); });
    });
    var fb = document.getElementById("fb");
    fb.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!fb.description.value.trim()) { fb.description.setAttribute("aria-invalid", "true"); return say(T("describe"), "bad"); }
      request("POST", "/complaint", { description: fb.description.value }).then(function (r) {
        if (r.status !== 201) return say(error(r), "bad");
        say(T("feedback_done", { r: r.body.reference, t: when(r.body.reply_by) }), "ok"); fb.reset();
      }, function () { say(T("network"), "bad"); });
    });
    if (location.hash === "#survey" && survey) survey.scrollIntoView();
  }
  App.applyI18n();
  App.setupLangButton(render);
  render();
  request("GET", "/status").then(function (r) {
    document.getElementById("loading").hidden = true;
    if (r.status === 403 || r.status === 404) return App.linkProblem();
    if (r.status !== 200) return say(T("server"), "bad");
    data = r.body; render();
  }, function () { document.getElementById("loading").hidden = true; say(T("network"), "bad"); });
})();
