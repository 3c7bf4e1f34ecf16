"""The embedded index: one SQLite file in WAL mode (documents, signatures, an indexed band table).

Opening reads one row of parameters, whatever the size of the file. The band table holds one row
per key, ``postings(key INTEGER PRIMARY KEY, entries BLOB)``: the key is the row id (SQLite's
fastest B-tree) and ``entries`` packs the key's ``(document number, unit)`` pairs, 8 bytes each, as
the Redis backend does; ``NULL`` marks a crowded key. A lookup is one descent per key and one row
back, whatever the number of entries (a row per entry cost a third more per check). Every
write happens in a ``BEGIN IMMEDIATE`` transaction: a check and the add that follows it are one
step for every other process, and a process killed in the middle leaves either the whole
transaction or none of it (SQLite's journal). ``synchronous=FULL`` by default: an add that has
returned survives a crash of the process and of the machine. A thread copies the log back into
the file (`_Checkpointer`), so that a commit seldom waits for that copy.

An optimized index (`SQLiteStore.freeze`) also has a frozen copy of the band table beside the
file (`nearsame.index.frozen`), which lookups use instead of the B-tree; ``recent`` and ``removed``
hold what was added and removed since it was written, kept by triggers so that every writer,
whatever its version, keeps them; the ``mirror`` row in ``meta`` turns the triggers on.
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

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
from nearsame.index.frozen import Frozen, FrozenError, write_frozen

__all__ = ["SQLiteStore"]

_CHUNK = 1 << 14  # a power of two, within SQLite's 32,766 parameters once padded
_MIN_LIST = 16
_MMAP_SIZE = 1 << 34
_CHECKPOINT_ROWS = 1000  # rows written (about a page each) between background checkpoints
_WAL_LIMIT = 4_000  # pages of log past which the writer checkpoints too (see `_Checkpointer`)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    title TEXT, date TEXT, source TEXT, url TEXT, path TEXT, language TEXT,
    body_start INTEGER NOT NULL,
    metadata TEXT NOT NULL,
    signatures BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS postings (key INTEGER PRIMARY KEY, entries BLOB);
CREATE INDEX IF NOT EXISTS crowded ON postings (key) WHERE entries IS NULL;
CREATE TABLE IF NOT EXISTS recent (key INTEGER PRIMARY KEY, entries BLOB);
CREATE INDEX IF NOT EXISTS recent_crowded ON recent (key) WHERE entries IS NULL;
CREATE TABLE IF NOT EXISTS removed (seq INTEGER PRIMARY KEY, num INTEGER NOT NULL);
"""
# while an index has a frozen copy (or one is being written), these keep in ``recent`` the band
# entries added since, and in ``removed`` the documents removed since, in the writing transaction
_MIRROR = """
CREATE TRIGGER IF NOT EXISTS recent_insert AFTER INSERT ON postings BEGIN
    INSERT INTO recent (key, entries) VALUES (NEW.key, NEW.entries) ON CONFLICT (key) DO UPDATE
    SET entries = CASE WHEN entries IS NULL OR excluded.entries IS NULL THEN NULL
                       ELSE CAST(entries || excluded.entries AS BLOB) END;
END;
CREATE TRIGGER IF NOT EXISTS recent_update AFTER UPDATE OF entries ON postings
WHEN NEW.entries IS NULL OR length(NEW.entries) > length(OLD.entries) BEGIN
    INSERT INTO recent (key, entries) VALUES (NEW.key, CASE WHEN NEW.entries IS NULL THEN NULL
        ELSE substr(NEW.entries, length(OLD.entries) + 1) END) ON CONFLICT (key) DO UPDATE
    SET entries = CASE WHEN entries IS NULL OR excluded.entries IS NULL THEN NULL
                       ELSE CAST(entries || excluded.entries AS BLOB) END;
END;
CREATE TRIGGER IF NOT EXISTS recent_removed AFTER DELETE ON documents BEGIN
    INSERT INTO removed (num) VALUES (OLD.num);
END;
"""
_UNMIRROR = """
DROP TRIGGER IF EXISTS recent_insert;
DROP TRIGGER IF EXISTS recent_update;
DROP TRIGGER IF EXISTS recent_removed;
"""
# a frozen copy is set aside once more documents than this share of those it holds were added
# or removed since: the table alone then answers as fast as the copy and ``recent`` together,
# whose keys cost a B-tree descent each (at 100,000 articles, checks with the copy are 1.07-1.10
# times as fast with 0.9% newer, 0.98 with 1.9%, 0.92 with 24%: bench/index_recent.py)
_STALE = 0.01
# seconds without growing after which a frozen copy being written is taken as abandoned
_ABANDONED = 3600.0
# one (key, entry) upsert: append the entry, or mark the key crowded (NULL) past its limit
_UPSERT = """
INSERT INTO postings (key, entries) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET entries =
    CASE WHEN entries IS NULL OR length(entries) + length(excluded.entries) > ?3 THEN NULL
         ELSE CAST(entries || excluded.entries AS BLOB) END
"""
_COLUMNS = (
    "num, id, text, title, date, source, url, path, language, body_start, metadata, signatures"
)


def _chunks(values: Sequence[int]) -> Iterator[list[int]]:
    """``values`` in chunks for ``IN (...)`` lists, each padded with its first value to a power of
    two: the statements then repeat, and SQLite's statement cache spares parsing a list of a
    thousand parameters at every check (a quarter of a lookup's time). ``IN`` matches a row
    once, however often its value is listed."""
    for start in range(0, len(values), _CHUNK):
        chunk = list(values[start : start + _CHUNK])
        size = _MIN_LIST
        while size < len(chunk):
            size *= 2
        yield chunk + chunk[:1] * (size - len(chunk))


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system allows opening a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _abandoned(path: Path) -> bool:
    """Whether a copy being written has not grown for ``_ABANDONED`` seconds: its process is
    gone, and another one took its number (a copy being written grows every few seconds)."""
    try:
        return time.time() - path.stat().st_mtime > _ABANDONED
    except OSError:
        return False


def _running(pid: int) -> bool:
    """Whether process ``pid`` runs (or may: where the system cannot say, it is assumed to)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _statements(script: str) -> list[str]:
    """The statements of ``script``, whole (a trigger's body holds semicolons too)."""
    found, part = [], ""
    for line in script.strip().splitlines(keepends=True):
        part += line
        if sqlite3.complete_statement(part):
            found.append(part.strip())
            part = ""
    return found


def _stale(changed: int, upto: int) -> bool:
    """Whether a frozen copy of the documents up to ``upto`` is too far behind, ``changed``
    documents having been added or removed since (every lookup reads those removed whole: they
    count as much as those added)."""
    return changed > _STALE * upto


@cache
def _marks(count: int) -> str:
    return ",".join("?" * count)


def _row_document(row: Sequence[Any]) -> StoredDocument:
    num, doc_id, text, title, date, source, url, path, language, body_start, metadata, sig = row
    document = Document(
        id=doc_id, text=text, title=title, date=date, source=source, url=url, path=path,
        language=language, body_start=body_start, metadata=json.loads(metadata),
    )  # fmt: skip
    return StoredDocument(num=num, document=document, signatures=bytes(sig))


def _postings(entries: Sequence[Entry], nums: Sequence[int]) -> list[tuple[int, bytes | None, int]]:
    """One upsert row per distinct key of ``entries`` (document ``nums[i]`` for ``entries[i]``):
    the key, its new entries packed (``None`` if they alone crowd it), and its limit in bytes.

    Rows come in key order, so that the writes walk the B-tree once instead of jumping about it.
    """
    keys = np.concatenate([np.empty(0, np.int64), *(e.keys for e in entries)])
    if not len(keys):  # no documents, or none with a word to fingerprint
        return []
    owners = np.repeat(np.asarray(nums, dtype=np.int64), [len(e.keys) for e in entries])
    units = np.concatenate([e.units for e in entries])
    limits = np.concatenate([e.limits for e in entries])
    order = np.lexsort((units, owners, keys))  # by key, then document, then unit
    keys, owners, units, limits = keys[order], owners[order], units[order], limits[order]
    new = np.r_[
        True, (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1]) | (units[1:] != units[:-1])
    ]
    keys, owners, units, limits = keys[new], owners[new], units[new], limits[new]
    packed = np.empty(len(keys), dtype=ENTRY)
    packed["num"], packed["unit"] = owners, units
    raw, size = packed.tobytes(), ENTRY.itemsize
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    stops = np.r_[starts[1:], len(keys)]
    crowded = (stops - starts > limits[starts]).tolist()
    return [
        (key, None if full else raw[start:stop], limit)
        for key, start, stop, limit, full in zip(
            keys[starts].tolist(), (starts * size).tolist(), (stops * size).tolist(),
            (limits[starts] * size).tolist(), crowded, strict=True,
        )
    ]  # fmt: skip


class _Checkpointer:
    """Copies the write-ahead log back into the database file on a thread of its own.

    SQLite's own checkpoint runs inside the commit that crosses its threshold: every second
    add or so then paid for copying a thousand scattered pages into the file and syncing it
    (at 100,000 articles, the mean commit of a check-and-add took 25 ms, the median 6). Here
    the commit only appends to the log (and syncs it: an add that has returned is durable), and
    this thread, with its own connection, runs SQLite's ``PASSIVE`` checkpoint, which never
    blocks readers or writers, every ``_CHECKPOINT_ROWS`` rows written. The log only starts
    over when a write begins after a checkpoint has copied all of it, which a steady stream of
    writes rarely allows; so the writer still checkpoints past ``_WAL_LIMIT`` pages (cheaply:
    this thread has copied most of them), and the log then starts over and is cut back to that
    size. The checkpoint is an optimisation only: a process killed at any point leaves a sound
    file.
    """

    def __init__(self, path: Path, timeout: float, owner: object) -> None:
        # ``path`` is absolute; never create the file (the index may be deleted while open)
        self._uri = f"file:{quote(str(path))}?mode=rw"
        self._timeout = timeout
        self._wake = threading.Event()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="nearsame-checkpoint", daemon=True)
        self._thread.start()
        # an ``owner`` dropped without closing stops the thread too
        self.close = weakref.finalize(owner, self._stop)

    def request(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        try:
            db = sqlite3.connect(self._uri, uri=True, timeout=self._timeout, isolation_level=None)
        except sqlite3.Error:
            return  # the writer's own checkpoints (past _WAL_LIMIT) take over
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._closing:
                    break
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    continue  # the file gone or unreadable: the writer's own checkpoints remain
        finally:
            db.close()

    def _stop(self) -> None:
        """Stop the thread (after the checkpoint under way, if any): `close`, once."""
        self._closing = True
        self._wake.set()
        if threading.current_thread() is not self._thread:
            self._thread.join()


def _unusable(given: str | Path, error: sqlite3.Error, path: Path | None, otherwise: str) -> str:
    """Why the index at ``path`` cannot be opened: this user may not write it or its folder (an
    index in WAL mode writes beside its file, ``-wal`` and ``-shm``, even to be read), or else
    it is not an index, ``otherwise``."""
    if path is not None and os.access(path, os.F_OK) and not os.access(path, os.W_OK):
        why = "the file is read-only for this user, and an index is written to even to be read"
    elif path is not None and not os.access(path.parent, os.W_OK):
        why = (
            "its folder is read-only for this user, and an index writes files beside its own"
            " (-wal, -shm) even to be read"
        )
    elif otherwise:
        return f"{given}: not a nearsame index, {otherwise} ({error})"
    else:
        return f"{given}: cannot open the index ({error})"
    return f"{given}: cannot open the index: {why} ({error})"


class SQLiteStore(Store):
    """A `Store` in one SQLite file (or in memory, for ``memory://``)."""

    backend = "sqlite"

    def __init__(
        self,
        path: str | Path,
        *,
        synchronous: str = "FULL",
        timeout: float = 60.0,
        create: bool = True,
    ) -> None:
        self.location = str(path)
        # absolute: the checkpoint thread opens it again, maybe after the working folder changed
        self._path = None if str(path) == ":memory:" else Path(path).absolute()
        if self._path is not None and not self._path.parent.is_dir():
            raise IndexStoreError(f"{path}: cannot create an index here: no such folder")
        try:
            self._db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise IndexStoreError(_unusable(path, error, self._path, "")) from error
        try:
            tables = {
                name for (name,) in self._db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }  # fmt: skip
        except sqlite3.Error as error:
            self._db.close()
            raise IndexStoreError(_unusable(path, error, self._path, "or not readable")) from error
        if not tables and not create:  # an empty file: leave it as it is
            self._db.close()
            raise IndexStoreError(f"{path}: no index here (create it with `index add`)")
        if "bands" in tables:
            self._db.close()
            raise IndexStoreError(
                f"{path}: this index was made by an earlier version of nearsame (index format 1);"
                " build it again with `nearsame index add`"
            )
        if tables and "meta" not in tables:  # another application's database: leave it be
            self._db.close()
            raise IndexStoreError(
                f"{path}: not a nearsame index (an SQLite database with other tables:"
                f" {', '.join(sorted(tables)[:5])})"
            )
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={synchronous}")
            # reads map the file instead of copying pages through read() (a lookup visits
            # about a thousand B-tree paths); the size is an upper bound, not an allocation
            self._db.execute(f"PRAGMA mmap_size={_MMAP_SIZE}")
            self._db.executescript(_SCHEMA)
            if self._path is not None:
                self._db.execute(f"PRAGMA wal_autocheckpoint={_WAL_LIMIT}")
                page_size = self._db.execute("PRAGMA page_size").fetchone()[0]
                self._db.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT * page_size}")
        except sqlite3.Error as error:
            self._db.close()
            raise IndexStoreError(
                _unusable(path, error, self._path, "or not readable and writable")
            ) from error
        self._timeout = timeout
        self._written = 0  # rows written since the last checkpoint was asked for
        self._checkpointer: _Checkpointer | None = None  # started by the first large write
        self._frozen: Frozen | None = None  # the frozen band table last used, kept mapped
        self._sweep_later = 0  # a frozen copy was set aside: delete files before this generation
        self._closed = False
        self._no_thread = False

    def _run(self, sql: str, values: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._db.execute(sql, values).fetchall()
        except sqlite3.Error as error:
            raise IndexStoreError(f"{self.location}: {error}") from error

    def _script(self, script: str) -> None:
        """Run the statements of ``script`` one by one (`executescript` would commit first)."""
        for statement in _statements(script):
            self._run(statement)

    def _read_meta(self, name: str) -> dict[str, Any] | None:
        rows = self._run("SELECT value FROM meta WHERE name = ?", (name,))
        return stored_json(rows[0][0], f"{self.location}: its {name!r} record") if rows else None

    def _write_meta(self, name: str, value: Mapping[str, Any]) -> None:
        with self.exclusive():
            self._run(
                "INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)",
                (name, json.dumps(dict(value), sort_keys=True)),
            )

    def _set_meta(self, name: str, value: Mapping[str, Any]) -> None:
        """Record ``value`` under ``name``, in place of what was there (inside `exclusive`)."""
        self._run(
            "INSERT INTO meta (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, json.dumps(dict(value))),
        )

    def _open(self) -> None:
        if self._closed:
            raise IndexStoreError(f"{self.location}: the index is closed")

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        self._open()
        self._run("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self._db.in_transaction:
                self._db.rollback()
            raise
        self._run("COMMIT")
        if self._sweep_later:
            self._sweep(self._sweep_later)
            self._sweep_later = 0
        if self._written >= _CHECKPOINT_ROWS:
            self._written = 0
            self._checkpoint()

    def _checkpoint(self) -> None:
        """Ask the checkpoint thread to run, starting it the first time."""
        if self._checkpointer is None:
            if self._path is None or self._no_thread:
                return  # in memory, or no thread to be had: SQLite's own checkpoints remain
            try:
                self._checkpointer = _Checkpointer(self._path, self._timeout, owner=self)
            except RuntimeError:  # what was just committed stays committed
                self._no_thread = True
                return
        self._checkpointer.request()

    def lookup(self, keys: Keys, crowd: Keys | None = None) -> Postings:
        wanted = np.unique(keys)
        with self._reading():
            frozen = self._frozen_now()
            if frozen is None:
                found, blobs, crowded = self._table("postings", wanted.tolist())
                postings = Postings.unpack(found, blobs, frozenset(crowded))
            else:
                postings = self._frozen_lookup(*frozen, wanted)
        if crowd is None:
            return postings
        asked = frozenset(np.unique(crowd).tolist())
        return replace(postings, crowded=postings.crowded & asked)

    def _table(self, table: str, wanted: list[int]) -> tuple[list[int], list[bytes], set[int]]:
        """The keys of ``wanted`` found in ``table`` with their blobs, and those crowded."""
        found: list[int] = []
        blobs: list[bytes] = []
        crowded: set[int] = set()
        for chunk in _chunks(wanted):
            sql = f"SELECT key, entries FROM {table} WHERE key IN ({_marks(len(chunk))})"
            for key, entries in self._run(sql, chunk):
                if entries is None:
                    crowded.add(key)
                else:
                    found.append(key)
                    blobs.append(entries)
        return found, blobs, crowded

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """One snapshot for the statements inside (the frozen file, ``recent`` and ``removed``
        must be read as of one moment), unless a transaction is open already."""
        self._open()
        if self._db.in_transaction:
            yield
            return
        self._run("BEGIN")
        try:
            yield
        finally:
            if self._db.in_transaction:
                self._db.commit()

    def _frozen_now(self) -> tuple[Frozen, bool, list[int]] | None:
        """The frozen band table to look keys up in, if there is a usable one, whether
        documents were added since it was written, and those removed since (within a read)."""
        state = self._read_meta("frozen") or {}
        name = state.get("file")
        if name is None or self._path is None:
            return None
        if self._frozen is None or self._frozen.path.name != name:
            self._frozen = None
            try:
                self._frozen = Frozen(self._path.with_name(name))
            except FrozenError:
                return None  # gone or damaged: the table holds everything
        if self._frozen.token != state.get("token"):
            return None  # another index's copy: this file was copied, the other one optimized
        newest, upto = self._newest(), self._frozen.upto
        removed = [num for (num,) in self._run("SELECT num FROM removed")]
        if _stale(newest - upto + len(removed), upto):
            return None
        return self._frozen, newest > upto, removed

    def _newest(self) -> int:
        """The number of the latest document ever added, removed or not (AUTOINCREMENT's mark:
        ``max(num)`` would go back when the latest documents are removed, and the entries they
        left in ``recent``, such as keys they crowded, would then be overlooked)."""
        rows = self._run("SELECT seq FROM sqlite_sequence WHERE name = 'documents'")
        return int(rows[0][0]) if rows else 0

    def _retire_stale_copy(self) -> None:
        """Before a write: once the frozen copy is too far behind to be used (or was never
        written), stop recording the writes for it (inside `exclusive`)."""
        mirror = self._read_meta("mirror")
        if mirror is None:
            return
        frozen = self._read_meta("frozen") or {}
        upto = frozen["upto"] if frozen.get("file") else mirror["upto"]
        removed = int(self._run("SELECT count(*) FROM removed")[0][0])
        if not _stale(self._newest() - upto + removed, upto):
            return
        self._run("DELETE FROM meta WHERE name = 'mirror'")
        self._script(_UNMIRROR)
        self._run("DELETE FROM recent")
        self._run("DELETE FROM removed")
        if frozen.get("file"):
            retired = {**frozen, "file": None}
            self._set_meta("frozen", retired)
        self._sweep_later = int(frozen.get("generation", 0)) + 1

    def frozen(self) -> dict[str, Any] | None:
        with self._reading():
            state = self._read_meta("frozen") or {}
            if not state.get("generation"):
                return None  # never optimized
            return {
                "file": state["file"],  # None once set aside
                "added_since": self._newest() - state["upto"],
                "in_use": self._frozen_now() is not None,
            }

    def _frozen_lookup(
        self, frozen: Frozen, added: bool, removed: list[int], wanted: Keys
    ) -> Postings:
        """What the band table holds under ``wanted``, from the frozen table and what was added
        since it was written (``recent``, if ``added``) or ``removed``."""
        found = frozen.lookup(wanted)
        keys, entries = found.keys, found.entries
        nums, units = entries["num"].astype(np.int64), entries["unit"].astype(np.int64)
        crowded = set(found.crowded.tolist())
        if added:
            later, blobs, newly = self._table("recent", wanted.tolist())
            recent = Postings.unpack(later, blobs, frozenset())
            # key by key, each key's entries in the order they were added, as the table has them
            keys = np.concatenate([keys, recent.keys])
            order = np.argsort(keys, kind="stable")
            keys = keys[order]
            nums = np.concatenate([nums, recent.nums])[order]
            units = np.concatenate([units, recent.units])[order]
            if newly:  # crowded since: what the frozen table has under them is no more
                crowded |= newly
                kept = ~np.isin(keys, np.fromiter(newly, np.int64, len(newly)))
                keys, nums, units = keys[kept], nums[kept], units[kept]
        if removed:
            kept = ~np.isin(nums, np.asarray(removed, dtype=np.int64))
            keys, nums, units = keys[kept], nums[kept], units[kept]
        return Postings(keys, nums, units, frozenset(crowded))

    def documents(self, nums: Sequence[int]) -> list[StoredDocument]:
        found = []
        for chunk in _chunks(list(nums)):
            found += self._run(
                f"SELECT {_COLUMNS} FROM documents WHERE num IN ({_marks(len(chunk))})", chunk
            )
        return [_row_document(row) for row in found]

    def signatures(self, nums: Sequence[int]) -> dict[int, bytes]:
        found: dict[int, bytes] = {}
        for chunk in _chunks(list(nums)):
            sql = f"SELECT num, signatures FROM documents WHERE num IN ({_marks(len(chunk))})"
            found.update((num, bytes(blob)) for num, blob in self._run(sql, chunk))
        return found

    def find(self, doc_id: str) -> StoredDocument | None:
        rows = self._run(f"SELECT {_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        return _row_document(rows[0]) if rows else None

    def insert(self, entries: Sequence[Entry]) -> None:
        self._retire_stale_copy()
        nums: list[int] = []
        for entry in entries:
            document = entry.document
            cursor = self._db.cursor()
            try:
                cursor.execute(
                    "INSERT INTO documents (id, text, title, date, source, url, path, language,"
                    " body_start, metadata, signatures) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (document.id, document.text, document.title, document.date, document.source,
                     document.url, document.path, document.language, document.body_start,
                     json.dumps(dict(document.metadata), ensure_ascii=False), entry.signatures),
                )  # fmt: skip
            except sqlite3.Error as error:
                raise IndexStoreError(
                    f"{self.location}: cannot add {document.id!r}: {error}"
                ) from error
            finally:
                cursor.close()
            nums.append(int(cursor.lastrowid or 0))
        rows = _postings(entries, nums)
        self._written += len(rows) + len(entries)
        try:
            self._db.executemany(_UPSERT, rows)
        except sqlite3.Error as error:
            raise IndexStoreError(f"{self.location}: {error}") from error

    def delete(self, stored: StoredDocument, keys: Keys) -> None:
        self._retire_stale_copy()
        self._run("DELETE FROM documents WHERE num = ?", (stored.num,))
        kept: list[tuple[bytes, int]] = []
        emptied: list[tuple[int]] = []
        for chunk in _chunks(np.unique(keys).tolist()):
            sql = f"SELECT key, entries FROM postings WHERE key IN ({_marks(len(chunk))})"
            for key, blob in self._run(sql, chunk):
                if blob is None:
                    continue  # crowded stays crowded
                found = np.frombuffer(blob, dtype=ENTRY)
                rest = found[found["num"] != stored.num]
                if len(rest) == len(found):
                    continue
                if len(rest):
                    kept.append((rest.tobytes(), key))
                else:
                    emptied.append((key,))
        self._written += len(kept) + len(emptied) + 1
        try:
            self._db.executemany("UPDATE postings SET entries = ? WHERE key = ?", kept)
            self._db.executemany("DELETE FROM postings WHERE key = ?", emptied)
        except sqlite3.Error as error:
            raise IndexStoreError(f"{self.location}: {error}") from error

    def count(self) -> tuple[int, int, int | None]:
        documents = self._run("SELECT count(*) FROM documents")[0][0]
        crowded = self._run("SELECT count(*) FROM postings WHERE entries IS NULL")[0][0]
        size = None
        if self._path is not None:
            frozen = (self._read_meta("frozen") or {}).get("file")
            files = [self._path, Path(f"{self._path}-wal")]
            if frozen is not None:
                files.append(self._path.with_name(frozen))
            size = sum(p.stat().st_size for p in files if p.exists())
        return int(documents), int(crowded), size

    def freeze(
        self,
        keys_of: Callable[[bytes], Keys],
        progress: Callable[[float], None] | None = None,
    ) -> bool:
        """Write a frozen copy of the band table beside the file (`nearsame.index.frozen`), for
        faster lookups; ``False`` in memory, or if another process wrote one meanwhile.

        The copy is written from a snapshot while other processes go on reading and writing;
        from the first copy on, the band entries added since the latest copy are also kept in
        ``recent`` (by triggers, in the transaction that adds them) and the documents removed
        since in ``removed``. The new copy takes over in one short transaction, which also
        drops what it holds from ``recent`` and ``removed``: ``recent`` is emptied and filled
        again with the entries of the documents added while the copy was written (their keys
        are ``keys_of`` their stored signatures), so that it costs what those few documents
        cost, not what ``recent`` held.
        """
        if self._path is None:
            return False
        with self.exclusive():  # from now on, every write is recorded for the copy to come
            # a copy already too far behind is set aside first: a write in another process
            # meanwhile would set it aside, and this copy's writes with it
            self._retire_stale_copy()
            before = self._read_meta("frozen")
            if before is None:
                before = {"generation": 0, "file": None, "upto": 0}
                self._set_meta("frozen", before)
            mirror = self._read_meta("mirror")
            if mirror is None:
                mirror = {"since": secrets.token_hex(8), "upto": self._newest()}
                self._set_meta("mirror", mirror)
                self._script(_MIRROR)
        generation = int(before["generation"]) + 1
        name = f"{self._path.name}-frozen-{generation}"
        token = secrets.token_hex(8)
        temporary = self._path.with_name(f"{name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
        try:
            with self._reading():
                upto = self._newest()
                seen = self._run("SELECT max(seq) FROM removed")[0][0] or 0
                cursor = self._db.execute("SELECT key, entries FROM postings ORDER BY key")
                chunks = iter(lambda: cursor.fetchmany(1 << 16), [])
                write_frozen(temporary, chunks, upto=upto, token=token, progress=progress)
            with self.exclusive():
                if self._read_meta("frozen") != before or self._read_meta("mirror") != mirror:
                    return False  # another process froze the table, or set the copy aside
                temporary.replace(self._path.with_name(name))
                _sync_folder(self._path.parent)
                self._restart_recent(upto, keys_of)
                self._run("DELETE FROM removed WHERE seq <= ?", (seen,))
                after = {"generation": generation, "file": name, "upto": upto, "token": token}
                self._set_meta("frozen", after)
        except (OSError, sqlite3.Error) as error:
            raise IndexStoreError(
                f"{self.location}: cannot write its frozen copy: {error}"
            ) from error
        finally:
            temporary.unlink(missing_ok=True)
        self._sweep(generation)
        return True

    def _restart_recent(self, upto: int, keys_of: Callable[[bytes], Keys]) -> None:
        """Keep in ``recent`` only the entries of documents numbered past ``upto`` (inside
        `exclusive`), read again from the band table under those documents' keys."""
        later = self._run("SELECT signatures FROM documents WHERE num > ?", (upto,))
        keys = np.unique(np.concatenate([np.empty(0, np.int64), *(keys_of(s) for (s,) in later)]))
        found, blobs, crowded_now = self._table("postings", keys.tolist())
        rows: list[tuple[int, bytes | None]] = [(key, None) for key in crowded_now]
        for key, blob in zip(found, blobs, strict=True):
            entries = np.frombuffer(blob, dtype=ENTRY)  # in the order added: by number
            after = entries[int(np.searchsorted(entries["num"], upto, side="right")) :]
            if len(after):
                rows.append((key, after.tobytes()))
        # the crowded keys stay: a key crowded by a document added and removed while the copy
        # was written is crowded still, though no document left says so (read through their
        # index, so that the rest of ``recent`` goes at once, however large)
        crowded = self._run("SELECT key, NULL FROM recent WHERE entries IS NULL")
        self._run("DELETE FROM recent")
        try:
            self._db.executemany(
                "INSERT INTO recent (key, entries) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                [*crowded, *rows],
            )
        except sqlite3.Error as error:
            raise IndexStoreError(f"{self.location}: {error}") from error

    def _sweep(self, below: int) -> None:
        """Delete the frozen copies of generations before ``below`` (readers that have one open
        keep it; a later one, which another process may have written since, stays), and what a
        copy interrupted in a process that no longer runs, or that stopped growing, left."""
        if self._path is None:
            return
        prefix = f"{self._path.name}-frozen-"
        for path in self._path.parent.glob(f"{glob.escape(prefix)}*"):
            generation, _, rest = path.name[len(prefix) :].partition(".")
            if rest:  # ``N.PID-TOKEN.tmp``, being written unless that process is gone
                pid = rest.partition("-")[0]
                if not pid.isdigit() or (_running(int(pid)) and not _abandoned(path)):
                    continue
            elif not generation.isdigit() or int(generation) >= below:
                continue
            with suppress(OSError):
                path.unlink()

    def close(self) -> None:
        self._closed = True
        try:
            if self._checkpointer is not None:
                self._checkpointer.close()
        finally:
            self._db.close()

    def integrity(self) -> str:
        """SQLite's own integrity check: ``ok`` or the problems found."""
        return "; ".join(str(row[0]) for row in self._run("PRAGMA integrity_check"))
