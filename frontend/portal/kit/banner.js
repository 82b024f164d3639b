/* The page's one status line (#banner, aria-live): what happened, or what went wrong. */
export function say(text, kind) {
  const banner = document.getElementById("banner");
  banner.textContent = text || "";
  banner.className = "banner" + (kind ? " " + kind : "");
}
