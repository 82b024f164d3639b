"""What the local stack keeps between runs: every DynamoDB item, file (S3 object) and staff
account (Cognito user pool), in a state directory (``.local/`` for ``make run``).

Saving costs what changed. The embedded endpoint (moto_server.SerialisedApp) hands every
successful write to :meth:`Keeper.after`, inside its lock, in the order the writes were
applied; the keeper appends the *state* the write left (the item, the object, the account,
or its absence) as one line to ``journal.jsonl``, with one ``write()`` before the endpoint
answers: a killed process loses nothing it answered, a machine that loses power at most the
last ``SYNC_SECONDS`` (the journal is fsynced that often). A file's bytes go once to
``files/<sha256>``. State rather than requests: replaying a line is idempotent and needs
neither the conditions nor the clock of the original request.

Now and then (when the journal reaches half the snapshot's size) the journal is sealed and
merged into ``snapshot.jsonl`` by one streaming pass that copies unchanged lines without
parsing them, outside the endpoint's lock; so the amortised cost of a write stays constant
however big the store is.

Restore reads the snapshot, then the sealed and the live journal (last line of a key wins),
straight into moto's in-process backends: no HTTP, no Put validation, no stream records.
The user pool and its app client keep their ids (the portal's configuration stays valid) and
refresh tokens survive (the portal stays signed in). Each line is ``<key JSON>\\t<value JSON>``;
a value ``null`` means deleted. Keys: ``["d", table, key]``, ``["s", bucket, key]``,
``["c", pool]``, ``["c", pool, "u", username]``, ``["c", pool, "r", refresh token]``.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import threading
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger("local.keep")

SNAPSHOT = "snapshot.jsonl"
JOURNAL = "journal.jsonl"
SEALED = "journal.sealed.jsonl"
FILES = "files"
LEGACY = "dynamodb.json"          # the format before: every table, rewritten every 20 s
SYNC_SECONDS = 2.0
COMPACT_MIN_BYTES = 4 << 20        # below this, a journal is not worth merging

DDB_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
IDP_READS = ("Describe", "List", "Get", "AdminGet", "AdminList")


def _key(*parts: Any) -> str:
    return json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot keep {type(value).__name__}")


def _unplain(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$dt"}:
            return datetime.fromisoformat(value["$dt"])
        return {k: _unplain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unplain(v) for v in value]
    return value


def _lines(path: Path) -> Iterator[tuple[str, str]]:
    """``(key, value)`` of each whole line; a line torn by a crash (no newline) is skipped."""
    if not path.exists():
        return
    with path.open("r", encoding="utf-8", newline="\n") as fh:
        for line in fh:
            if not line.endswith("\n"):
                log.warning("%s: last line incomplete (a crash while writing): skipped", path.name)
                return
            key, _, value = line[:-1].partition("\t")
            if value:
                yield key, value


class Keeper:
    def __init__(self, state_dir: Path, *, region: str = "ap-east-1", account: str | None = None):
        from moto.core import DEFAULT_ACCOUNT_ID
        self.dir = Path(state_dir)
        self.region = region
        self.account = account or DEFAULT_ACCOUNT_ID
        self.restored = {"items": 0, "files": 0, "accounts": 0}
        self.upgraded = False                # restore found the format before and converted it
        # the journal file and the files' bytes: the endpoint vs. compaction (re-entrant: a file's
        # bytes are written and its line appended under it, so compaction never drops them between)
        self._lock = threading.RLock()
        self._journal = None
        self._dirty = False
        self._seen_idp: dict[str, str] = {}  # Cognito records as last journaled (to diff)
        self._stop = threading.Event()
        self._syncer: threading.Thread | None = None

    # -- the backends (this process's moto) --------------------------------------------------
    def _ddb(self):
        from moto.dynamodb.models import dynamodb_backends
        return dynamodb_backends[self.account][self.region]

    def _s3(self):
        from moto.s3.models import s3_backends
        return s3_backends[self.account]["aws"]

    def _idp(self):
        from moto.cognitoidp.models import cognitoidp_backends
        return cognitoidp_backends[self.account][self.region]

    # -- writing -------------------------------------------------------------------------
    def open(self) -> "Keeper":
        """Start journaling (after :meth:`restore`)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / FILES).mkdir(exist_ok=True)
        path = self.dir / JOURNAL
        _cut_torn_tail(path)
        self._journal = open(path, "ab", buffering=0)
        self._seen_idp = self._idp_records()
        self._syncer = threading.Thread(target=self._sync_loop, daemon=True, name="keep-sync")
        self._syncer.start()
        return self

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            if self._journal is not None:
                os.fsync(self._journal.fileno())
                self._journal.close()
                self._journal = None

    def _append(self, records: list[tuple[str, str]]) -> None:
        if not records:
            return
        data = "".join(f"{k}\t{v}\n" for k, v in records).encode("utf-8")
        with self._lock:
            if self._journal is None:
                return
            view = memoryview(data)       # in the kernel before the endpoint answers
            while view:
                view = view[self._journal.write(view):]
            self._dirty = True

    def _sync_loop(self) -> None:
        while not self._stop.wait(SYNC_SECONDS):
            with self._lock:
                if self._dirty and self._journal is not None:
                    os.fsync(self._journal.fileno())
                    self._dirty = False

    # -- what the endpoint hands over ------------------------------------------------------
    def before(self, environ: dict[str, Any]) -> tuple[str, str, bytes] | None:
        """Called before the endpoint handles a request: whether it may write something kept
        (and then its body, read here and put back for moto)."""
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if target:
            service, _, op = target.rpartition(".")
            if service.startswith("DynamoDB") and op in DDB_WRITES:
                return "ddb", op, _body(environ)
            if "CognitoIdentityProvider" in service and not op.startswith(IDP_READS):
                return "idp", op, b""
            return None
        if method in ("PUT", "DELETE", "POST"):
            query = environ.get("QUERY_STRING", "")
            body = _body(environ) if method == "POST" and "delete" in parse_qs(
                query, keep_blank_values=True) else b""
            return "s3", method, body
        return None

    def after(self, note: tuple[str, str, bytes], environ: dict[str, Any]) -> None:
        """Called, still inside the endpoint's lock, after a request answered 2xx."""
        kind, op, body = note
        try:
            if kind == "ddb":
                self._append(self._ddb_records(op, json.loads(body or b"{}")))
            elif kind == "idp":
                current = self._idp_records()
                changed = [(k, v) for k, v in current.items() if self._seen_idp.get(k) != v]
                changed += [(k, "null") for k in self._seen_idp if k not in current]
                self._seen_idp = current
                self._append(changed)
            else:
                with self._lock:
                    self._append(self._s3_records(op, environ, body))
        except Exception:    # never fail the request it already applied; say it loudly
            log.exception("local stack: a write could not be journaled (%s %s)", kind, op)

    # DynamoDB: the item each written key holds now
    def _ddb_records(self, op: str, body: dict[str, Any]) -> list[tuple[str, str]]:
        keys: list[tuple[str, dict]] = []
        if op == "PutItem":
            keys.append((body["TableName"], body["Item"]))
        elif op in ("UpdateItem", "DeleteItem"):
            keys.append((body["TableName"], body["Key"]))
        elif op == "BatchWriteItem":
            for table, requests in body.get("RequestItems", {}).items():
                for request in requests:
                    if "PutRequest" in request:
                        keys.append((table, request["PutRequest"]["Item"]))
                    elif "DeleteRequest" in request:
                        keys.append((table, request["DeleteRequest"]["Key"]))
        elif op == "TransactWriteItems":
            for entry in body.get("TransactItems", []):
                for action in ("Put", "Update", "Delete"):
                    if action in entry:
                        spec = entry[action]
                        keys.append((spec["TableName"], spec.get("Item") or spec["Key"]))
        from moto.dynamodb.models.dynamo_type import DynamoType
        backend = self._ddb()
        records = []
        for table_name, attrs in keys:
            table = backend.get_table(table_name)
            key = {table.hash_key_attr: attrs[table.hash_key_attr]}
            if table.range_key_attr:
                key[table.range_key_attr] = attrs[table.range_key_attr]
            item = table.get_item(DynamoType(key[table.hash_key_attr]),
                                  DynamoType(key[table.range_key_attr]) if table.range_key_attr
                                  else None)
            records.append((_key("d", table_name, key),
                            "null" if item is None else _dumps(item.to_json()["Attributes"])))
        return records

    # S3: the object each written key holds now (its bytes once, by content)
    def _s3_records(self, method: str, environ: dict[str, Any], body: bytes) -> list[tuple[str, str]]:
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
        path = unquote(urlsplit(raw).path)
        bucket, _, name = path.lstrip("/").partition("/")
        backend = self._s3()
        if bucket not in backend.buckets:
            return []
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if "uploads" in query or ("uploadId" in query and method != "POST"):
            return []                        # a multipart upload's parts: kept when completed
        if not name:
            if "delete" not in query:
                return []                    # bucket settings: the bucket comes from bootstrap
            names = [el.text or "" for el in ET.fromstring(body).iter() if el.tag.endswith("Key")]
        else:
            names = [name]
        return [self._s3_record(bucket, n) for n in names]

    def _s3_record(self, bucket: str, name: str) -> tuple[str, str]:
        from moto.s3.models import FakeKey
        obj = self._s3().get_object(bucket, name)
        if not isinstance(obj, FakeKey):
            return _key("s", bucket, name), "null"
        data = obj.value
        sha = hashlib.sha256(data).hexdigest()
        blob = self.dir / FILES / sha
        if not blob.exists():
            tmp = blob.with_suffix(".tmp")
            with tmp.open("wb") as fh:          # on disk before a journal line names it
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.replace(blob)
        return _key("s", bucket, name), _dumps({"sha": sha, "meta": dict(obj.metadata),
                                                "modified": obj.last_modified})

    # Cognito: pools (config, clients, groups), users, refresh tokens; diffed after each write
    def _idp_records(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for pool in self._idp().user_pools.values():
            out[_key("c", pool.id)] = _dumps({
                "name": pool.name, "config": pool.extended_config, "mfa": pool.mfa_config,
                "sms_mfa": pool.sms_mfa_config, "token_mfa": pool.token_mfa_config,
                "created": pool.creation_date, "modified": pool.last_modified_date,
                "schema": [vars(a) for a in pool.schema_attributes.values()],
                "clients": [vars(c) for c in pool.clients.values()],
                "groups": [{k: v for k, v in vars(g).items() if k != "users"}
                           for g in pool.groups.values()],
            })
            for user in pool.users.values():
                fields = {k: v for k, v in vars(user).items()
                          if k not in ("groups", "attribute_lookup")}
                fields["groups"] = sorted(g.group_name for g in user.groups)
                out[_key("c", pool.id, "u", user.username)] = _dumps(fields)
            for token, value in pool.refresh_tokens.items():
                out[_key("c", pool.id, "r", token)] = _dumps({"v": value})
        return out

    # -- reading -------------------------------------------------------------------------
    def restore(self) -> int:
        """Load the kept state into this process's embedded endpoint; the number of items.

        The tables and the files bucket must exist (bootstrap(demo=False)). A store kept in
        the format before (``dynamodb.json``) is loaded once and rewritten in this one."""
        legacy = self.dir / LEGACY
        if legacy.exists() and not (self.dir / SNAPSHOT).exists() and not (self.dir / JOURNAL).exists():
            count = load_legacy(legacy)
            self.snapshot()
            legacy.replace(legacy.with_name(LEGACY + ".upgraded"))
            self.upgraded = True
            self.restored = {"items": count, "files": 0, "accounts": 0}
            return count
        later: dict[str, str] = {}
        for name in (SEALED, JOURNAL):
            for key, value in _lines(self.dir / name):
                later[key] = value
        loader = _Loader(self)
        for key, value in _lines(self.dir / SNAPSHOT):
            if key not in later:
                loader.load(key, value)
        for key, value in later.items():
            if value != "null":
                loader.load(key, value)
        loader.finish()
        self.restored = {"items": loader.items, "files": loader.files, "accounts": loader.accounts}
        return loader.items

    # -- compaction ----------------------------------------------------------------------
    def compact(self, force: bool = False) -> bool:
        """Merge the journal into the snapshot when it is worth it (or ``force``)."""
        journal, snapshot, sealed = (self.dir / JOURNAL, self.dir / SNAPSHOT, self.dir / SEALED)
        if not sealed.exists():
            size = journal.stat().st_size if journal.exists() else 0
            base = snapshot.stat().st_size if snapshot.exists() else 0
            if size == 0 or (not force and size < max(COMPACT_MIN_BYTES, base // 2)):
                return False
            with self._lock:                  # seal: the endpoint goes on in a new journal
                if self._journal is not None:
                    os.fsync(self._journal.fileno())
                    self._journal.close()
                journal.replace(sealed)
                if self._journal is not None:
                    self._journal = open(journal, "ab", buffering=0)
                    self._dirty = False
        changes = dict(_lines(sealed))
        dropped: set[str] = set()             # files no longer named by the merged lines
        kept: set[str] = set()
        tmp = snapshot.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8", newline="\n") as out:
            for key, value in _lines(snapshot):
                if key in changes:
                    if key.startswith('["s"'):
                        dropped.add(json.loads(value)["sha"])
                    continue
                if key.startswith('["s"'):
                    kept.add(json.loads(value)["sha"])
                out.write(f"{key}\t{value}\n")
            for key, value in changes.items():
                if value != "null":
                    if key.startswith('["s"'):
                        kept.add(json.loads(value)["sha"])
                    out.write(f"{key}\t{value}\n")
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(snapshot)
        sealed.unlink()
        with self._lock:                      # the live journal may name a dropped file again
            for key, value in _lines(journal):
                if key.startswith('["s"') and value != "null":
                    kept.add(json.loads(value)["sha"])
            for sha in dropped - kept:
                (self.dir / FILES / sha).unlink(missing_ok=True)
        return True

    def snapshot(self) -> int:
        """Write everything the embedded endpoint holds as the snapshot and empty the journal
        (a full pass: for generators and the upgrade, not for saving as the stack runs). Writes
        the endpoint applies meanwhile wait to be journaled after it: their lines still count."""
        from moto.s3.models import FakeKey
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / FILES).mkdir(exist_ok=True)
        count = 0
        kept: set[str] = set()
        tmp = self.dir / (SNAPSHOT + ".tmp")
        with self._lock, tmp.open("w", encoding="utf-8", newline="\n") as out:
            for name, table in self._ddb().tables.items():
                for item in table.all_items():
                    attrs = item.to_json()["Attributes"]
                    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                    if table.range_key_attr:
                        key[table.range_key_attr] = attrs[table.range_key_attr]
                    out.write(f"{_key('d', name, key)}\t{_dumps(attrs)}\n")
                    count += 1
            for bucket in self._s3().buckets.values():
                for name in list(bucket.keys.keys()):
                    if isinstance(self._s3().get_object(bucket.name, name), FakeKey):
                        key, value = self._s3_record(bucket.name, name)
                        kept.add(json.loads(value)["sha"])
                        out.write(f"{key}\t{value}\n")
            for key, value in self._idp_records().items():
                out.write(f"{key}\t{value}\n")
            out.flush()
            os.fsync(out.fileno())
            out.close()
            tmp.replace(self.dir / SNAPSHOT)
            for name in (SEALED, JOURNAL):
                (self.dir / name).unlink(missing_ok=True)
            for blob in (self.dir / FILES).iterdir():   # bytes no object names any more
                if blob.name not in kept:
                    blob.unlink()
            if self._journal is not None:
                self._journal.close()
                self._journal = open(self.dir / JOURNAL, "ab", buffering=0)
            self._seen_idp = self._idp_records()
        return count


class _Loader:
    """Puts kept lines into the backends; pools are built at the end (users need their pool)."""

    def __init__(self, keeper: Keeper):
        self.keeper = keeper
        self.ddb = keeper._ddb()
        self.tables: dict[str, Any] = {}
        self.pools: dict[str, dict] = {}
        self.users: dict[str, list[dict]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.items = self.files = self.accounts = self.skipped = 0

    def load(self, key: str, value: str) -> None:
        if key.startswith('["d","'):     # the table's name has no quote: no need to parse
            self._item(key[6:key.index('"', 6)], json.loads(value))
            return
        parts = json.loads(key)
        if parts[0] == "s":
            self._file(parts[1], parts[2], json.loads(value))
        elif len(parts) == 2:
            self.pools[parts[1]] = _unplain(json.loads(value))
        elif parts[2] == "u":
            self.users.setdefault(parts[1], []).append(_unplain(json.loads(value)))
        else:
            self.tokens.setdefault(parts[1], {})[parts[3]] = json.loads(value)["v"]

    def _item(self, table_name: str, attrs: dict) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType
        if table_name not in self.tables:
            self.tables[table_name] = self.ddb.tables.get(table_name)
            if self.tables[table_name] is None:   # a table the models no longer have
                log.warning("kept items of table %s: no such table now, not restored", table_name)
        table = self.tables[table_name]
        if table is None:
            self.skipped += 1
            return
        hash_key = DynamoType(attrs[table.hash_key_attr])
        if table.range_key_attr:
            range_key = DynamoType(attrs[table.range_key_attr])
            table.items[hash_key][range_key] = _kept_item(hash_key, range_key, attrs)
        else:
            table.items[hash_key] = _kept_item(hash_key, None, attrs)
        self.items += 1

    def _file(self, bucket: str, name: str, record: dict) -> None:
        backend = self.keeper._s3()
        if bucket not in backend.buckets:
            backend.create_bucket(bucket, self.keeper.region)
        blob = self.keeper.dir / FILES / record["sha"]
        if not blob.exists():
            log.warning("kept file %s/%s: its bytes are missing", bucket, name)
            return
        obj = backend.put_object(bucket, name, blob.read_bytes(), disable_notification=True)
        obj.set_metadata(dict(record["meta"]))
        obj.last_modified = _unplain(record["modified"])
        self.files += 1

    def finish(self) -> None:
        from moto.cognitoidp.models import (CognitoIdpGroup, CognitoIdpUser, CognitoIdpUserPool,
                                            CognitoIdpUserPoolAttribute, CognitoIdpUserPoolClient)
        from moto.cognitoidp.utils import flatten_attrs
        backend = self.keeper._idp()
        for pool_id, rec in self.pools.items():
            pool = CognitoIdpUserPool(self.keeper.account, self.keeper.region, rec["name"],
                                      dict(rec["config"]))
            pool.id = pool_id
            pool.arn = pool.arn.rsplit("/", 1)[0] + "/" + pool_id
            pool.mfa_config, pool.sms_mfa_config = rec["mfa"], rec["sms_mfa"]
            pool.token_mfa_config = rec["token_mfa"]
            pool.extended_config = dict(rec["config"])
            pool.creation_date, pool.last_modified_date = rec["created"], rec["modified"]
            pool.schema_attributes = {a["name"]: _rebuilt(CognitoIdpUserPoolAttribute, a)
                                      for a in rec["schema"]}
            pool.clients = {c["id"]: _rebuilt(CognitoIdpUserPoolClient, c) for c in rec["clients"]}
            pool.groups = {}
            for fields in rec["groups"]:
                group = _rebuilt(CognitoIdpGroup, fields)
                group.users = set()
                pool.groups[group.group_name] = group
            for fields in self.users.get(pool_id, []):
                groups = fields.pop("groups")
                user = _rebuilt(CognitoIdpUser, fields)
                user.attribute_lookup = flatten_attrs(user.attributes)
                user.groups = set()
                for name in groups:
                    if name in pool.groups:
                        user.groups.add(pool.groups[name])
                        pool.groups[name].users.add(user)
                pool.users[user.username] = user
                self.accounts += 1
            for token, value in self.tokens.get(pool_id, {}).items():
                pool.refresh_tokens[token] = tuple(value) if value is not None else None
            backend.user_pools[pool_id] = pool


def _kept_item(hash_key: Any, range_key: Any, attrs: dict) -> Any:
    """moto's Item without its size check, which costs O(attributes) per attribute (the item
    passed it when it was written), as moto's own Item.__deepcopy__ does."""
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
    item = Item.__new__(Item)
    item.hash_key, item.range_key = hash_key, range_key
    values = LimitedSizeDict.__new__(LimitedSizeDict)
    dict.update(values, {name: _value(value, DynamoType) for name, value in attrs.items()})
    item.attrs = values
    return item


def _value(typed: dict, cls: type) -> Any:
    """moto's DynamoType of ``{"S": "..."}``, as its constructor builds it, in a third of the time."""
    (kind, value), = typed.items()
    obj = cls.__new__(cls)
    obj.type = kind
    if kind == "L":
        value = [_value(v, cls) for v in value]
    elif kind == "M":
        value = {k: _value(v, cls) for k, v in value.items()}
    obj.value = value
    return obj


def _rebuilt(cls: type, fields: dict) -> Any:
    obj = cls.__new__(cls)
    obj.__dict__.update(fields)
    return obj


def _body(environ: dict[str, Any]) -> bytes:
    """The request body, read once and put back for the endpoint."""
    length = environ.get("CONTENT_LENGTH")
    stream = environ["wsgi.input"]
    if length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _cut_torn_tail(path: Path) -> None:
    """A crash in the middle of a line leaves it without its newline: cut it before appending."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb+") as fh:
        fh.seek(-1, os.SEEK_END)
        if fh.read(1) == b"\n":
            return
        fh.seek(0)
        data = fh.read()
        fh.truncate(data.rfind(b"\n") + 1)


def load_legacy(path: Path) -> int:
    """Items of the format before (``{model base name: [items]}``), into the endpoint."""
    from chalicelib.db.models import MODELS
    data = json.loads(path.read_text(encoding="utf-8"))
    loader = _Loader(Keeper(path.parent))
    for model in MODELS:
        for attrs in data.get(model.Meta.base_name, []):
            loader._item(model.Meta.table_name, attrs)
    return loader.items
