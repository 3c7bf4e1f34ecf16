"""Candidate pairs from MinHash signatures by LSH banding; nothing downstream compares all pairs.

The banding ``(b, r)`` is chosen by datasketch for a target Jaccard threshold, leaning towards
recall (every candidate is verified on the text afterwards). Band keys are computed for a whole
signature matrix at once with numpy; the keys are 64-bit integers, the same for the in-memory
path, the persistent index and the Redis index. A test checks that the pairs found are those
datasketch's ``MinHashLSH`` finds with the same parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nearsame.sketch import Signatures

__all__ = [
    "SCREEN_MARGIN",
    "Banding",
    "band_keys",
    "candidate_array",
    "candidate_pairs",
    "estimate_pairs",
    "pair_estimates",
    "term_set_keys",
    "use_banding",
]

BandKeys = npt.NDArray[np.uint64]
_MULTIPLIERS = np.random.default_rng(20231).integers(
    1, 2**63, size=256, dtype=np.uint64
) | np.uint64(1)
_RECALL_WEIGHTS = (0.25, 0.75)
#: A candidate is worth verifying when its estimated Jaccard similarity reaches this share of the
#: LSH threshold: recall-leaning bands also propose pairs far below it (about one standard error
#: of margin at these signature sizes).
SCREEN_MARGIN = 0.8


@dataclass(frozen=True, slots=True)
class Banding:
    """``bands`` bands of ``rows`` rows each, over signatures of ``bands * rows`` values or more."""

    bands: int
    rows: int

    def __post_init__(self) -> None:
        if self.bands < 1 or self.rows < 1:
            raise ValueError(f"bands and rows must be at least 1, not ({self.bands}, {self.rows})")

    @classmethod
    def for_threshold(cls, threshold: float, num_perm: int) -> Banding:
        """datasketch's optimal banding for ``threshold``, weighted towards recall."""
        return _banding(round(threshold, 6), num_perm)

    def probability(self, jaccard: float) -> float:
        """The probability that two sets of this Jaccard similarity become candidates."""
        return float(1 - (1 - jaccard**self.rows) ** self.bands)


#: datasketch's choices for the default thresholds of `Params` (a test checks them): the default
#: path never imports datasketch, which imports scipy (most of a second at start-up).
_DEFAULT_BANDINGS = {
    (0.3, 64): Banding(21, 2),
    (0.15, 192): Banding(90, 2),
    (0.4, 128): Banding(27, 3),
}
_BANDINGS: dict[tuple[float, int], Banding] = dict(_DEFAULT_BANDINGS)


def _banding(threshold: float, num_perm: int) -> Banding:
    found = _BANDINGS.get((threshold, num_perm))
    if found is None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold must be between 0 and 1 (exclusive), not {threshold}")
        # imported here: datasketch imports scipy (most of a second), and an index knows its bandings
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=_RECALL_WEIGHTS)
        found = _BANDINGS[(threshold, num_perm)] = Banding(int(lsh.b), int(lsh.r))
    return found


def use_banding(threshold: float, num_perm: int, banding: Banding) -> None:
    """Make ``banding`` the one `Banding.for_threshold` gives (an index records its bandings)."""
    if not 0.0 < threshold < 1.0 or banding.bands * banding.rows > num_perm:
        raise ValueError(
            f"{banding} does not fit threshold {threshold} and {num_perm} permutations"
        )
    _BANDINGS.setdefault((round(threshold, 6), num_perm), banding)


def band_keys(signatures: Signatures, banding: Banding) -> BandKeys:
    """One 64-bit key per band per signature: shape ``(len(signatures), banding.bands)``."""
    needed = banding.bands * banding.rows
    if signatures.ndim != 2 or signatures.shape[1] < needed:
        raise ValueError(f"signatures must have at least {needed} columns for {banding}")
    values = (
        signatures[:, :needed]
        .astype(np.uint64)
        .reshape(len(signatures), banding.bands, banding.rows)
    )
    mixed = values * _MULTIPLIERS[: banding.rows]
    keys: BandKeys = np.bitwise_xor.reduce(mixed ^ (mixed >> np.uint64(29)), axis=2)
    return keys + np.arange(banding.bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)


def _inverse(values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """The inverse modulo 2**32 of each odd value (Newton's iteration doubles the bits right)."""
    inverse = values.copy()  # right to 3 bits: x * x = 1 modulo 8 for odd x
    for _ in range(4):  # 6, 12, 24, 48 bits
        inverse *= np.uint32(2) - values * inverse
    return inverse


def term_set_keys(
    signatures: Signatures,
    banding: Banding,
    permutations: tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]],
) -> tuple[BandKeys, npt.NDArray[np.intp]]:
    """Keys of the sets of terms the bands draw, each set once per signature: ``(keys, rows)``,
    key ``keys[k]`` belonging to signature ``rows[k]`` (ascending).

    Each value of an affine32 signature, ``a * x + b`` modulo 2**32 with ``a`` odd, names the term
    ``x`` that reached the minimum; so each band of ``rows`` values names up to ``rows`` terms.
    `band_keys` keys the band (band ``i`` of one sentence meets only band ``i`` of another); this
    keys the terms drawn, whichever band drew them. A sentence of ten terms has 45 pairs, which 90
    two-row bands draw most of, several times each: keyed by the pair, each is looked up and
    stored once (about a third of the keys). Two sentences whose bands meet on two terms meet
    here too (before crowding). Bands of several rows that draw a single term are left out: one
    shared word says nothing about a sentence.
    """
    a, b = permutations
    needed = banding.bands * banding.rows
    if signatures.ndim != 2 or signatures.shape[1] < needed or len(a) < needed:
        raise ValueError(f"signatures must have at least {needed} columns for {banding}")
    terms = (signatures[:, :needed] - b[:needed]) * _inverse(a[:needed])
    drawn = terms.reshape(len(signatures), banding.bands, banding.rows)
    if banding.rows == 2:  # the usual case, without sorting pairs
        low, high = (
            np.minimum(drawn[:, :, 0], drawn[:, :, 1]),
            np.maximum(drawn[:, :, 0], drawn[:, :, 1]),
        )
        keys = _mix64((low.astype(np.uint64) << np.uint64(32)) | high)
        several = low != high
    else:
        drawn = np.sort(drawn, axis=2)
        keys = np.zeros(drawn.shape[:2], dtype=np.uint64)
        for row in range(banding.rows):
            keys = _mix64(keys ^ drawn[:, :, row].astype(np.uint64))
        # one-row bands (thresholds below about 0.09) name one term each: that is what they ask for
        several = drawn[:, :, 0] != drawn[:, :, -1] if banding.rows > 1 else keys != 0
    # one key per set and sentence: sort each sentence's keys, drop repeats and single terms
    keys[~several] = 0
    keys.sort(axis=1)
    keep = keys != 0
    keep[:, 1:] &= keys[:, 1:] != keys[:, :-1]
    rows = np.broadcast_to(np.arange(len(signatures))[:, None], keys.shape)
    return keys[keep], rows[keep]


def _mix64(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finalizer: every bit of the result depends on every bit of ``values``."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def candidate_array(
    keys: BandKeys, owners: npt.NDArray[np.int64], *, max_bucket: int = 64
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """Candidate pairs as arrays: ``(pairs, collisions, crowded)``.

    ``pairs`` has one row ``(i, j)``, ``i < j``, per pair of rows that share at least one band key
    and have different owners; ``collisions`` how many band keys each pair shares; ``crowded``
    the rows of buckets larger than ``max_bucket``, which are not expanded into pairs (that would
    be quadratic): text repeated in that many places is boilerplate, the caller decides. Buckets
    are expanded with numpy, a bucket size at a time, so that millions of pairs cost seconds.
    """
    count = len(keys)
    firsts: list[npt.NDArray[np.intp]] = []
    seconds: list[npt.NDArray[np.intp]] = []
    crowded: list[npt.NDArray[np.intp]] = []
    for column in range(keys.shape[1]):
        order = np.argsort(keys[:, column], kind="stable")
        ordered = keys[order, column]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        sizes = np.diff(np.concatenate((starts, [count])))
        for size in np.unique(sizes[sizes > 1]).tolist():
            group_starts = starts[sizes == size]
            members = order[group_starts[:, None] + np.arange(size)]
            if size > max_bucket:
                crowded.append(members.ravel())
                continue
            left, right = np.triu_indices(size, k=1)
            firsts.append(members[:, left].ravel())
            seconds.append(members[:, right].ravel())
    crowded_rows = np.unique(np.concatenate(crowded)) if crowded else np.zeros(0, dtype=np.intp)
    if not firsts:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64), crowded_rows
    a, b = np.concatenate(firsts), np.concatenate(seconds)
    keep = owners[a] != owners[b]
    low = np.minimum(a, b)[keep].astype(np.int64)
    high = np.maximum(a, b)[keep].astype(np.int64)
    codes, collisions = np.unique(low * count + high, return_counts=True)
    pairs = np.stack((codes // count, codes % count), axis=1)
    return pairs, collisions.astype(np.int64), crowded_rows


def candidate_pairs(
    keys: BandKeys, owners: npt.NDArray[np.int64], *, max_bucket: int = 64
) -> tuple[set[tuple[int, int]], set[int]]:
    """`candidate_array` as Python sets: pairs ``(i, j)``, ``i < j``, and crowded rows."""
    pairs, _, crowded = candidate_array(keys, owners, max_bucket=max_bucket)
    return {(int(i), int(j)) for i, j in pairs.tolist()}, set(crowded.tolist())


def pair_estimates(first: Signatures, second: Signatures) -> npt.NDArray[np.float64]:
    """The Jaccard similarity each pair of rows estimates (``first[k]`` against ``second[k]``)."""
    if first.shape != second.shape:
        raise ValueError(f"signature arrays differ in shape: {first.shape} and {second.shape}")
    if not len(first):
        return np.zeros(0)
    # the share of equal values (as `np.mean` gives it, without its float conversion)
    equal: npt.NDArray[np.intp] = np.count_nonzero(first == second, axis=1)
    return np.true_divide(equal, first.shape[1], dtype=np.float64)


def estimate_pairs(
    signatures: Signatures, pairs: npt.NDArray[np.int64], *, chunk: int = 65_536
) -> npt.NDArray[np.float64]:
    """`pair_estimates` for rows ``pairs[k]`` of one signature matrix, a chunk at a time (so that
    millions of pairs do not materialise gigabytes of signature copies)."""
    out = np.zeros(len(pairs))
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        out[start : start + chunk] = pair_estimates(signatures[part[:, 0]], signatures[part[:, 1]])
    return out
