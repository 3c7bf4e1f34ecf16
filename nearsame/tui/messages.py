"""Messages the screens send to the app: which view to open next."""

from __future__ import annotations

from textual.message import Message

__all__ = ["OpenCompare", "OpenNovelty"]


class OpenCompare(Message):
    """Open the comparison of two articles (in reading order), optionally on one match."""

    def __init__(self, earlier: str, later: str, *, match: int | None = None) -> None:
        super().__init__()
        self.earlier = earlier
        self.later = later
        self.match = match


class OpenNovelty(Message):
    """Open the "what's new" view of one article."""

    def __init__(self, doc: str) -> None:
        super().__init__()
        self.doc = doc
