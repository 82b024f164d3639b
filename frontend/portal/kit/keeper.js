/* The conflict keeper, loaded by forms.js problem() only when a save meets 409 *_changed. */
import { esc } from "./dom.js";
import { T } from "./i18n.js";
import { say } from "./banner.js";
import { rerender } from "./nav.js";
import { settled } from "./api.js";

/* Someone else saved the record first (409 *_changed). The page is shown
   again with fresh data, the user's unsaved input is put back into the form of the same id, a
   short list says what changed on the page, and one button saves again (with the fresh version).
   "What changed" compares, before and after, the page's table rows that carry a data-* key
   (e.g. <tr data-line="L1">) and the elements marked data-watch="<string key of their name>". */
function watched(view) {
  const seen = new Map();
  view.querySelectorAll("tr").forEach((tr) => {
    const k = Object.keys(tr.dataset)[0];
    if (!k || tr.closest("form")) return;
    seen.set(k + "=" + tr.dataset[k], { text: Array.from(tr.cells).filter((c) => !c.querySelector("button"))
      .map((c) => c.textContent.trim()).filter(Boolean).join(" · ") });
  });
  view.querySelectorAll("[data-watch]").forEach((el) => seen.set("w:" + el.dataset.watch, { name: T(el.dataset.watch), text: el.textContent.trim() }));
  return seen;
}
/** What differs between two watched() pictures of the page, as sentences. */
export function changesBetween(before, after) {
  const out = [];
  for (const [k, now] of after) {
    const was = before.get(k);
    if (!was) out.push(T("conflict_added", { x: now.text }));
    else if (was.text !== now.text) out.push(now.name ? T("conflict_value", { what: now.name, was: was.text, now: now.text }) : T("conflict_changed", { x: now.text }));
  }
  for (const [k, was] of before) if (!after.has(k)) out.push(T("conflict_removed", { x: was.text }));
  return out;
}
function typed(form) {
  return Array.from(form.elements).filter((el) => el.name && !["file", "password", "button", "submit"].includes(el.type))
    .map((el) => ({ name: el.name, type: el.type, value: el.value, checked: el.checked }));
}
function putBack(form, values) {
  for (const v of values) {
    const els = Array.from(form.elements).filter((el) => el.name === v.name);
    for (const el of els) {
      if (el.type === "radio" || el.type === "checkbox") { if (el.type === "checkbox" || el.value === v.value) el.checked = v.checked; }
      else el.value = v.value;
    }
  }
}
/** Keeps form's input through a reload of the page: see above. */
export function keepThrough(form) {
  const view = document.getElementById("view"), id = form.id;
  const before = watched(view), values = typed(form);
  let looked = false;
  const watch = new MutationObserver(() => {
    const fresh = document.getElementById(id);
    if (!fresh || fresh === form) {
      if (!looked && !form.isConnected) {   // the page came back without that form: say so, stop
        looked = true;
        settled().then(() => {
          const late = document.getElementById(id);
          if (!late || late === form) { watch.disconnect(); say(T("changed"), "warn"); }
        });
      }
      return;
    }
    watch.disconnect();
    settled().then(() => {   // the page's own data (e.g. the booking it prefills from) came first
      if (!fresh.isConnected) return;
      putBack(fresh, values);
      const changes = changesBetween(before, watched(view));
      const box = document.createElement("div");
      box.className = "conflict";
      box.setAttribute("role", "alert");
      box.innerHTML = "<b>" + T("conflict_h") + "</b><ul>" + (changes.length ? changes : [T("conflict_none")]).map((c) => "<li>" + esc(c) + "</li>").join("") +
        '</ul><button type="button" class="small go">' + T("conflict_save") + "</button>";
      fresh.prepend(box);
      box.querySelector("button").addEventListener("click", () => fresh.requestSubmit());
      say(T("conflict_kept"), "warn");
    });
  });
  watch.observe(view, { childList: true, subtree: true });
  window.addEventListener("hashchange", () => watch.disconnect(), { once: true });
  rerender();
}
