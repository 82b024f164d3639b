"""One origin for everything, as CloudFront serves it in AWS:
static booking site at /, advisor portal at /portal/, the Chalice app at /api/ and /l/.
Every answer carries the security headers of chalicelib/headers.py, as CloudFront adds them.

Run with ``make run`` (``python -m infra.local.server``).
"""
from __future__ import annotations

import argparse
import json
import logging
import mimetypes
import signal
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from chalicelib.headers import api_headers

from .gateway import SITE_METHODS, error_body, make_gateway
from .keep import Keeper
from .stack import REGION, ROOT, STATE_DIR, bootstrap, configure, restore

FRONTEND = ROOT / "frontend"
APP_PREFIXES = ("/api/", "/l/")
log = logging.getLogger("local")


class Handler(BaseHTTPRequestHandler):
    server_version = "aftersales-local"
    protocol_version = "HTTP/1.1"
    gateway = None  # set by serve()
    page_headers: dict = {}   # set by serve(): the pages' policy names the files bucket
    # Chalice keeps the request on the app object (Lambda runs one request per
    # container), so the app handles one request at a time here too.
    app_lock = threading.Lock()

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    def do_OPTIONS(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def __getattr__(self, name: str):
        # unknown methods answer 405: any other do_X (TRACE, PROPFIND...) is the method refusal,
        # as the deployed edge answers methods CloudFront never forwards
        if name.startswith("do_"):
            return self._method_not_allowed
        raise AttributeError(name)

    def log_message(self, fmt, *args):  # quiet: one line per API call only
        path = getattr(self, "path", "")      # unset when the request line could not be read
        if path.startswith(APP_PREFIXES):
            log.info("%s %s", self.command, path.split("?")[0])

    def send_error(self, code, message=None, explain=None):
        """The HTTP server's own refusals (414 URI too long, 400 bad request line...) in the
        API.md error shape with the security headers, as every other answer."""
        reason = HTTPStatus(code).phrase        # 414: "Request-URI Too Long" -> request_uri_too_long
        body = json.dumps({"error": {"code": "_".join(reason.lower().split()).replace("-", "_"),
                                     "message": reason}}).encode()
        self.close_connection = True
        if not getattr(self, "command", None):
            self.command = "GET"    # so that _send writes the body
        self._send(code, {**api_headers(), "Content-Type": "application/json",
                          "Connection": "close"}, body)

    def _dispatch(self):
        path = urlsplit(self.path).path
        if path.startswith(APP_PREFIXES) or path in ("/api", "/l"):
            self._app()
        elif self.command in SITE_METHODS:
            self._static(path)
        else:
            self._method_not_allowed()

    def _method_not_allowed(self):
        """405 in the API.md error shape, with what the path takes (gateway.GATEWAY_RESPONSES)."""
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = urlsplit(self.path).path
        if path.startswith(APP_PREFIXES) or path in ("/api", "/l"):
            allow = self.gateway.allowed(path)
        else:
            allow = ", ".join(SITE_METHODS)
        self._send(405, {**api_headers(), "Content-Type": "application/json", "Allow": allow},
                   error_body("method_not_allowed").encode())

    def _app(self):
        from chalice.local import LocalGatewayException
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            with self.app_lock:
                response = self.gateway.handle_request(self.command, self.path, headers, body)
        except LocalGatewayException as exc:  # the gateway's own answers (404, 401, 403)
            self._send(exc.CODE, {**api_headers(), **dict(exc.headers or {})}, exc.body or b"")
            return
        out_headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            out_headers[name] = ", ".join(values)
        raw = response.get("body") or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        self._send(response["statusCode"], {**api_headers(), **out_headers}, raw)

    def _static(self, path: str):
        rel = unquote(path).lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        target = (FRONTEND / rel).resolve()
        if FRONTEND.resolve() not in target.parents or not target.is_file():
            if (FRONTEND / rel / "index.html").is_file():
                self._send(301, {**self.page_headers, "Location": path.rstrip("/") + "/"}, b"")
                return
            self._send(404, {**self.page_headers, "Content-Type": "text/plain; charset=utf-8"},
                       "未找到 Not found".encode())
            return
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        self._send(200, {**self.page_headers, "Content-Type": ctype, "Cache-Control": "no-cache"},
                   target.read_bytes())

    def _send(self, status: int, headers: dict, body: bytes):
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve(host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    from chalicelib.headers import page_headers
    from chalicelib.services.files import files_url
    Handler.gateway = make_gateway()
    Handler.page_headers = page_headers(files_url())
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="http").start()
    return server


class Scheduler:
    """Runs the scheduled functions against the real clock, as EventBridge does in AWS."""

    def __init__(self, interval: float = 20.0, on_tick=None):
        self.interval = interval
        self.on_tick = on_tick
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="scheduler")

    def start(self) -> "Scheduler":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        from chalicelib.notify.sweep import run_sweep
        from chalicelib.services.care import run_daily
        from chalicelib.services.complaints import run_escalation
        while not self._stop.is_set():
            try:
                result = run_sweep()
                if result.counts:
                    log.info("outbox sweep: %s", result.counts)
                escalated = run_escalation()
                if escalated["escalated"]:
                    log.info("complaints escalated: %s", escalated)
                # issue 15 part CAMPAIGNS: scheduled campaigns whose time came are sent
                from chalicelib.services.campaigns import send_due
                campaigns_sent = send_due()
                if campaigns_sent["campaigns"]:
                    log.info("campaigns: %s", campaigns_sent["campaigns"])
                cared = run_daily()          # care (issue 15): once a day from care_run_at
                if cared.get("ran"):
                    log.info("daily care job: %s", cared)
                if self.on_tick:
                    self.on_tick()
            except Exception:  # keep the local scheduler alive, as Lambda would retry
                log.exception("scheduled run failed")
            self._stop.wait(self.interval)


def _logins(base: str) -> str:
    from .identity import DEMO_PASSWORD, DEMO_STAFF
    rows = [f"    {p.username:<12} {p.role:<11} {p.name}" + (f"  (store {p.store_id}: refused here)"
                                                          if p.store_id else "")
            for p in DEMO_STAFF]
    return (f"  Demo staff logins for {base}/portal/ (password for all: {DEMO_PASSWORD})\n"
            + "\n".join(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the local stack")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--aws-port", type=int, default=4566)
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR,
                        help="where data is kept between runs (default .local/)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("werkzeug", "botocore", "pynamodb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    from .moto_server import MotoServer
    try:
        aws = MotoServer(port=args.aws_port).start()
    except OSError as exc:
        print(f"Cannot listen on 127.0.0.1:{args.aws_port} ({exc}). Is another `make run` running?")
        return 1
    base = f"http://127.0.0.1:{args.port}"
    configure(aws.url, state_dir=args.state_dir, public_base_url=base)   # its link-signing key too
    bootstrap(demo=False)
    # the local stack keeps everything: items, files and staff accounts are restored here,
    # then every write the endpoint applies is journaled as it happens (keep.py)
    keeper = Keeper(args.state_dir, region=REGION)
    restore(args.state_dir, keeper)
    aws.app.keeper = keeper.open()
    bootstrap(demo=True, backfill=keeper.upgraded)   # what this code kept has its search keys

    def save():
        keeper.compact()

    try:
        http = serve(port=args.port)
    except OSError as exc:
        print(f"Cannot listen on 127.0.0.1:{args.port} ({exc}). Is another `make run` running?")
        aws.stop()
        return 1
    scheduler = Scheduler(on_tick=save).start()
    # fastsms: the outbox's stream to app.outbox_fast_path, as Lambda reads it in AWS
    from .streams import outbox_poller
    fast_sms = outbox_poller(on_read=aws.stream_read).start()
    kept = keeper.restored
    print(f"""
  4S after-sales, local stack (restored from {_shown(args.state_dir)}: {kept["items"]} items, """
          f"""{kept["files"]} files, {kept["accounts"]} staff accounts)
  Booking site    {base}/
  Advisor portal  {base}/portal/
  API             {base}/api/  (OpenAPI: {base}/api/openapi.json)
  AWS endpoint    {aws.url}  region ap-east-1, any credentials
{_logins(base)}
  SMS due at once go out within a second (the outbox's stream, read every {fast_sms.interval} s);
  the scheduled sweep (reminders, retries, the backstop) runs every {int(scheduler.interval)} s.
  Ctrl-C stops (data, files and staff accounts are kept as they are written; `make reset`
  clears them).
""", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    print("Stopping (everything written is kept)...", flush=True)
    fast_sms.stop()
    scheduler.stop()
    http.shutdown()
    aws.stop()
    keeper.close()
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
