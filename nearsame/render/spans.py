"""Helpers shared by the renderings: excerpts and the word operations of one side of a match."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from nearsame.align import WordOp
from nearsame.report import DocumentReport, Match

__all__ = ["MISSING", "label", "pieces", "short"]

MISSING = "text not available"
"""What the renderings show for a passage of a document whose text they were not given."""


def short(text: str, limit: int = 90) -> str:
    """One line of at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def label(document: DocumentReport) -> str:
    """``title (date)`` or the id."""
    name = document.title or document.id
    return f"{name} ({document.date})" if document.date else name


def pieces(text: str, match: Match, side: str) -> Iterator[tuple[str, str]]:
    """The text of one side of ``match`` cut into ``(piece, op)``: op is keep, replace, delete,
    insert, or ``""`` for the spaces and punctuation between words."""
    span = match.earlier if side == "earlier" else match.later
    wanted = ("keep", "replace", "delete") if side == "earlier" else ("keep", "replace", "insert")
    position = span.start
    ops: Sequence[WordOp] = match.ops
    for op in ops:
        start, end = op.earlier if side == "earlier" else op.later
        if op.op not in wanted or start == end:
            continue
        if start > position:
            yield text[position:start], ""
        yield text[start:end], op.op
        position = end
    if position < span.end:
        yield text[position : span.end], ""
