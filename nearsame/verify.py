"""Verification: score a candidate pair of units on the text itself and say what kind of reuse it is.

Two scores, both in [0, 1]:

* ``surface``: rapidfuzz's normalized Indel similarity of the two folded token sequences
  (``2 * LCS / (len(a) + len(b))``): 1 for the same words in the same order.
* ``content``: the weighted Dice overlap of the two sets of content terms,
  ``2 * W(shared) / (W(a) + W(b))``. A term's weight is its information in general text
  (wordfreq: rare words count more than common ones). The weights do not depend on the other
  documents of the run, so a pair scores the same in a two-article ``compare``, in a corpus
  ``report`` and in an index ``check``.

Units shorter than ``min_tokens`` words (a dateline, "24 février", a one-word title) never match:
repeating them says nothing. Kinds: ``exact`` (the same words), ``near`` (surface at least ``near``, or one unit almost contained
in the other), ``paraphrase`` (the same facts and names, reworded: the mean of surface and content
at least ``paraphrase``, with at least ``min_shared_terms`` shared content terms of which at least
``min_shared_facts`` are not names: two sentences about the same people that tell different facts
are not a paraphrase). Anything else is not a match. Content alone is a weak witness at sentence level (two sentences of one story share
its protagonists); the surface score adds the phrasing a rewrite keeps (``obus d'artillerie``,
``à la Russie``), so that background rewritten from an earlier article stands apart from new facts
told about the same people.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from rapidfuzz.distance import Indel

from nearsame.analyze import Analysis
from nearsame.language import word_information

__all__ = [
    "Kind",
    "Thresholds",
    "UnitScore",
    "UnitTerms",
    "may_match",
    "score_sequences",
    "score_units",
    "unit_terms",
    "words_similarity",
]

Kind = Literal["exact", "near", "paraphrase"]
_Term = TypeVar("_Term", bound=Hashable)
KINDS: tuple[Kind, ...] = ("exact", "near", "paraphrase")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where each kind starts; documented in the README and stored in every report."""

    near: float = 0.7
    containment: float = 0.9
    containment_min_tokens: int = 8
    paraphrase: float = 0.29
    min_shared_terms: int = 4
    min_shared_facts: int = 2
    min_tokens: int = 5

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


class UnitTerms(dict[str, float]):
    """The content terms of one unit with their information; ``names`` are those only ever
    written with a capital inside the sentence (proper names, as far as typography tells)."""

    names: frozenset[str] = frozenset()
    total: float = 0.0


def unit_terms(analysis: Analysis, unit: int) -> UnitTerms:
    """The content terms of one unit, each with the information of its most informative word."""
    first, stop = analysis.sentence_tokens[unit]
    text, tokens, language = analysis.document.text, analysis.tokens, analysis.language
    terms = UnitTerms()
    lowercase: set[str] = set()
    for index in range(first, stop):
        term = analysis.terms[index]
        if term is None:
            continue
        original = text[tokens.starts[index] : tokens.ends[index]]
        if index == first or not original[:1].isupper():
            lowercase.add(term)
        information = word_information(original.casefold(), language)
        if information > terms.get(term, 0.0):
            terms[term] = information
    terms.names = frozenset(t for t in terms if t not in lowercase and not t.isdigit())
    terms.total = sum(terms.values())
    return terms


def _names(terms: Mapping[_Term, float]) -> frozenset[_Term]:
    names: frozenset[_Term] = getattr(terms, "names", frozenset())
    return names


def _total(terms: Mapping[_Term, float]) -> float:
    total: float | None = getattr(terms, "total", None)
    return sum(terms.values()) if total is None else total


def _content(first: Mapping[_Term, float], second: Mapping[_Term, float]) -> tuple[float, int, int]:
    """The weighted Dice overlap, the number of shared terms, and of shared terms that are not names."""
    shared = first.keys() & second.keys()
    if not shared:
        return 0.0, 0, 0
    total = _total(first) + _total(second)
    first_names, second_names = _names(first), _names(second)
    common = 0.0
    facts = 0
    for term in shared:
        weight, other = first[term], second[term]
        common += weight if weight < other else other
        if term not in first_names and term not in second_names:
            facts += 1
    return (2 * common / total if total else 0.0), len(shared), facts


def score_units(
    earlier: Analysis,
    earlier_unit: int,
    later: Analysis,
    later_unit: int,
    *,
    thresholds: Thresholds,
    terms: tuple[Mapping[str, float], Mapping[str, float]] | None = None,
) -> UnitScore:
    """Score and classify one candidate pair of units."""
    a_first, a_stop = earlier.sentence_tokens[earlier_unit]
    b_first, b_stop = later.sentence_tokens[later_unit]
    a_norms = earlier.tokens.norms[a_first:a_stop]
    b_norms = later.tokens.norms[b_first:b_stop]
    a_terms, b_terms = terms or (unit_terms(earlier, earlier_unit), unit_terms(later, later_unit))
    return score_sequences(a_norms, b_norms, a_terms, b_terms, thresholds)


def score_sequences(
    a_norms: Sequence[Hashable],
    b_norms: Sequence[Hashable],
    a_terms: Mapping[_Term, float],
    b_terms: Mapping[_Term, float],
    thresholds: Thresholds,
) -> UnitScore:
    """`score_units` on the units' folded words and content terms (`unit_terms`) themselves.

    Any one-to-one stand-in for the words and terms (their 64-bit hashes, as an index stores
    them) scores the same: only equality between them counts.
    """
    content, shared, facts = _content(a_terms, b_terms)
    if min(len(a_norms), len(b_norms)) < thresholds.min_tokens:
        return UnitScore(None, 0.0, content, shared)
    if a_norms == b_norms:
        return UnitScore("exact", 1.0, content, shared)
    surface, contained = _surface(a_norms, b_norms)
    kind: Kind | None = None
    if _near(a_norms, b_norms, surface, contained, thresholds):
        kind = "near"
    elif (
        (surface + content) / 2 >= thresholds.paraphrase
        and shared >= thresholds.min_shared_terms
        and facts >= thresholds.min_shared_facts
    ):
        kind = "paraphrase"
    return UnitScore(kind, surface, content, shared)


def _surface(a_norms: Sequence[Hashable], b_norms: Sequence[Hashable]) -> tuple[float, float]:
    """The normalized Indel similarity of two sequences, and the share of the shorter one found,
    in order, in the longer one (both from one longest common subsequence)."""
    total = len(a_norms) + len(b_norms)
    if not total:
        return 1.0, 0.0
    distance = Indel.distance(a_norms, b_norms)
    shorter = min(len(a_norms), len(b_norms))
    return 1.0 - distance / total, ((total - distance) / 2 / shorter if shorter else 0.0)


def _near(
    a_norms: Sequence[Hashable],
    b_norms: Sequence[Hashable],
    surface: float,
    contained: float,
    thresholds: Thresholds,
) -> bool:
    shorter = min(len(a_norms), len(b_norms))
    return surface >= thresholds.near or (
        shorter >= thresholds.containment_min_tokens and contained >= thresholds.containment
    )


def may_match(
    a_norms: Sequence[Hashable],
    b_norms: Sequence[Hashable],
    shared_terms: int,
    thresholds: Thresholds,
) -> bool:
    """Whether `score_sequences` could give the pair a kind, knowing only how many content terms
    the units share: ``False`` is certain (no term weights needed), ``True`` needs scoring."""
    if min(len(a_norms), len(b_norms)) < thresholds.min_tokens:
        return False
    if shared_terms >= thresholds.min_shared_terms:
        return True  # any kind
    if a_norms == b_norms:
        return True
    return _near(a_norms, b_norms, *_surface(a_norms, b_norms), thresholds)


def words_similarity(first: Sequence[str], second: Sequence[str]) -> float:
    """The normalized Indel similarity of two word lists (whole-article near-duplicates)."""
    return float(Indel.normalized_similarity(first, second))
