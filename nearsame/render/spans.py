"""Helpers shared by the renderings: excerpts and the word operations of one side of a match."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from nearsame.align import WordOp
from nearsame.report import DocumentReport, Match

__all__ = ["MISSING", "counted", "label", "pieces", "short", "titled"]

MISSING = "text not available"
"""What the renderings show for a passage of a document whose text they were not given."""


def short(text: str, limit: int = 90) -> str:
    """One line of at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``1 passage``, ``2 passages``: a number and its noun, singular or plural."""
    noun = singular if number == 1 else plural or singular + "s"
    return f"{number} {noun}"


def label(document: DocumentReport) -> str:
    """``title (date)`` or the id."""
    name = document.title or document.id
    return f"{name} ({document.date})" if document.date else name


def titled(document: DocumentReport, limit: int | None = None) -> str:
    """``title (date)`` on one line, the title cut to ``limit`` characters, never the date; either
    may be missing (``""`` when both are)."""
    title = " ".join((document.title or "").split())
    if title and limit is not None:
        title = short(title, limit)
    date = f"({document.date})" if document.date else ""
    return " ".join(part for part in (title, date) if part)


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
