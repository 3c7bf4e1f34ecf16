"""Persistent indexes for ingestion: `open_index` and the decisions a check returns.

``open_index(uri)`` opens (or creates) an index: a file path (SQLite, the embedded default),
``redis://host:port/db?prefix=NAME`` (shared by many workers), or ``memory://``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from nearsame.errors import IndexStoreError
from nearsame.index.base import (
    Added,
    Decision,
    IdConflictError,
    IndexStats,
    MatchedDocument,
    SharedPassage,
    Status,
    Store,
    check_params,
)
from nearsame.index.check import (
    FORMAT,
    derived_params,
    params_from_stored,
    stored_params,
    use_derived,
)
from nearsame.index.core import Index
from nearsame.params import Params

__all__ = [
    "Added",
    "Decision",
    "IdConflictError",
    "Index",
    "IndexStats",
    "MatchedDocument",
    "SharedPassage",
    "Status",
    "open_index",
]


def _store(uri: str, create: bool) -> Store:
    scheme = urlsplit(uri).scheme if "://" in uri else ""
    if scheme == "memory":
        from nearsame.index.memory import MemoryStore

        return MemoryStore()
    if scheme in ("redis", "rediss", "unix"):
        from nearsame.index.redis import RedisStore

        return RedisStore(uri)
    if scheme in ("", "file", "sqlite"):
        path = uri.split("://", 1)[1] if scheme else uri
        from nearsame.index.sqlite import SQLiteStore

        try:
            found = Path(path).expanduser().exists()
        except OSError as error:  # a folder on the way this user may not enter
            raise IndexStoreError(f"{uri}: cannot reach the index ({error.strerror})") from error
        if not create and not found:
            raise IndexStoreError(f"{uri}: no index here (create it with `index add`)")
        return SQLiteStore(Path(path).expanduser(), create=create)
    raise IndexStoreError(
        f"{uri}: unknown kind of index {scheme!r}; use a file path, redis://host:port/db or memory://"
    )


def open_index(
    uri: str | Path, *, params: Params | None = None, create: bool = True, max_candidates: int = 8
) -> Index:
    """Open the index at ``uri``, creating it (with ``params``, or the defaults) if it is new.

    An existing index keeps the parameters it was built with: pass ``params`` only to create
    one, or to make sure an existing one uses them (`IndexStoreError` if it does not). The
    verification settings of ``params`` (``thresholds``, ``duplicate``) are never stored and
    apply to this session's checks. With ``create=False`` a missing index is an error.
    """
    location = str(uri)
    base = params or Params()
    store = _store(location, create)
    try:
        stored = store.read_params()
        created = stored is None
        if stored is None:
            if not create:
                raise IndexStoreError(f"{location}: no index here (create it with `index add`)")
            store.write_params(stored_params(base))
            stored = store.read_params() or stored_params(base)
        elif stored.get("format") != FORMAT:
            raise IndexStoreError(
                f"{location}: this index was made by another version of nearsame (index format"
                f" {stored.get('format')}, this version reads {FORMAT}); build it again"
            )
        elif params is not None:
            check_params(stored, stored_params(params), location)
        effective = params_from_stored(stored, base)
        check_params(stored, stored_params(effective), location)
        derived = store.read_derived()  # indexes made before it was recorded have none
        if derived is None and created:
            store.write_derived(derived_params(effective))  # datasketch's, once
        elif derived is not None:
            use_derived(derived, effective)
    except BaseException:
        store.close()
        raise
    return Index(store, effective, max_candidates=max_candidates)
