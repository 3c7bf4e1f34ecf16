"""The ``memory://`` index: the embedded index in an in-memory SQLite database (tests, notebooks).

It behaves exactly like the file index, because it is the same code; it lives as long as the
`Index` that opened it.
"""

from __future__ import annotations

from nearsame.index.sqlite import SQLiteStore

__all__ = ["MemoryStore"]


class MemoryStore(SQLiteStore):
    """A `SQLiteStore` that keeps everything in memory."""

    backend = "memory"

    def __init__(self) -> None:
        super().__init__(":memory:", synchronous="OFF")
        self.location = "memory://"
