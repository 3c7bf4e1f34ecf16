"""Alignment: matched units become passages, passages out of reading order are ``moved``, and
inside each passage a word-level diff says which words were kept, replaced, deleted, inserted.

The word diff is rapidfuzz's Indel opcodes (the longest common subsequence) over the two lists of
folded tokens, a deletion next to an insertion counted as one replacement (never a character diff
of prose); every operation carries its span on both sides, in code points of the
original texts (an empty span marks where a word was inserted or deleted).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Indel

from nearsame.analyze import Analysis
from nearsame.verify import KINDS, Kind, UnitScore

__all__ = ["OpName", "Passage", "UnitMatch", "WordOp", "align_pair", "diff_words", "word_ops"]

OpName = Literal["keep", "replace", "delete", "insert"]
_OPNAMES: dict[str, OpName] = {
    "equal": "keep",
    "replace": "replace",
    "delete": "delete",
    "insert": "insert",
}


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """A verified pair of units: unit ``earlier`` of the earlier document, ``later`` of the later."""

    earlier: int
    later: int
    score: UnitScore


@dataclass(frozen=True, slots=True)
class WordOp:
    """One word-level operation, with its span in each text (``(start, end)``, end exclusive)."""

    op: OpName
    earlier: tuple[int, int]
    later: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Passage:
    """Consecutive matched units of one kind, in both documents."""

    earlier_units: tuple[int, int]
    later_units: tuple[int, int]
    earlier_span: tuple[int, int]
    later_span: tuple[int, int]
    kind: Kind
    moved: bool
    surface: float
    content: float
    units: tuple[UnitMatch, ...]
    ops: tuple[WordOp, ...]

    @property
    def score(self) -> float:
        """The mean score of the units: content for paraphrases, surface otherwise."""
        return sum(u.score.score for u in self.units) / len(self.units)


def _rank(match: UnitMatch) -> tuple[int, float]:
    kind = match.score.kind
    return (len(KINDS) - KINDS.index(kind) if kind else 0, match.score.score)


def _one_to_one(matches: Iterable[UnitMatch]) -> list[UnitMatch]:
    """Keep the best match of each unit on either side (greedy, best first)."""
    used_earlier: set[int] = set()
    used_later: set[int] = set()
    kept = []
    for match in sorted(matches, key=_rank, reverse=True):
        if match.earlier in used_earlier or match.later in used_later:
            continue
        used_earlier.add(match.earlier)
        used_later.add(match.later)
        kept.append(match)
    return sorted(kept, key=lambda m: m.later)


def _runs(matches: Sequence[UnitMatch]) -> list[list[UnitMatch]]:
    runs: list[list[UnitMatch]] = []
    for match in matches:
        if runs:
            last = runs[-1][-1]
            if (
                match.later == last.later + 1
                and match.earlier == last.earlier + 1
                and match.score.kind == last.score.kind
            ):
                runs[-1].append(match)
                continue
        runs.append([match])
    return runs


def _in_order(starts: Sequence[int]) -> set[int]:
    """Indexes of a longest increasing subsequence of ``starts`` (the passages read in order)."""
    tails: list[int] = []  # tails[k]: the index ending the best increasing run of length k + 1
    previous = [-1] * len(starts)
    for index, value in enumerate(starts):
        length = bisect_left(tails, value, key=starts.__getitem__)
        previous[index] = tails[length - 1] if length else -1
        if length == len(tails):
            tails.append(index)
        else:
            tails[length] = index
    chain = set()
    position = tails[-1] if tails else -1
    while position != -1:
        chain.add(position)
        position = previous[position]
    return chain


def _token_span(analysis: Analysis, first: int, stop: int, lower: int) -> tuple[int, int]:
    """The span of tokens ``first..stop-1``; an empty span where a word would go if none."""
    tokens = analysis.tokens
    if first < stop:
        return tokens.starts[first], tokens.ends[stop - 1]
    if first > lower:
        position = tokens.ends[first - 1]
    elif first < len(tokens):
        position = tokens.starts[first]
    else:
        position = len(analysis.document.text)
    return position, position


def word_ops(
    earlier: Analysis,
    earlier_tokens: tuple[int, int],
    later: Analysis,
    later_tokens: tuple[int, int],
) -> tuple[WordOp, ...]:
    """The word-level diff of two token ranges, with spans in both original texts."""
    a_first, a_stop = earlier_tokens
    b_first, b_stop = later_tokens
    return tuple(
        WordOp(
            name,
            _token_span(earlier, a_first + src_start, a_first + src_end, a_first),
            _token_span(later, b_first + dest_start, b_first + dest_end, b_first),
        )
        for name, src_start, src_end, dest_start, dest_end in diff_words(
            earlier.tokens.norms[a_first:a_stop], later.tokens.norms[b_first:b_stop]
        )
    )


def diff_words(
    first: Sequence[str], second: Sequence[str]
) -> list[tuple[OpName, int, int, int, int]]:
    """Word operations ``(op, first_start, first_end, second_start, second_end)`` over two lists.

    The longest common subsequence is kept (rapidfuzz's Indel opcodes), so a reworded sentence
    still shows every word it kept; a deletion next to an insertion is one replacement.
    """
    merged: list[tuple[OpName, int, int, int, int]] = []
    for op in Indel.opcodes(first, second):
        name = _OPNAMES[op.tag]
        if merged and {merged[-1][0], name} == {"delete", "insert"}:
            _, src_start, _, dest_start, _ = merged.pop()
            merged.append(("replace", src_start, op.src_end, dest_start, op.dest_end))
        else:
            merged.append((name, op.src_start, op.src_end, op.dest_start, op.dest_end))
    return merged


def _passage(
    earlier: Analysis, later: Analysis, run: Sequence[UnitMatch], moved: bool, ops: bool
) -> Passage:
    e_first, e_last = run[0].earlier, run[-1].earlier
    l_first, l_last = run[0].later, run[-1].later
    e_tokens = (earlier.sentence_tokens[e_first][0], earlier.sentence_tokens[e_last][1])
    l_tokens = (later.sentence_tokens[l_first][0], later.sentence_tokens[l_last][1])
    kind = run[0].score.kind
    assert kind is not None
    return Passage(
        earlier_units=(e_first, e_last),
        later_units=(l_first, l_last),
        earlier_span=(earlier.sentences[e_first].start, earlier.sentences[e_last].end),
        later_span=(later.sentences[l_first].start, later.sentences[l_last].end),
        kind=kind,
        moved=moved,
        surface=sum(m.score.surface for m in run) / len(run),
        content=sum(m.score.content for m in run) / len(run),
        units=tuple(run),
        ops=word_ops(earlier, e_tokens, later, l_tokens) if ops else (),
    )


def align_pair(
    earlier: Analysis, later: Analysis, matches: Iterable[UnitMatch], *, ops: bool = True
) -> list[Passage]:
    """Turn the verified unit matches of one document pair into passages, in the later's order.

    With ``ops=False`` the passages carry no word-level diff (an index decision names spans
    only), and the analyses need only their sentences and token ranges, not their tokens.
    """
    runs = _runs(_one_to_one(m for m in matches if m.score.kind is not None))
    ordered = _in_order([run[0].earlier for run in runs])
    return [
        _passage(earlier, later, run, index not in ordered, ops) for index, run in enumerate(runs)
    ]
