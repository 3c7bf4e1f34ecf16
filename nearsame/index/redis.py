"""The shared index: a thin layer over Redis, for many workers checking one stream.

Why not datasketch's Redis storage: it does not record the LSH parameters or the MinHash scheme
(a reader with other settings silently gets empty answers), it pickles keys by default
(unpickling what a shared server hands back is unsafe), and one query costs a round trip per
band. Here:

* ``PREFIX:params`` holds the index's parameters (JSON), checked by every process that opens it;
* ``PREFIX:doc:NUM`` a hash per document (text, metadata, signatures as raw bytes), and
  ``PREFIX:ids`` the map from ids to numbers;
* ``PREFIX:b:KEY`` the entries under one band key, packed little-endian ``(num, unit)`` pairs
  (``int32`` each) appended with ``APPEND``; ``PREFIX:crowded`` the keys over their limit;
* nothing is pickled: every value is JSON, text, or packed integers;
* a check reads every band key of a document in one pipelined round trip.

A check-and-add holds ``PREFIX:lock`` (a lease with a random token, redis-py's `Lock`) so that
two workers cannot both find nothing and both add the same article; the add itself is one Lua
script, atomic on the server, that first verifies the lock is still held by this worker (if the
lease ran out the add is refused, never half-done) and is idempotent if replayed. The lease is
short (``lease=SECONDS`` in the address, 10 by default) and renewed by a thread of the holder
every third of it, so a long add keeps the lock while a worker killed holding it stops the
others for one lease at most.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any, NoReturn, cast
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import numpy as np
import redis
from redis.exceptions import LockError
from redis.lock import Lock

from nearsame.document import Document
from nearsame.errors import IndexStoreError
from nearsame.index.base import (
    ENTRY,
    Entry,
    Keys,
    Postings,
    Store,
    StoredDocument,
    stored_json,
)

__all__ = ["RedisStore"]

_FIELDS = ("id", "text", "title", "date", "source", "url", "path", "language")

# KEYS: lock, ids, doc hash, crowded. ARGV: token, id, num, (unused), prefix, then the document's
# fields as name/value pairs up to "--", then the band keys (decimal, space-separated), their
# packed entries (8 bytes each, in the same order) and their bucket limits in bytes (decimal,
# space-separated): three arguments, not three a key (packing two thousand arguments took a
# fifth of an add's time in the client)
_ADD = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('NEARSAME_LOCK the index lock was lost before the add')
end
local known = redis.call('HGET', KEYS[2], ARGV[2])
if known then
  if known == ARGV[3] then return 0 end
  return redis.error_reply('NEARSAME_EXISTS ' .. ARGV[2])
end
local i = 6
while ARGV[i] ~= '--' do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  i = i + 2
end
local entries = ARGV[i + 2]
local limits = string.gmatch(ARGV[i + 3], '%d+')
local at = 1
for key in string.gmatch(ARGV[i + 1], '%S+') do
  local limit = tonumber(limits())
  if redis.call('SISMEMBER', KEYS[4], key) == 0 then
    local bucket = ARGV[5] .. ':b:' .. key
    if redis.call('APPEND', bucket, string.sub(entries, at, at + 7)) > limit then
      redis.call('SADD', KEYS[4], key)
      redis.call('DEL', bucket)
    end
  end
  at = at + 8
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


#: seconds a writer waits for the lock before giving up (other writers hold it a batch at a time)
_WAIT = 600.0
#: leases without a call to the store after which its lock is no longer renewed
_IDLE_LEASES = 6
#: seconds a writer's lock lasts unless renewed: how long a writer killed holding it stops the others
LEASE = 10.0

# KEYS: lock, ids, doc hash. ARGV: token, id, then bucket names and what each keeps (empty: none)
_REMOVE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('NEARSAME_LOCK the index lock was lost before the removal')
end
for i = 3, #ARGV, 2 do
  if ARGV[i + 1] == '' then
    redis.call('DEL', ARGV[i])
  else
    redis.call('SET', ARGV[i], ARGV[i + 1])
  end
end
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[3])
return 1
"""


def _parse(uri: str) -> tuple[str, str, float]:
    """The connection URL without our own options, the key prefix and the lease."""
    parts = urlsplit(uri)
    if parts.path.strip("/") and not parts.path.strip("/").isdigit():
        raise IndexStoreError(f"{uri}: the database must be a number (redis://host:port/0)")
    query = parse_qs(parts.query, keep_blank_values=True)
    prefix = query.pop("prefix", ["nearsame"])[0]
    if not prefix or any(c in prefix for c in " {}"):
        raise IndexStoreError(f"{uri}: prefix must be a non-empty name without spaces or braces")
    lease = query.pop("lease", [str(LEASE)])[0]
    try:
        seconds = float(lease)
    except ValueError:
        seconds = 0.0
    if not 0.1 <= seconds <= 86400:  # also refuses nan
        raise IndexStoreError(f"{uri}: lease must be a number of seconds from 0.1 to 86400")
    url = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
    return url, prefix, seconds


def _fail(location: str, error: Exception) -> NoReturn:
    raise IndexStoreError(f"{location}: the Redis server failed: {error}") from error


class _Renewal:
    """A thread that renews the lease of whichever lock its store holds, every ``every`` seconds
    (a third of the lease): one thread a store, so taking the lock costs no thread. It stops
    renewing once the store has not been used for ``idle`` seconds: a process stuck while holding
    the lock lets it go then, as one killed does after its lease."""

    def __init__(self, every: float, idle: float) -> None:
        self.held: Lock | None = None
        self.used = time.monotonic()  # the store's last call
        self._every = every
        self._idle = idle
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, lock: Lock) -> None:
        self.held = lock
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="nearsame-lease", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            lock = self.held
            if lock is None or time.monotonic() - self.used > self._idle:
                continue
            # released meanwhile, or lost: the add then refuses to write (see _ADD)
            with suppress(LockError, redis.RedisError):
                lock.reacquire()

    def stop(self) -> None:
        self._stop.set()


class RedisStore(Store):
    """A `Store` on a Redis server, shared by any number of processes."""

    backend = "redis"

    def __init__(self, uri: str) -> None:
        url, self.prefix, self._lease = _parse(uri)
        self.location = uri
        self._renewal = _Renewal(self._lease / 3, _IDLE_LEASES * self._lease)
        self._closed = False
        self._smismember = True  # SMISMEMBER came with Redis 6.2; older servers get SISMEMBERs
        try:
            self._r = redis.Redis.from_url(
                url, socket_timeout=30, socket_connect_timeout=5, health_check_interval=0
            )
            self._r.ping()
            self._add = self._r.register_script(_ADD)
            self._remove = self._r.register_script(_REMOVE)
        except TypeError as error:  # an option redis-py does not know, passed to its connection
            self.close()
            raise IndexStoreError(f"{uri}: not a usable Redis address ({error})") from error
        except (redis.RedisError, ValueError) as error:
            self.close()
            _fail(uri, error)

    @property
    def _lock(self) -> Lock | None:
        """The index lock this store holds (inside `exclusive`), whose lease its thread renews."""
        return self._renewal.held

    def _key(self, *parts: object) -> str:
        return ":".join([self.prefix, *(str(p) for p in parts)])

    @contextmanager
    def _errors(self) -> Iterator[None]:
        if self._closed:  # redis-py would connect again
            raise IndexStoreError(f"{self.location}: the index is closed")
        self._renewal.used = time.monotonic()
        try:
            yield
        except redis.RedisError as error:
            _fail(self.location, error)

    def _read_meta(self, name: str) -> dict[str, Any] | None:
        with self._errors():
            value = self._r.get(self._key(name))
        return stored_json(value, f"{self.location}: {self._key(name)}") if value else None

    def _write_meta(self, name: str, value: Mapping[str, Any]) -> None:
        with self._errors():
            self._r.set(self._key(name), json.dumps(dict(value), sort_keys=True), nx=True)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        # the token is the lock's, not the thread's: the renewing thread needs it
        lock = self._r.lock(
            self._key("lock"), timeout=self._lease, sleep=0.002, blocking_timeout=_WAIT,
            thread_local=False,
        )  # fmt: skip
        with self._errors():
            if not lock.acquire():
                raise IndexStoreError(
                    f"{self.location}: another writer has held the index lock for {_WAIT:.0f} s"
                )
        self._renewal.hold(lock)
        try:
            yield
        finally:
            self._renewal.held = None
            with self._errors():
                if lock.owned():
                    lock.release()

    def lookup(self, keys: Keys, crowd: Keys | None = None) -> Postings:
        wanted = np.unique(keys).tolist()
        asked = wanted if crowd is None else np.unique(crowd).tolist()
        # one MGET for every key (a GET each cost a command apiece to build and parse: most of a
        # check), and the crowded ones in the same round trip
        prefix = self._key("b", "")  # each band key's name is this prefix and the key
        with self._errors():
            try:
                blobs, members = self._lookup(prefix, wanted, asked)
            except redis.ResponseError as error:
                if not self._smismember or "unknown command" not in str(error).lower():
                    raise
                self._smismember = False  # a server before Redis 6.2: one SISMEMBER a key
                blobs, members = self._lookup(prefix, wanted, asked)
        crowded = frozenset(k for k, c in zip(asked, members, strict=True) if c)
        found = [(key, blob) for key, blob in zip(wanted, blobs, strict=True) if blob]
        return Postings.unpack([key for key, _ in found], [blob for _, blob in found], crowded)

    def _lookup(
        self, prefix: str, wanted: list[int], asked: list[int]
    ) -> tuple[list[bytes | None], list[Any]]:
        """The blobs under ``wanted`` and whether each of ``asked`` is crowded: one round trip."""
        pipe = self._r.pipeline(transaction=False)
        if wanted:
            pipe.mget([prefix + str(key) for key in wanted])
        at_once = bool(asked) and self._smismember
        if at_once:
            pipe.smismember(self._key("crowded"), asked)
        else:
            for key in asked:
                pipe.sismember(self._key("crowded"), str(key))
        replies = pipe.execute()
        blobs, members = (replies[0], replies[1:]) if wanted else ([], replies)
        return blobs, members[0] if at_once else members

    def documents(self, nums: Sequence[int]) -> list[StoredDocument]:
        with self._errors():
            pipe = self._r.pipeline(transaction=False)
            for num in nums:
                pipe.hgetall(self._key("doc", num))
            replies = pipe.execute()
        return [self._stored(num, reply) for num, reply in zip(nums, replies, strict=True) if reply]

    def signatures(self, nums: Sequence[int]) -> dict[int, bytes]:
        with self._errors():
            pipe = self._r.pipeline(transaction=False)
            for num in nums:
                pipe.hget(self._key("doc", num), "signatures")
            replies = pipe.execute()
        return {num: blob for num, blob in zip(nums, replies, strict=True) if blob is not None}

    @staticmethod
    def _stored(num: int, fields: Mapping[bytes, bytes]) -> StoredDocument:
        text = {name: fields[name.encode()].decode() for name in _FIELDS if name.encode() in fields}
        document = Document(
            id=text["id"], text=text["text"], title=text.get("title"), date=text.get("date"),
            source=text.get("source"), url=text.get("url"), path=text.get("path"),
            language=text.get("language"), body_start=int(fields[b"body_start"]),
            metadata=json.loads(fields[b"metadata"]),
        )  # fmt: skip
        return StoredDocument(num=num, document=document, signatures=fields[b"signatures"])

    def find(self, doc_id: str) -> StoredDocument | None:
        with self._errors():
            num = self._r.hget(self._key("ids"), doc_id)
        if num is None:
            return None
        found = self.documents([int(num)])
        return found[0] if found else None

    def insert(self, entries: Sequence[Entry]) -> None:
        if self._lock is None:
            raise IndexStoreError("RedisStore.insert must be called inside exclusive()")
        token = self._lock.local.token
        for entry in entries:
            with self._errors():
                num = int(self._r.incr(self._key("seq")))
                self._insert_one(token, num, entry)

    def _insert_one(self, token: Any, num: int, entry: Entry) -> None:
        document = entry.document
        fields: list[Any] = []
        for name in _FIELDS:
            value = getattr(document, name)
            if value is not None:
                fields += [name, value]
        fields += ["body_start", document.body_start, "metadata", json.dumps(dict(document.metadata)),
                   "signatures", entry.signatures, "--"]  # fmt: skip
        # distinct (key, unit, limit) triples, by key, then unit
        triples = np.stack([entry.keys, entry.units, entry.limits], axis=1)
        triples = np.unique(triples, axis=0) if len(triples) else triples
        packed = np.empty(len(triples), dtype=ENTRY)
        packed["num"], packed["unit"] = num, triples[:, 1]
        bands: list[str | bytes] = [
            " ".join(map(str, triples[:, 0].tolist())),
            packed.tobytes(),
            " ".join(map(str, (ENTRY.itemsize * triples[:, 2]).tolist())),
        ]
        keys = [self._key("lock"), self._key("ids"), self._key("doc", num), self._key("crowded")]
        try:
            self._add(keys=keys, args=[token, document.id, num, 0, self.prefix, *fields, *bands])
        except redis.ResponseError as error:
            if "NEARSAME_EXISTS" in str(error):
                raise IndexStoreError(
                    f"{self.location}: {document.id!r} was added by another writer"
                ) from error
            if "NEARSAME_LOCK" in str(error):
                self._lost(document.id, "adding (nor any later document of its batch)")
            raise

    def delete(self, stored: StoredDocument, keys: Keys) -> None:
        if self._lock is None:
            raise IndexStoreError("RedisStore.delete must be called inside exclusive()")
        wanted = np.unique(keys).tolist()
        names = [self._key("b", key) for key in wanted]
        # the buckets are read here and written back without the document by a script that
        # first checks the lease: while it holds, no other writer can have appended to them
        changes: list[str | bytes] = []
        with self._errors():
            blobs = cast("list[bytes | None]", self._r.mget(names)) if names else []
            for name, blob in zip(names, blobs, strict=True):
                if blob:
                    found = np.frombuffer(blob, dtype=ENTRY)
                    changes += [name, found[found["num"] != stored.num].tobytes()]
            held = [self._key("lock"), self._key("ids"), self._key("doc", stored.num)]
            try:
                self._remove(keys=held, args=[self._lock.local.token, stored.document.id, *changes])
            except redis.ResponseError as error:
                if "NEARSAME_LOCK" in str(error):
                    self._lost(stored.document.id, "removing")
                raise

    def _lost(self, doc_id: str, doing: str) -> NoReturn:
        raise IndexStoreError(
            f"{self.location}: this writer lost the index lock (its {self._lease:g} s lease ran"
            f" out unrenewed) before {doing} {doc_id!r}; nothing of that was done"
        )

    def count(self) -> tuple[int, int, int | None]:
        with self._errors():
            pipe = self._r.pipeline(transaction=False)
            pipe.hlen(self._key("ids"))
            pipe.scard(self._key("crowded"))
            pipe.info("memory")
            documents, crowded, memory = pipe.execute()
        return int(documents), int(crowded), int(memory["used_memory"])

    def close(self) -> None:
        self._closed = True
        self._renewal.stop()
        client = getattr(self, "_r", None)
        if client is not None:
            client.close()
            client.connection_pool.disconnect()
