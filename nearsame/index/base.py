"""What every index backend provides (`Store`), and the frozen results an index hands back.

A store knows nothing about text analysis: it keeps documents (text, metadata, and a packed
fingerprint: signatures and units as hashes) and a table of LSH band keys ``key -> (document
number, unit)``, caps each key's bucket (a key shared by more units is *crowded*: site furniture or
words every article uses, no use as a candidate), and offers an exclusive section in which a check
and an add happen as one step. `nearsame.index.core.Index` does the rest, the same way for every
backend.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from nearsame.document import Document
from nearsame.errors import IndexStoreError
from nearsame.verify import Kind

__all__ = [
    "CHECK_SCHEMA",
    "ENTRY",
    "Added",
    "Decision",
    "Entry",
    "IdConflictError",
    "IndexStats",
    "MatchedDocument",
    "SharedPassage",
    "Status",
    "Store",
    "StoredDocument",
    "check_params",
    "ranges",
    "stored_json",
]

CHECK_SCHEMA = "nearsame.check/1"
Status = Literal["unique", "duplicate", "overlap"]
MatchKind = Literal["duplicate", "exact", "near", "paraphrase"]
Keys = npt.NDArray[np.int64]


def ranges(starts: Keys, counts: Keys) -> Keys:
    """``starts[k], starts[k] + 1, ..., starts[k] + counts[k] - 1`` for every ``k``, in turn: the
    rows of runs laid end to end (entries under keys, units of documents), with no step per run."""
    before = np.cumsum(counts) - counts
    return np.repeat(starts - before, counts) + np.arange(int(counts.sum()))


class IdConflictError(IndexStoreError):
    """A document's id is already in the index with another text."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        super().__init__(
            f"document id {doc_id!r} is already in the index with another text; "
            "remove it first, or give the new document another id"
        )


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """One indexed document: its number in the store, the document and its packed signatures."""

    num: int
    document: Document
    signatures: bytes


@dataclass(frozen=True, slots=True)
class Entry:
    """One document to store, with its band keys: ``keys[i]`` belongs to unit ``units[i]``
    (``-1`` for the whole document), and its bucket holds at most ``limits[i]`` entries."""

    document: Document
    signatures: bytes
    keys: Keys
    units: npt.NDArray[np.int64]
    limits: npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Added:
    """What became of one batch of `Index.add_stream`: the ``ids`` added (in order), the
    documents left out because their id is indexed, or earlier in the batch, with another text
    (``conflicts``), and how many ``documents`` the batch held (the rest were there already,
    with the same text). ``worker_failure`` is set when the worker process meant to analyse the
    batch had failed (why, for instance its last error line): the batch was then analysed in the
    process that writes, which is slower, and stored all the same."""

    ids: tuple[str, ...]
    conflicts: tuple[Document, ...]
    documents: int
    worker_failure: str | None = None


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What an index holds."""

    backend: str
    location: str
    documents: int
    crowded_keys: int
    #: bytes on disk for an SQLite file (with its log and frozen copy); for Redis, the memory the
    #: whole server uses (``used_memory``: every prefix, and anything else it holds)
    size_bytes: int | None
    params: Mapping[str, Any]
    #: for an SQLite index ever optimized (`Index.optimize`), its frozen copy: its ``file``
    #: (``None`` once set aside), the documents ``added_since`` it was written, and whether
    #: checks use it (``in_use``); ``None`` for an index never optimized
    frozen: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "frozen": None if self.frozen is None else dict(self.frozen),
            "backend": self.backend, "location": self.location, "documents": self.documents,
            "crowded_keys": self.crowded_keys, "size_bytes": self.size_bytes,
            "params": dict(self.params),
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """A passage of the checked document also found in an indexed one.

    ``checked`` and ``indexed`` are ``(start, end)`` spans in code points of each original text.
    """

    kind: Kind
    score: float
    moved: bool
    boilerplate: bool
    checked: tuple[int, int]
    indexed: tuple[int, int]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "kind": self.kind, "score": round(self.score, 4), "moved": self.moved,
            "boilerplate": self.boilerplate, "checked": list(self.checked),
            "indexed": list(self.indexed),
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class MatchedDocument:
    """An indexed document the checked one matches.

    ``kind`` is ``duplicate`` (the whole articles are near-identical) or the strongest kind of
    the shared passages (``exact``, ``near``, ``paraphrase``). ``score`` is the whole-document
    similarity for a duplicate, else the best passage score. ``similarity`` is the whole-document
    token similarity when it was measured (the documents' own fingerprints were close), else
    ``None``. ``coverage`` is the share of the checked text inside shared, non-boilerplate passages.
    """

    id: str
    kind: MatchKind
    score: float
    similarity: float | None
    coverage: float
    title: str | None
    date: str | None
    passages: tuple[SharedPassage, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "id": self.id, "kind": self.kind, "score": round(self.score, 4),
            "similarity": None if self.similarity is None else round(self.similarity, 4),
            "coverage": round(self.coverage, 4), "title": self.title, "date": self.date,
            "passages": [p.to_dict() for p in self.passages],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to one check: ``unique``, ``duplicate`` of a document, or ``overlap`` with some.

    ``matches`` lists the indexed documents found, duplicates first. ``added`` says whether the
    document was added to the index by this check.
    """

    id: str
    status: Status
    matches: tuple[MatchedDocument, ...] = ()
    added: bool = False
    length: int = 0

    @property
    def duplicate_of(self) -> str | None:
        """The id of the indexed document this one duplicates, if any."""
        return self.matches[0].id if self.status == "duplicate" else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (the ``nearsame.check/1`` record)."""
        return {
            "schema": CHECK_SCHEMA, "id": self.id, "status": self.status,
            "duplicate_of": self.duplicate_of, "added": self.added, "length": self.length,
            "matches": [m.to_dict() for m in self.matches],
        }  # fmt: skip

    def to_json(self) -> str:
        """One line of JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False)


#: One entry of a band key as the stores pack it: the document number and the unit, 8 bytes.
ENTRY = np.dtype([("num", "<i4"), ("unit", "<i4")])


@dataclass(frozen=True, slots=True)
class Postings:
    """What a band-key lookup found: ``(key, num, unit)`` rows, and the keys that are crowded."""

    keys: Keys
    nums: npt.NDArray[np.int64]
    units: npt.NDArray[np.int64]
    crowded: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def unpack(
        cls, keys: Sequence[int], blobs: Sequence[bytes], crowded: frozenset[int]
    ) -> Postings:
        """The postings of ``keys``, ``blobs[i]`` holding key ``keys[i]``'s entries packed as
        `ENTRY` (one array over them all: an array per key cost more than the lookup)."""
        table = np.frombuffer(b"".join(blobs), dtype=ENTRY)
        owners = np.repeat(
            np.asarray(keys, dtype=np.int64), [len(blob) // ENTRY.itemsize for blob in blobs]
        )
        return cls(owners, table["num"].astype(np.int64), table["unit"].astype(np.int64), crowded)


def stored_json(value: str | bytes, what: str) -> dict[str, Any]:
    """The JSON object ``value`` that a store recorded; `IndexStoreError` if it is damaged."""
    try:
        found = json.loads(value)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise IndexStoreError(f"{what} is damaged (not JSON: {error})") from error
    if not isinstance(found, dict):
        raise IndexStoreError(f"{what} is damaged (not a JSON object)")
    return found


def check_params(stored: Mapping[str, Any], wanted: Mapping[str, Any], where: str) -> None:
    """Raise `IndexStoreError` naming every setting in which ``wanted`` differs from ``stored``."""
    differences = [
        f"{name}: index has {stored.get(name)!r}, asked for {wanted.get(name)!r}"
        for name in sorted(set(stored) | set(wanted))
        if stored.get(name) != wanted.get(name)
    ]
    if differences:
        raise IndexStoreError(
            f"{where} was built with other parameters ({'; '.join(differences)}); open it "
            "without parameters to use its own, or build a new index for these"
        )


class Store(ABC):
    """A backend: documents, signatures and band keys, behind one interface."""

    backend: str = "?"
    location: str = "?"

    @abstractmethod
    def _read_meta(self, name: str) -> dict[str, Any] | None:
        """The JSON object recorded under ``name``, if any."""

    @abstractmethod
    def _write_meta(self, name: str, value: Mapping[str, Any]) -> None:
        """Record ``value`` under ``name`` unless something is already there (first writer wins)."""

    def read_params(self) -> dict[str, Any] | None:
        """The parameters recorded in the store, or ``None`` for a new, empty store."""
        return self._read_meta("params")

    def write_params(self, params: Mapping[str, Any]) -> None:
        """Record the parameters of a new store (once, before anything is added)."""
        self._write_meta("params", params)

    def read_derived(self) -> dict[str, Any] | None:
        """What the store recorded beside its parameters (`write_derived`), if anything."""
        return self._read_meta("derived")

    def write_derived(self, derived: Mapping[str, Any]) -> None:
        """Record values derived from the parameters (bandings, permutations) once, apart from
        the parameters themselves so that versions that do not know them still open the store."""
        self._write_meta("derived", derived)

    @abstractmethod
    def exclusive(self) -> AbstractContextManager[None]:
        """A section no other writer enters: a check and an add inside it are one step."""

    @abstractmethod
    def lookup(self, keys: Keys, crowd: Keys | None = None) -> Postings:
        """Every entry under ``keys``, and which of ``crowd`` (default: ``keys``) are crowded."""

    @abstractmethod
    def documents(self, nums: Sequence[int]) -> list[StoredDocument]:
        """The stored documents numbered ``nums`` (missing ones are left out)."""

    @abstractmethod
    def signatures(self, nums: Sequence[int]) -> dict[int, bytes]:
        """The packed signatures of the documents numbered ``nums`` that exist (nothing else)."""

    @abstractmethod
    def find(self, doc_id: str) -> StoredDocument | None:
        """The stored document with id ``doc_id``, if any."""

    @abstractmethod
    def insert(self, entries: Sequence[Entry]) -> None:
        """Store documents with their signatures and their band keys and units, atomically
        (Redis: each document atomically, see `Index.add`).

        Must be called inside `exclusive`; ids are known to be new.
        """

    @abstractmethod
    def delete(self, stored: StoredDocument, keys: Keys) -> None:
        """Remove one document and its band entries (inside `exclusive`)."""

    def frozen(self) -> dict[str, Any] | None:
        """The state of what `freeze` wrote (see `IndexStats.frozen`), if anything."""
        return None

    def freeze(
        self,
        keys_of: Callable[[bytes], Keys],
        progress: Callable[[float], None] | None = None,
    ) -> bool:
        """Write what makes lookups faster, if the backend has anything of the kind (an SQLite
        file: a frozen copy of its band table); whether it did. ``keys_of`` gives the band keys
        of a document's stored signatures; ``progress`` gets the share done."""
        return False

    @abstractmethod
    def count(self) -> tuple[int, int, int | None]:
        """Documents, crowded keys, and the size in bytes (``None`` when not known)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and files."""
