/* The job view of a repair order (施工视图), for the technician on a phone in the bay: the car,
   the promised time and the bay, the customer's concern and the advisor's findings, the work (no
   prices: the server sends none), reporting a finding with photos (技师发现: a draft additional-work
   line the advisor prices), then the clock and the checks (order-work.js). Part of the order page. */
import { T } from "../kit/i18n.js";
import { call } from "../kit/api.js";
import { say } from "../kit/banner.js";
import { esc } from "../kit/dom.js";
import { who } from "../kit/people.js";
import { input, textarea, problem } from "../kit/forms.js";
import { when } from "../kit/time.js";
import { has } from "../kit/session.js";
import { uploadPhotos, photoTrouble } from "../kit/photos.js";
import { workSections, wireWork } from "./order-work.js";

const CONCERN = ["what", "where", "noise", "frequency", "when"];

function photos(urls) {
  return urls.length ? '<div class="photos">' + urls.map((u) => '<img src="' + esc(u) + '" alt="">').join("") + "</div>" : "";
}

function lineItem(l) {
  return '<li data-line="' + l.id + '"><b>' + esc(l.description) + "</b> " + (Number(l.quantity) ? (l.kind === "labor" ? T("hours") + " " + esc(l.quantity) : "× " + esc(l.quantity)) + " " : "") +
    '<span class="pill ' + l.status + '">' + T("l_" + l.status) + "</span>" +
    (l.additional ? ' <span class="pill pending">' + T("additional") + "</span>" : "") +
    (l.found_by ? ' <span class="pill finding">' + T("ws_found_by") + "</span>" : "") + photos(l.photos) + "</li>";
}

function jobHtml(o) {
  const c = o.reception.concern || {}, j = o.job;
  const concern = CONCERN.filter((k) => c[k]).map((k) => "<p>" + T("c_" + k) + ": <b>" + esc(c[k]) + "</b></p>").join("");
  const reports = ["approved", "in_work"].includes(o.status) && has(["technician", "foreman", "manager"]);
  return '<section class="card jobview" id="jobview"><h2>' + esc(o.vehicle.plate) + " " + esc(o.vehicle.model) + ' <span class="pill ' + o.status + '">' + T("o_" + o.status) + "</span></h2>" +
    '<p class="muted">' + esc(o.reference) + " · " + esc(o.customer.name) + (o.reception.mileage_km ? " · " + T("ws_mileage", { km: esc(o.reception.mileage_km) }) : "") + "</p>" +
    "<p>" + T("promised") + " <b>" + when(o.promised_at) + "</b> · " + T("bay") + " <b>" + esc(j.bay || "—") + "</b> · " + T("technician") + " <b>" + esc(who(o, j.technician) || "—") + "</b></p>" +
    "<h3>" + T("ws_concern_h") + "</h3>" + (concern || '<p class="muted">' + T("ws_no_concern") + "</p>") +
    "<h3>" + T("ws_findings_h") + "</h3><p>" + (esc(o.reception.findings) || T("ws_no_concern")) + "</p>" +
    "<h3>" + T("ws_work_h") + '</h3><ul class="joblines" id="joblines">' + o.lines.filter((l) => l.status !== "declined").map(lineItem).join("") + "</ul></section>" +
    (reports ? '<section class="card"><h3>' + T("ws_report_h") + '</h3><form id="ff" novalidate>' +
      textarea("description", T("ws_report_desc"), { required: true, attrs: 'maxlength="120" rows="2"' }) +
      input("photo", T("add_photos"), { type: "file", attrs: 'accept="image/jpeg,image/png,image/webp" capture="environment" multiple data-field="photo_keys"' }) +
      '<p class="muted" data-photos="0" aria-live="polite"></p><p class="err" data-err="photo_keys" role="alert"></p><div class="btns" data-retry-slot></div>' +
      '<div class="big-btns"><button type="submit" class="go">' + T("ws_report") + "</button></div></form></section>" : "");
}

/** Shows the job view of order o (the server's answer for a technician); render(next) shows it again. */
export function renderJob(view, o, render) {
  view.innerHTML = jobHtml(o) + workSections(o);
  wireWork(view, o, render);
  const ff = view.querySelector("#ff");
  if (!ff) return;
  const keys = [], count = ff.querySelector("[data-photos]"), err = ff.querySelector("[data-err=photo_keys]"), slot = ff.querySelector("[data-retry-slot]");
  let uploading = 0, failed = [];
  function send(files) {    // files: the chosen ones, or the ones that failed (sent again)
    uploading += files.length; failed = [];
    err.textContent = ""; slot.innerHTML = "";
    uploadPhotos(files, keys, () => {
      count.dataset.photos = String(keys.length);
      count.textContent = T("ws_photos_n", { n: keys.length });
    }).then((r) => {
      uploading -= files.length; failed = r.failed;
      err.textContent = photoTrouble(r.failed.length, r.refused);
      if (!failed.length) return;
      slot.innerHTML = '<button type="button" class="small" data-retry>' + T("photo_retry") + "</button>";
      slot.querySelector("[data-retry]").addEventListener("click", () => send(failed));
    });
  }
  ff.photo.addEventListener("change", (ev) => send(Array.from(ev.target.files)));
  ff.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (uploading > 0) return say(T("ws_wait_upload"), "warn");
    if (failed.length) return say(T("photo_failed", { n: failed.length }), "bad");
    call("POST", "/api/staff/orders/" + o.id + "/findings", { version: o.version, description: ff.description.value, photo_keys: keys }).then((r) => {
      if (r.status !== 201) return problem(r, ff);
      render(r.body); say(T("ws_reported"), "ok");
    });
  });
}
