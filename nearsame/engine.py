"""The overlap engine: documents in, `Report` out.

analyze -> sketch -> candidates (LSH) -> verify -> align -> novelty and clusters. Every stage is a
module of its own; this one only wires them and reports progress through a callback (the library
never prints).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from nearsame.align import UnitMatch, align_pair
from nearsame.analyze import Analysis, analyze
from nearsame.boilerplate import boilerplate_units
from nearsame.candidates import SCREEN_MARGIN, Banding, band_keys, candidate_array, estimate_pairs
from nearsame.clusters import canonical_of
from nearsame.dates import EARLIEST, DateError, parse_date
from nearsame.document import Document
from nearsame.duplicates import duplicate_groups, duplicates_report
from nearsame.errors import ParameterError
from nearsame.normalize import document_words
from nearsame.novelty import Source, novelty
from nearsame.params import Order, Params, Progress, notify, package_version
from nearsame.report import Cluster, DocumentReport, Match, Report, Side
from nearsame.sketch import DocumentSketch, sketch
from nearsame.verify import KINDS, UnitTerms, score_units, unit_terms

__all__ = ["Params", "Progress", "build_report", "compare", "order_documents"]


def order_documents(documents: Sequence[Document], order: Order) -> list[Document]:
    """Documents in reading order: by date, or as given.

    Dates are compared as instants in UTC (`nearsame.dates`: ``Sun, 10 Mar 2024 08:00:00 +0100``
    before ``2024-03-10T07:30:00Z``); documents of the same instant keep their input order. An
    undated document, or one whose date cannot be read, keeps its place after the document before
    it in the input.
    """
    if order == "input":
        return list(documents)
    keyed = []
    last = EARLIEST
    for index, document in enumerate(documents):
        last = _instant(document.date) or last
        keyed.append((last, index, document))
    return [document for _, _, document in sorted(keyed, key=lambda item: (item[0], item[1]))]


def _instant(date: str | None) -> datetime | None:
    if date is None:
        return None
    try:
        return parse_date(date)
    except DateError:
        return None


@dataclass
class _Corpus:
    documents: list[Document]
    analyses: list[Analysis]
    sketches: list[DocumentSketch]
    terms: dict[tuple[int, int], UnitTerms] = field(default_factory=dict)

    def unit_terms(self, position: int, unit: int) -> UnitTerms:
        key = (position, unit)
        found = self.terms.get(key)
        if found is None:
            found = self.terms[key] = unit_terms(self.analyses[position], unit)
        return found


def _prepare(documents: Sequence[Document], params: Params, progress: Progress | None) -> _Corpus:
    analyses: list[Analysis] = []
    sketches: list[DocumentSketch] = []
    total = len(documents)
    for index, document in enumerate(documents):
        analysis = analyze(document, language=params.language, min_words=params.min_words)
        analyses.append(analysis)
        sketches.append(sketch(analysis, params.sketch))
        if index % 50 == 0 or index + 1 == total:
            notify(progress, "sketch", index + 1, total)
    return _Corpus(list(documents), analyses, sketches)


@dataclass(frozen=True)
class _UnitPairs:
    """Candidate unit pairs, packed eight bytes a pair (millions of them at corpus scale).

    Units are numbered corpus-wide in reading order (``offsets[position] + unit``), so the lower
    number of a pair is the earlier document's; ``codes`` holds ``earlier * total + later``.
    """

    codes: npt.NDArray[np.int64]
    offsets: npt.NDArray[np.int64]
    total: int

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self) -> Iterator[tuple[int, int, int, int]]:
        """``(earlier_pos, earlier_unit, later_pos, later_unit)``, earlier units first."""
        for start in range(0, len(self.codes), 65_536):
            chunk = self.codes[start : start + 65_536]
            earlier, later = chunk // self.total, chunk % self.total
            e_pos = np.searchsorted(self.offsets, earlier, side="right") - 1
            l_pos = np.searchsorted(self.offsets, later, side="right") - 1
            yield from zip(
                e_pos.tolist(),
                (earlier - self.offsets[e_pos]).tolist(),
                l_pos.tolist(),
                (later - self.offsets[l_pos]).tolist(),
                strict=True,
            )


def _unit_candidates(corpus: _Corpus, params: Params) -> tuple[_UnitPairs, set[tuple[int, int]]]:
    """Candidate unit pairs, and the units whose verbatim fingerprint is crowded (many sentences
    sharing content words are only a topic; the same words in that many places are boilerplate)."""
    sizes = [len(a.sentences) for a in corpus.analyses]
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    total = int(sum(sizes))
    codes: list[npt.NDArray[np.int64]] = []
    crowded: set[tuple[int, int]] = set()
    channels = (
        ("verbatim", params.verbatim_lsh, params.sketch.num_perm),
        ("content", params.content_lsh, params.sketch.content_num_perm),
    )
    for channel, threshold, num_perm in channels:
        units = [
            np.asarray(getattr(s, f"{channel}_units"), dtype=np.int64) for s in corpus.sketches
        ]
        owners = np.concatenate([np.full(len(u), p, dtype=np.int64) for p, u in enumerate(units)])
        if not len(owners):
            continue
        numbers = np.concatenate([offsets[p] + u for p, u in enumerate(units)])
        signatures = np.concatenate([getattr(s, channel) for s in corpus.sketches])
        keys = band_keys(signatures, Banding.for_threshold(threshold, num_perm))
        pairs, _, crowded_rows = candidate_array(keys, owners, max_bucket=params.max_bucket)
        if channel == "verbatim":
            crowded.update(
                (int(owners[r]), int(numbers[r] - offsets[owners[r]])) for r in crowded_rows
            )
        kept = pairs[estimate_pairs(signatures, pairs) >= SCREEN_MARGIN * threshold]
        first, second = numbers[kept[:, 0]], numbers[kept[:, 1]]
        codes.append(np.minimum(first, second) * total + np.maximum(first, second))
    packed = np.unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)
    return _UnitPairs(packed, offsets, max(total, 1)), crowded


def _verify(
    corpus: _Corpus, candidates: _UnitPairs, params: Params, progress: Progress | None
) -> dict[tuple[int, int], list[UnitMatch]]:
    by_pair: dict[tuple[int, int], list[UnitMatch]] = defaultdict(list)
    total = len(candidates)
    for done, (p1, u1, p2, u2) in enumerate(candidates, start=1):
        result = score_units(
            corpus.analyses[p1], u1, corpus.analyses[p2], u2,
            thresholds=params.thresholds,
            terms=(corpus.unit_terms(p1, u1), corpus.unit_terms(p2, u2)),
        )  # fmt: skip
        if result.kind is not None:
            by_pair[(p1, p2)].append(UnitMatch(u1, u2, result))
        if done % 2000 == 0 or done == total:
            notify(progress, "verify", done, total)
    return by_pair


def _limit_sources(by_pair: dict[tuple[int, int], list[UnitMatch]], limit: int) -> None:
    """Keep, for each later unit, its matches in at most ``limit`` earlier documents (earliest kept)."""
    per_unit: dict[tuple[int, int], list[tuple[int, UnitMatch]]] = defaultdict(list)
    for (p1, p2), matches in by_pair.items():
        for match in matches:
            per_unit[(p2, match.later)].append((p1, match))
    drop: set[tuple[int, int, int, int]] = set()
    for (p2, unit), entries in per_unit.items():
        if len({p1 for p1, _ in entries}) <= limit:
            continue
        earliest = min(p1 for p1, _ in entries)
        ranked = sorted(
            entries,
            key=lambda e: (
                e[0] != earliest,
                KINDS.index(e[1].score.kind or "paraphrase"),
                -e[1].score.score,
            ),
        )
        keep_docs: list[int] = []
        for p1, _ in ranked:
            if p1 not in keep_docs and len(keep_docs) < limit:
                keep_docs.append(p1)
        drop.update((p1, m.earlier, p2, unit) for p1, m in entries if p1 not in keep_docs)
    for (p1, p2), matches in by_pair.items():
        matches[:] = [m for m in matches if (p1, m.earlier, p2, m.later) not in drop]


def _boilerplate(
    corpus: _Corpus,
    by_pair: dict[tuple[int, int], list[UnitMatch]],
    crowded: set[tuple[int, int]],
    params: Params,
) -> set[tuple[int, int]]:
    """Units that are site furniture: marked by their wording, or repeated in many documents."""
    flagged = set(crowded)
    for position, analysis in enumerate(corpus.analyses):
        flagged.update((position, unit) for unit in boilerplate_units(analysis))
    minimum = max(params.boilerplate_docs, int(params.boilerplate_share * len(corpus.analyses)))
    seen_in: dict[tuple[int, int], set[int]] = defaultdict(set)
    for (p1, p2), matches in by_pair.items():
        for match in matches:
            if match.score.kind in ("exact", "near"):
                seen_in[(p1, match.earlier)].add(p2)
                seen_in[(p2, match.later)].add(p1)
    flagged.update(key for key, others in seen_in.items() if len(others) + 1 >= minimum)
    return flagged


def _duplicate_clusters(corpus: _Corpus, params: Params) -> list[list[int]]:
    rows = [p for p, s in enumerate(corpus.sketches) if s.document is not None]
    if len(rows) < 2:
        return []
    signatures = np.stack([corpus.sketches[p].document for p in rows])  # type: ignore[misc]
    words = cache(lambda position: document_words(corpus.analyses[position].document.body))
    groups, _ = duplicate_groups(
        words, signatures, rows, count=len(corpus.analyses), threshold=params.document_lsh,
        duplicate=params.duplicate, max_bucket=max(params.max_bucket, 1000),
    )  # fmt: skip
    return groups


def build_report(
    documents: Sequence[Document],
    *,
    params: Params | None = None,
    progress: Progress | None = None,
    include_text: bool = False,
) -> Report:
    """Find every reused passage among ``documents`` and what each document adds.

    Raises `ParameterError` for bad settings and `ValueError` for duplicate ids.
    """
    p = params or Params()
    ordered = order_documents(documents, p.order)
    ids = [d.id for d in ordered]
    if len(set(ids)) != len(ids):
        raise ParameterError("document ids must be unique")
    if not p.passages:
        report = duplicates_report(ordered, params=p, progress=progress, include_text=include_text)
        return replace(report, base=_base(ordered))
    corpus = _prepare(ordered, p, progress)
    candidates, crowded = _unit_candidates(corpus, p)
    by_pair = _verify(corpus, candidates, p, progress)
    _limit_sources(by_pair, p.max_sources)
    boilerplate = _boilerplate(corpus, by_pair, crowded, p)
    boilerplate_by_position: dict[int, set[int]] = defaultdict(set)
    for position, unit in boilerplate:
        boilerplate_by_position[position].add(unit)
    groups = _duplicate_clusters(corpus, p)
    canonical = canonical_of(groups)
    matches, sources = _matches(corpus, by_pair, boilerplate)
    notify(progress, "report", len(ordered), len(ordered))
    reports = []
    for position, analysis in enumerate(corpus.analyses):
        document = analysis.document
        mine = boilerplate_by_position.get(position, set())
        reports.append(
            DocumentReport(
                id=document.id, position=position, path=document.path, title=document.title,
                date=document.date, source=document.source, url=document.url,
                language=analysis.language, length=len(document.text),
                cluster=ids[canonical[position]] if position in canonical else None,
                novelty=novelty(analysis, sources.get(position, []), mine),
                text=document.text if include_text else None,
            )
        )  # fmt: skip
    return Report(
        documents=tuple(reports),
        matches=tuple(matches),
        clusters=tuple(Cluster(ids[g[0]], tuple(ids[m] for m in g)) for g in groups),
        parameters=p.to_dict(),
        version=package_version(),
        base=_base(ordered),
    )


def _base(documents: Sequence[Document]) -> str | None:
    """The folder the documents' relative paths are relative to, the working directory, for a
    reader of the report that runs elsewhere (`nearsame.story`); none when no path is relative."""
    if not any(d.path and not Path(d.path).is_absolute() for d in documents):
        return None
    try:
        return str(Path.cwd())
    except OSError:  # the working directory was removed
        return None


def _matches(
    corpus: _Corpus,
    by_pair: dict[tuple[int, int], list[UnitMatch]],
    boilerplate: set[tuple[int, int]],
) -> tuple[list[Match], dict[int, list[Source]]]:
    matches: list[Match] = []
    sources: dict[int, list[Source]] = defaultdict(list)
    for p1, p2 in sorted(by_pair):
        earlier, later = corpus.analyses[p1], corpus.analyses[p2]
        e_id, l_id = earlier.document.id, later.document.id
        for passage in align_pair(earlier, later, by_pair[(p1, p2)]):
            is_boilerplate = all(
                (p1, m.earlier) in boilerplate or (p2, m.later) in boilerplate
                for m in passage.units
            )
            matches.append(
                Match(
                    earlier=Side(e_id, *passage.earlier_span), later=Side(l_id, *passage.later_span),
                    kind=passage.kind, moved=passage.moved, score=passage.score,
                    surface=passage.surface, content=passage.content, boilerplate=is_boilerplate,
                    units=len(passage.units), ops=passage.ops,
                )
            )  # fmt: skip
            sources[p2].extend(
                Source(e_id, earlier, m.earlier, m.later, passage.kind, m.score.score)
                for m in passage.units
            )
    return matches, sources


def compare(earlier: Document, later: Document, *, params: Params | None = None) -> Report:
    """Compare two documents, ``earlier`` first whatever their dates."""
    p = params or Params()
    if earlier.id == later.id:
        later = replace(later, id=f"{later.id} (2)")
    return build_report([earlier, later], params=replace(p, order="input"))
