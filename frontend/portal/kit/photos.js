/* Photo uploads: each file goes straight to the files bucket with a presigned URL; the keys
   collected in into are what the API takes as photo_keys. A file that cannot be sent (no
   network, the API or the bucket says no) is counted and handed back, so the page can say so
   and offer to send it again (issue 12: never "still uploading" for ever). */
import { call } from "./api.js";
import { T } from "./i18n.js";
import { say } from "./banner.js";

function one(file) {
  return call("POST", "/api/staff/uploads", { content_type: file.type, size: file.size }).then((r) => {
    if (r.status !== 200) throw new Error("upload " + r.status);
    return fetch(r.body.url, { method: "PUT", headers: r.body.headers, body: file }).then((up) => {
      if (!up.ok) throw new Error("upload " + up.status);
      return r.body.key;
    });
  });
}

/** Uploads files; onDone() after each one sent (its key pushed to into). Resolves to the files
    that failed (empty when all were sent); says in the banner how many failed. */
export function uploadPhotos(files, into, onDone) {
  const list = Array.from(files), failed = [];
  let left = list.length;
  say(T("uploading", { n: left }));
  return Promise.all(list.map((file) => one(file).then((key) => {
    into.push(key); left -= 1;
    if (left) say(T("uploading", { n: left }));
    onDone();
  }, () => { left -= 1; failed.push(file); }))).then(() => {
    if (failed.length) say(T("photo_failed", { n: failed.length }), "bad");
    else if (list.length) say(T("saved"), "ok");
    return failed;
  });
}
