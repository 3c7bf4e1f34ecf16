"""Whole-article near-duplicates: document fingerprints, LSH candidates, a word-level check, and
clusters led by their earliest member.

One code path serves both the full report (which also aligns passages) and the fast
duplicates-only run, which needs no sentences, no language and no content words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import numpy as np

from nearsame.candidates import Banding, band_keys, candidate_pairs
from nearsame.clusters import canonical_of, clusters
from nearsame.document import Document
from nearsame.normalize import document_words
from nearsame.params import Params, Progress, notify, package_version
from nearsame.report import Cluster, DocumentReport, Novelty, Report, SharedSpan, Side
from nearsame.sketch import Signatures, document_signatures, documents_hashes
from nearsame.verify import Kind, words_similarity

__all__ = ["duplicate_groups", "duplicates_report"]


def duplicate_groups(
    words: Callable[[int], Sequence[str]],
    signatures: Signatures,
    rows: Sequence[int],
    *,
    count: int,
    threshold: float,
    duplicate: float,
    max_bucket: int,
) -> tuple[list[list[int]], dict[tuple[int, int], float]]:
    """Clusters of near-duplicate documents among ``count`` documents, and each linked pair's score.

    ``signatures[k]`` is the fingerprint of document ``rows[k]``, whose words are
    ``words(rows[k])`` (asked for candidates only). Candidates come from LSH at ``threshold``; a
    pair is linked when its word similarity is at least ``duplicate``.
    """
    if len(rows) < 2:
        return [], {}
    keys = band_keys(signatures, Banding.for_threshold(threshold, signatures.shape[1]))
    pairs, _ = candidate_pairs(keys, np.asarray(rows, dtype=np.int64), max_bucket=max_bucket)
    scores: dict[tuple[int, int], float] = {}
    for first, second in sorted(pairs):
        a, b = rows[first], rows[second]
        similarity = words_similarity(words(a), words(b))
        if similarity >= duplicate:
            scores[(min(a, b), max(a, b))] = similarity
    return clusters(count, scores), scores


def _body_span(document: Document) -> tuple[int, int]:
    text = document.text
    start = document.body_start + len(document.body) - len(document.body.lstrip())
    return start, max(start, len(text.rstrip()))


def duplicates_report(
    documents: Sequence[Document],
    *,
    params: Params,
    progress: Progress | None = None,
    include_text: bool = False,
) -> Report:
    """Whole-article near-duplicates only: each member of a cluster is shared with its canonical."""
    total = len(documents)
    hashes = []
    for start in range(0, total, 250):
        hashes += documents_hashes([d.body for d in documents[start : start + 250]])
        notify(progress, "read", len(hashes), total)
    rows = [index for index, h in enumerate(hashes) if len(h)]
    signatures = document_signatures([hashes[r] for r in rows], params.sketch)
    words = cache(lambda position: document_words(documents[position].body))
    groups, scores = duplicate_groups(
        words, signatures, rows, count=total, threshold=params.document_lsh,
        duplicate=params.duplicate, max_bucket=max(params.max_bucket, 1000),
    )  # fmt: skip
    canonical = canonical_of(groups)
    ids = [d.id for d in documents]
    reports = []
    for position, document in enumerate(documents):
        start, end = _body_span(document)
        leader = canonical.get(position, position)
        if leader == position:
            novelty = Novelty(end - start, 0, 0, ((start, end),) if end > start else (), (), ())
        else:
            score = scores.get((leader, position)) or max(
                v for pair, v in scores.items() if position in pair
            )
            source = Side(ids[leader], *_body_span(documents[leader]))
            kind: Kind = "exact" if words(leader) == words(position) else "near"
            shared = SharedSpan(start, end, source, kind, score)
            novelty = Novelty(0, end - start, 0, (), (shared,), ())
        reports.append(
            DocumentReport(
                id=document.id, position=position, path=document.path, title=document.title,
                date=document.date, source=document.source, url=document.url,
                language=document.language, length=len(document.text),
                cluster=ids[leader] if position in canonical else None, novelty=novelty,
                text=document.text if include_text else None,
            )
        )  # fmt: skip
    notify(progress, "report", total, total)
    return Report(
        documents=tuple(reports),
        matches=(),
        clusters=tuple(Cluster(ids[g[0]], tuple(ids[m] for m in g)) for g in groups),
        parameters=params.to_dict(),
        version=package_version(),
    )
