"""moto in server mode, the embedded AWS endpoint of the local stack and the tests.

moto applies a DynamoDB transaction without a lock, and rolls a failed one
back by restoring a copy of the whole table: two requests handled at once
could overwrite each other. Real DynamoDB serialises writes to an item, so
this server handles one request at a time (connections stay concurrent).
It also counts requests per operation, for `make bench`.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from typing import Any, Callable, Iterable

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from . import moto_fast


class SerialisedApp:
    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self._app = app
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        with self._lock:
            if target:
                self.requests[target.split(".")[-1]] += 1
            # read the whole answer inside the lock: moto builds it lazily
            return list(self._app(environ, start_response))


class MotoServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 4566):
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per AWS call
        moto_fast.install()    # a year of data (issue 14): requests cost what DynamoDB's do
        self.app = SerialisedApp(DomainDispatcherApplication(create_backend_app))
        self._server: BaseWSGIServer = make_server(host, port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="moto-server")

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "MotoServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()
