"""Units as hashes: what a check needs to verify a candidate pair without reading the indexed text.

Most documents the band keys propose share only a few common words with the checked one and fail
verification. Reading, decompressing and re-deriving each one's analysis and content terms to learn
that was most of the cost of a check. An index therefore stores, with each document's signatures,
every unit's folded words and content terms (`nearsame.verify.unit_terms`) as 64-bit hashes, with
the terms' weights. `nearsame.verify.score_sequences` scores a pair from those exactly as from the
text (only equality between words and between terms counts, and the weights are stored as
computed), so a check verifies on the hashes first and reads the text of the documents that match.
The units' sentences are stored too (`outline`): aligning the matched units into passages needs
nothing else, so a matched document is never analysed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import xxhash

from nearsame.analyze import Analysis
from nearsame.document import Document
from nearsame.memo import Memo
from nearsame.normalize import Tokens
from nearsame.segment import Sentence
from nearsame.verify import Thresholds, UnitScore, may_match, score_sequences, unit_terms

__all__ = ["HashedTerms", "HashedUnits", "hash_units", "outline", "pack_units", "unpack_units"]

_U64 = np.uint64  # all arrays little-endian, as on every platform numpy wheels exist for


class HashedTerms(dict[int, float]):
    """`nearsame.verify.UnitTerms` keyed by the hash of each term."""

    names: frozenset[int] = frozenset()
    total: float = 0.0


def _xxh64(value: str) -> int:
    return int(xxhash.xxh64_intdigest(value.encode()))


# words and terms as a check hashes them, unit by unit (news vocabulary repeats)
_hash = Memo(_xxh64, 262_144).__getitem__


def _hashed_terms(analysis: Analysis, unit: int) -> HashedTerms:
    terms = unit_terms(analysis, unit)
    hashed = HashedTerms((_hash(term), weight) for term, weight in terms.items())
    hashed.names = frozenset(_hash(term) for term in terms.names)
    hashed.total = terms.total
    return hashed


@dataclass(slots=True)
class HashedUnits:
    """The words and content terms of every unit of one document, as hashes.

    ``words`` are the hashes of every token's folded form; unit ``u`` covers
    ``words[ranges[u, 0]:ranges[u, 1]]``. Unit ``u``'s terms are
    ``term_hashes[term_offsets[u]:term_offsets[u + 1]]`` with their weights and name flags, in the
    order `unit_terms` found them, and ``totals[u]`` is the sum of their weights. ``sentences[u]``
    is unit ``u``'s sentence (index, paragraph, start, end, words): what aligning matched units
    into passages needs (`outline`).
    """

    words: npt.NDArray[np.uint64]
    ranges: npt.NDArray[np.int32]
    term_offsets: npt.NDArray[np.int32]
    term_hashes: npt.NDArray[np.uint64]
    weights: npt.NDArray[np.float64]
    names: npt.NDArray[np.bool_]
    totals: npt.NDArray[np.float64]
    sentences: npt.NDArray[np.int32]
    _norms: dict[int, list[int]] = field(default_factory=dict)
    _terms: dict[int, HashedTerms] = field(default_factory=dict)
    _sets: dict[int, frozenset[int]] = field(default_factory=dict)
    _identities: dict[int, bytes] = field(default_factory=dict)

    def identity(self, unit: int) -> bytes:
        """Everything a unit is scored on (its words, and its terms with their weights), as bytes:
        two units with the same identity score alike against any other unit."""
        found = self._identities.get(unit)
        if found is None:
            first, stop = self.ranges[unit].tolist()
            start, end = self.term_offsets[unit : unit + 2].tolist()
            # the number of words tells where the terms start (their total derives from weights)
            found = self._identities[unit] = b"".join((
                (stop - first).to_bytes(8, "little"),
                self.words[first:stop].tobytes(), self.term_hashes[start:end].tobytes(),
                self.weights[start:end].tobytes(), self.names[start:end].tobytes(),
            ))  # fmt: skip
        return found

    def term_set(self, unit: int) -> frozenset[int]:
        """The hashes of the unit's content terms."""
        found = self._sets.get(unit)
        if found is None:
            first, stop = self.term_offsets[unit : unit + 2].tolist()
            found = self._sets[unit] = frozenset(self.term_hashes[first:stop].tolist())
        return found

    def norms(self, unit: int) -> list[int]:
        """The hashes of the unit's folded words, in order."""
        found = self._norms.get(unit)
        if found is None:
            first, stop = self.ranges[unit].tolist()
            found = self._norms[unit] = self.words[first:stop].tolist()
        return found

    def terms(self, unit: int) -> HashedTerms:
        """The unit's content terms, as `unit_terms` gives them, keyed by hash."""
        found = self._terms.get(unit)
        if found is None:
            first, stop = self.term_offsets[unit : unit + 2].tolist()
            hashes = self.term_hashes[first:stop].tolist()
            found = HashedTerms(zip(hashes, self.weights[first:stop].tolist(), strict=True))
            found.names = frozenset(self.term_hashes[first:stop][self.names[first:stop]].tolist())
            found.total = float(self.totals[unit])
            self._terms[unit] = found
        return found


class CheckedUnits:
    """The checked document's side: the same hashes, computed for a unit when first asked."""

    def __init__(self, analysis: Analysis) -> None:
        self._analysis = analysis
        self._norms: dict[int, list[int]] = {}
        self._terms: dict[int, HashedTerms] = {}
        self._sets: dict[int, frozenset[int]] = {}

    def term_set(self, unit: int) -> frozenset[int]:
        """The hashes of the unit's content terms (the keys of `terms`, without their weights)."""
        found = self._sets.get(unit)
        if found is None:
            first, stop = self._analysis.sentence_tokens[unit]
            terms = {t for t in self._analysis.terms[first:stop] if t is not None}
            found = self._sets[unit] = frozenset(_hash(term) for term in terms)
        return found

    def norms(self, unit: int) -> list[int]:
        """The hashes of the unit's folded words, in order."""
        found = self._norms.get(unit)
        if found is None:
            first, stop = self._analysis.sentence_tokens[unit]
            norms = self._analysis.tokens.norms[first:stop]
            found = self._norms[unit] = [_hash(norm) for norm in norms]
        return found

    def terms(self, unit: int) -> HashedTerms:
        """The unit's content terms, keyed by hash."""
        found = self._terms.get(unit)
        if found is None:
            found = self._terms[unit] = _hashed_terms(self._analysis, unit)
        return found


def score_hashed(
    indexed: HashedUnits,
    indexed_unit: int,
    checked: CheckedUnits,
    checked_unit: int,
    thresholds: Thresholds,
) -> UnitScore | None:
    """`nearsame.verify.score_units` of one pair, from the hashes; ``None`` when a count of the
    shared terms and the words alone show the pair has no kind (most candidates)."""
    shared = len(indexed.term_set(indexed_unit) & checked.term_set(checked_unit))
    a_norms, b_norms = indexed.norms(indexed_unit), checked.norms(checked_unit)
    if not may_match(a_norms, b_norms, shared, thresholds):
        return None
    return score_sequences(
        a_norms, b_norms, indexed.terms(indexed_unit), checked.terms(checked_unit), thresholds,
    )  # fmt: skip


def hash_units(analysis: Analysis) -> HashedUnits:
    """Every unit of ``analysis`` as hashes."""
    terms = [_hashed_terms(analysis, unit) for unit in range(len(analysis.sentence_tokens))]
    offsets = np.cumsum([0, *(len(t) for t in terms)], dtype=np.int32)
    words: npt.NDArray[np.uint64] = np.fromiter(
        (_hash(n) for n in analysis.tokens.norms), dtype=_U64, count=len(analysis.tokens.norms)
    )
    return HashedUnits(
        words=words,
        ranges=np.asarray(analysis.sentence_tokens, dtype=np.int32).reshape(-1, 2),
        term_offsets=offsets,
        term_hashes=np.fromiter((h for t in terms for h in t), dtype=_U64, count=int(offsets[-1])),
        weights=np.fromiter(
            (w for t in terms for w in t.values()), dtype=np.float64, count=int(offsets[-1])
        ),
        names=np.fromiter(
            (h in t.names for t in terms for h in t), dtype=bool, count=int(offsets[-1])
        ),
        totals=np.asarray([t.total for t in terms], dtype=np.float64),
        sentences=np.asarray(
            [(s.index, s.paragraph, s.start, s.end, s.words) for s in analysis.sentences],
            dtype=np.int32,
        ).reshape(-1, 5),
    )


def pack_units(units: HashedUnits) -> bytes:
    """``units`` as bytes: three counts, then the arrays."""
    header = np.array([len(units.words), len(units.ranges), len(units.term_hashes)], np.int32)
    parts = (
        header, units.words, units.ranges.astype(np.int32), units.term_offsets.astype(np.int32),
        units.term_hashes, units.weights.astype(np.float64), units.names.astype(np.uint8),
        units.totals.astype(np.float64), units.sentences.astype(np.int32),
    )  # fmt: skip
    return b"".join(part.tobytes() for part in parts)


def unpack_units(blob: bytes, offset: int = 0) -> HashedUnits:
    """The units `pack_units` wrote at ``offset`` of ``blob`` (arrays over the bytes, no copy)."""
    n_words, n_units, n_terms = np.frombuffer(blob, "<i4", 3, offset).tolist()
    at = offset + 12
    words = np.frombuffer(blob, _U64, n_words, at)
    at += 8 * n_words
    ranges = np.frombuffer(blob, np.int32, 2 * n_units, at).reshape(n_units, 2)
    at += 8 * n_units
    term_offsets = np.frombuffer(blob, np.int32, n_units + 1, at)
    at += 4 * (n_units + 1)
    term_hashes = np.frombuffer(blob, _U64, n_terms, at)
    at += 8 * n_terms
    weights = np.frombuffer(blob, np.float64, n_terms, at)
    at += 8 * n_terms
    names = np.frombuffer(blob, np.uint8, n_terms, at).view(np.bool_)
    at += n_terms
    totals = np.frombuffer(blob, np.float64, n_units, at)
    at += 8 * n_units
    sentences = np.frombuffer(blob, np.int32, 5 * n_units, at).reshape(n_units, 5)
    return HashedUnits(words, ranges, term_offsets, term_hashes, weights, names, totals, sentences)


def outline(units: HashedUnits, document: Document) -> Analysis:
    """The sentences of a stored document as an `Analysis` without tokens, terms or paragraphs:
    what `nearsame.align.align_pair` needs with ``ops=False``, read without analysing the text."""
    return Analysis(
        document=document,
        language=document.language,
        tokens=Tokens((), (), ()),
        terms=(),
        paragraphs=(),
        sentences=tuple(Sentence(*row) for row in units.sentences.tolist()),
        sentence_tokens=tuple((first, stop) for first, stop in units.ranges.tolist()),
    )
