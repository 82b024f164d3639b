/* Small HTML helpers: escaping and tables. Pages build HTML as strings; every value from the
   API goes through esc(). */
export function esc(v) {
  return String(v === null || v === undefined ? "" : v).replace(/[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}
/** A list table that always names its columns: heads are texts (already translated), rows are
    HTML strings of <tr>…</tr>. attrs: extra attributes for <table> (e.g. 'id="lines"'). */
export function table(heads, rows, attrs) {
  return '<table class="list"' + (attrs ? " " + attrs : "") + '><thead><tr>' +
    heads.map((h) => '<th scope="col">' + h + "</th>").join("") + "</tr></thead><tbody>" + rows.join("") + "</tbody></table>";
}
/** A pill with the status's class and its text. */
export function pill(cls, text) { return '<span class="pill ' + esc(cls) + '">' + text + "</span>"; }
/** A customer's mobile as shown (masked) and, when the server sent the whole number (only to
    the roles that phone customers), a call link carrying it; label names the call for screen readers. */
export function telLink(shown, full, label) {
  return full ? '<a class="tel" href="tel:' + esc(full) + '" aria-label="' + esc(label + " " + phoneText(shown)) + '">' + esc(phoneText(shown)) + "</a>" : esc(phoneText(shown));
}
/** A mainland mobile as a person writes it: +8613800138011 -> 138 0013 8011 (others as given). */
export function phoneText(p) {
  const m = /^(?:\+86)?(1\d\d)(\d{4})(\d{4})$/.exec(p || "");
  return m ? m.slice(1).join(" ") : p || "";
}
