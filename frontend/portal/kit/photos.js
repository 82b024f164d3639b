/* Photo uploads: each file goes straight to the files bucket with a presigned URL; the keys
   collected in into are what the API takes as photo_keys. A file that cannot be sent (no
   network, the bucket says no) is handed back, so the page can say so and offer to send it
   again; one the API refuses (type, size: 400, 413, 422) is only counted, sending it again would not help
   (issue 12: never "still uploading" for ever). */
import { call } from "./api.js";
import { T } from "./i18n.js";
import { say } from "./banner.js";

// the photo control's look, loaded with the pages that take photos (not on the portal's first load)
if (!document.querySelector('link[href="/portal/kit/photos.css"]')) {
  document.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href: "/portal/kit/photos.css" }));
}

function one(file) {
  return call("POST", "/api/staff/uploads", { content_type: file.type, size: file.size }).then((r) => {
    if (r.status !== 200) throw new Error([400, 413, 422].includes(r.status) ? "refused" : "upload " + r.status);
    return fetch(r.body.url, { method: "PUT", headers: r.body.headers, body: file }).then((up) => {
      if (!up.ok) throw new Error("upload " + up.status);
      return r.body.key;
    });
  });
}

/** Uploads files; onDone() after each one sent (its key pushed to into). Resolves to
    {failed: [files to send again], refused: how many the API refused}; says so in the banner. */
export function uploadPhotos(files, into, onDone) {
  const list = Array.from(files), failed = [];
  let left = list.length, refused = 0;
  say(T("uploading", { n: left }));
  return Promise.all(list.map((file) => one(file).then((key) => {
    into.push(key); left -= 1;
    if (left) say(T("uploading", { n: left }));
    onDone();
  }, (e) => { left -= 1; if (e.message === "refused") refused += 1; else failed.push(file); }))).then(() => {
    const text = photoTrouble(failed.length, refused);
    say(text || T("saved"), text ? "bad" : "ok");
    return { failed, refused };
  });
}

/** What went wrong with the photos, in words ("" when nothing did). */
export function photoTrouble(failed, refused) {
  return [refused ? T("photo_refused", { n: refused }) : "", failed ? T("photo_failed", { n: failed }) : ""].filter(Boolean).join(" ");
}
