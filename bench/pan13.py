"""PAN text-alignment harness: run nearsame on every pair of a PAN 2013 corpus and score it.

    .venv/bin/python -m bench.pan13 /work/shared/data/pan13-train --out /tmp/pan13-out --jobs 2

Reads ``src/``, ``susp/`` and the category folders ``0N-*/`` (each with a ``pairs`` file and the
gold XML of its pairs), or a top-level ``pairs`` file alone. The source document is the earlier one,
the suspicious document the later one. For each pair, nearsame's matches become PAN detections
(`bench.pan_detections`: adjacent matches merged, extended and confirmed by sentence seeds, edges
snapped to sentences, summaries added and validated), written as ``<susp>-<src>.xml`` into ``--out``. When gold XML is present, prints
plagdet, precision, recall and granularity overall and per category, beside two baselines computed
in the same run: the engine's raw matches (``raw``) and the matches merged only (``merged``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from multiprocessing import Pool
from pathlib import Path

from bench.pan_detections import (
    Found,
    Merge,
    Seeding,
    Span4,
    Summary,
    Texts,
    detections,
    merge,
    sentence_seeds,
)
from bench.pan_measure import Annotation, Scores, evaluate, read_annotations, write_detections
from nearsame.analyze import analyze
from nearsame.document import Document
from nearsame.engine import Params, compare
from nearsame.profiles import PROFILES, profile
from nearsame.report import Match

__all__ = ["MERGES", "Pair", "detect", "discover", "main", "stratified", "trim", "unwrap"]


@dataclass(frozen=True, slots=True)
class Pair:
    """One suspicious/source pair of a category."""

    category: str
    susp: str
    src: str

    @property
    def name(self) -> str:
        return f"{Path(self.susp).stem}-{Path(self.src).stem}.xml"


#: The adapter's settings per profile (the engine's are in `nearsame.profiles`).
MERGES = {
    "news": Merge(),
    "pan": Merge(
        this_gap=800,
        source_gap=1600,
        source_back=800,
        min_length=150,
        min_units=3,
        min_score=0.4,
        seed_score=0.3,
        seed_gap=250,
        seed_slack=30,
        seed_balance=3.0,
        rescue_score=0.3,
        snap=30,
        join_gap=300,
        summary=Summary(ratio=2.5, min_cosine=0.3, whole_source=True),
    ),
}


def discover(root: Path) -> list[Pair]:
    """Every pair of the corpus, with its category (``all`` when there are no category folders)."""
    folders = sorted(p for p in root.iterdir() if p.is_dir() and (p / "pairs").is_file())
    sources = [(f.name, f / "pairs") for f in folders] or [("all", root / "pairs")]
    pairs = []
    for category, listing in sources:
        for line in listing.read_text(encoding="utf-8").splitlines():
            if line.strip():
                susp, src = line.split()
                pairs.append(Pair(category, susp, src))
    return pairs


def stratified(pairs: Sequence[Pair], limit: int | None) -> list[Pair]:
    """At most ``limit`` pairs, spread evenly over each category in proportion to its size."""
    if limit is None or limit >= len(pairs):
        return list(pairs)
    groups: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        groups[pair.category].append(pair)
    chosen: list[Pair] = []
    for members in groups.values():
        share = max(1, round(limit * len(members) / len(pairs)))
        step = len(members) / share
        chosen.extend(members[int(i * step)] for i in range(min(share, len(members))))
    return chosen


@cache
def _text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def unwrap(text: str, *, keep_after: int = 250) -> str:
    """``text`` with single line breaks made spaces (offsets unchanged), except in long sentences.

    PAN documents are hard-wrapped at random places, often mid-sentence; left alone, the segmenter
    would cut sentences there. But a line break after more than ``keep_after`` characters without
    a sentence end is kept: lists and tables without punctuation would otherwise make one huge unit.
    """
    chars = list(text)
    last = 0
    for found in _BREAK_OR_END.finditer(text):
        if found.group() != "\n" or found.start() - last > keep_after:
            last = found.end()
        else:
            chars[found.start()] = " "
    return "".join(chars)


_BREAK_OR_END = re.compile(r"(?<![\n\r])\n(?![\r\n])|[.!?][\"')\]]*\s|\n\s*\n")


def trim(match: Match) -> Span4:
    """The span from the first to the last word kept in both texts (the whole match if none)."""
    kept = [op for op in match.ops if op.op == "keep"]
    if not kept:
        return (match.later.start, match.later.end, match.earlier.start, match.earlier.end)
    return (
        min(op.later[0] for op in kept),
        max(op.later[1] for op in kept),
        min(op.earlier[0] for op in kept),
        max(op.earlier[1] for op in kept),
    )


def detect(
    root: Path, params: Params, *, pair: Pair, seeding: Seeding | None = None
) -> tuple[list[Found], Texts | None]:
    """The engine's matches for ``pair`` and, with ``seeding``, its sentence seeds (kind ``seed``)
    and the two analysed texts; spans are ``(this_start, this_end, src_start, src_end)``."""
    src = Document(id=pair.src, text=unwrap(_text(str(root / "src" / pair.src))))
    susp = Document(id=pair.susp, text=unwrap(_text(str(root / "susp" / pair.susp))))
    report = compare(src, susp, params=params)
    seeds: list[Found] = []
    texts = None
    if seeding is not None:
        language, words = params.language, params.min_words
        src_analysis = analyze(src, language=language, min_words=words)
        susp_analysis = analyze(susp, language=language, min_words=words)
        seeds = sentence_seeds(src_analysis, susp_analysis, seeding)
        texts = Texts.of(src_analysis, susp_analysis)
    matches = [
        Found(
            (m.later.start, m.later.end, m.earlier.start, m.earlier.end),
            trim(m),
            m.kind,
            m.score,
            m.units,
        )
        for m in report.matches
    ]
    return seeds + matches, texts


def _annotations(pair: Pair, spans: Iterable[Span4]) -> list[Annotation]:
    return [Annotation(pair.susp, a, b - a, pair.src, c, d - c) for a, b, c, d in spans]


_JOB: tuple[Path, Params, Merge] | None = None


def _init(root: Path, params: Params, settings: Merge) -> None:
    global _JOB
    _JOB = (root, params, settings)


def _work(pair: Pair) -> tuple[Pair, list[Found], list[Span4]]:
    """The engine's matches and seeds for ``pair``, and its detections (computed here, where the
    analysed texts are, so that they never cross processes)."""
    assert _JOB is not None
    root, params, settings = _JOB
    found, texts = detect(root, params, pair=pair, seeding=settings.seeding)
    return pair, found, detections(found, settings, texts)


def _run(
    root: Path, pairs: Sequence[Pair], params: Params, settings: Merge, jobs: int
) -> dict[Pair, tuple[list[Found], list[Span4]]]:
    found: dict[Pair, tuple[list[Found], list[Span4]]] = {}
    started = time.perf_counter()
    with Pool(jobs, initializer=_init, initargs=(root, params, settings)) as pool:
        for done, (pair, items, spans) in enumerate(pool.imap_unordered(_work, pairs, 4), start=1):
            found[pair] = (items, spans)
            if done % 50 == 0 or done == len(pairs):
                rate = done / (time.perf_counter() - started)
                eta = (len(pairs) - done) / rate
                print(
                    f"\r  {done}/{len(pairs)} pairs, {rate:.1f} pairs/s, eta {eta:.0f} s",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
    print(file=sys.stderr)
    return found


def _gold(root: Path, pairs: Sequence[Pair]) -> dict[Pair, list[Annotation]] | None:
    gold = {}
    for pair in pairs:
        path = root / pair.category / pair.name
        if not path.is_file():
            return None
        gold[pair] = read_annotations(path)
    return gold


def _table(
    pairs: Sequence[Pair],
    gold: dict[Pair, list[Annotation]],
    ours: dict[Pair, list[Annotation]],
    baselines: dict[str, dict[Pair, list[Annotation]]],
) -> list[str]:
    categories = sorted({p.category for p in pairs})
    header = f"{'category':<28} {'pairs':>5} {'cases':>5} {'dets':>5} {'plagdet':>7} {'prec':>6} {'rec':>6} {'gran':>6}"
    header += "".join(f" {name:>9}" for name in baselines)
    lines = [header, "-" * len(header)]
    for category in [*categories, "overall"]:
        chosen = [p for p in pairs if category in (p.category, "overall")]
        s = _score(chosen, gold, ours)
        lines.append(
            f"{category:<28} {len(chosen):>5} {s.cases:>5} {s.detections:>5} {s.plagdet:7.4f}"
            f" {s.precision:6.4f} {s.recall:6.4f} {s.granularity:6.4f}"
            + "".join(f" {_score(chosen, gold, b).plagdet:9.4f}" for b in baselines.values())
        )
    return lines


def _score(
    pairs: Sequence[Pair], gold: dict[Pair, list[Annotation]], found: dict[Pair, list[Annotation]]
) -> Scores:
    cases = [a for p in pairs for a in gold[p]]
    detections = [a for p in pairs for a in found[p]]
    return evaluate(cases, detections)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pan13", description=__doc__.split("\n")[0]
    )
    parser.add_argument("corpus", type=Path, help="a PAN 2013 text-alignment corpus folder")
    parser.add_argument("--out", type=Path, required=True, help="folder for the detection XML")
    parser.add_argument("--limit", type=int, help="a stratified sample of this many pairs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="pan")
    args = parser.parse_args(argv)
    params = replace(profile(args.profile), order="input")
    settings = MERGES[args.profile]
    pairs = stratified(discover(args.corpus), args.limit)
    print(f"{len(pairs)} pairs, profile {args.profile}, {args.jobs} jobs", file=sys.stderr)
    started = time.perf_counter()
    raw = _run(args.corpus, pairs, params, settings, args.jobs)
    elapsed = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    ours = {p: _annotations(p, raw[p][1]) for p in pairs}
    matches = {p: [f for f in raw[p][0] if f.kind != "seed"] for p in pairs}
    baselines = {
        "raw": {p: _annotations(p, [f.raw for f in matches[p]]) for p in pairs},
        "merged": {p: _annotations(p, merge(matches[p], settings)) for p in pairs},
    }
    for pair in pairs:
        write_detections(args.out / pair.name, pair.susp, ours[pair])
    print(f"{len(pairs)} pairs in {elapsed:.1f} s ({len(pairs) / elapsed:.1f} pairs/s)")
    gold = _gold(args.corpus, pairs)
    if gold is not None:
        print("\n".join(_table(pairs, gold, ours, baselines)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
