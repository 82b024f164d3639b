"""An accessibility check of the page as shown, in the browser (the rules of Lighthouse's
accessibility audit that the portal's own code decides): every control has a tied label (a radio
also a named group), every
button and link a name (holding the words it shows), ids are unique, ARIA states only where the role allows them, headings
do not skip a level, and text contrasts with its background (WCAG AA: 4.5:1, 3:1 when large).
``page.evaluate(PROBLEMS)`` lists what is wrong as short strings; [] when nothing is."""

PROBLEMS = r"""() => {
  const out = [];
  const seen = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  const named = (e) => (e.getAttribute("aria-label") || "").trim() || e.getAttribute("aria-labelledby") ||
    (e.textContent || "").trim() || (e.getAttribute("title") || "").trim() ||
    [...e.querySelectorAll("img[alt]")].some((i) => i.alt.trim());
  const where = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.getAttribute("name") ? "[name=" + e.getAttribute("name") + "]" : "") +
    (e.dataset.zone ? "[zone=" + e.dataset.zone + "]" : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
  for (const e of document.querySelectorAll("input, select, textarea")) {
    if (e.type === "hidden" || !seen(e)) continue;
    if (!e.labels.length && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby")) out.push("unlabelled " + where(e));
  }
  for (const e of document.querySelectorAll("input[type=radio]")) {   // a radio says what it answers
    const group = e.closest("fieldset, [role=radiogroup]");
    if (seen(e) && !(group && (group.querySelector("legend") || group.getAttribute("aria-label") || group.getAttribute("aria-labelledby") ||
        (group.closest("fieldset") && group.closest("fieldset").querySelector("legend"))))) out.push("radio without a named group " + where(e));
  }
  for (const e of document.querySelectorAll("button, [role=button], a[href]")) {
    if (seen(e) && !named(e)) out.push("no name " + where(e));
  }
  for (const e of document.querySelectorAll("[role=button][aria-label], button[aria-label]")) {   // the words seen are in the name
    const shown = (e.textContent || "").replace(/\s+/g, " ").trim().toLowerCase();
    if (seen(e) && /[\p{L}\p{N}]/u.test(shown) && !e.getAttribute("aria-label").toLowerCase().includes(shown)) out.push("name lacks the visible text " + where(e));
  }
  const ids = {};
  for (const e of document.querySelectorAll("[id]")) ids[e.id] = (ids[e.id] || 0) + 1;
  for (const [id, n] of Object.entries(ids)) if (n > 1) out.push("duplicate id " + id);
  const REQUIRABLE = ["input", "select", "textarea"];
  const REQ_ROLES = ["radiogroup", "combobox", "textbox", "listbox", "spinbutton", "checkbox", "gridcell", "tree", "treegrid", "grid"];
  for (const e of document.querySelectorAll("[aria-required]")) {
    if (!REQUIRABLE.includes(e.tagName.toLowerCase()) && !REQ_ROLES.includes(e.getAttribute("role"))) out.push("aria-required not allowed on " + where(e));
  }
  for (const e of document.querySelectorAll("[aria-pressed]")) {
    if (e.tagName !== "BUTTON" && e.getAttribute("role") !== "button") out.push("aria-pressed not allowed on " + where(e));
  }
  let level = 0;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    if (!seen(h)) continue;
    const l = Number(h.tagName[1]);
    if (level && l > level + 1) out.push("heading skips a level: " + h.tagName + " " + h.textContent.trim().slice(0, 20));
    level = l;
  }
  const rgb = (c) => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const back = (e) => {
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.a > 0) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  for (const e of document.querySelectorAll("body *")) {
    if (!seen(e) || e.closest("svg") || ["SCRIPT", "STYLE", "OPTION"].includes(e.tagName)) continue;
    if (![...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const s = getComputedStyle(e);
    if (e.disabled || e.closest("[disabled]")) continue;
    const fg = rgb(s.color), bg = back(e);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05), size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) out.push("contrast " + ratio.toFixed(2) + " " + where(e));
  }
  return [...new Set(out)];
}"""
