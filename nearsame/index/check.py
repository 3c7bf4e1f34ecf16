"""The check itself: fingerprint a document, find its candidates under the band keys, verify them.

The signatures and bandings are those of the batch engine (`nearsame.candidates.band_keys`), so
that an index proposes the candidates the engine would. The three channels (verbatim and content
unit signatures, the whole-document signature) share one key space: each channel's keys are
salted apart. Content keys name the set of terms each band draws rather than the band
(`nearsame.candidates.term_set_keys`): a third of the keys, and a lookup costs per key (see
`bucket_limits`). Verification and alignment are the engine's own: unit pairs
are scored by `nearsame.verify.score_sequences` (on the hashes `nearsame.index.units` stores,
which score as the text does; term weights come from general word frequencies, not from the
corpus) and aligned by `nearsame.align.align_pair`, so that a check against one indexed document
answers what ``nearsame compare`` answers.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from nearsame.align import UnitMatch, align_pair
from nearsame.analyze import Analysis, analyze
from nearsame.boilerplate import boilerplate_units
from nearsame.candidates import (
    SCREEN_MARGIN,
    Banding,
    band_keys,
    pair_estimates,
    term_set_keys,
    use_banding,
)
from nearsame.document import Document
from nearsame.index.base import MatchedDocument, SharedPassage, StoredDocument, ranges
from nearsame.index.units import (
    CheckedUnits,
    HashedUnits,
    hash_units,
    outline,
    pack_units,
    score_hashed,
    unpack_units,
)
from nearsame.normalize import document_words
from nearsame.params import Params
from nearsame.sketch import DocumentSketch, SketchParams, permutations, sketch, use_permutations
from nearsame.verify import KINDS, UnitScore, words_similarity

__all__ = [
    "CONTENT_BUCKET",
    "FORMAT",
    "VERBATIM",
    "Candidates",
    "Prepared",
    "bucket_limits",
    "derived_params",
    "find_candidates",
    "match_documents",
    "pack_fingerprint",
    "pack_signatures",
    "prepare",
    "stored_params",
    "stored_units",
    "unpack_keys",
    "unpack_signatures",
    "use_derived",
    "verify_hashed",
]

# 2: SQLite band table packed one row per key; 3: sentences with the hashes, no analysis;
# 4: content keys name the terms a band draws (`term_set_keys`), crowded past 128 units;
# 5: words folded and sentences cut anew for other scripts and typography (CJK, Arabic and
# Hebrew as themselves, invisible characters inside words, CRLF, quotes): keys and hashes differ;
# 6: Italian elisions split (``dell'esercito`` is ``dell'`` + ``esercito``, as French ``l'usine``),
# sentences cut at a stop glued to a quote or an elided word (``épidémie."Ici``, ``Girardin.L'agence``)
FORMAT = 6
CONTENT_BUCKET = 128
VERBATIM, CONTENT, DOCUMENT = 0, 1, 2
_SALTS = (np.uint64(0), np.uint64(0xD1B54A32D192ED03), np.uint64(0x8CB92BA72F3D8DD7))
_SKETCH_FIELDS = ("num_perm", "content_num_perm", "doc_num_perm", "shingle", "doc_shingle", "seed")
Keys = npt.NDArray[np.int64]
Ints = npt.NDArray[np.int64]
Signatures = npt.NDArray[np.uint32]
_SPAN = 1 << 32  # more units than a document has
_HEAD = struct.Struct("<3i")  # the counts that open `pack_signatures`


def stored_params(params: Params) -> dict[str, Any]:
    """The settings an index records: everything that decides what is stored under which key."""
    return {
        "format": FORMAT,
        "scheme": "affine32",
        "hash": "xxh32",
        "sketch": {name: getattr(params.sketch, name) for name in _SKETCH_FIELDS},
        "verbatim_lsh": params.verbatim_lsh,
        "content_lsh": params.content_lsh,
        "document_lsh": params.document_lsh,
        "min_words": params.min_words,
        "bucket_limits": list(bucket_limits(params)),
    }


def _channels(params: Params) -> tuple[tuple[float, int], tuple[float, int], tuple[float, int]]:
    s = params.sketch
    return (
        (params.verbatim_lsh, s.num_perm),
        (params.content_lsh, s.content_num_perm),
        (params.document_lsh, s.doc_num_perm),
    )


def derived_params(params: Params) -> dict[str, Any]:
    """What an index records beside its parameters so that checking needs no datasketch (whose
    import, with scipy, is most of a second): the banding of each channel and the MinHash
    permutations, both computed by datasketch when the index is created."""
    sizes = sorted({num_perm for _, num_perm in _channels(params)})
    return {
        "bandings": [[b.bands, b.rows] for b in _bandings(params)],
        "permutations": {
            str(n): [part.tolist() for part in permutations(n, params.sketch.seed)] for n in sizes
        },
    }


def use_derived(derived: Mapping[str, Any], params: Params) -> None:
    """Hand the bandings and permutations an index recorded (`derived_params`) over to
    `nearsame.candidates` and `nearsame.sketch`, which would otherwise ask datasketch."""
    for (threshold, num_perm), (bands, rows) in zip(
        _channels(params), derived["bandings"], strict=True
    ):
        use_banding(threshold, num_perm, Banding(int(bands), int(rows)))
    for num_perm, (a, b) in derived["permutations"].items():
        use_permutations(int(num_perm), params.sketch.seed, a, b)


def params_from_stored(stored: Mapping[str, Any], base: Params) -> Params:
    """``base`` with the recorded settings of an index."""
    from dataclasses import replace

    return replace(
        base,
        sketch=SketchParams(**stored["sketch"]),
        verbatim_lsh=stored["verbatim_lsh"],
        content_lsh=stored["content_lsh"],
        document_lsh=stored["document_lsh"],
        min_words=stored["min_words"],
        max_bucket=stored["bucket_limits"][VERBATIM],
    )


def bucket_limits(params: Params) -> tuple[int, int, int]:
    """How many units one band key may hold, per channel, before it is crowded.

    Verbatim and whole-document keys as in the engine (``max_bucket``, and at least 1,000 for
    whole documents: a wire story republished by hundreds of outlets is still a duplicate).
    Content keys name pairs of content words; in an index of many thousands of articles the
    common pairs fill up and say little, so they stop at ``CONTENT_BUCKET``. The limit decides
    recall as much as the number of keys does (`bench/content_keys.py`, 35,000 real articles):
    90 band keys a sentence crowded at 32 missed 18% of the clear paraphrases; the pairs of terms
    they draw, less than half as many keys, crowded at 128 miss 11%.
    """
    return params.max_bucket, CONTENT_BUCKET, max(params.max_bucket, 1000)


def _bandings(params: Params) -> tuple[Banding, Banding, Banding]:
    verbatim, content, document = (Banding.for_threshold(*c) for c in _channels(params))
    return verbatim, content, document


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document ready to be checked or stored: analysis, signatures, and its band keys.

    ``keys[i]`` belongs to unit ``units[i]`` (``-1`` for the whole document) in ``channels[i]``.
    """

    analysis: Analysis
    sketch: DocumentSketch
    keys: Keys
    units: Ints
    channels: Ints

    @property
    def document(self) -> Document:
        """The document prepared."""
        return self.analysis.document


def _keys(sk: DocumentSketch, params: Params) -> tuple[Keys, Ints, Ints]:
    verbatim, content, whole = _bandings(params)
    parts = [
        (sk.verbatim, sk.verbatim_units, verbatim, VERBATIM),
        (sk.content, sk.content_units, content, CONTENT),
    ]
    if sk.document is not None:
        parts.append((sk.document[None, :], (-1,), whole, DOCUMENT))
    keys, units, channels = [], [], []
    for signatures, owners, banding, channel in parts:
        if not len(owners):
            continue
        if channel == CONTENT:
            s = params.sketch
            found, rows = term_set_keys(
                signatures, banding, permutations(s.content_num_perm, s.seed)
            )
        else:
            found = band_keys(signatures, banding).ravel()
            rows = np.repeat(np.arange(len(owners)), banding.bands)
        keys.append((found + _SALTS[channel]).view(np.int64))
        units.append(np.asarray(owners, dtype=np.int64)[rows])
        channels.append(np.full(found.size, channel, dtype=np.int64))
    if not keys:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(keys), np.concatenate(units), np.concatenate(channels)


def prepare(document: Document, params: Params) -> Prepared:
    """Analyse and fingerprint ``document`` and compute its band keys."""
    analysis = analyze(document, language=params.language, min_words=params.min_words)
    sk = sketch(analysis, params.sketch)
    keys, units, channels = _keys(sk, params)
    return Prepared(analysis, sk, keys, units, channels)


def pack_signatures(sk: DocumentSketch) -> bytes:
    """The signatures of a document as compact bytes (no pickle)."""
    header = np.array(
        [len(sk.verbatim_units), len(sk.content_units), sk.document is not None], dtype=np.int32
    )
    parts = [
        header,
        np.asarray(sk.verbatim_units, dtype=np.int32),
        np.asarray(sk.content_units, dtype=np.int32),
        sk.verbatim.astype(np.uint32),
        sk.content.astype(np.uint32),
    ]
    if sk.document is not None:
        parts.append(sk.document.astype(np.uint32))
    return b"".join(part.tobytes() for part in parts)


def pack_fingerprint(prepared: Prepared) -> bytes:
    """What an index stores as a document's signatures: the signatures, then its units as hashes
    (`nearsame.index.units`), so that one read serves screening and verifying a candidate."""
    return pack_signatures(prepared.sketch) + pack_units(hash_units(prepared.analysis))


def _sketch_length(blob: bytes, params: Params) -> int:
    s = params.sketch
    n_v, n_c, has_doc = (int(v) for v in np.frombuffer(blob, dtype=np.int32, count=3))
    return 4 * (
        3 + n_v + n_c + n_v * s.num_perm + n_c * s.content_num_perm + has_doc * s.doc_num_perm
    )


def stored_units(blob: bytes, params: Params) -> HashedUnits:
    """The units as hashes that `pack_fingerprint` stored after the signatures."""
    return unpack_units(blob, _sketch_length(blob, params))


def unpack_signatures(blob: bytes, params: Params) -> DocumentSketch:
    """The signatures `pack_signatures` stored."""
    s = params.sketch
    n_v, n_c, has_doc = (int(v) for v in np.frombuffer(blob, dtype=np.int32, count=3))
    offset = 12
    v_units = np.frombuffer(blob, dtype=np.int32, count=n_v, offset=offset)
    offset += 4 * n_v
    c_units = np.frombuffer(blob, dtype=np.int32, count=n_c, offset=offset)
    offset += 4 * n_c
    verbatim = np.frombuffer(blob, np.uint32, n_v * s.num_perm, offset).reshape(n_v, s.num_perm)
    offset += 4 * n_v * s.num_perm
    content = np.frombuffer(blob, np.uint32, n_c * s.content_num_perm, offset)
    offset += 4 * n_c * s.content_num_perm
    document = np.frombuffer(blob, np.uint32, s.doc_num_perm, offset) if has_doc else None
    return DocumentSketch(
        verbatim_units=tuple(int(u) for u in v_units),
        verbatim=verbatim,
        content_units=tuple(int(u) for u in c_units),
        content=content.reshape(n_c, s.content_num_perm),
        document=document,
    )


def unpack_keys(blob: bytes, params: Params) -> Keys:
    """The band keys of stored signatures (to remove a document's entries)."""
    return _keys(unpack_signatures(blob, params), params)[0]


def _rows(units: Ints, wanted: Ints) -> tuple[Ints, npt.NDArray[np.bool_]]:
    """The row of each wanted unit in ``units`` (ascending), and whether it is there at all."""
    rows = np.searchsorted(units, wanted)
    inside = rows < len(units)
    found = np.zeros(len(wanted), dtype=bool)
    found[inside] = units[rows[inside]] == wanted[inside]
    return np.where(found, rows, 0), found


@dataclass(frozen=True, slots=True)
class _Stacked:
    """One unit channel of several documents' signatures (`pack_signatures`) read at once:
    document ``k``'s unit ``u`` is ``keys[i] = k * _SPAN + u`` (ascending) and its signature is
    ``values[starts[i] : starts[i] + width]``."""

    keys: Ints
    starts: Ints
    width: int

    def estimates(
        self,
        values: Signatures,
        theirs: Ints,
        mine: Ints,
        my_units: Ints,
        my_signatures: Signatures,
    ) -> npt.NDArray[np.float64]:
        """The Jaccard similarity the signatures estimate for each pair ``(theirs[k], mine[k])``
        of units (``theirs`` as ``keys``; 0 where a unit has no signature)."""
        found = np.zeros(len(theirs))
        rows_t, has_t = _rows(self.keys, theirs)
        rows_m, has_m = _rows(my_units, mine)
        both = has_t & has_m
        if both.any():
            starts = self.starts[rows_t[both]]
            their_signatures = values[starts[:, None] + np.arange(self.width)]
            found[both] = pair_estimates(their_signatures, my_signatures[rows_m[both]])
        return found


def _stack(blobs: Sequence[bytes], params: Params) -> tuple[Signatures, _Stacked, _Stacked]:
    """The unit signatures of every blob of `pack_signatures` in one array (the whole-document
    signature that ends each blob left out), with no step per blob but reading its counts."""
    s = params.sketch
    try:
        read = [_HEAD.unpack_from(blob) for blob in blobs]
    except struct.error:
        raise ValueError("stored signatures without their counts: a damaged index") from None
    heads = np.array(read, dtype=np.int64).reshape(-1, 3)
    n_v, n_c = heads[:, 0], heads[:, 1]
    lengths = 3 + n_v + n_c + n_v * s.num_perm + n_c * s.content_num_perm  # in 4-byte values
    sizes = (4 * lengths).tolist()
    if any(len(blob) < size for blob, size in zip(blobs, sizes, strict=True)):
        raise ValueError("stored signatures shorter than their counts say: a damaged index")
    values = np.frombuffer(
        b"".join(memoryview(blob)[:size] for blob, size in zip(blobs, sizes, strict=True)),
        dtype="<u4",
    )
    firsts = np.cumsum(lengths) - lengths
    owners = np.arange(len(blobs), dtype=np.int64) * _SPAN
    v_signatures = firsts + 3 + n_v + n_c
    channels = [
        _Stacked(
            keys=np.repeat(owners, counts) + values[ranges(units, counts)].astype(np.int64),
            starts=np.repeat(signatures, counts) + ranges(np.zeros_like(counts), counts) * width,
            width=width,
        )
        for counts, units, signatures, width in (
            (n_v, firsts + 3, v_signatures, s.num_perm),
            (n_c, firsts + 3 + n_v, v_signatures + n_v * s.num_perm, s.content_num_perm),
        )
    ]
    return values, channels[0], channels[1]


@dataclass(frozen=True, slots=True)
class Candidates:
    """What the band keys propose, by indexed document number.

    ``pairs[num]`` holds candidate unit pairs ``(indexed unit, checked unit)`` as the rows of an
    ``(n, 2)`` array, distinct and ascending; ``whole`` the documents whose whole-document
    fingerprint is close; ``crowded`` the checked units whose verbatim keys are crowded (their
    text recurs in very many documents: boilerplate); ``hits[num]`` how many band keys the
    checked units share with document ``num``'s.
    """

    pairs: Mapping[int, Ints]
    whole: frozenset[int]
    crowded: frozenset[int]
    hits: Mapping[int, int] = field(default_factory=dict)

    def ranked(self, limit: int) -> list[int]:
        """At most ``limit`` documents: a close whole fingerprint first, then most keys shared."""
        nums = set(self.pairs) | self.whole
        order = sorted(nums, key=lambda n: (n not in self.whole, -self.hits.get(n, 0), n))
        return order[:limit]

    def screened(
        self, prepared: Prepared, signatures: Mapping[int, bytes], params: Params
    ) -> tuple[Candidates, list[int]]:
        """Keep the unit pairs whose signatures (``signatures[num]``, as stored) agree enough to be
        worth verifying.

        Band keys built for recall (two-row bands at a 0.15 threshold) also bring pairs of
        unrelated sentences that happen to share two common words; their estimated Jaccard
        similarity is far below the LSH threshold. A pair is kept when either estimate reaches
        80% of its channel's threshold (the usual LSH practice of checking the estimate, with a
        margin of about one standard error for recall). Returns the screened candidates and the
        documents to verify, best first.
        """
        mine = prepared.sketch
        floors = (SCREEN_MARGIN * params.verbatim_lsh, SCREEN_MARGIN * params.content_lsh)
        pairs: dict[int, Ints] = {}
        strength: dict[int, float] = {}
        found = [(num, self.pairs[num]) for num in signatures if num in self.pairs]
        if found:
            # every document's pairs at once: rows of their signatures, stacked document by document
            values, verbatim_rows, content_rows = _stack(
                [signatures[num] for num, _ in found], params
            )
            sizes = [len(these) for _, these in found]
            table = np.concatenate([these for _, these in found])
            theirs = np.repeat(np.arange(len(found), dtype=np.int64) * _SPAN, sizes) + table[:, 0]
            estimates = [
                rows.estimates(
                    values, theirs, table[:, 1], np.asarray(my_units, dtype=np.int64), my_signatures
                )
                for rows, my_units, my_signatures in (
                    (verbatim_rows, mine.verbatim_units, mine.verbatim),
                    (content_rows, mine.content_units, mine.content),
                )
            ]
            verbatim, content = estimates
            keep_all = (verbatim >= floors[0]) | (content >= floors[1])
            best = np.maximum(verbatim, content)
            bounds = np.cumsum([0, *sizes]).tolist()
            for k, (num, these) in enumerate(found):
                keep = keep_all[bounds[k] : bounds[k + 1]]
                if keep.any():
                    pairs[num] = these[keep]
                    strength[num] = float(best[bounds[k] : bounds[k + 1]][keep].sum())
        screened = Candidates(pairs, self.whole, self.crowded)
        order = sorted(
            (set(pairs) | self.whole) & set(signatures),
            key=lambda n: (n not in self.whole, -strength.get(n, 0.0), n),
        )
        return screened, order


def _pairs_by_document(nums: Ints, theirs: Ints, mine: Ints) -> dict[int, Ints]:
    """The distinct rows ``(theirs[k], mine[k])`` of each document ``nums[k]``, ascending, as
    ``(n, 2)`` arrays: packed into one integer (one sort instead of three) when all three are
    non-negative and fit in 63 bits together, sorted as columns otherwise."""
    if not len(nums):
        return {}
    unit_bits, my_bits = int(theirs.max()).bit_length(), int(mine.max()).bit_length()
    fits = int(nums.max()).bit_length() + unit_bits + my_bits <= 63
    if fits and min(int(nums.min()), int(theirs.min()), int(mine.min())) >= 0:
        packed = (nums << (unit_bits + my_bits)) | (theirs << my_bits) | mine
        packed.sort()
        packed = packed[np.r_[True, packed[1:] != packed[:-1]]]
        table = np.stack([
            packed >> (unit_bits + my_bits),
            (packed >> my_bits) & ((1 << unit_bits) - 1),
            packed & ((1 << my_bits) - 1),
        ], axis=1)  # fmt: skip
    else:
        columns = nums, theirs, mine
        table = np.stack(columns, axis=1)[np.lexsort(columns[::-1])]
        table = table[np.r_[True, (table[1:] != table[:-1]).any(axis=1)]]
    bounds = np.flatnonzero(np.r_[True, table[1:, 0] != table[:-1, 0], True]).tolist()
    return {
        int(table[start, 0]): table[start:stop, 1:] for start, stop in itertools.pairwise(bounds)
    }


def find_candidates(
    prepared: Prepared,
    keys: Keys,
    nums: Ints,
    units: Ints,
    crowded: frozenset[int],
    *,
    exclude: int,
    limit: int,
) -> Candidates:
    """Group the entries found under ``prepared``'s keys by indexed document.

    Only the ``limit`` documents sharing the most unit keys (and every document whose whole
    fingerprint is close) keep their unit pairs: the rest would not be verified anyway.
    """
    order = np.argsort(prepared.keys, kind="stable")
    my_keys = prepared.keys[order]
    left = np.searchsorted(my_keys, keys, "left")
    right = np.searchsorted(my_keys, keys, "right")
    counts = np.where(nums != exclude, right - left, 0)
    rows = np.repeat(np.arange(len(keys)), counts)
    mine = order[ranges(left, counts)]
    their_nums, their_units = nums[rows], units[rows]
    my_units, my_channels = prepared.units[mine], prepared.channels[mine]
    whole_rows = my_channels == DOCUMENT
    whole_nums = np.unique(their_nums[whole_rows])
    whole = frozenset(whole_nums.tolist())
    unit_rows = ~whole_rows
    their_nums, their_units, my_units = (
        their_nums[unit_rows],
        their_units[unit_rows],
        my_units[unit_rows],
    )
    docs, row_docs, hits = np.unique(their_nums, return_inverse=True, return_counts=True)
    chosen = np.isin(docs, whole_nums)  # then the `limit` first of
    # a close whole fingerprint first, then the most keys shared, then the earliest
    order = np.lexsort((docs, -hits, ~chosen))[:limit]
    ranked = list(zip(docs[order].tolist(), hits[order].tolist(), strict=True))
    chosen[order] = True
    wanted = chosen[row_docs]
    pairs = _pairs_by_document(their_nums[wanted], their_units[wanted], my_units[wanted])
    is_crowded = np.isin(prepared.keys, np.fromiter(crowded, dtype=np.int64, count=len(crowded)))
    crowded_units = prepared.units[is_crowded & (prepared.channels == VERBATIM)]
    return Candidates(
        pairs,
        whole,
        frozenset(crowded_units.tolist()),
        dict(ranked),
    )


def verify_hashed(
    prepared: Prepared,
    candidates: Candidates,
    order: Sequence[int],
    signatures: Mapping[int, bytes],
    params: Params,
    limit: int,
) -> dict[int, list[UnitMatch]]:
    """Verify the candidate pairs of the documents in ``order`` on their stored hashes
    (`nearsame.index.units`); the first ``limit`` documents with a verified pair or a close
    whole fingerprint, each with its verified pairs. Documents that match on nothing are never
    read."""
    checked = CheckedUnits(prepared.analysis)
    found: dict[int, list[UnitMatch]] = {}
    # a sentence repeated word for word across candidates (wire copies) is scored once
    scores: dict[tuple[bytes, int], UnitScore | None] = {}
    for num in order:
        units = stored_units(signatures[num], params)
        matches = []
        these = candidates.pairs.get(num)
        for their_unit, my_unit in [] if these is None else these.tolist():
            key = (units.identity(their_unit), my_unit)
            if key in scores:
                result = scores[key]
            else:
                result = scores[key] = score_hashed(
                    units, their_unit, checked, my_unit, params.thresholds
                )
            if result is not None and result.kind is not None:
                matches.append(UnitMatch(their_unit, my_unit, result))
        if matches or num in candidates.whole:
            found[num] = matches
            if len(found) == limit:
                break
    return found


def _coverage(spans: Sequence[tuple[int, int]], length: int) -> float:
    covered, end = 0, -1
    for start, stop in sorted(spans):
        start = max(start, end)
        if stop > start:
            covered += stop - start
            end = stop
    return covered / length if length else 0.0


def match_documents(
    prepared: Prepared,
    candidates: Candidates,
    indexed: Sequence[StoredDocument],
    verified: Mapping[int, Sequence[UnitMatch]],
    params: Params,
) -> list[MatchedDocument]:
    """Align the checked document with each indexed one on its ``verified`` unit pairs (see
    `verify_hashed`); the matched documents, best first.

    An indexed document is read as its sentences (`nearsame.index.units.outline`), never
    analysed again: a decision names passages by their spans, without word-level diffs.
    """
    later = prepared.analysis
    mine_flagged = boilerplate_units(later) | candidates.crowded
    found: list[MatchedDocument] = []
    words: list[str] | None = None  # the checked document's, for every close whole fingerprint
    for stored in indexed:
        units = stored_units(stored.signatures, params)
        earlier = outline(units, stored.document)
        similarity = None
        if stored.num in candidates.whole:
            words = document_words(later.document.body) if words is None else words
            similarity = words_similarity(document_words(stored.document.body), words)
        matches = list(verified.get(stored.num, ()))
        matched = _matched(stored, earlier, later, matches, similarity, mine_flagged, params)
        if matched is not None:
            found.append(matched)
    found.sort(key=lambda m: (m.kind != "duplicate", -m.score, -m.coverage, m.id))
    return found


def _matched(
    stored: StoredDocument,
    earlier: Analysis,
    later: Analysis,
    matches: list[UnitMatch],
    similarity: float | None,
    mine_flagged: set[int] | frozenset[int],
    params: Params,
) -> MatchedDocument | None:
    theirs_flagged = boilerplate_units(earlier)
    passages = []
    for passage in align_pair(earlier, later, matches, ops=False):
        flagged = all(m.earlier in theirs_flagged or m.later in mine_flagged for m in passage.units)
        passages.append(
            SharedPassage(
                kind=passage.kind, score=passage.score, moved=passage.moved, boilerplate=flagged,
                checked=passage.later_span, indexed=passage.earlier_span,
            )
        )  # fmt: skip
    duplicate = similarity is not None and similarity >= params.duplicate
    if not passages and not duplicate:
        return None
    real = [p for p in passages if not p.boilerplate]
    strongest = min((KINDS.index(p.kind) for p in real or passages), default=0)
    document = stored.document
    return MatchedDocument(
        id=document.id,
        kind="duplicate" if duplicate else KINDS[strongest],
        score=similarity
        if duplicate and similarity is not None
        else max(p.score for p in passages),
        similarity=similarity,
        coverage=_coverage([p.checked for p in real], len(later.document.text)),
        title=document.title,
        date=document.date,
        passages=tuple(passages),
    )
