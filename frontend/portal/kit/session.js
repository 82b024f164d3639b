/* The signed-in staff member (kept in localStorage as the sign-in answered it). */
let session = null;
try { session = JSON.parse(localStorage.getItem("portal.session") || "null"); } catch (e) { session = null; }

export function current() { return session; }
export function keep(s) {
  session = s;
  if (s) localStorage.setItem("portal.session", JSON.stringify(s)); else localStorage.removeItem("portal.session");
}
/** The staff member ({username, name, roles, ...}); roles empty when nobody is signed in. */
export function me() { return (session && session.staff) || { roles: [] }; }
/** Whether the staff member holds one of these roles. */
export function has(roles) { return me().roles.some((r) => roles.includes(r)); }
/** Where each role starts its day. */
export function home(roles) {
  const first = { technician: "#/jobs", foreman: "#/workshop", inspector: "#/workshop", cashier: "#/orders",
    follow_up: "#/followups" };
  if (roles.includes("advisor") || roles.includes("manager")) return "#/board";
  for (const r of roles) if (first[r]) return first[r];
  return "#/board";
}
