"""Layouts for reading a story: the rows of a side-by-side comparison, the segments of a
"what's new" view, and the order of the story list. Pure functions over the report; no Textual.

Every span is ``[start, end)`` in code points of the document's original text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from nearsame.report import DocumentReport, Match, Report, SharedSpan
from nearsame.segment import paragraph_spans

__all__ = [
    "Row",
    "Segment",
    "StoryRow",
    "added_words",
    "novelty_segments",
    "pair_matches",
    "pair_rows",
    "story_rows",
]

Role = Literal["plain", "match", "new", "shared", "boilerplate"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of one document's text and what it is.

    ``match`` is the index of the match it belongs to (in `pair_matches` order for a comparison,
    in ``novelty.shared_spans`` order for a "what's new" view), ``None`` otherwise.
    """

    start: int
    end: int
    role: Role = "plain"
    match: int | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a side-by-side view: what the earlier (left) and later (right) article show.

    ``match`` is set when the row pairs the two sides of one match; a row with ``match=None`` holds
    text found between two aligned matches on each side (possibly including a moved match).
    """

    left: tuple[Segment, ...]
    right: tuple[Segment, ...]
    match: int | None = None


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One line of the story list: a document, indented under its cluster's canonical member."""

    doc: str
    depth: int


def pair_matches(report: Report, earlier: str, later: str) -> list[Match]:
    """The matches between two documents, in the later document's reading order."""
    return sorted(
        (m for m in report.matches if m.earlier.doc == earlier and m.later.doc == later),
        key=lambda m: (m.later.start, m.earlier.start),
    )


def paragraphs(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """The paragraphs (split at blank lines, whitespace trimmed) of ``text[start:end]``: the
    segmenter's own, so that the views break lines where the engine sees paragraphs."""
    return paragraph_spans(text, start, end)


def _trimmed(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """``text[start:end]`` without its surrounding whitespace, as one span (none if blank)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


_NONE: list[int] = []


def _chain(matches: Sequence[Match]) -> set[int]:
    """The largest set of matches in the same order in both documents (not overlapping)."""
    best: list[list[int]] = []
    for i, match in enumerate(matches):
        options = [
            best[j]
            for j in range(i)
            if matches[j].earlier.end <= match.earlier.start
            and matches[j].later.end <= match.later.start
        ]
        best.append([*max(options, key=_size, default=_NONE), i])
    longest = max(best, key=_size, default=_NONE)
    return set(longest)


def _size(chain: list[int]) -> int:
    return len(chain)


def _cut(
    text: str, start: int, end: int, spans: Sequence[tuple[int, int, int]], role: Role = "plain"
) -> tuple[Segment, ...]:
    """``text[start:end]`` as paragraphs, with the given ``(start, end, match)`` spans kept whole."""
    out: list[Segment] = []
    position = start
    for s, e, index in sorted(spans):
        s, e = max(s, position), min(e, end)
        if s >= e:
            continue
        out += [Segment(a, b, role) for a, b in paragraphs(text, position, s)]
        out.append(Segment(s, e, "match", index))
        position = e
    out += [Segment(a, b, role) for a, b in paragraphs(text, position, end)]
    return tuple(out)


def pair_rows(earlier_text: str, later_text: str, matches: Sequence[Match]) -> tuple[Row, ...]:
    """The rows of a side-by-side comparison of two texts, given their `pair_matches`.

    Matches that keep the reading order of both texts share a row; the text between them sits
    side by side on a row of its own; moved matches stay in place, inside that text.
    """
    chain = _chain(matches)
    loose = [i for i in range(len(matches)) if i not in chain]
    left_spans = [(matches[i].earlier.start, matches[i].earlier.end, i) for i in loose]
    right_spans = [(matches[i].later.start, matches[i].later.end, i) for i in loose]
    rows: list[Row] = []
    left_at = right_at = 0
    for i in sorted(chain):
        match = matches[i]
        left = _cut(earlier_text, left_at, match.earlier.start, left_spans)
        right = _cut(later_text, right_at, match.later.start, right_spans)
        if left or right:
            rows.append(Row(left, right))
        rows.append(
            Row(
                (Segment(match.earlier.start, match.earlier.end, "match", i),),
                (Segment(match.later.start, match.later.end, "match", i),),
                i,
            )
        )
        left_at, right_at = match.earlier.end, match.later.end
    left = _cut(earlier_text, left_at, len(earlier_text), left_spans)
    right = _cut(later_text, right_at, len(later_text), right_spans)
    if left or right:
        rows.append(Row(left, right))
    return tuple(rows)


def novelty_segments(text: str, document: DocumentReport) -> tuple[Segment, ...]:
    """A document cut into new, shared (``match`` = index in ``shared_spans``), boilerplate and
    plain (neither: headers, whitespace) segments, in text order; new and plain text by paragraph."""
    novelty = document.novelty
    spans: list[tuple[int, int, Role, int | None]] = [
        *((s, e, "new", None) for s, e in novelty.new_spans),
        *((s.start, s.end, "shared", i) for i, s in enumerate(novelty.shared_spans)),
        *((s, e, "boilerplate", None) for s, e in novelty.boilerplate_spans),
    ]
    out: list[Segment] = []
    position = 0
    for start, end, role, index in sorted(spans, key=lambda s: (s[0], s[1])):
        start = max(start, position)
        if start >= end:
            continue
        out += [Segment(a, b) for a, b in paragraphs(text, position, start)]
        if role == "new":
            out += [Segment(a, b, "new") for a, b in paragraphs(text, start, end)]
        else:
            out += [Segment(a, b, role, index) for a, b in _trimmed(text, start, end)]
        position = end
    out += [Segment(a, b) for a, b in paragraphs(text, position, len(text))]
    return tuple(out)


def added_words(report: Report, doc: str, shared: SharedSpan) -> list[tuple[int, int]]:
    """The words added or changed inside a recycled span of ``doc``, from the word operations of
    the matches between ``doc`` and the span's source."""
    out: list[tuple[int, int]] = []
    for match in report.matches:
        if match.later.doc != doc or match.earlier.doc != shared.source.doc:
            continue
        for op in match.ops:
            start, end = op.later
            if op.op in ("insert", "replace") and shared.start <= start < end <= shared.end:
                out.append((start, end))
    return sorted(set(out))


def story_rows(report: Report) -> tuple[StoryRow, ...]:
    """The documents in reading order, each near-duplicate right under its cluster's canonical."""
    ids = {d.id for d in report.documents}
    members: dict[str, list[str]] = {}
    for document in report.documents:
        if _under(document, ids):
            members.setdefault(str(document.cluster), []).append(document.id)
    rows: list[StoryRow] = []
    for document in report.documents:
        if _under(document, ids):
            continue
        rows.append(StoryRow(document.id, 0))
        rows += [StoryRow(member, 1) for member in members.get(document.id, [])]
    return tuple(rows)


def _under(document: DocumentReport, ids: set[str]) -> bool:
    return bool(document.cluster) and document.cluster != document.id and document.cluster in ids
