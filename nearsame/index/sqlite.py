"""The embedded index: one SQLite file in WAL mode (documents, signatures, an indexed band table).

Opening reads one row of parameters, whatever the size of the file. Band entries live in a
``WITHOUT ROWID`` table keyed ``(key, num, unit)``, so a lookup is one range scan per key. Every
write happens in a ``BEGIN IMMEDIATE`` transaction: a check and the add that follows it are one
step for every other process, and a process killed in the middle leaves either the whole
transaction or none of it (SQLite's journal). ``synchronous=FULL`` by default: an add that has
returned survives a crash of the process and of the machine.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from nearsame.document import Document
from nearsame.errors import IndexStoreError
from nearsame.index.base import Entry, Keys, Postings, Store, StoredDocument

__all__ = ["SQLiteStore"]

_CHUNK = 30_000
_MMAP_SIZE = 1 << 34
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    title TEXT, date TEXT, source TEXT, url TEXT, path TEXT, language TEXT,
    body_start INTEGER NOT NULL,
    metadata TEXT NOT NULL,
    signatures BLOB NOT NULL,
    analysis BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL, num INTEGER NOT NULL, unit INTEGER NOT NULL,
    PRIMARY KEY (key, num, unit)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS crowded (key INTEGER PRIMARY KEY);
"""
_COLUMNS = (
    "num, id, text, title, date, source, url, path, language, body_start, metadata, signatures,"
    " analysis"
)


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(count: int) -> str:
    return ",".join("?" * count)


def _row_document(row: Sequence[Any]) -> StoredDocument:
    num, doc_id, text, title, date, source, url, path, language, body_start, metadata, sig, an = row
    document = Document(
        id=doc_id, text=text, title=title, date=date, source=source, url=url, path=path,
        language=language, body_start=body_start, metadata=json.loads(metadata),
    )  # fmt: skip
    return StoredDocument(num=num, document=document, signatures=bytes(sig), analysis=bytes(an))


class SQLiteStore(Store):
    """A `Store` in one SQLite file (or in memory, for ``memory://``)."""

    backend = "sqlite"

    def __init__(
        self,
        path: str | Path,
        *,
        synchronous: str = "FULL",
        timeout: float = 60.0,
    ) -> None:
        self.location = str(path)
        self._path = None if str(path) == ":memory:" else Path(path)
        if self._path is not None and not self._path.parent.is_dir():
            raise IndexStoreError(f"{path}: cannot create an index here: no such folder")
        try:
            self._db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise IndexStoreError(f"{path}: cannot open the index ({error})") from error
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={synchronous}")
            # reads map the file instead of copying pages through read() (a lookup visits
            # about a thousand B-tree paths); the size is an upper bound, not an allocation
            self._db.execute(f"PRAGMA mmap_size={_MMAP_SIZE}")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as error:
            self._db.close()
            raise IndexStoreError(
                f"{path}: not a nearsame index, or not readable and writable ({error})"
            ) from error

    def _run(self, sql: str, values: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._db.execute(sql, values).fetchall()
        except sqlite3.Error as error:
            raise IndexStoreError(f"{self.location}: {error}") from error

    def _read_meta(self, name: str) -> dict[str, Any] | None:
        rows = self._run("SELECT value FROM meta WHERE name = ?", (name,))
        return json.loads(rows[0][0]) if rows else None

    def _write_meta(self, name: str, value: Mapping[str, Any]) -> None:
        """Record ``value`` under ``name`` unless something is already there (first writer wins)."""
        with self.exclusive():
            self._run(
                "INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)",
                (name, json.dumps(dict(value), sort_keys=True)),
            )

    def read_params(self) -> dict[str, Any] | None:
        return self._read_meta("params")

    def write_params(self, params: Mapping[str, Any]) -> None:
        self._write_meta("params", params)

    def read_derived(self) -> dict[str, Any] | None:
        return self._read_meta("derived")

    def write_derived(self, derived: Mapping[str, Any]) -> None:
        self._write_meta("derived", derived)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        self._run("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self._db.in_transaction:
                self._db.rollback()
            raise
        self._run("COMMIT")

    def lookup(self, keys: Keys, crowd: Keys | None = None) -> Postings:
        wanted = np.unique(keys).tolist()
        rows: list[tuple[int, int, int]] = []
        crowded: set[int] = set()
        for chunk in _chunks(wanted):
            marks = _marks(len(chunk))
            rows += self._run(f"SELECT key, num, unit FROM bands WHERE key IN ({marks})", chunk)
        for chunk in _chunks(wanted if crowd is None else np.unique(crowd).tolist()):
            sql = f"SELECT key FROM crowded WHERE key IN ({_marks(len(chunk))})"
            crowded.update(key for (key,) in self._run(sql, chunk))
        table = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
        return Postings(table[:, 0], table[:, 1], table[:, 2], frozenset(crowded))

    def documents(self, nums: Sequence[int]) -> list[StoredDocument]:
        found = []
        for chunk in _chunks(list(nums)):
            found += self._run(
                f"SELECT {_COLUMNS} FROM documents WHERE num IN ({_marks(len(chunk))})", chunk
            )
        return [_row_document(row) for row in found]

    def find(self, doc_id: str) -> StoredDocument | None:
        rows = self._run(f"SELECT {_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        return _row_document(rows[0]) if rows else None

    def insert(self, entries: Sequence[Entry]) -> None:
        bands: list[tuple[int, int, int]] = []
        limits: dict[int, int] = {}
        for entry in entries:
            document = entry.document
            cursor = self._db.cursor()
            try:
                cursor.execute(
                    "INSERT INTO documents (id, text, title, date, source, url, path, language,"
                    " body_start, metadata, signatures, analysis) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (document.id, document.text, document.title, document.date, document.source,
                     document.url, document.path, document.language, document.body_start,
                     json.dumps(dict(document.metadata), ensure_ascii=False), entry.signatures,
                     entry.analysis),
                )  # fmt: skip
            except sqlite3.Error as error:
                raise IndexStoreError(
                    f"{self.location}: cannot add {document.id!r}: {error}"
                ) from error
            finally:
                cursor.close()
            num = int(cursor.lastrowid or 0)
            keys = entry.keys.tolist()
            bands += zip(keys, [num] * len(keys), entry.units.tolist(), strict=True)
            limits.update(zip(keys, entry.limits.tolist(), strict=True))
        self._insert_bands(bands, limits)

    def _insert_bands(self, bands: list[tuple[int, int, int]], limits: dict[int, int]) -> None:
        keys = sorted(limits)
        crowded: set[int] = set()
        for chunk in _chunks(keys):
            sql = f"SELECT key FROM crowded WHERE key IN ({_marks(len(chunk))})"
            crowded.update(key for (key,) in self._run(sql, chunk))
        try:
            self._db.executemany(
                "INSERT OR IGNORE INTO bands (key, num, unit) VALUES (?, ?, ?)",
                [band for band in bands if band[0] not in crowded],
            )
        except sqlite3.Error as error:
            raise IndexStoreError(f"{self.location}: {error}") from error
        smallest = min(limits.values(), default=0)
        full: list[int] = []
        for chunk in _chunks([key for key in keys if key not in crowded]):
            sql = (
                f"SELECT key, count(*) FROM bands WHERE key IN ({_marks(len(chunk))})"
                " GROUP BY key HAVING count(*) > ?"
            )
            full += (key for key, n in self._run(sql, [*chunk, smallest]) if n > limits[key])
        for key in full:
            self._run("INSERT OR IGNORE INTO crowded (key) VALUES (?)", (key,))
            self._run("DELETE FROM bands WHERE key = ?", (key,))

    def delete(self, stored: StoredDocument, keys: Keys) -> None:
        self._run("DELETE FROM documents WHERE num = ?", (stored.num,))
        try:
            self._db.executemany(
                "DELETE FROM bands WHERE key = ? AND num = ?",
                [(key, stored.num) for key in np.unique(keys).tolist()],
            )
        except sqlite3.Error as error:
            raise IndexStoreError(f"{self.location}: {error}") from error

    def count(self) -> tuple[int, int, int | None]:
        documents = self._run("SELECT count(*) FROM documents")[0][0]
        crowded = self._run("SELECT count(*) FROM crowded")[0][0]
        size = None
        if self._path is not None:
            size = sum(
                p.stat().st_size for p in (self._path, Path(f"{self._path}-wal")) if p.exists()
            )
        return int(documents), int(crowded), size

    def close(self) -> None:
        self._db.close()

    def integrity(self) -> str:
        """SQLite's own integrity check: ``ok`` or the problems found."""
        return "; ".join(str(row[0]) for row in self._run("PRAGMA integrity_check"))
