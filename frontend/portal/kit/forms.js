/* Forms: labelled fields (label tied to its control, required fields marked), and the API's
   errors shown AT their field.

   The API names a bad field by its path in the request body (API.md: error.fields), e.g.
   "customer.name", "lines.0.unit_price", "old_parts". showErrors() puts each message under the
   form control whose name or data-field equals that path (or a [data-err="path"] slot), marks
   it aria-invalid and ties the message to it with aria-describedby. One control may answer for
   several paths: data-field="quantity hours". Only messages that match no
   control go to the banner. */
import { esc } from "./dom.js";
import { T } from "./i18n.js";
import { say } from "./banner.js";
import { rerender } from "./nav.js";

let seq = 0;
/** A unique element id for a control named name. */
export function uid(name) { seq += 1; return "f" + seq + "-" + String(name).replace(/[^A-Za-z0-9_-]/g, "-"); }

function req(opts) { return opts && opts.required ? ' <span class="req" aria-hidden="true">*</span>' : ""; }
function reqAttrs(opts) { return opts && opts.required ? ' required aria-required="true"' : ""; }

/** A field around any control: the control's id is id (its label's for). */
export function field(name, label, control, id, opts) {
  return '<div class="field" data-for="' + esc(name) + '"><label for="' + id + '">' + label + req(opts) + "</label>" +
    control + '<div class="err" id="' + id + '-err"></div></div>';
}
/** A labelled input. opts: {type, required, value, attrs (raw HTML attributes)}. */
export function input(name, label, opts = {}) {
  const id = opts.id || uid(name);
  return field(name, label, '<input id="' + id + '" name="' + esc(name) + '" type="' + (opts.type || "text") + '"' +
    (opts.value !== undefined ? ' value="' + esc(opts.value) + '"' : "") + reqAttrs(opts) + (opts.attrs ? " " + opts.attrs : "") + ">", id, opts);
}
/** A labelled textarea. */
export function textarea(name, label, opts = {}) {
  const id = opts.id || uid(name);
  return field(name, label, '<textarea id="' + id + '" name="' + esc(name) + '"' + reqAttrs(opts) + (opts.attrs ? " " + opts.attrs : "") + "></textarea>", id, opts);
}
/** A labelled select; options are [value, text] pairs (text already translated). */
export function select(name, label, options, opts = {}) {
  const id = opts.id || uid(name);
  return field(name, label, '<select id="' + id + '" name="' + esc(name) + '"' + reqAttrs(opts) + (opts.attrs ? " " + opts.attrs : "") + ">" +
    options.map(([v, text]) => '<option value="' + esc(v) + '"' + (v === opts.value ? " selected" : "") + ">" + text + "</option>").join("") +
    "</select>", id, opts);
}
/** A group of radio buttons with its legend; choices are [value, text] pairs. */
export function radios(name, label, choices, opts = {}) {
  // aria-required on the radiogroup: a fieldset's role does not take it
  return '<fieldset class="field choices-field" data-field="' + esc(name) + '"><legend>' + label + req(opts) + "</legend>" +
    '<div class="choices" role="radiogroup"' + (opts.required ? ' aria-required="true"' : "") + ">" + choices.map(([v, text], i) =>
      '<label><input type="radio" name="' + esc(name) + '" value="' + esc(v) + '"' + (v === opts.checked ? " checked" : "") +
      (opts.required && i === 0 ? " required" : "") + "> " + text + "</label>").join("") +
    '</div><div class="err" id="' + uid(name) + '-err"></div></fieldset>';
}
/** A checkbox with its label. */
export function checkbox(name, label, opts = {}) {
  return '<label class="check"><input type="checkbox" name="' + esc(name) + '"' + (opts.checked ? " checked" : "") +
    (opts.attrs ? " " + opts.attrs : "") + "> " + label + "</label>";
}
/** The checked radio's value in form, "" when none. */
export function radioValue(form, name) {
  const el = form.querySelector('input[name="' + name + '"]:checked');
  return el ? el.value : "";
}

/** Removes every error message and mark from form. */
export function clearErrors(form) {
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  form.querySelectorAll(".err").forEach((el) => { el.textContent = ""; });
}

function control(form, path) {
  return form.querySelector('[name="' + CSS.escape(path) + '"], [data-field~="' + CSS.escape(path) + '"]');
}
function slotFor(form, el) {
  const box = el.closest(".field") || el.parentElement;
  let slot = box.querySelector(".err");
  if (!slot) { slot = document.createElement("div"); slot.className = "err"; el.after(slot); }
  if (!slot.id) slot.id = uid("err");
  return slot;
}
function mark(el, slot) {
  el.setAttribute("aria-invalid", "true");
  const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!ids.includes(slot.id)) el.setAttribute("aria-describedby", ids.concat(slot.id).join(" "));
}

/** Shows fields ({path: message}) at their controls in form; returns the messages of the paths
    that match no control (for the banner). The first bad control gets the focus. */
export function showErrors(form, fields) {
  clearErrors(form);
  const unmatched = [];
  let first = null;
  for (const path of Object.keys(fields || {})) {
    const message = fields[path];
    let el = control(form, path);
    let slot = form.querySelector('[data-err="' + CSS.escape(path) + '"]');
    if (!el && slot) el = (slot.closest(".field") || form).querySelector("input, select, textarea, canvas, button, [data-field]");
    if (!el && !slot) {   // "lines.0.unit_price": the nearest enclosing path that names a control
      const bits = path.split(".");
      while (!el && bits.length > 1) { bits.pop(); el = control(form, bits.join(".")); }
    }
    if (!el && !slot) { unmatched.push(message); continue; }
    if (!slot) slot = slotFor(form, el);
    if (!slot.id) slot.id = uid("err");
    slot.textContent = slot.textContent ? slot.textContent + " " + message : message;
    if (el) { mark(el, slot); first = first || el; }
  }
  if (first) {
    const target = first.matches("fieldset, [data-field]:not(input, select, textarea)") ? first.querySelector("input, select, textarea, button") || first : first;
    if (target.focus) target.focus();
  }
  return unmatched;
}

/** Shows what went wrong with an API answer r: the field errors at their fields in form, the
    rest in the banner. A record changed by someone else (409 *_changed) is shown again: with a
    form that has an id (outside a dialog), the user's input is kept (keeper.js, loaded then); a
    dialog's form is closed first. */
export function problem(r, form) {
  const err = r.error || {};
  if (form) clearErrors(form);   // the last attempt's errors go, whatever this answer says
  if (r.status === 403) return say(T("forbidden"), "bad");
  if (r.status === 409 && /_changed$/.test(err.code || "")) {
    const dlg = form && form.closest("dialog");
    if (form && form.id && !dlg) { import("./keeper.js").then((m) => m.keepThrough(form)); return; }
    if (dlg) dlg.close();
    say(T("changed"), "warn"); rerender(); return;
  }
  if (form && err.fields) {
    const rest = showErrors(form, err.fields);
    return say([T("fix")].concat(rest).join(" "), "bad");
  }
  say(err.message || T("server"), "bad");
}
