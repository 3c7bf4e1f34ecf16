"""Novelty: which spans of an article were already published (where first, how similar), and which
are new, down to words added inside an otherwise recycled sentence.

Each token of the article is labelled: *boilerplate* (in a boilerplate unit), *shared* (kept from
an earlier article: by an ``exact`` or ``near`` match, every kept word; by a ``paraphrase``, the
whole rewritten sentence), or *new*. The earliest source wins, but a verbatim one (``exact`` or
``near``) before any paraphrase: words copied word for word were first published where they stand
word for word, even when an earlier article said the same in other words (or only seemed to: a
paraphrase just above its threshold may share no more than a topic). Runs of
labels become spans; a new run made only of stop words inside a matched sentence is not news and
counts as shared.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from nearsame.align import diff_words
from nearsame.analyze import Analysis
from nearsame.report import Novelty, SharedSpan, Side
from nearsame.verify import Kind

__all__ = ["Source", "novelty"]

_NEW, _SHARED, _BOILERPLATE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Source:
    """A verified unit match seen from the later document: which earlier unit it reuses."""

    doc: str
    analysis: Analysis
    unit: int
    later_unit: int
    kind: Kind
    score: float


def _shared_tokens(later: Analysis, source: Source) -> list[int]:
    """Indexes of the later unit's tokens that the earlier unit already had."""
    first, stop = later.sentence_tokens[source.later_unit]
    e_first, e_stop = source.analysis.sentence_tokens[source.unit]
    if source.kind == "paraphrase":
        return list(range(first, stop))
    kept: list[int] = []
    for name, _, _, dest_start, dest_end in diff_words(
        source.analysis.tokens.norms[e_first:e_stop], later.tokens.norms[first:stop]
    ):
        if name == "keep":
            kept.extend(range(first + dest_start, first + dest_end))
    return kept


def _extend(analysis: Analysis, first: int, last: int, unit_of: Sequence[int]) -> tuple[int, int]:
    """The span of tokens ``first..last``, widened to its sentence's edges when it reaches them."""
    tokens = analysis.tokens
    unit = unit_of[first]
    start, end = tokens.starts[first], tokens.ends[last]
    u_first, u_stop = analysis.sentence_tokens[unit]
    if first == u_first:
        start = analysis.sentences[unit].start
    if unit_of[last] == unit and last == u_stop - 1:
        end = analysis.sentences[unit].end
    elif last == analysis.sentence_tokens[unit_of[last]][1] - 1:
        end = analysis.sentences[unit_of[last]].end
    return start, end


def novelty(
    later: Analysis, sources: Sequence[Source], boilerplate_units: Collection[int]
) -> Novelty:
    """The novelty of ``later`` given its unit matches to earlier documents, earliest source first."""
    count = len(later.tokens)
    labels = [_NEW] * count
    origin: list[Source | None] = [None] * count
    unit_of = [-1] * count
    matched_units = {s.later_unit for s in sources}
    for unit, (first, stop) in enumerate(later.sentence_tokens):
        for index in range(first, stop):
            unit_of[index] = unit
            if unit in boilerplate_units:
                labels[index] = _BOILERPLATE
    for source in sorted(sources, key=lambda s: s.kind == "paraphrase"):  # stable: earliest first
        for index in _shared_tokens(later, source):
            if labels[index] == _NEW:
                labels[index] = _SHARED
                origin[index] = source
    _absorb_stop_words(later, labels, unit_of, matched_units, origin)
    return _spans(later, labels, origin, unit_of)


def _absorb_stop_words(
    later: Analysis,
    labels: list[int],
    unit_of: list[int],
    matched: set[int],
    origin: list[Source | None],
) -> None:
    """A run of new tokens with no content word, inside a matched unit, is not news: shared."""
    index = 0
    while index < len(labels):
        if labels[index] != _NEW or unit_of[index] not in matched:
            index += 1
            continue
        stop = index
        while stop < len(labels) and labels[stop] == _NEW and unit_of[stop] == unit_of[index]:
            stop += 1
        if all(later.terms[i] is None for i in range(index, stop)):
            neighbour = (
                origin[index - 1]
                if index > 0 and origin[index - 1]
                else origin[stop]
                if stop < len(origin)
                else None
            )
            if neighbour is not None:
                for i in range(index, stop):
                    labels[i] = _SHARED
                    origin[i] = neighbour
        index = stop


def _spans(
    later: Analysis, labels: list[int], origin: list[Source | None], unit_of: list[int]
) -> Novelty:
    new: list[tuple[int, int]] = []
    shared: list[SharedSpan] = []
    boilerplate: list[tuple[int, int]] = []
    index = 0
    while index < len(labels):
        label, source = labels[index], origin[index]
        stop = index + 1
        while (
            stop < len(labels)
            and labels[stop] == label
            and origin[stop] is source
            and unit_of[stop] >= 0
        ):
            stop += 1
        if unit_of[index] >= 0:
            span = _extend(later, index, stop - 1, unit_of)
            if label == _NEW:
                new.append(span)
            elif label == _BOILERPLATE:
                boilerplate.append(span)
            elif source is not None:
                e_sentence = source.analysis.sentences[source.unit]
                side = Side(source.doc, e_sentence.start, e_sentence.end)
                shared.append(SharedSpan(span[0], span[1], side, source.kind, source.score))
        index = stop
    return Novelty(
        new_chars=sum(e - s for s, e in new),
        shared_chars=sum(s.end - s.start for s in shared),
        boilerplate_chars=sum(e - s for s, e in boilerplate),
        new_spans=tuple(new),
        shared_spans=tuple(shared),
        boilerplate_spans=tuple(boilerplate),
    )
