/* The API client: JSON in and out, the staff member's token, the page's language
   (Accept-Language), the API.md error shape, and a 401 that sends the user to sign in. */
import { lang, T } from "./i18n.js";
import { current, keep } from "./session.js";
import { say } from "./banner.js";

let shown = 0;   // counts page changes: a page's data arriving after the user moved on is dropped
/** The router calls this on every page change. */
export function pageChanged() { shown += 1; }

async function fetchJson(method, path, body, headers) {
  const opts = { method, headers: { Accept: "application/json", "Accept-Language": lang(), ...(headers || {}) } };
  if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const resp = await fetch(path, opts);
  const text = await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  return { status: resp.status, body: data, error: (data && data.error) || null };
}

/** A public call (no token): {status, body, error}; rejects only when the network fails. */
export function publicCall(method, path, body) { return fetchJson(method, path, body); }

function toSignIn() { keep(null); location.hash = "#/login"; }

async function send(method, path, body, retried) {
  const session = current();
  const headers = session ? { Authorization: "Bearer " + session.id_token } : {};
  let r;
  try { r = await fetchJson(method, path, body, headers); } catch (e) { say(T("network"), "bad"); throw new Error("network"); }
  if (r.status === 401 && session && session.refresh_token && !retried) {
    const rr = await fetchJson("POST", "/api/auth/refresh", { refresh_token: session.refresh_token });
    if (rr.status !== 200) { toSignIn(); return r; }
    keep({ ...session, id_token: rr.body.id_token });
    return send(method, path, body, true);
  }
  if (r.status === 401) toSignIn();
  return r;
}

/** A staff call: resolves {status, body, error} (error = the API's {code, message, fields}).
    A GET answered after the user moved to another page never resolves. */
export async function call(method, path, body) {
  const asked = shown;
  busy += 1;
  let r;
  try { r = await send(method, path, body, false); } finally { busy -= 1; if (!busy) setTimeout(flush, 0); }
  if (method === "GET" && asked !== shown) return new Promise(() => {});
  return r;
}

let busy = 0, waiting = [];   // staff calls in flight; who waits for none to be
function flush() { if (busy) return; const w = waiting; waiting = []; w.forEach((f) => f()); }
/** Resolves once no staff call is in flight (and what their answers started has run). */
export function settled() { return new Promise((resolve) => { waiting.push(resolve); if (!busy) setTimeout(flush, 0); }); }

/** The bearer header, for the rare fetch that is not JSON (print documents). */
export function authHeader() { const s = current(); return s ? { Authorization: "Bearer " + s.id_token } : {}; }

/** forms.js's problem(r, form), loaded only when an answer is refused: pages that show no form
 * on arrival (board, workshop) keep the forms kit off their first load. */
export function problem(r, form) {
  return import("./forms.js").then((m) => m.problem(r, form));
}
