/* Type-ahead on the price book (价格本): a labelled combobox over operations and parts by code,
   Chinese name or pinyin initials (jylq -> 机油滤清器). Arrow keys move, Enter picks, Escape
   closes; pick(hit) gets {kind: "op"|"part", code, name, hours | unit_price, unit}. */
import { call } from "./api.js";
import { esc } from "./dom.js";
import { T, lang } from "./i18n.js";
import { uid } from "./forms.js";

/** The field's HTML (put it in a form, then wire it with bookSearch()). */
export function bookSearchField() {
  const id = uid("book");
  return '<div class="field ta"><label for="' + id + '">' + T("pb_find") + '</label><input id="' + id + '" name="book" role="combobox" autocomplete="off" aria-autocomplete="list" aria-expanded="false" aria-controls="' + id + '-list" placeholder="' + T("pb_find_hint") + '">' +
    '<ul class="ta-list" role="listbox" id="' + id + '-list" hidden></ul></div>';
}

function label(h) {
  const name = lang() === "en" && h.name_en ? h.name_en : h.name;
  return esc(h.code) + " · " + esc(name) + " · " + (h.kind === "op" ? T("pb_h", { n: esc(h.hours) }) : "¥" + esc(h.unit_price) + "/" + esc(h.unit));
}

/** Wires the field in form: pick(hit) is called with the chosen entry. */
export function bookSearch(form, pick) {
  const box = form.querySelector('input[name="book"]');
  const list = form.querySelector(".ta-list");
  let hits = [], active = -1, asked = 0, timer = 0;
  function show() {
    list.innerHTML = hits.map((h, i) => '<li role="option" id="' + box.id + "-o" + i + '" aria-selected="' + (i === active) + '" data-i="' + i + '">' + label(h) + "</li>").join("");
    list.hidden = !hits.length;
    box.setAttribute("aria-expanded", String(!!hits.length));
    if (active >= 0) box.setAttribute("aria-activedescendant", box.id + "-o" + active); else box.removeAttribute("aria-activedescendant");
  }
  function choose(i) {
    const h = hits[i];
    if (!h) return;
    hits = []; active = -1; show();
    box.value = h.code + " " + h.name;
    pick(h);
  }
  box.addEventListener("input", () => {
    clearTimeout(timer);
    const q = box.value.trim();
    if (!q) { hits = []; show(); return; }
    timer = setTimeout(() => {
      const mine = ++asked;
      call("GET", "/api/staff/pricebook/search?q=" + encodeURIComponent(q)).then((r) => {
        if (mine !== asked) return;
        hits = r.status === 200 ? r.body.results : []; active = hits.length ? 0 : -1; show();
      });
    }, 150);
  });
  box.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" && hits.length) { ev.preventDefault(); active = (active + 1) % hits.length; show(); }
    else if (ev.key === "ArrowUp" && hits.length) { ev.preventDefault(); active = (active - 1 + hits.length) % hits.length; show(); }
    else if (ev.key === "Enter" && hits.length) { ev.preventDefault(); choose(active < 0 ? 0 : active); }
    else if (ev.key === "Escape") { hits = []; show(); }
  });
  list.addEventListener("mousedown", (ev) => {
    const li = ev.target.closest("li");
    if (li) { ev.preventDefault(); choose(Number(li.dataset.i)); }
  });
  box.addEventListener("blur", () => { setTimeout(() => { hits = []; show(); }, 100); });
}
