/* Modal dialogs: the native <dialog> (focus kept inside, Esc closes, the page behind inert). */
import { uid } from "./forms.js";
import { say } from "./banner.js";

/** A red banner left by a dialog's refused answer speaks of fields no longer shown: cleared. */
function clearBad() {
  const banner = document.getElementById("banner");
  if (banner && banner.classList.contains("bad")) say("");
}

/** Opens a modal dialog titled title around body (HTML); resolves nothing, returns the
    <dialog> element (query its controls; close() removes it). */
export function openDialog(title, body, opts = {}) {
  const dlg = document.createElement("dialog");
  const id = uid("dlg");
  dlg.setAttribute("aria-labelledby", id);
  if (opts.id) dlg.id = opts.id;
  dlg.innerHTML = '<h3 id="' + id + '">' + title + "</h3>" + body;
  document.body.appendChild(dlg);
  clearBad();   // a stale error from before does not belong to this dialog
  dlg.addEventListener("close", () => { dlg.remove(); clearBad(); });
  // close() removes it at once (its "close" event comes a task later): a dialog opened next,
  // e.g. the new account's password, is then the only one on the page
  const close = dlg.close.bind(dlg);
  dlg.close = (value) => { close(value); dlg.remove(); };
  dlg.showModal();
  return dlg;
}
