"""Whole-article near-duplicates: document fingerprints, LSH candidates, a word-level check, and
clusters led by their earliest member.

One code path serves both the full report (which also aligns passages) and the fast
duplicates-only run, which needs no sentences, no language and no content words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nearsame.candidates import Banding, band_keys, candidate_pairs
from nearsame.clusters import clusters
from nearsame.sketch import Signatures
from nearsame.verify import words_similarity

__all__ = ["duplicate_groups"]


def duplicate_groups(
    words: Sequence[Sequence[str]],
    signatures: Signatures,
    rows: Sequence[int],
    *,
    count: int,
    threshold: float,
    duplicate: float,
    max_bucket: int,
) -> tuple[list[list[int]], dict[tuple[int, int], float]]:
    """Clusters of near-duplicate documents among ``count`` documents, and each linked pair's score.

    ``signatures[k]`` is the fingerprint of document ``rows[k]``, whose words are ``words[rows[k]]``.
    Candidates come from LSH at ``threshold``; a pair is linked when its word similarity is at
    least ``duplicate``.
    """
    if len(rows) < 2:
        return [], {}
    keys = band_keys(signatures, Banding.for_threshold(threshold, signatures.shape[1]))
    pairs, _ = candidate_pairs(keys, np.asarray(rows, dtype=np.int64), max_bucket=max_bucket)
    scores: dict[tuple[int, int], float] = {}
    for first, second in sorted(pairs):
        a, b = rows[first], rows[second]
        similarity = words_similarity(words[a], words[b])
        if similarity >= duplicate:
            scores[(min(a, b), max(a, b))] = similarity
    return clusters(count, scores), scores
