/* The car damage diagram (外观检查): the car seen from above, one zone per body panel, the front
   marked at the top and the rear at the bottom. Every zone is a keyboard-reachable toggle button
   (role=button, aria-pressed) named and labelled in text, so a tablet without hover works too. */
import { T } from "./i18n.js";

// zone, x, y, width, height in the 520 x 380 drawing (front at the top)
export const ZONES = [
  ["front_bumper", 200, 10, 120, 30], ["hood", 190, 45, 140, 70], ["windshield", 195, 120, 130, 30],
  ["roof", 195, 155, 130, 90], ["rear_window", 195, 250, 130, 25], ["trunk", 190, 280, 140, 55],
  ["rear_bumper", 200, 340, 120, 30],
  ["left_front_fender", 140, 45, 45, 75], ["left_front_door", 140, 125, 45, 80],
  ["left_rear_door", 140, 210, 45, 70], ["left_rear_fender", 140, 285, 45, 60],
  ["right_front_fender", 335, 45, 45, 75], ["right_front_door", 335, 125, 45, 80],
  ["right_rear_door", 335, 210, 45, 70], ["right_rear_fender", 335, 285, 45, 60],
  ["left_mirror", 105, 120, 30, 20], ["right_mirror", 385, 120, 30, 20], ["wheels", 20, 160, 70, 70],
];

/** The zone's name in the page's language. */
export function zoneName(zone) { return T("zone_" + zone); }

function label(z, x, y, w, h) {
  const tall = h > w * 1.3;   // the side panels: the text runs down the panel
  return '<text x="' + (x + w / 2) + '" y="' + (y + h / 2) + '"' + (tall ? ' class="v" writing-mode="tb"' : ' dominant-baseline="central"') +
    ' text-anchor="middle" aria-hidden="true">' + T("zs_" + z) + "</text>";
}

/** The zone's accessible name: its full name, led by the short text drawn on it when that is
    not part of the name (左镜 · 左后视镜), so a voice user can say what they see. */
function spoken(z) {
  const name = zoneName(z), shown = T("zs_" + z);
  return name.toLowerCase().includes(shown.toLowerCase()) ? name : shown + " · " + name;
}

/** The diagram; every zone is a .zone toggle (data-zone, aria-pressed). */
export function carSvg() {
  return '<svg class="car" viewBox="0 0 520 380" role="group" aria-label="' + T("car_diagram") + '">' +
    '<text class="end" x="70" y="28" text-anchor="middle">▲ ' + T("car_front") + "</text>" +
    '<text class="end" x="70" y="362" text-anchor="middle">▼ ' + T("car_rear") + "</text>" +
    ZONES.map(([z, x, y, w, h]) =>
      '<g class="zone" data-zone="' + z + '" role="button" tabindex="0" aria-pressed="false" aria-label="' + spoken(z) + '">' +
      '<rect x="' + x + '" y="' + y + '" width="' + w + '" height="' + h + '" rx="8"></rect>' + label(z, x, y, w, h) + "</g>").join("") + "</svg>";
}

/** Wires the zones of the diagram in root: a click, Enter or Space calls toggle(zone). */
export function onZone(root, toggle) {
  root.querySelectorAll(".zone").forEach((z) => {
    z.addEventListener("click", () => toggle(z.dataset.zone));
    z.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); toggle(z.dataset.zone); }
    });
  });
}

/** Shows which zones hold a mark (marks: [{zone}]). */
export function showMarked(root, marks) {
  root.querySelectorAll(".zone").forEach((z) => {
    const on = marks.some((m) => m.zone === z.dataset.zone);
    z.classList.toggle("marked", on);
    z.setAttribute("aria-pressed", on ? "true" : "false");
  });
}
