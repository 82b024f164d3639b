/* The technician's clock on a job (开工 / 暂停 / 继续 / 完工): buttons and the pause reason. */
import { T } from "./i18n.js";
import { esc } from "./dom.js";
import { who } from "./people.js";

/** The buttons for a job in state c.job (waiting, running, paused). */
export function clockButtons(c) {
  const b = [];
  if (c.job === "waiting") b.push('<button class="go" data-clock="start">' + T("start") + "</button>");
  if (c.job === "running") b.push('<button data-clock="pause">' + T("pause") + '</button><button class="go" data-clock="finish">' + T("finish") + "</button>");
  if (c.job === "paused") b.push('<button class="go" data-clock="resume">' + T("resume") + '</button><button data-clock="finish">' + T("finish") + "</button>");
  return b.join("");
}
/** Asks why the job pauses (parts, approval or other with a note) into body; false when cancelled. */
export function askPause(body) {
  const reasons = ["parts", "approval", "other"];
  const pick = window.prompt(T("pause_why") + "\n" + reasons.map((x, i) => (i + 1) + ". " + T("r_" + x)).join("\n"), "1");
  if (!pick) return false;
  body.reason = reasons[Number(pick) - 1] || "other";
  if (body.reason === "other") body.note = window.prompt(T("pause_why")) || "";
  return true;
}
/** The clocked hours per technician of order o, by display name: "王师傅 1.5h, 钱师傅 0.5h". */
export function workedBy(o) {
  const m = o.job.worked_minutes;
  return Object.keys(m).map((k) => esc(who(o, k)) + " " + hm(m[k])).join(", ");
}
/** Hours from minutes, e.g. "1.5h". */
export function hm(minutes) { return (minutes / 60).toFixed(1) + "h"; }
