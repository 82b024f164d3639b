/* Times in the store's time zone (Asia/Shanghai, no daylight saving: +08:00). */
export const TZ = "Asia/Shanghai";
export const OFFSET = "+08:00";

function parts(iso) {
  const f = new Intl.DateTimeFormat("zh-CN", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hour12: false });
  const p = {};
  for (const x of f.formatToParts(new Date(iso))) p[x.type] = x.value;
  if (p.hour === "24") p.hour = "00";
  return p;
}
/** "2026-12-01 09:00" in store time ("09:00" with withDate false); "—" for no time. */
export function local(iso, withDate) {
  if (!iso) return "—";
  const p = parts(iso);
  return (withDate === false ? "" : p.year + "-" + p.month + "-" + p.day + " ") + p.hour + ":" + p.minute;
}
/** Today's date in store time, YYYY-MM-DD. */
export function today() { return local(new Date().toISOString()).slice(0, 10); }
/** The value of a datetime-local input ("2026-12-01T16:00") as an ISO time in store time; "" when empty. */
export function fromInput(value) { return value ? value + ":00" + OFFSET : ""; }
/** An ISO time as a datetime-local input's value, in store time. */
export function toInput(iso) { return iso ? local(iso).replace(" ", "T") : ""; }
/** A promised time on a card: "16:00" on the day of now (an ISO time, e.g. the board's
    generated_at; the browser's clock without it), "12-02 09:00" on another day; "—" for none. */
export function when(iso, nowIso) {
  if (!iso) return "—";
  const at = local(iso), day = nowIso ? local(nowIso).slice(0, 10) : today();
  return at.slice(0, 10) === day ? at.slice(11) : at.slice(5);
}
