/* The manager's pricebook page (issue 13): built in its own branch. */
import { T } from "../kit/i18n.js";

export default function show(view) {
  view.innerHTML = '<section class="card"><h2>' + T("nav_pricebook") + "</h2></section>";
}
