"""Candidate pairs from MinHash signatures by LSH banding; nothing downstream compares all pairs.

The banding ``(b, r)`` is chosen by datasketch for a target Jaccard threshold, leaning towards
recall (every candidate is verified on the text afterwards). Band keys are computed for a whole
signature matrix at once with numpy; the keys are 64-bit integers, the same for the in-memory
path, the persistent index and the Redis index. A test checks that the pairs found are those
datasketch's ``MinHashLSH`` finds with the same parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from datasketch import MinHashLSH

from nearsame.sketch import Signatures

__all__ = ["SCREEN_MARGIN", "Banding", "band_keys", "candidate_pairs", "pair_estimates"]

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


@cache
def _banding(threshold: float, num_perm: int) -> Banding:
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be between 0 and 1 (exclusive), not {threshold}")
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=_RECALL_WEIGHTS)
    return Banding(int(lsh.b), int(lsh.r))


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


def candidate_pairs(
    keys: BandKeys, owners: npt.NDArray[np.int64], *, max_bucket: int = 64
) -> tuple[set[tuple[int, int]], set[int]]:
    """Pairs ``(i, j)``, ``i < j``, of rows that share a band key and have different owners.

    A bucket holding more than ``max_bucket`` rows is not expanded into pairs (that would be
    quadratic); its rows are returned as *crowded*: text repeated in that many places is
    boilerplate, and the caller decides what to do with it.
    """
    pairs: set[tuple[int, int]] = set()
    crowded: set[int] = set()
    for column in range(keys.shape[1]):
        for members in _buckets(keys[:, column]):
            if len(members) > max_bucket:
                crowded.update(int(m) for m in members)
                continue
            member_owners = owners[members]
            for position, first in enumerate(members[:-1]):
                others = members[position + 1 :][
                    member_owners[position + 1 :] != member_owners[position]
                ]
                pairs.update((int(first), int(other)) for other in others)
    return pairs, crowded


def _buckets(column: BandKeys) -> Iterator[npt.NDArray[np.intp]]:
    """The groups (of two or more) of row indexes sharing one key, each sorted."""
    order = np.argsort(column, kind="stable")
    ordered = column[order]
    starts = np.flatnonzero(np.diff(ordered)) + 1
    bounds = np.concatenate(([0], starts, [len(ordered)]))
    sizes = np.diff(bounds)
    for start, size in zip(bounds[:-1][sizes > 1], sizes[sizes > 1], strict=True):
        yield np.sort(order[start : start + size])


def pair_estimates(first: Signatures, second: Signatures) -> npt.NDArray[np.float64]:
    """The Jaccard similarity each pair of rows estimates (``first[k]`` against ``second[k]``)."""
    if first.shape != second.shape:
        raise ValueError(f"signature arrays differ in shape: {first.shape} and {second.shape}")
    if not len(first):
        return np.zeros(0)
    return np.asarray(np.mean(first == second, axis=1), dtype=np.float64)
