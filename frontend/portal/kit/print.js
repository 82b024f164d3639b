/* Print documents (order, check-in sheet, invoice, report): fetched with the token and written
   into a window of their own; they carry no script (CSP), so their print button is wired here. */
import { authHeader } from "./api.js";
import { lang } from "./i18n.js";

export function printDoc(id, doc) {
  const w = window.open("", "_blank");
  fetch("/api/staff/orders/" + id + "/print?doc=" + doc + "&lang=" + lang(), { headers: { ...authHeader(), "Accept-Language": lang() } })
    .then((resp) => resp.text()).then((html) => {
      w.document.open(); w.document.write(html); w.document.close();
      const button = w.document.getElementById("print-now");
      if (button) button.addEventListener("click", () => w.print());
    });
}
