/* Workshop to follow-up (车间 / 质检 / 结算 / 交车 / 回访 / 投诉): pages and order sections for the portal. */
(function () {
  "use strict";
  var Portal = window.Portal, P = Portal.api, T = P.T, esc = P.esc, local = P.local, call = P.call;
  Portal.strings({
    nav_workshop: "车间看板", nav_jobs: "我的工单", nav_followups: "回访", nav_complaints: "投诉", in_store: "在店车辆",
    comeback: "返修", waiting: "待派工", bays: "工位", bay: "工位", qc_h: "待质检", ready_h: "待结算 / 交车",
    dispatch: "派工", handover: "交接", at_risk: "交车时间有风险", sold: "售出工时", worked: "实际工时", min: "分钟",
    j_unassigned: "未派工", j_waiting: "待开工", j_running: "施工中", j_paused: "暂停", j_finished: "完工",
    start: "开工", pause: "暂停", resume: "继续", finish: "完工", r_parts: "等备件", r_approval: "等客户确认", r_other: "其他",
    pause_why: "暂停原因", no_jobs: "没有工单。", job_h: "派工与施工", qc_level_self: "自检", qc_level_team_lead: "互检(班组长)",
    qc_level_final: "终检", pass: "合格", fail: "不合格", qc_note: "说明(不合格必填)", test_drive: "试车记录",
    distance: "试车里程(公里)", drive_findings: "试车结果", sign_qc: "签字确认", rework: "返工次数", qc_passed: "质检合格",
    wash_done: "洗车完成", settle_h: "结算", discount: "优惠金额", discount_reason: "优惠原因", method: "支付方式",
    m_cash: "现金", m_card: "刷卡", m_wechat_pay: "微信支付", m_alipay: "支付宝", m_transfer: "转账", settle: "确认收款",
    amount_due: "应收金额", print_invoice: "打印结算单", print_report: "打印保养/维修报告", deliver_h: "交车",
    ck_clean: "车辆内外清洁", ck_old_parts: "旧件已按客户要求处理", ck_keys: "钥匙已交还", ck_documents: "随车资料齐全",
    ck_explained: "已向客户讲解维修内容与费用", deliver: "确认交车", next_service: "下次保养", on_time: "准时交车", late: "延误 {m} 分钟",
    timeline: "时间线", resend_link: "重新发送客户进度短信", link_resent: "客户进度短信已发送到客户手机。", followups_h: "今日回访", task_first: "首次回访", task_second: "二次回访",
    overdue: "已逾期", survey: "满意度", o_satisfied: "满意", o_reached: "已联系", o_not_reached: "未接通", o_issue_raised: "客户反映问题",
    retry_on: "再次联系日期", issue: "问题描述", severity: "严重程度", sev_low: "低", sev_medium: "中", sev_high: "高", record: "记录",
    no_followups: "今天没有需要回访的客户。", complaints_h: "投诉处理", open_n: "处理中", escalated: "已升级", overdue_reply: "超时未回复",
    resolved: "已解决", reply_by: "回复时限", owner: "负责人", note: "处理记录", add_note: "记录", resolution: "处理结果",
    accepted: "客户接受", not_accepted: "客户不接受", resolve: "提交处理结果", new_complaint: "登记投诉", description_c: "投诉内容",
    staff_involved: "涉及员工", src_survey: "评价", src_follow_up: "回访", src_staff: "员工登记", src_customer: "客户",
    avg_resolve: "平均处理时长 {h} 小时", none: "无"
  }, {
    nav_workshop: "Workshop", nav_jobs: "My jobs", nav_followups: "Follow-ups", nav_complaints: "Complaints", in_store: "Cars in the store",
    comeback: "comeback", waiting: "Waiting for dispatch", bays: "Bays", bay: "Bay", qc_h: "Quality check", ready_h: "Settle / deliver",
    dispatch: "Dispatch", handover: "Hand over", at_risk: "Promise at risk", sold: "Sold", worked: "Worked", min: "min",
    j_unassigned: "not dispatched", j_waiting: "to start", j_running: "running", j_paused: "paused", j_finished: "finished",
    start: "Start", pause: "Pause", resume: "Resume", finish: "Finish", r_parts: "waiting for parts", r_approval: "waiting for approval",
    r_other: "other", pause_why: "Why pause?", no_jobs: "No jobs.", job_h: "Dispatch and work", qc_level_self: "Self-check",
    qc_level_team_lead: "Team lead check", qc_level_final: "Final inspection", pass: "pass", fail: "fail",
    qc_note: "Note (required on a failure)", test_drive: "Test drive", distance: "Distance (km)", drive_findings: "Findings",
    sign_qc: "Sign", rework: "Reworks", qc_passed: "Quality check passed", wash_done: "Wash done", settle_h: "Settlement",
    discount: "Discount", discount_reason: "Reason for the discount", method: "Payment", m_cash: "cash", m_card: "card",
    m_wechat_pay: "WeChat Pay", m_alipay: "Alipay", m_transfer: "transfer", settle: "Take payment", amount_due: "Amount due",
    print_invoice: "Print invoice", print_report: "Print report", deliver_h: "Delivery", ck_clean: "Clean inside and out",
    ck_old_parts: "Old parts as the customer chose", ck_keys: "Keys handed back", ck_documents: "Documents complete",
    ck_explained: "Work and cost explained", deliver: "Hand over the car", next_service: "Next service", on_time: "on time",
    late: "{m} min late", timeline: "Timeline", resend_link: "Send the customer's progress link again", link_resent: "The progress link SMS went to the customer's phone.", followups_h: "Follow-up calls due",
    task_first: "first follow-up", task_second: "second follow-up", overdue: "overdue", survey: "Survey",
    o_satisfied: "satisfied", o_reached: "reached", o_not_reached: "not reached", o_issue_raised: "issue raised",
    retry_on: "Call again on", issue: "The issue", severity: "Severity", sev_low: "low", sev_medium: "medium", sev_high: "high",
    record: "Record", no_followups: "No calls due today.", complaints_h: "Complaints", open_n: "open", escalated: "escalated",
    overdue_reply: "reply overdue", resolved: "resolved", reply_by: "Reply by", owner: "Owner", note: "Note", add_note: "Add",
    resolution: "Resolution", accepted: "customer accepts", not_accepted: "customer does not accept", resolve: "Record resolution",
    new_complaint: "Take down a complaint", description_c: "What happened", staff_involved: "Staff involved",
    src_survey: "survey", src_follow_up: "follow-up call", src_staff: "staff", src_customer: "customer",
    avg_resolve: "average {h} h to resolve", none: "none"
  });
  var view = P.view;
  function me() { return P.me() || { roles: [] }; }
  function has(roles) { return me().roles.some(function (r) { return roles.indexOf(r) >= 0; }); }
  function hm(minutes) { return (minutes / 60).toFixed(1) + "h"; }
  function after(r, then) { if (r.status === 200 || r.status === 201) { P.say(T("saved"), "ok"); then(r.body); } else P.problem(r, view.querySelector("form.active")); }

  /* ---- dispatch board (派工看板) ---- */
  function jobCard(c, techs) {
    var acts = "";
    if (has(["foreman", "manager"]) && (c.status === "approved" || c.status === "in_work")) {
      acts = '<form class="row" data-dispatch="' + c.order_id + '" data-v="' + c.version + '"><select name="technician" aria-label="' + T("technician") + '">' +
        techs.map(function (t) { return '<option value="' + esc(t.username) + '"' + (t.username === c.technician ? " selected" : "") + '>' + esc(t.name) + '</option>'; }).join("") +
        '</select><select name="bay" aria-label="' + T("bay") + '"><option value="">' + T("bay") + '</option>' + Portal.bays.map(function (b) { return '<option' + (b === c.bay ? " selected" : "") + '>' + esc(b) + '</option>'; }).join("") +
        '</select><button class="small go" type="submit">' + (c.technician ? T("handover") : T("dispatch")) + '</button></form>';
    }
    return '<div class="job' + (c.at_risk ? " risk" : "") + '" data-job="' + c.order_id + '"><div class="top"><a href="#/order/' + c.order_id + '">' + esc(c.plate) + '</a><span class="pill ' + (c.job === "running" ? "in_work" : "") + '">' + T("j_" + c.job) + '</span></div>' +
      '<div class="muted">' + esc(c.reference) + ' · ' + T("promised") + ' ' + local(c.promised_at, false) + (c.bay ? ' · ' + T("bay") + ' ' + esc(c.bay) : "") + '</div>' +
      '<div>' + T("sold") + ' ' + hm(c.sold_minutes) + ' · ' + T("worked") + ' ' + hm(c.worked_minutes) + (c.pause_reason ? ' · ' + T("r_" + c.pause_reason) : "") + '</div>' +
      (c.at_risk ? '<div class="pill risk">' + T("at_risk") + '</div>' : "") + (c.rework_count ? ' <span class="pill declined">' + T("rework") + ' ' + c.rework_count + '</span>' : "") +
      (c.comeback_of ? ' <span class="pill declined">' + T("comeback") + '</span>' : "") + acts + '</div>';
  }
  Portal.bays = [];
  Portal.pages.workshop = function () {
    view.innerHTML = '<p class="loading">…</p>';
    call("GET", "/api/staff/workshop").then(function (r) {
      if (r.status !== 200) return P.problem(r);
      var b = r.body, techs = b.technicians;
      Portal.bays = b.bays.map(function (x) { return x.bay; });
      view.innerHTML = '<section class="card"><div class="counts"><div><b>' + b.waiting.length + '</b>' + T("waiting") + '</div><div><b>' + b.quality_check.length + '</b>' + T("qc_h") +
        '</div><div><b>' + b.ready.length + '</b>' + T("ready_h") + '</div><div><b>' + b.at_risk + '</b>' + T("at_risk") + '</div></div>' +
        '<h3>' + T("bays") + '</h3><div class="bays">' + b.bays.map(function (x) { return '<span class="' + (x.order_id ? "busy" : "") + '">' + esc(x.bay) + (x.plate ? " · " + esc(x.plate) : "") + '</span>'; }).join("") + '</div></section>' +
        '<section class="card"><div class="lanes"><div class="lane" id="waiting"><h3>' + T("waiting") + '</h3>' + (b.waiting.map(function (c) { return jobCard(c, techs); }).join("") || '<p class="muted">' + T("none") + '</p>') + '</div>' +
        techs.map(function (t) { return '<div class="lane" data-lane="' + esc(t.username) + '"><h3>' + esc(t.name) + '</h3>' + t.jobs.map(function (c) { return jobCard(c, techs); }).join("") + '</div>'; }).join("") +
        '<div class="lane"><h3>' + T("qc_h") + '</h3>' + b.quality_check.map(function (c) { return jobCard(c, techs) ; }).join("") + '</div>' +
        '<div class="lane"><h3>' + T("ready_h") + '</h3>' + b.ready.map(function (o) { return '<div class="job"><a href="#/order/' + o.order_id + '">' + esc(o.plate) + '</a> <span class="pill ' + o.status + '">' + T("o_" + o.status) + '</span> ¥' + o.amount_due + '</div>'; }).join("") + '</div></div></section>';
      view.querySelectorAll("[data-dispatch]").forEach(function (f) {
        f.addEventListener("submit", function (ev) {
          ev.preventDefault(); f.classList.add("active");
          call("POST", "/api/staff/orders/" + f.dataset.dispatch + "/dispatch", { version: Number(f.dataset.v), technician: f.technician.value, bay: f.bay.value })
            .then(function (r) { after(r, function () { Portal.pages.workshop(); }); });
        });
      });
    });
  };

  /* ---- my jobs (技师): phone or workshop tablet ---- */
  function clockButtons(c) {
    var b = [];
    if (c.job === "waiting") b.push('<button class="go" data-clock="start">' + T("start") + '</button>');
    if (c.job === "running") b.push('<button data-clock="pause">' + T("pause") + '</button><button class="go" data-clock="finish">' + T("finish") + '</button>');
    if (c.job === "paused") b.push('<button class="go" data-clock="resume">' + T("resume") + '</button><button data-clock="finish">' + T("finish") + '</button>');
    return b.join("");
  }
  function askPause(body) {   // the reason is required: parts, approval or other (with a note)
    var reasons = ["parts", "approval", "other"];
    var pick = window.prompt(T("pause_why") + "\n" + reasons.map(function (x, i) { return (i + 1) + ". " + T("r_" + x); }).join("\n"), "1");
    if (!pick) return false;
    body.reason = reasons[Number(pick) - 1] || "other";
    if (body.reason === "other") body.note = window.prompt(T("pause_why")) || "";
    return true;
  }
  Portal.pages.jobs = function () {
    call("GET", "/api/staff/workshop").then(function (r) {
      if (r.status !== 200) return P.problem(r);
      var mine = [];
      r.body.technicians.forEach(function (t) { if (t.username === me().username || has(["foreman", "manager"])) mine = mine.concat(t.jobs); });
      var qc = r.body.quality_check;
      view.innerHTML = '<section class="card"><h2>' + T("nav_jobs") + '</h2>' + (mine.map(function (c) {
        return '<div class="job' + (c.at_risk ? " risk" : "") + '" data-job="' + c.order_id + '" data-v="' + c.version + '"><div class="top"><span>' + esc(c.plate) + '</span><span>' + T("j_" + c.job) + '</span></div>' +
          '<div class="muted">' + c.lines.map(function (l) { return esc(l.description); }).join("、") + '</div><div class="muted">' + esc((c.concern && c.concern.what) || "") + '</div>' +
          '<div>' + T("sold") + ' ' + hm(c.sold_minutes) + ' · ' + T("worked") + ' ' + hm(c.worked_minutes) + '</div><div class="big-btns">' + clockButtons(c) + '</div></div>';
      }).join("") || '<p class="muted">' + T("no_jobs") + '</p>') + '</section>' +
        (qc.length ? '<section class="card"><h2>' + T("qc_h") + '</h2>' + qc.map(function (c) { return '<div class="job"><a href="#/order/' + c.order_id + '">' + esc(c.plate) + '</a> · ' + T("qc_level_" + c.qc_next) + '</div>'; }).join("") + '</section>' : "");
      view.querySelectorAll("[data-clock]").forEach(function (btn) {
        btn.addEventListener("click", function () {
          var card = btn.closest("[data-job]"), body = { version: Number(card.dataset.v), action: btn.dataset.clock };
          if (body.action === "pause" && !askPause(body)) return;
          btn.disabled = true;
          call("POST", "/api/staff/orders/" + card.dataset.job + "/clock", body).then(function (r) { btn.disabled = false; after(r, function () { Portal.pages.jobs(); }); });
        });
      });
    });
  };

  /* ---- on the repair order: job, quality check, wash, settlement, delivery, timeline ---- */
  Portal.orderSections = function (o) {
    var html = "";
    var j = o.job;
    if (["approved", "in_work", "quality_check", "ready", "settled", "delivered"].indexOf(o.status) >= 0) {
      var worked = Object.keys(j.worked_minutes).map(function (k) { return esc(k) + " " + hm(j.worked_minutes[k]); }).join(", ");
      html += '<section class="card" id="jobsec"><h3>' + T("job_h") + '</h3><div class="grid2"><div>' + T("technician") + ': <b>' + esc(j.technician || "—") + '</b> ' + (j.bay ? T("bay") + ' ' + esc(j.bay) : "") +
        ' <span class="pill">' + T("j_" + j.state) + '</span></div><div>' + T("sold") + ' ' + hm(j.sold_minutes) + ' · ' + T("worked") + ' ' + (worked || "0") + '</div></div>' +
        (o.quality.rework_count ? '<p><span class="pill declined">' + T("rework") + ' ' + o.quality.rework_count + '</span></p>' : "") +
        (o.comeback_of ? '<p><span class="pill declined">' + T("comeback") + ' ← ' + esc(o.comeback_of) + '</span></p>' : "") +
        '<div class="big-btns" data-job="' + o.id + '">' + (has(["technician", "foreman", "manager"]) ? clockButtons({ job: j.state }) : "") + '</div>' +
        o.quality.records.map(function (q) { return '<div class="muted">' + T("qc_level_" + q.level) + ' · ' + (q.passed ? "✔ " + T("pass") : "✘ " + T("fail")) + ' · ' + esc(q.by_name) + ' ' + local(q.at) + (q.note ? " · " + esc(q.note) : "") + (q.test_drive ? " · " + T("test_drive") + " " + esc(q.test_drive.distance_km) + "km " + esc(q.test_drive.findings) : "") + '</div>'; }).join("") +
        (o.quality.passed_at ? '<p class="banner ok">✔ ' + T("qc_passed") + ' ' + local(o.quality.passed_at) + '</p>' : "") + '</section>';
    }
    if (o.quality.next_level && has(["technician", "foreman", "inspector", "manager"])) {
      var level = o.quality.next_level, list = o.quality.checklist;
      html += '<section class="card"><h3>' + T("qc_level_" + level) + '</h3><form id="qcf" class="checklist" novalidate>' + list.map(function (it) {
        return '<label>' + esc(P.lang() === "en" ? it.label_en : it.label_zh) + '<select name="item_' + it.code + '" data-field="items"><option value="pass">' + T("pass") + '</option><option value="fail">' + T("fail") + '</option></select></label><div class="err" data-err="items.' + it.code + '"></div>';
      }).join("") + '<div class="field"><label>' + T("qc_note") + '</label><input name="note" type="text"><div class="err" data-err="note"></div></div>' +
        (level === "final" && o.test_drive_required ? '<fieldset><legend>' + T("test_drive") + '</legend><div class="row"><div class="field"><label>' + T("distance") + '</label><input name="test_drive.distance_km" inputmode="decimal"><div class="err" data-err="test_drive.distance_km"></div></div>' +
          '<div class="field"><label>' + T("drive_findings") + '</label><input name="test_drive.findings" type="text"><div class="err" data-err="test_drive.findings"></div></div></div></fieldset>' : "") +
        '<div class="field"><label>' + T("signature") + '</label><canvas class="sign" id="qsig"></canvas><div class="err" data-err="signature"></div></div>' +
        '<div class="btns"><button type="button" id="qclr">' + T("clear") + '</button><button type="submit" class="go">' + T("sign_qc") + '</button></div></form></section>';
    }
    if (o.status === "quality_check" && o.quality.passed_at && o.wash_wanted && !o.wash_done_at) {
      html += '<section class="card"><button class="primary" id="wash" type="button">' + T("wash_done") + '</button></section>';
    }
    if (o.status === "ready" && has(["cashier", "manager"])) {
      html += '<section class="card"><h3>' + T("settle_h") + '</h3><p>' + T("amount_due") + ': <b class="due">¥' + o.agreed.customer_pays + '</b></p><form id="stf" class="row" novalidate>' +
        '<div class="field"><label>' + T("discount") + '</label><input name="discount" inputmode="decimal" placeholder="0.00"><div class="err"></div></div>' +
        '<div class="field"><label>' + T("discount_reason") + '</label><input name="discount_reason" type="text"><div class="err"></div></div>' +
        '<div class="field"><label>' + T("method") + '</label><select name="payment_method">' + ["wechat_pay", "alipay", "card", "cash", "transfer"].map(function (m) { return '<option value="' + m + '">' + T("m_" + m) + '</option>'; }).join("") + '</select><div class="err"></div></div>' +
        '<button class="primary" type="submit">' + T("settle") + '</button></form></section>';
    }
    if (o.settlement) {
      html += '<section class="card"><h3>' + T("settle_h") + ' ' + esc(o.settlement.invoice_no) + '</h3><p>' + T("amount_due") + ' ¥' + o.settlement.amount_due + (o.settlement.discount !== "0.00" ? ' (' + T("discount") + ' ¥' + o.settlement.discount + ')' : "") +
        ' · ' + T("m_" + o.settlement.payment_method) + ' · ' + esc(o.settlement.cashier_name) + '</p><div class="btns"><button type="button" id="pinv">' + T("print_invoice") + '</button><button type="button" id="prep">' + T("print_report") + '</button></div></section>';
    }
    if (o.status === "settled" && has(["advisor", "manager"])) {
      html += '<section class="card"><h3>' + T("deliver_h") + '</h3><form id="dlf" class="checklist" novalidate>' + ["clean", "old_parts", "keys", "documents", "explained"].map(function (k) {
        return '<label>' + T("ck_" + k) + (k === "old_parts" ? ' (' + T("op_" + (o.reception.old_parts || "dispose")) + ')' : "") + '<input type="checkbox" name="ck_' + k + '" data-field="checklist"></label><div class="err" data-err="checklist.' + k + '"></div>';
      }).join("") + '<button class="primary" type="submit">' + T("deliver") + '</button></form></section>';
    }
    if (o.delivery) {
      html += '<section class="card"><h3>' + T("deliver_h") + ' ' + local(o.delivery.delivered_at) + '</h3><p>' + (o.delivery.on_time ? T("on_time") : T("late", { m: o.delivery.late_minutes })) +
        ' · ' + T("next_service") + ': <b id="nexts">' + esc(o.delivery.next_service_date) + (o.delivery.next_service_km ? ' / ' + o.delivery.next_service_km + ' km' : "") + '</b></p></section>';
    }
    html += '<section class="card"><h3>' + T("timeline") + '</h3><ol class="timeline">' + o.timeline.map(function (e) { return '<li>' + local(e.at) + ' · ' + esc(e.actor) + ' · ' + esc(e.action) + '</li>'; }).join("") + '</ol>' +
      (o.status !== "cancelled" && has(["advisor", "manager"]) ? '<button type="button" class="small" id="relink">' + T("resend_link") + '</button>' : "") + '</section>';
    return html;
  };
  Portal.wireOrder = function (o) {
    function post(path, body, form) {
      return call("POST", "/api/staff/orders/" + o.id + path, Object.assign({ version: o.version }, body)).then(function (r) {
        if (r.status === 200) { P.say(T("saved"), "ok"); P.renderOrder(r.body); } else P.problem(r, form);
      });
    }
    view.querySelectorAll("#jobsec [data-clock]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var body = { action: btn.dataset.clock };
        if (body.action === "pause" && !askPause(body)) return;
        post("/clock", body);
      });
    });
    var qcf = view.querySelector("#qcf");
    if (qcf) {
      var pad = P.signaturePad(view.querySelector("#qsig"));
      view.querySelector("#qclr").onclick = pad.clear;
      qcf.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var items = {};
        qcf.querySelectorAll("select[name^=item_]").forEach(function (s) { items[s.name.slice(5)] = s.value; });
        var body = { level: o.quality.next_level, items: items, note: qcf.note.value, signature: pad.value() };
        if (qcf["test_drive.distance_km"]) body.test_drive = { distance_km: qcf["test_drive.distance_km"].value, findings: qcf["test_drive.findings"].value };
        post("/quality-check", body, qcf);
      });
    }
    var wash = view.querySelector("#wash");
    if (wash) wash.addEventListener("click", function () { post("/wash", {}); });
    var stf = view.querySelector("#stf");
    if (stf) stf.addEventListener("submit", function (ev) {
      ev.preventDefault();
      post("/settle", { discount: stf.discount.value || undefined, discount_reason: stf.discount_reason.value, payment_method: stf.payment_method.value }, stf);
    });
    var dlf = view.querySelector("#dlf");
    if (dlf) dlf.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var checklist = {};
      ["clean", "old_parts", "keys", "documents", "explained"].forEach(function (k) { checklist[k] = dlf["ck_" + k].checked; });
      post("/deliver", { checklist: checklist }, dlf);
    });
    var relink = view.querySelector("#relink");   // the link goes to the customer's phone only
    if (relink) relink.addEventListener("click", function () {
      relink.disabled = true;
      call("POST", "/api/staff/orders/" + o.id + "/resend-link", { version: o.version }).then(function (r) {
        if (r.status !== 200) { relink.disabled = false; return P.problem(r); }
        P.renderOrder(r.body); P.say(T("link_resent"), "ok");
      });
    });
    var pinv = view.querySelector("#pinv"), prep = view.querySelector("#prep");
    if (pinv) pinv.onclick = function () { P.printDoc(o.id, "invoice"); };
    if (prep) prep.onclick = function () { P.printDoc(o.id, "report"); };
  };
  /* ---- follow-up calls (回访) ---- */
  function stars(n) { return '<span class="stars">' + "★★★★★".slice(0, n) + '</span>' + "☆☆☆☆☆".slice(0, 5 - n); }
  Portal.pages.followups = function () {
    call("GET", "/api/staff/followups").then(function (r) {
      if (r.status !== 200) return P.problem(r);
      view.innerHTML = '<section class="card"><h2>' + T("followups_h") + ' ' + esc(r.body.date) + '</h2>' + (r.body.followups.map(function (f) {
        var s = f.survey;
        return '<div class="job" data-fu="' + f.order_id + '" data-v="' + f.version + '"><div class="top"><span>' + esc(f.customer_name) + ' · ' + esc(f.plate) + '</span><span>' + T("task_" + f.task.kind) + (f.overdue ? ' <span class="pill risk">' + T("overdue") + '</span>' : "") + '</span></div>' +
          '<div><a href="tel:' + esc(f.phone) + '">' + esc(f.phone) + '</a> · ' + esc(f.order_reference) + ' · ' + T("advisor") + ' ' + esc(f.advisor) + '</div>' +
          (s ? '<div class="survey' + (f.survey_low ? " banner bad" : "") + '">' + T("survey") + ': ' + [["attitude", s.attitude], ["quality", s.quality], ["timeliness", s.timeliness]].map(function (x) { return stars(x[1]); }).join(" / ") + (s.comment ? " “" + esc(s.comment) + "”" : "") + '</div>' : "") +
          '<form class="row" novalidate><div class="field"><label>' + T("status") + '</label><select name="outcome">' + ["satisfied", "reached", "not_reached", "issue_raised"].map(function (x) { return '<option value="' + x + '">' + T("o_" + x) + '</option>'; }).join("") + '</select></div>' +
          '<div class="field"><label>' + T("retry_on") + '</label><input type="date" name="retry_on"><div class="err" data-err="retry_on"></div></div>' +
          '<div class="field"><label>' + T("issue") + '</label><input type="text" name="issue"><div class="err" data-err="issue"></div></div>' +
          '<div class="field"><label>' + T("note") + '</label><input type="text" name="note"></div><button class="small go" type="submit">' + T("record") + '</button></form></div>';
      }).join("") || '<p class="muted">' + T("no_followups") + '</p>') + '</section>';
      view.querySelectorAll("[data-fu] form").forEach(function (form) {
        form.addEventListener("submit", function (ev) {
          ev.preventDefault(); form.classList.add("active");
          var card = form.closest("[data-fu]");
          call("POST", "/api/staff/followups/" + card.dataset.fu + "/calls", { version: Number(card.dataset.v), outcome: form.outcome.value,
            retry_on: form.retry_on.value || undefined, issue: form.issue.value, note: form.note.value })
            .then(function (r) { if (r.status === 200) { P.say(T("saved"), "ok"); Portal.pages.followups(); } else P.problem(r, form); });
        });
      });
    });
  };

  /* ---- complaints (投诉) ---- */
  Portal.pages.complaints = function (id) {
    call("GET", "/api/staff/complaints").then(function (r) {
      if (r.status !== 200) return P.problem(r);
      var b = r.body, c = b.counts;
      view.innerHTML = '<section class="card"><h2>' + T("complaints_h") + '</h2><div class="counts"><div><b>' + c.open + '</b>' + T("open_n") + '</div><div><b>' + c.escalated + '</b>' + T("escalated") +
        '</div><div><b>' + c.overdue_reply + '</b>' + T("overdue_reply") + '</div><div><b>' + c.resolved + '</b>' + T("resolved") + '</div></div>' +
        (b.average_hours_to_resolve ? '<p class="muted">' + T("avg_resolve", { h: b.average_hours_to_resolve }) + '</p>' : "") +
        '<table class="list" id="cpl"><thead><tr><th>' + [T("time"), T("vehicle"), T("description_c"), T("severity"), T("owner"), T("reply_by"), T("status")].join("</th><th>") + '</th></tr></thead><tbody>' +
        b.complaints.map(function (k) {
          return '<tr data-complaint="' + k.id + '"><td>' + local(k.opened_at) + '<br><span class="muted">' + T("src_" + k.source) + '</span></td><td>' + esc(k.plate) + '<br>' + esc(k.customer_name) + '</td><td>' + esc(k.description) + '</td><td>' + T("sev_" + k.severity) +
            '</td><td>' + esc(k.owner) + '</td><td>' + local(k.reply_by) + (k.overdue_reply ? ' <span class="pill risk">' + T("overdue_reply") + '</span>' : "") + '</td><td><span class="pill ' + (k.escalated && k.status === "open" ? "escalated" : k.status) + '">' +
            (k.status === "open" ? (k.escalated ? T("escalated") : T("open_n")) : T("resolved")) + '</span></td></tr>' +
            (k.status === "open" ? '<tr><td colspan="7"><form class="row" data-k="' + k.id + '" data-v="' + k.version + '" novalidate><div class="field"><label>' + T("note") + " / " + T("resolution") + '</label><input name="text" type="text"><div class="err" data-err="note"></div><div class="err" data-err="resolution"></div></div>' +
              '<button class="small" type="submit" value="note">' + T("add_note") + '</button><button class="small go" type="submit" value="yes">' + T("resolve") + ' (' + T("accepted") + ')</button><button class="small" type="submit" value="no">' + T("not_accepted") + '</button></form></td></tr>' : "");
        }).join("") + '</tbody></table></section>' +
        '<details class="card"><summary>' + T("new_complaint") + '</summary><form id="nk" class="row" novalidate><div class="field"><label>' + T("name") + '</label><input name="customer_name"><div class="err"></div></div>' +
        '<div class="field"><label>' + T("plate") + '</label><input name="plate"></div><div class="field"><label>' + T("description_c") + '</label><input name="description"><div class="err"></div></div>' +
        '<div class="field"><label>' + T("severity") + '</label><select name="severity"><option value="medium">' + T("sev_medium") + '</option><option value="high">' + T("sev_high") + '</option><option value="low">' + T("sev_low") + '</option></select></div>' +
        '<div class="field"><label>' + T("staff_involved") + '</label><input name="staff_involved"></div><button class="small go" type="submit">' + T("record") + '</button></form></details>';
      view.querySelectorAll("form[data-k]").forEach(function (form) {
        form.addEventListener("submit", function (ev) {
          ev.preventDefault(); form.classList.add("active");
          var kind = ev.submitter ? ev.submitter.value : "note", path = "/api/staff/complaints/" + form.dataset.k, v = Number(form.dataset.v);
          var req = kind === "note" ? call("POST", path + "/notes", { version: v, note: form.text.value })
            : call("POST", path + "/resolve", { version: v, resolution: form.text.value, customer_accepted: kind === "yes" });
          req.then(function (r2) { if (r2.status === 200) { P.say(T("saved"), "ok"); Portal.pages.complaints(); } else P.problem(r2, form); });
        });
      });
      var nk = view.querySelector("#nk");
      nk.addEventListener("submit", function (ev) {
        ev.preventDefault(); nk.classList.add("active");
        call("POST", "/api/staff/complaints", { customer_name: nk.customer_name.value, plate: nk.plate.value, description: nk.description.value,
          severity: nk.severity.value, staff_involved: nk.staff_involved.value }).then(function (r2) {
          if (r2.status === 201) { P.say(T("saved"), "ok"); Portal.pages.complaints(); } else P.problem(r2, nk);
        });
      });
    });
  };
})();
