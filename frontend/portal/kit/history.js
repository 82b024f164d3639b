/* A record's change history (audit entries, the order's timeline) as sentences a person reads:
   "张顾问 添加了项目「更换机油」1 × ¥300.00", "王师傅 开工". The one place that turns an entry into
   words; the sentences are the hist_* strings. Names are the display names the server kept with
   each entry (entry.names: username -> 张顾问). */
import { esc } from "./dom.js";
import { T } from "./i18n.js";
import { local } from "./time.js";

/** The display name of a username the entry names (the login name only for entries written
    before names were kept). */
function person(e, username) {
  if (username === "customer") return T("hist_customer");
  if (username === "system") return T("hist_system");
  return (e.names && e.names[username]) || username || "";
}

/** The lines an entry touched: [{before, after}] (a line as the server wrote it: its fields,
    or one text in entries written before). */
function lineChanges(e) {
  const changes = e.changes || {};
  return Object.keys(changes).filter((k) => k.startsWith("lines.")).map((k) => changes[k]);
}

function item(line) {
  if (!line) return T("hist_an_item");
  if (typeof line === "string") return T("hist_item_text", { text: line });
  return T("hist_item", { name: line.description, qty: line.quantity, price: line.unit_price });
}

function itemName(line) {
  if (!line) return T("hist_an_item");
  return T("hist_item_name", { name: typeof line === "string" ? line : line.description });
}

const status = (line) => (line && typeof line === "object" ? line.status : "");

/** What the change was about, for the sentence's {what}: the items added, changed, decided... */
function what(e) {
  const lines = lineChanges(e), join = (list) => list.join(T("hist_and"));
  switch (e.action) {
    case "opened": case "line_added":
      return join(lines.filter((c) => !c.before && c.after).map((c) => item(c.after))) || item(null);
    case "line_changed": return join(lines.filter((c) => c.after).map((c) => item(c.after))) || item(null);
    case "line_removed": return join(lines.filter((c) => c.before && !c.after).map((c) => itemName(c.before)));
    case "line_started": return join(lines.filter((c) => status(c.after) === "in_work" && status(c.before) !== "in_work").map((c) => itemName(c.after)));
    case "dispatched": case "handed_over": {
      const tech = e.changes && e.changes.technician;
      if (tech) return person(e, tech.after);
      // the timeline carries no changes: the one named beside the actor is the technician
      return Object.keys(e.names || {}).filter((u) => u !== e.actor).map((u) => e.names[u]).join(T("hist_and"));
    }
    case "promise_set": {
      const p = e.changes && e.changes.promised_at;
      return p && p.after ? local(p.after, true) : "";
    }
    case "settled": {
      const a = e.changes && e.changes.amount_due;
      return a && a.after ? a.after : "";
    }
    default: {
      if (!e.action || !e.action.startsWith("decided_")) return "";
      const said = (s) => lines.filter((c) => status(c.after) === s && status(c.before) !== s).map((c) => itemName(c.after));
      const yes = said("approved"), no = said("declined");
      const answer = [yes.length ? T("hist_yes", { items: join(yes) }) : "", no.length ? T("hist_no", { items: join(no) }) : ""]
        .filter(Boolean).join(T("hist_then"));
      return answer ? T("hist_answer", { a: answer }) : "";
    }
  }
}

/** One entry as a sentence (plain text: escape it when placing it in HTML). */
export function sentence(e) {
  const vars = { who: person(e, e.actor), what: what(e) };
  // a settlement without its amount (the job view): no "¥" left hanging
  const key = "hist_" + e.action + (e.action === "settled" && !vars.what ? "_plain" : "");
  const text = T(key, vars);
  return text === key ? T("hist_other", vars) : text;
}

export function auditList(entries) {
  if (!entries) return "";
  return "<h3>" + T("history") + '</h3><ul class="audit">' + entries.map((e) =>
    '<li><span class="muted">' + local(e.at) + "</span> " + esc(sentence(e)) + "</li>").join("") + "</ul>";
}

/** The order's timeline (every role sees it): the same sentences, oldest first. */
export function timelineList(entries) {
  return '<ol class="timeline">' + entries.map((e) =>
    '<li><span class="muted">' + local(e.at) + "</span> " + esc(sentence(e)) + "</li>").join("") + "</ol>";
}
