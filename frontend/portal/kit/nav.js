/* The router's hooks for pages and the kit: show the current page again. */
let again = () => {};
/** app.js registers how to show the current page again. */
export function onRerender(fn) { again = fn; }
/** Shows the current page again (fresh data from the server). */
export function rerender() { again(); }
