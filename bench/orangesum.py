"""Natural news re-posts: what nearsame links in OrangeSum, checked against shared word 12-grams.

    .venv/bin/python -m bench.orangesum --limit 2000

Runs ``build_report`` (news defaults) over the first ``--limit`` OrangeSum articles (by id, which
follows publication order), counts the article pairs linked as near-duplicates (``clusters``) and
as sharing passages (``matches``, by kind), prints borderline pairs on both sides of the thresholds
with short excerpts, and cross-checks the verbatim links against an independent exact measure:
article pairs sharing at least one word 12-gram.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
from collections import defaultdict
from collections.abc import Sequence

from rapidfuzz.distance import Indel

from bench.orangesum_data import DEFAULT_ROOT, Article, read_articles
from nearsame.document import Document
from nearsame.engine import Params, build_report
from nearsame.report import Match, Report

__all__ = ["gram_pairs", "main"]

Pair = tuple[str, str]
_WORD = re.compile(r"[^\W_]+")
GRAM = 12
MAX_POSTING = 50


def gram_pairs(articles: Sequence[Article], n: int = GRAM) -> tuple[set[Pair], int]:
    """Pairs of articles sharing a word ``n``-gram, and how many grams were too common to expand.

    A gram found in more than ``MAX_POSTING`` articles (a footer) links none of them.
    """
    postings: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for article in articles:
        words = _WORD.findall(article.text.casefold())
        for i in range(len(words) - n + 1):
            postings[tuple(words[i : i + n])].add(article.id)
    pairs: set[Pair] = set()
    crowded = 0
    for owners in postings.values():
        if len(owners) > MAX_POSTING:
            crowded += 1
        elif len(owners) > 1:
            pairs.update(_key(a, b) for a, b in itertools.combinations(owners, 2))
    return pairs, crowded


def _key(first: str, second: str) -> Pair:
    return (first, second) if int(first) < int(second) else (second, first)


def _progress(stage: str, done: int, total: int) -> None:
    print(f"\r  {stage}: {done}/{total}   ", end="", file=sys.stderr, flush=True)


def _linked(report: Report) -> tuple[set[Pair], dict[str, set[Pair]]]:
    duplicates = {
        _key(a, b) for c in report.clusters for a, b in itertools.combinations(c.members, 2)
    }
    by_kind: dict[str, set[Pair]] = defaultdict(set)
    for m in report.matches:
        if not m.boilerplate:
            by_kind[m.kind].add(_key(m.earlier.doc, m.later.doc))
    return duplicates, by_kind


def _excerpt(text: str, start: int, end: int, width: int = 110) -> str:
    piece = " ".join(text[start:end].split())
    return piece if len(piece) <= width else piece[: width - 1] + "…"


def _borderline_matches(
    report: Report, texts: dict[str, str], params: Params, count: int
) -> list[str]:
    t = params.thresholds
    lines = []
    bands: list[tuple[str, str, float, float]] = [
        ("near", "surface", t.near, t.near + 0.05),
        ("paraphrase", "score", t.paraphrase, t.paraphrase + 0.03),
    ]
    for kind, field, low, high in bands:
        chosen: list[Match] = [
            m
            for m in report.matches
            if m.kind == kind and not m.boilerplate and low <= getattr(m, field) < high
        ]
        lines.append(f"\n{kind} matches with {field} in [{low:.2f}, {high:.2f}): {len(chosen)}")
        for m in chosen[:count]:
            lines.append(
                f"- {m.earlier.doc} → {m.later.doc}  {field} {getattr(m, field):.3f}"
                f" (surface {m.surface:.2f}, content {m.content:.2f})"
            )
            lines.append(
                f"    earlier: {_excerpt(texts[m.earlier.doc], m.earlier.start, m.earlier.end)}"
            )
            lines.append(f"    later:   {_excerpt(texts[m.later.doc], m.later.start, m.later.end)}")
    return lines


def _borderline_duplicates(
    candidates: set[Pair], texts: dict[str, str], params: Params, count: int
) -> list[str]:
    """Pairs whose whole-article similarity is within 0.1 of the near-duplicate threshold."""
    scored = []
    for a, b in candidates:
        similarity = Indel.normalized_similarity(
            _WORD.findall(texts[a].casefold()), _WORD.findall(texts[b].casefold())
        )
        if abs(similarity - params.duplicate) <= 0.1:
            scored.append((similarity, a, b))
    scored.sort(reverse=True)
    lines = [
        f"\nwhole-article similarity within 0.1 of the duplicate threshold {params.duplicate}"
        f" (among 12-gram pairs): {len(scored)}"
    ]
    above = [s for s in scored if s[0] >= params.duplicate][-count:]
    below = [s for s in scored if s[0] < params.duplicate][:count]
    for label, group in (("just above", above), ("just below", below)):
        for similarity, a, b in group:
            lines.append(f"- {label}: {a} / {b}  similarity {similarity:.3f}")
            lines.append(f"    {a}: {_excerpt(texts[a], 0, 300)}")
            lines.append(f"    {b}: {_excerpt(texts[b], 0, 300)}")
    return lines


def _agreement(verbatim: set[Pair], truth: set[Pair], any_link: set[Pair]) -> list[str]:
    both = verbatim & truth
    precision = len(both) / len(verbatim) if verbatim else 1.0
    recall = len(both) / len(truth) if truth else 1.0
    return [
        f"\n12-gram truth: {len(truth)} pairs; nearsame verbatim links (exact/near/duplicate):"
        f" {len(verbatim)}; both: {len(both)}",
        f"precision of nearsame's verbatim links against 12-grams: {precision:.3f}",
        f"recall of 12-gram pairs by nearsame's verbatim links:    {recall:.3f}",
        f"recall of 12-gram pairs by any nearsame link:             "
        f"{len(truth & any_link) / len(truth) if truth else 1.0:.3f}",
        f"pairs nearsame links that share no 12-gram: {len(any_link - truth)}"
        f" (of which paraphrase only: {len((any_link - verbatim) - truth)})",
    ]


def _document_agreement(report: Report, truth: set[Pair]) -> list[str]:
    """Per article: does nearsame mark text as already published where a 12-gram says so?

    Pair counts understate agreement on syndicated text: nearsame links a later passage to at most
    ``max_sources`` earlier articles (the earliest always), while a paragraph repeated in 30
    articles makes 435 12-gram pairs. What a reader needs is each article's recycled text.
    """
    position = {d.id: d.position for d in report.documents}
    later = {b if position[b] > position[a] else a for a, b in truth}
    shared = {d.id for d in report.documents if d.novelty.shared_chars > 0}
    recall = len(later & shared) / len(later) if later else 1.0
    return [
        f"articles sharing a 12-gram with an earlier article: {len(later)};"
        f" nearsame marks text of {len(later & shared)} of them as already published ({recall:.3f})",
        f"articles nearsame marks as recycling earlier text: {len(shared)}"
        f" (without a 12-gram from an earlier article: {len(shared - later)})",
    ]


def _samples(pairs: set[Pair], report: Report, texts: dict[str, str], count: int) -> list[str]:
    lines = []
    for a, b in sorted(pairs)[:count]:
        for m in report.matches:
            if _key(m.earlier.doc, m.later.doc) == (a, b):
                lines.append(f"- {a} / {b}: {m.kind} score {m.score:.2f}")
                lines.append(
                    f"    earlier: {_excerpt(texts[m.earlier.doc], m.earlier.start, m.earlier.end)}"
                )
                lines.append(
                    f"    later:   {_excerpt(texts[m.later.doc], m.later.start, m.later.end)}"
                )
                break
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.orangesum", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data", type=__import__("pathlib").Path, default=DEFAULT_ROOT)
    parser.add_argument("--limit", type=int, default=2000, help="articles (first by id)")
    parser.add_argument("--samples", type=int, default=4, help="borderline examples per band")
    args = parser.parse_args(argv)
    articles = read_articles(args.data, args.limit)
    texts = {a.id: a.text for a in articles}
    params = Params()
    documents = [Document(id=a.id, text=a.text, title=a.title, date=a.date) for a in articles]
    started = time.perf_counter()
    report = build_report(documents, params=params, progress=_progress)
    elapsed = time.perf_counter() - started
    print(file=sys.stderr)
    duplicates, by_kind = _linked(report)
    started_truth = time.perf_counter()
    truth, crowded = gram_pairs(articles)
    truth_time = time.perf_counter() - started_truth
    verbatim = duplicates | by_kind["exact"] | by_kind["near"]
    any_link = verbatim | by_kind["paraphrase"]
    t = params.thresholds
    lines = [
        f"{len(articles)} OrangeSum articles; build_report {elapsed:.1f} s; 12-gram truth {truth_time:.1f} s"
        f" ({crowded} grams in more than {MAX_POSTING} articles ignored)",
        f"thresholds: duplicate {params.duplicate} (token Indel similarity, document LSH"
        f" {params.document_lsh}); near {t.near} (surface) or containment {t.containment};"
        f" paraphrase {t.paraphrase} (blend) with {t.min_shared_terms}+ shared terms",
        f"near-duplicate pairs (clusters): {len(duplicates)} in {len(report.clusters)} clusters",
        *(
            f"pairs sharing a {k} passage (boilerplate excluded): {len(by_kind[k])}"
            for k in ("exact", "near", "paraphrase")
        ),
        f"pairs with any link: {len(any_link)}",
    ]
    lines += _agreement(verbatim, truth, any_link)
    lines += _document_agreement(report, truth)
    lines += ["\nsample of pairs nearsame links that share no 12-gram:"]
    lines += _samples(any_link - truth, report, texts, args.samples)
    lines += ["\nsample of 12-gram pairs nearsame does not link verbatim:"]
    for a, b in sorted(truth - verbatim)[: args.samples]:
        lines.append(f"- {a} / {b}")
    lines += _borderline_duplicates(truth, texts, params, args.samples)
    lines += _borderline_matches(report, texts, params, args.samples)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
