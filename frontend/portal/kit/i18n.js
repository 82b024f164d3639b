/* Language of the portal: zh-CN by default, English on request; only the current language's
   strings are loaded (strings/<lang>.js, and an area's own strings/<area>/<lang>.js with its
   pages). T(key, vars) reads them. */
let current = localStorage.getItem("lang") === "en" ? "en" : "zh-CN";
let table = {};
// areas whose own strings were loaded (strings/<area>/<lang>.js), merged into the table
const areas = new Set();

export function lang() { return current; }

/** Loads the current language's strings; the page shell calls it before the first render. */
export async function loadStrings() {
  const own = await Promise.all(Array.from(areas, (a) => import(`../strings/${a}/${current}.js`)));
  table = Object.assign({}, (await import(`../strings/${current}.js`)).default, ...own.map((m) => m.default));
  document.documentElement.lang = current;
}

/** Loads the strings of an area whose pages few people open (the manager's administration:
    "admin") with its pages, not at the portal's first load. */
export async function loadArea(area) {
  if (areas.has(area)) return;
  Object.assign(table, (await import(`../strings/${area}/${current}.js`)).default);
  areas.add(area);
}

/** Switches the language (kept for the next visit) and loads its strings. */
export async function setLang(next) {
  current = next === "en" ? "en" : "zh-CN";
  localStorage.setItem("lang", current);
  await loadStrings();
}

/** The text for key in the current language, {name} replaced by vars.name; the key itself
    when the string files lack it (a missing string is visible, not blank). */
export function T(key, vars) {
  let text = table[key] ?? key;
  if (vars) for (const k of Object.keys(vars)) text = text.split("{" + k + "}").join(vars[k]);
  return text;
}

/** The service's name in the current language (the catalogue carries both). */
export function serviceName(s) { return current === "en" ? s.name_en : s.name; }
