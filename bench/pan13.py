"""PAN text-alignment harness: run nearsame on every pair of a PAN 2013 corpus and score it.

    .venv/bin/python -m bench.pan13 /work/shared/data/pan13-train --out /tmp/pan13-out --jobs 2

Reads ``src/``, ``susp/`` and the category folders ``0N-*/`` (each with a ``pairs`` file and the
gold XML of its pairs), or a top-level ``pairs`` file alone. The source document is the earlier one,
the suspicious document the later one. For each pair, nearsame's matches become PAN detections
(adjacent matches merged, see `merge`), written as ``<susp>-<src>.xml`` into ``--out``. When gold
XML is present, prints plagdet, precision, recall and granularity overall and per category, beside a
baseline computed in the same run: the engine's raw matches, not merged.
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

from bench.pan_measure import Annotation, Scores, evaluate, read_annotations, write_detections
from nearsame.document import Document
from nearsame.engine import Params, compare
from nearsame.profiles import PROFILES, profile
from nearsame.report import Match

__all__ = ["Merge", "Pair", "detect", "discover", "main", "merge", "stratified"]


@dataclass(frozen=True, slots=True)
class Pair:
    """One suspicious/source pair of a category."""

    category: str
    susp: str
    src: str

    @property
    def name(self) -> str:
        return f"{Path(self.susp).stem}-{Path(self.src).stem}.xml"


@dataclass(frozen=True, slots=True)
class Merge:
    """How matches become detections (the "extension" step of the best PAN systems).

    Two matches join one detection when the gap between them is at most ``this_gap`` characters in
    the suspicious document and ``source_gap`` in the source. A detection shorter than
    ``min_length`` characters on both sides is dropped, and so is one made of fewer than
    ``min_units`` matched units none of which scores ``min_score``.
    """

    this_gap: int = 0
    source_gap: int = 0
    min_length: int = 0
    min_units: int = 1
    min_score: float = 0.0


#: The adapter's settings per profile (the engine's are in `nearsame.profiles`).
MERGES = {
    "news": Merge(),
    "pan": Merge(this_gap=800, source_gap=1600, min_length=150, min_units=3, min_score=0.4),
}

Span4 = tuple[int, int, int, int]


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


def merge(found: Iterable[Found], settings: Merge) -> list[Span4]:
    """Merge matches close on both sides into detections; drop the short and the weak ones."""
    merged: list[list[Found]] = []
    bounds: list[list[int]] = []
    for item in sorted(found, key=lambda f: f.trimmed):
        t0, t1, s0, s1 = item.trimmed
        joined = False
        for members, current in zip(reversed(merged), reversed(bounds), strict=True):
            if t0 - current[1] > settings.this_gap:
                break
            if s0 - current[3] <= settings.source_gap and current[2] - s1 <= settings.source_gap:
                current[1], current[2] = max(current[1], t1), min(current[2], s0)
                current[3] = max(current[3], s1)
                members.append(item)
                joined = True
                break
        if not joined:
            merged.append([item])
            bounds.append([t0, t1, s0, s1])
    kept = [
        (a, b, c, d)
        for members, (a, b, c, d) in zip(merged, bounds, strict=True)
        if max(b - a, d - c) >= settings.min_length
        and b > a
        and d > c
        and _strong(members, settings)
    ]
    return _drop_nested(kept)


def _strong(members: Sequence[Found], settings: Merge) -> bool:
    """Whether a detection rests on more than one weak paraphrase."""
    units = sum(f.units for f in members)
    best = max(f.score for f in members)
    return units >= settings.min_units or best >= settings.min_score


def _drop_nested(spans: list[Span4]) -> list[Span4]:
    """Drop a detection whose suspicious span lies inside a longer one's."""
    ordered = sorted(spans, key=lambda s: (s[1] - s[0]) + (s[3] - s[2]), reverse=True)
    kept: list[Span4] = []
    for span in ordered:
        if not any(k[0] <= span[0] and span[1] <= k[1] for k in kept):
            kept.append(span)
    return sorted(kept)


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


@dataclass(frozen=True, slots=True)
class Found:
    """One engine match: its spans as reported, trimmed to the words kept, its kind and score."""

    raw: Span4
    trimmed: Span4
    kind: str
    score: float
    units: int


def detect(root: Path, pair: Pair, params: Params) -> list[Found]:
    """The engine's matches for ``pair``; spans are ``(this_start, this_end, src_start, src_end)``."""
    src = Document(id=pair.src, text=unwrap(_text(str(root / "src" / pair.src))))
    susp = Document(id=pair.susp, text=unwrap(_text(str(root / "susp" / pair.susp))))
    report = compare(src, susp, params=params)
    return [
        Found(
            (m.later.start, m.later.end, m.earlier.start, m.earlier.end),
            trim(m),
            m.kind,
            m.score,
            m.units,
        )
        for m in report.matches
    ]


def _annotations(pair: Pair, spans: Iterable[Span4]) -> list[Annotation]:
    return [Annotation(pair.susp, a, b - a, pair.src, c, d - c) for a, b, c, d in spans]


_JOB: tuple[Path, Params] | None = None


def _init(root: Path, params: Params) -> None:
    global _JOB
    _JOB = (root, params)


def _work(pair: Pair) -> tuple[Pair, list[Found], float]:
    assert _JOB is not None
    started = time.perf_counter()
    spans = detect(_JOB[0], pair, _JOB[1])
    return pair, spans, time.perf_counter() - started


def _run(root: Path, pairs: Sequence[Pair], params: Params, jobs: int) -> dict[Pair, list[Found]]:
    found: dict[Pair, list[Found]] = {}
    started = time.perf_counter()
    with Pool(jobs, initializer=_init, initargs=(root, params)) as pool:
        for done, (pair, spans, _) in enumerate(pool.imap_unordered(_work, pairs, 4), start=1):
            found[pair] = spans
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
    base: dict[Pair, list[Annotation]],
) -> list[str]:
    categories = sorted({p.category for p in pairs})
    header = f"{'category':<28} {'pairs':>5} {'cases':>5} {'dets':>5} {'plagdet':>7} {'prec':>6} {'rec':>6} {'gran':>6} {'raw plagdet':>11} {'ratio':>6}"
    lines = [header, "-" * len(header)]
    for category in [*categories, "overall"]:
        chosen = [p for p in pairs if category in (p.category, "overall")]
        s = _score(chosen, gold, ours)
        b = _score(chosen, gold, base)
        ratio = f"{s.plagdet / b.plagdet:6.2f}" if b.plagdet else "     -"
        lines.append(
            f"{category:<28} {len(chosen):>5} {s.cases:>5} {s.detections:>5} {s.plagdet:7.4f}"
            f" {s.precision:6.4f} {s.recall:6.4f} {s.granularity:6.4f} {b.plagdet:11.4f} {ratio}"
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
    raw = _run(args.corpus, pairs, params, args.jobs)
    elapsed = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    ours = {p: _annotations(p, merge(raw[p], settings)) for p in pairs}
    base = {p: _annotations(p, [f.raw for f in raw[p]]) for p in pairs}
    for pair in pairs:
        write_detections(args.out / pair.name, pair.susp, ours[pair])
    print(f"{len(pairs)} pairs in {elapsed:.1f} s ({len(pairs) / elapsed:.1f} pairs/s)")
    gold = _gold(args.corpus, pairs)
    if gold is not None:
        print("\n".join(_table(pairs, gold, ours, base)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
