/* The car damage diagram (外观检查): the car seen from above, one zone per body panel. */
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

/** The diagram; every zone is a .zone element with data-zone. */
export function carSvg() {
  return '<svg class="car" viewBox="0 0 520 380" role="group" aria-label="car">' + ZONES.map(([z, x, y, w, h]) =>
    '<rect class="zone" data-zone="' + z + '" x="' + x + '" y="' + y + '" width="' + w + '" height="' + h + '" rx="8"><title>' + zoneName(z) + "</title></rect>").join("") + "</svg>";
}
