"""Verification: score a candidate pair of units on the text itself and say what kind of reuse it is.

Two scores, both in [0, 1]:

* ``surface``: rapidfuzz's normalized Indel similarity of the two folded token sequences
  (``2 * LCS / (len(a) + len(b))``): 1 for the same words in the same order.
* ``content``: the weighted Dice overlap of the two sets of content terms,
  ``2 * W(shared) / (W(a) + W(b))``. A term's weight is its information in general text
  (wordfreq: rare words count more than common ones) times its inverse document frequency among the
  units being compared (words every unit of the story repeats, such as its protagonists, count less).

Kinds: ``exact`` (the same words), ``near`` (surface at least ``near``, or one unit almost contained
in the other), ``paraphrase`` (the same facts and names, reworded: the mean of surface and content
at least ``paraphrase``, with at least ``min_shared_terms`` shared content terms). Anything else is
not a match. Content alone is a weak witness at sentence level (two sentences of one story share
its protagonists); the surface score adds the phrasing a rewrite keeps (``obus d'artillerie``,
``à la Russie``), so that background rewritten from an earlier article stands apart from new facts
told about the same people.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Indel

from nearsame.analyze import Analysis
from nearsame.language import word_information

__all__ = [
    "Kind",
    "TermStats",
    "Thresholds",
    "UnitScore",
    "document_similarity",
    "score_units",
    "unit_terms",
]

Kind = Literal["exact", "near", "paraphrase"]
KINDS: tuple[Kind, ...] = ("exact", "near", "paraphrase")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where each kind starts; documented in the README and stored in every report."""

    near: float = 0.7
    containment: float = 0.9
    containment_min_tokens: int = 8
    paraphrase: float = 0.22
    min_shared_terms: int = 4

    def __post_init__(self) -> None:
        for name in ("near", "containment", "paraphrase"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} threshold must be in (0, 1], not {value}")


@dataclass(frozen=True, slots=True)
class UnitScore:
    """The verdict on one pair of units."""

    kind: Kind | None
    surface: float
    content: float
    shared_terms: int

    @property
    def blend(self) -> float:
        """The mean of surface and content: the paraphrase score."""
        return (self.surface + self.content) / 2

    @property
    def score(self) -> float:
        """The score that decided the kind: surface for exact and near, the blend for paraphrase."""
        return self.blend if self.kind == "paraphrase" else self.surface


class TermStats:
    """How many units contain each content term, among ``units`` units (for the IDF factor)."""

    def __init__(self, frequencies: Mapping[str, int] | None = None, units: int = 0) -> None:
        self.frequencies: Counter[str] = Counter(frequencies or {})
        self.units = units

    def add(self, terms: Iterable[str]) -> None:
        """Count one more unit holding ``terms``."""
        self.frequencies.update(set(terms))
        self.units += 1

    def idf(self, term: str) -> float:
        """A smoothed inverse document frequency, never below 0.1."""
        return max(0.1, math.log((self.units + 1) / (self.frequencies.get(term, 0) + 0.5)))


def unit_terms(analysis: Analysis, unit: int) -> dict[str, float]:
    """The content terms of one unit, each with the information of its most informative word."""
    first, stop = analysis.sentence_tokens[unit]
    text, tokens, language = analysis.document.text, analysis.tokens, analysis.language
    terms: dict[str, float] = {}
    for index in range(first, stop):
        term = analysis.terms[index]
        if term is None:
            continue
        word = text[tokens.starts[index] : tokens.ends[index]].casefold()
        information = word_information(word, language)
        if information > terms.get(term, 0.0):
            terms[term] = information
    return terms


def _content(
    first: Mapping[str, float], second: Mapping[str, float], stats: TermStats
) -> tuple[float, int]:
    shared = first.keys() & second.keys()
    if not shared:
        return 0.0, 0
    idf = stats.idf

    def weight(terms: Mapping[str, float]) -> float:
        return sum(info * idf(term) for term, info in terms.items())

    total = weight(first) + weight(second)
    common = sum(min(first[t], second[t]) * idf(t) for t in shared)
    return (2 * common / total if total else 0.0), len(shared)


def score_units(
    earlier: Analysis,
    earlier_unit: int,
    later: Analysis,
    later_unit: int,
    *,
    stats: TermStats,
    thresholds: Thresholds,
    terms: tuple[Mapping[str, float], Mapping[str, float]] | None = None,
) -> UnitScore:
    """Score and classify one candidate pair of units."""
    a_first, a_stop = earlier.sentence_tokens[earlier_unit]
    b_first, b_stop = later.sentence_tokens[later_unit]
    a_norms = earlier.tokens.norms[a_first:a_stop]
    b_norms = later.tokens.norms[b_first:b_stop]
    a_terms, b_terms = terms or (unit_terms(earlier, earlier_unit), unit_terms(later, later_unit))
    content, shared = _content(a_terms, b_terms, stats)
    if a_norms == b_norms:
        return UnitScore("exact", 1.0, content, shared)
    surface = Indel.normalized_similarity(a_norms, b_norms)
    shorter = min(len(a_norms), len(b_norms))
    kind: Kind | None = None
    if surface >= thresholds.near or (
        shorter >= thresholds.containment_min_tokens
        and _containment(a_norms, b_norms) >= thresholds.containment
    ):
        kind = "near"
    elif (surface + content) / 2 >= thresholds.paraphrase and shared >= thresholds.min_shared_terms:
        kind = "paraphrase"
    return UnitScore(kind, surface, content, shared)


def _containment(first: tuple[str, ...], second: tuple[str, ...]) -> float:
    """The share of the shorter sequence found, in order, in the longer one."""
    shorter = min(len(first), len(second))
    if not shorter:
        return 0.0
    lcs = (len(first) + len(second) - Indel.distance(first, second)) / 2
    return lcs / shorter


def document_similarity(first: Analysis, second: Analysis) -> float:
    """The token-level similarity of two whole documents (normalized Indel on folded tokens)."""
    return float(Indel.normalized_similarity(first.tokens.norms, second.tokens.norms))
