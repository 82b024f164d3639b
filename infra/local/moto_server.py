"""moto in server mode, the embedded AWS endpoint of the local stack and the tests.

moto applies a DynamoDB transaction without a lock, and rolls a failed one
back by restoring a copy of the whole table: two requests handled at once
could overwrite each other. Real DynamoDB serialises writes to an item, so
this server handles one request at a time (connections stay concurrent).
It also counts requests per operation, for `make bench`, and hands every write to the
local stack's keeper (keep.py), which journals what it changed.

A table's stream keeps every record in moto (DynamoDB: 24 hours), and each GetRecords leaves
a shard iterator behind: the local stream poller hands back what it has read
(``stream_read``), so neither grows with the time `make run` runs, and a transaction (which
copies the whole table, stream included) stays as cheap as it was.
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
        self.keeper = None   # the local stack keeps everything: a keep.Keeper, set by server.main

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        with self._lock:
            if target:
                self.requests[target.split(".")[-1]] += 1
            keeper = self.keeper
            note = keeper.before(environ) if keeper is not None else None
            if note is None:
                # read the whole answer inside the lock: moto builds it lazily
                return list(self._app(environ, start_response))
            status: list[str] = []

            def started(code, headers, exc_info=None):
                status.append(code)
                return start_response(code, headers, exc_info)
            answer = list(self._app(environ, started))
            if status and status[-1].startswith("2"):
                keeper.after(note, environ)    # journaled before the client hears the answer
            return answer


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

    def stream_read(self, table_name: str, through: int) -> None:
        """Forget ``table_name``'s stream records up to sequence number ``through`` and the
        shard iterators handed out so far (the poller asks for a new one each time)."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends
        from moto.dynamodbstreams.models import dynamodbstreams_backends
        with self.app._lock:
            for region, backend in dynamodb_backends[DEFAULT_ACCOUNT_ID].items():
                table = backend.tables.get(table_name)
                shard = table.stream_shard if table is not None else None
                if shard is None:
                    continue
                done = min(through - shard.starting_sequence_number + 1, len(shard.items))
                if done > 0:
                    del shard.items[:done]
                    shard.starting_sequence_number += done
                dynamodbstreams_backends[DEFAULT_ACCOUNT_ID][region].shard_iterators.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()
