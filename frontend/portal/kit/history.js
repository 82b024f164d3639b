/* A record's change history (audit entries), as the API lists them. */
import { esc } from "./dom.js";
import { T } from "./i18n.js";
import { local } from "./time.js";

export function auditList(entries) {
  if (!entries) return "";
  return "<h3>" + T("history") + '</h3><ul class="audit">' + entries.map((e) =>
    "<li>" + local(e.at) + " · " + esc(e.actor) + " · " + esc(e.action) + " · " + Object.keys(e.changes).map((k) =>
      esc(k) + ": " + esc(JSON.stringify(e.changes[k].before)) + " → " + esc(JSON.stringify(e.changes[k].after))).join("; ") + "</li>").join("") + "</ul>";
}
