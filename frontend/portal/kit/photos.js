/* Photo uploads: each file goes straight to the files bucket with a presigned URL; the keys
   collected in into are what the API takes as photo_keys. */
import { call } from "./api.js";
import { T } from "./i18n.js";
import { say } from "./banner.js";
import { problem } from "./forms.js";

export function uploadPhotos(files, into, onDone) {
  const list = Array.from(files);
  let left = list.length;
  for (const file of list) {
    say(T("uploading", { n: left }));
    call("POST", "/api/staff/uploads", { content_type: file.type, size: file.size }).then((r) => {
      if (r.status !== 200) { problem(r); return; }
      return fetch(r.body.url, { method: "PUT", headers: r.body.headers, body: file }).then((up) => {
        if (!up.ok) throw new Error("upload " + up.status);
        into.push(r.body.key); left -= 1;
        say(left ? T("uploading", { n: left }) : T("saved"), left ? "" : "ok");
        onDone();
      });
    }).catch(() => say(T("network"), "bad"));
  }
}
