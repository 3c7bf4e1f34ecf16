"""MinHash sketches (datasketch's ``affine32`` scheme), computed a whole document at a time.

Each sentence-sized unit gets two fingerprints:

* *verbatim*: word n-gram shingles of the folded tokens (finds copied and lightly edited text);
* *content*: the set of its content terms (finds rewritten background that keeps facts and names).

and each document one fingerprint of all its shingles, for whole-article near-duplicates.

The signatures are exactly those datasketch's ``MinHash`` computes with ``scheme="affine32"`` and
the same seed (the permutations are datasketch's; tests check both equalities), but they are
computed for every unit of a document at once with numpy: all shingle hashes of the document are
permuted in one ``(shingles x permutations)`` product and reduced per unit with
``np.minimum.reduceat``. That is what makes sketching many times faster than ``MinHash.update``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import xxhash

from nearsame.analyze import Analysis
from nearsame.language import word_information
from nearsame.memo import Memo
from nearsame.normalize import document_bytes, document_pieces, fold_utf8, piece_words

if TYPE_CHECKING:
    from datasketch import LeanMinHash

__all__ = [
    "DocumentSketch",
    "Signatures",
    "SketchParams",
    "document_hashes",
    "document_signatures",
    "documents_hashes",
    "estimate_jaccard",
    "minhash_of",
    "permutations",
    "sketch",
    "token_hashes",
    "use_permutations",
]

U32 = np.uint32
Signatures = npt.NDArray[np.uint32]
_FMIX = (U32(16), U32(0x85EBCA6B), U32(13), U32(0xC2B2AE35), U32(16))
_MIX = (U32(0x9E3779B1), U32(0x85EBCA77), U32(0xC2B2AE3D), U32(0x27D4EB2F), U32(0x165667B1))


@dataclass(frozen=True, slots=True)
class SketchParams:
    """How fingerprints are made. An index stores these and refuses other values."""

    num_perm: int = 64
    content_num_perm: int = 192
    doc_num_perm: int = 128
    shingle: int = 3
    doc_shingle: int = 5
    seed: int = 1
    min_information: float = 3.0

    def __post_init__(self) -> None:
        for name in ("num_perm", "content_num_perm", "doc_num_perm", "shingle", "doc_shingle"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")


@dataclass(frozen=True, slots=True)
class DocumentSketch:
    """The fingerprints of one analysed document.

    ``verbatim[k]`` and ``content[k]`` are the signatures of unit ``verbatim_units[k]`` and
    ``content_units[k]`` (units too short to fingerprint have none). ``document`` is the
    whole-document signature, or ``None`` for a document without words.
    """

    verbatim_units: tuple[int, ...]
    verbatim: Signatures
    content_units: tuple[int, ...]
    content: Signatures
    document: Signatures | None


_PERMUTATIONS: dict[tuple[int, int], tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]] = {}


def permutations(num_perm: int, seed: int) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """The affine32 permutations ``(a, b)``: datasketch's ``MinHash(num_perm, seed).permutations``.

    They are drawn here the way datasketch draws them (a test checks the equality), because
    datasketch imports scipy, most of a second at start-up.
    """
    found = _PERMUTATIONS.get((num_perm, seed))
    if found is None:
        generator = np.random.RandomState(seed)
        a = generator.randint(0, 1 << 31, num_perm, dtype=U32) * U32(2) + U32(1)
        b = generator.randint(0, 1 << 32, num_perm, dtype=U32)
        found = _PERMUTATIONS[(num_perm, seed)] = (a, b)
    return found


def use_permutations(num_perm: int, seed: int, a: Sequence[int], b: Sequence[int]) -> None:
    """Make ``(a, b)`` the permutations for ``(num_perm, seed)`` (recorded by `permutations`)."""
    found = (np.asarray(a, dtype=U32), np.asarray(b, dtype=U32))
    if found[0].shape != (num_perm,) or found[1].shape != (num_perm,):
        raise ValueError(f"permutations must hold {num_perm} values each")
    _PERMUTATIONS.setdefault((num_perm, seed), found)


_permutations = permutations


def _fmix(values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    s1, m1, s2, m2, s3 = _FMIX
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def _token_hash(norm: str | None) -> int:
    return 0 if norm is None else xxhash.xxh32_intdigest(norm.encode("utf-8"))


_TOKEN_HASHES: Memo[str | None, int] = Memo(_token_hash, 2_000_000)


def token_hashes(norms: Sequence[str | None]) -> npt.NDArray[np.uint32]:
    """The 32-bit xxhash of each string (``None`` hashes to 0), memoised across documents."""
    return np.fromiter(map(_TOKEN_HASHES.__getitem__, norms), dtype=U32, count=len(norms))


def _piece_hashes(piece: bytes) -> tuple[int, ...]:
    """The token hashes of a piece's words (`piece_words`); a plain ASCII piece is its one word's
    UTF-8."""
    if piece.isascii():
        return (xxhash.xxh32_intdigest(piece),)
    return tuple(map(_TOKEN_HASHES.__getitem__, piece_words(piece)))


_PIECE_HASHES: Memo[bytes, tuple[int, ...]] = Memo(_piece_hashes, 1_000_000)


def document_hashes(text: str) -> npt.NDArray[np.uint32]:
    """``token_hashes(document_words(text))``, without building the list of words: one look-up
    per piece of `document_pieces` (for one text; `documents_hashes` is faster for many)."""
    pieces = map(_PIECE_HASHES.__getitem__, document_pieces(text))
    return np.fromiter(chain.from_iterable(pieces), dtype=U32)


def documents_hashes(texts: Sequence[str]) -> list[npt.NDArray[np.uint32]]:
    """`document_hashes` of each text, computed for many texts at once.

    The texts' `document_bytes` are joined in one buffer and their commonest characters folded
    there (`fold_utf8`); its plain ASCII pieces (one word each, nearly all) are hashed by a
    vectorized xxh32, the few others looked up once each (`_PieceHashes`).
    """
    if not texts:
        return []
    chunks = [document_bytes(text) for text in texts]
    joined = np.frombuffer(b" " + b" ".join(chunks) + b"    ", dtype=np.uint8)
    firsts = np.cumsum([1] + [len(chunk) + 1 for chunk in chunks[:-1]])
    data, firsts = fold_utf8(joined, firsts)
    inside = data != 0x20
    edges = np.flatnonzero(inside[1:] != inside[:-1]) + 1
    starts, ends = edges[0::2], edges[1::2]
    lengths = ends - starts
    plain = lengths < 16
    plain[np.searchsorted(starts, np.flatnonzero(data >= 0x80), side="right") - 1] = False
    others = np.flatnonzero(~plain)
    buffer = data.tobytes() if len(others) else b""
    bounds = zip(starts[others].tolist(), ends[others].tolist(), strict=True)
    found = [_PIECE_HASHES[buffer[start:end]] for start, end in bounds]
    counts = np.ones(len(starts), dtype=np.intp)
    counts[others] = [len(values) for values in found]
    ends_at = np.cumsum(counts)
    hashes = np.empty(int(ends_at[-1]) if len(ends_at) else 0, dtype=U32)
    hashes[(ends_at - counts)[plain]] = _xxh32_short(data, starts[plain], lengths[plain])
    if found:
        sizes = counts[others]
        flat = np.fromiter(chain.from_iterable(found), dtype=U32, count=int(sizes.sum()))
        within = np.arange(len(flat)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        hashes[np.repeat((ends_at - counts)[others], sizes) + within] = flat
    first_words = np.concatenate(([0], ends_at))[np.searchsorted(starts, firsts)]
    return np.split(hashes, first_words[1:])


_XXH_PRIMES = tuple(U32(v) for v in (2654435761, 2246822519, 3266489917, 668265263, 374761393))


def _rotl(values: npt.NDArray[np.uint32], bits: int) -> npt.NDArray[np.uint32]:
    return (values << U32(bits)) | (values >> U32(32 - bits))


def _xxh32_short(
    data: npt.NDArray[np.uint8], starts: npt.NDArray[np.intp], lengths: npt.NDArray[np.intp]
) -> npt.NDArray[np.uint32]:
    """xxh32 (seed 0, ``xxhash.xxh32_intdigest``) of each ``data[start:start + length]``, all
    shorter than 16 bytes (xxh32's short-input path), one length at a time."""
    p1, p2, p3, p4, p5 = _XXH_PRIMES
    order = np.argsort(lengths.astype(np.uint8), kind="stable")
    bounds = np.searchsorted(lengths[order], np.arange(17)).tolist()
    hashes = np.empty(len(starts), dtype=U32)
    for length in range(1, 16):
        chosen = order[bounds[length] : bounds[length + 1]]
        if not len(chosen):
            continue
        at = starts[chosen]
        value = np.full(len(at), length, dtype=U32) + p5
        for _ in range(length >> 2):
            lane = data[at].astype(U32)
            for shift in (8, 16, 24):
                at = at + 1
                lane |= data[at].astype(U32) << U32(shift)
            value = _rotl(value + lane * p3, 17) * p4
            at = at + 1
        for _ in range(length & 3):
            value = _rotl(value + data[at].astype(U32) * p5, 11) * p1
            at = at + 1
        hashes[chosen] = value
    hashes ^= hashes >> U32(15)
    hashes *= p2
    hashes ^= hashes >> U32(13)
    hashes *= p3
    hashes ^= hashes >> U32(16)
    return hashes


def _window_hashes(hashes: npt.NDArray[np.uint32], n: int) -> list[npt.NDArray[np.uint32]]:
    """``windows[k]`` (``1 <= k <= min(n, len(hashes))``) is the hash of each k-gram of
    ``hashes``: the shingles of any stretch of ``hashes`` are a slice of these, computed once for
    a whole document instead of once for each of its units."""
    windows = [hashes, hashes]
    for offset in range(1, min(n, len(hashes))):
        windows.append(windows[-1][:-1] * _MIX[offset % len(_MIX)] + hashes[offset:])
    return windows


def _shingles(hashes: npt.NDArray[np.uint32], n: int) -> npt.NDArray[np.uint32]:
    """Hashes of the word n-grams of a hash sequence (one value for a sequence shorter than n)."""
    if not len(hashes):
        return np.empty(0, dtype=U32)
    return _window_hashes(hashes, n)[min(n, len(hashes))]


def _signatures(groups: Sequence[npt.NDArray[np.uint32]], num_perm: int, seed: int) -> Signatures:
    """One affine32 MinHash signature per non-empty group of input hashes."""
    if not groups:
        return np.empty((0, num_perm), dtype=U32)
    a, b = _permutations(num_perm, seed)
    values = _fmix(np.concatenate(groups))
    # Permutations down, hashes across: reduceat runs along contiguous rows (about 8x faster).
    permuted = np.multiply(a[:, None], values[None, :])
    permuted += b[:, None]
    offsets = np.cumsum([0] + [len(g) for g in groups[:-1]])
    return np.ascontiguousarray(np.minimum.reduceat(permuted, offsets, axis=1).T)


@cache
def _information(language: str | None) -> Memo[str, float]:
    """`word_information` of each token's text, casefolded, memoised by the text."""
    return Memo(lambda word: word_information(word.casefold(), language), 262_144)


def _informative(analysis: Analysis, minimum: float) -> npt.NDArray[np.bool_]:
    """Which tokens carry a content term informative enough to fingerprint the content channel.

    Very common words (``président``, ``mois``, ``said``) would make every pair of sentences of a
    story a candidate; they still count when candidates are scored.
    """
    text, starts, ends = analysis.document.text, analysis.tokens.starts, analysis.tokens.ends
    information = _information(analysis.language)
    # stop words (about half the tokens) have no term: their information is never needed
    present = [index for index, term in enumerate(analysis.terms) if term is not None]
    found = np.zeros(len(analysis.terms), dtype=bool)
    found[present] = [information[text[starts[i] : ends[i]]] >= minimum for i in present]
    return found


def sketch(analysis: Analysis, params: SketchParams | None = None) -> DocumentSketch:
    """Fingerprint every unit of ``analysis`` and the document as a whole."""
    p = params or SketchParams()
    hashes = token_hashes(analysis.tokens.norms)
    term_hashes = token_hashes(analysis.terms)
    has_term = _informative(analysis, p.min_information)
    verbatim_units: list[int] = []
    verbatim_groups: list[npt.NDArray[np.uint32]] = []
    content_units: list[int] = []
    content_groups: list[npt.NDArray[np.uint32]] = []
    windows = _window_hashes(hashes, p.shingle)
    for unit, (first, stop) in enumerate(analysis.sentence_tokens):
        if stop - first >= 2:
            n = min(p.shingle, stop - first)  # what `_shingles` of the unit's hashes takes
            verbatim_units.append(unit)
            verbatim_groups.append(windows[n][first : stop - n + 1])
        terms = np.unique(term_hashes[first:stop][has_term[first:stop]])
        if len(terms) >= 2:
            content_units.append(unit)
            content_groups.append(terms)
    words = document_hashes(analysis.document.body)
    document = document_signatures([words], p)[0] if len(words) else None
    return DocumentSketch(
        verbatim_units=tuple(verbatim_units),
        verbatim=_signatures(verbatim_groups, p.num_perm, p.seed),
        content_units=tuple(content_units),
        content=_signatures(content_groups, p.content_num_perm, p.seed),
        document=document,
    )


def document_signatures(
    hashes: Sequence[npt.NDArray[np.uint32]], params: SketchParams
) -> Signatures:
    """Whole-document signatures (word ``doc_shingle``-grams), one per non-empty array of word
    hashes (`document_hashes`), computed a batch at a time."""
    groups = [_shingles(values, params.doc_shingle) for values in hashes if len(values)]
    batches = [
        _signatures(groups[start : start + 16], params.doc_num_perm, params.seed)
        for start in range(0, len(groups), 16)
    ]
    return np.concatenate(batches) if batches else np.empty((0, params.doc_num_perm), dtype=U32)


def minhash_of(signature: Signatures, seed: int = 1) -> LeanMinHash:
    """A datasketch ``LeanMinHash`` holding ``signature`` (for datasketch's own LSH and storage)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme="affine32")


def estimate_jaccard(first: Signatures, second: Signatures) -> float:
    """The Jaccard similarity two signatures estimate."""
    return float(np.count_nonzero(first == second)) / max(1, len(first))
