/* Staff portal: the shell and the hash router (#/x/<arg> -> pages/<PAGES[x]>.js show(view, arg)). */
import { T, lang, setLang, loadStrings, loadArea } from "./kit/i18n.js";
import { current, keep } from "./kit/session.js";
import { pageChanged } from "./kit/api.js";
import { say } from "./kit/banner.js";
import { onRerender } from "./kit/nav.js";

const PAGES = { login: "login", board: "board", search: "search", vehicle: "vehicle", checkin: "reception",
  order: "order", orders: "orders", workshop: "workshop", jobs: "jobs", followups: "followups", complaints: "complaints",
  calls: "calls", settings: "settings", pricebook: "pricebook", accounts: "accounts",
  campaigns: "campaigns" };
const view = document.getElementById("view");
// a phone: the links behind #menu, folded on each route and by Escape
const bar = document.querySelector("header.bar"), menu = document.getElementById("menu");
const fold = (open) => { bar.classList.toggle("open", open); menu.setAttribute("aria-expanded", open); };
let leave = null, shown = 0;

// the header's title: the workbench of the person's first role in this order
const TITLES = ["manager", "advisor", "foreman", "inspector", "technician", "cashier", "follow_up"];

function shell() {
  const session = current();
  const role = TITLES.find((r) => session && session.staff.roles.includes(r));
  const titleKey = role ? "title_" + role : "title";
  document.querySelector("header h1 [data-t]").dataset.t = titleKey;
  document.title = T(titleKey) + " · " + T("title_site");
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = T(el.dataset.t); });
  const langButton = document.getElementById("lang");
  langButton.textContent = lang() === "en" ? "中文" : "EN";
  langButton.setAttribute("aria-label", lang() === "en" ? "中文 · 切换到中文" : "EN · Switch to English");
  const root = document.documentElement, roles = session ? session.staff.roles : [];
  for (const c of Array.from(root.classList)) if (c.startsWith("r-")) root.classList.remove(c);
  root.classList.toggle("signed-in", !!session);
  for (const r of roles) root.classList.add("r-" + r);
  document.getElementById("who").textContent = session ? session.staff.name + " · " + roles.map((r) => T("role_" + r)).join(", ") : T("title_site");
  document.querySelectorAll("#nav a").forEach((a) => {
    a.classList.toggle("on", location.hash.indexOf(a.getAttribute("href")) === 0);
    if (a.classList.contains("on")) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  });
}

async function route() {
  pageChanged();
  fold(false);
  const mine = ++shown;
  if (leave) { leave(); leave = null; }
  say("");
  const parts = location.hash.replace(/^#\/?/, "").split("?")[0].split("/");
  if (!current() && parts[0] !== "login") { location.hash = "#/login"; return; }
  shell();
  const page = await import(`./pages/${PAGES[parts[0]] || "board"}.js`);
  if (page.area) await loadArea(page.area);   // an area's own strings (the administration's)
  if (mine !== shown) return;   // the user moved on while the module loaded
  const left = page.default(view, parts[1]);
  if (typeof left === "function") leave = left;
}

document.getElementById("lang").addEventListener("click", async () => {
  await setLang(lang() === "en" ? "zh-CN" : "en");
  route();
});
menu.addEventListener("click", () => fold(menu.ariaExpanded !== "true"));
bar.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && menu.ariaExpanded === "true") { fold(false); menu.focus(); } });
document.getElementById("logout").addEventListener("click", () => { keep(null); location.hash = "#/login"; });
window.addEventListener("hashchange", route);
onRerender(route);
loadStrings().then(route);
