"""PAN text-alignment harness: run nearsame on every pair of a PAN 2013 corpus and score it.

    .venv/bin/python -m bench.pan13 /work/shared/data/pan13-train --out /tmp/pan13-out --jobs 2

Reads ``src/``, ``susp/`` and the category folders ``0N-*/`` (each with a ``pairs`` file and the
gold XML of its pairs), or a top-level ``pairs`` file alone. The source document is the earlier one,
the suspicious document the later one. For each pair, nearsame's matches become PAN detections
(adjacent matches merged, see `merge`; extended by sentence seeds, see `extend`; summaries added, see
`summarize`), written as ``<susp>-<src>.xml`` into ``--out``. When gold XML is present, prints
plagdet, precision, recall and granularity overall and per category, beside two baselines computed
in the same run: the engine's raw matches (``raw``) and the matches merged only (``merged``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from bench.pan_measure import Annotation, Scores, evaluate, read_annotations, write_detections
from nearsame.analyze import Analysis, analyze
from nearsame.document import Document
from nearsame.engine import Params, compare
from nearsame.profiles import PROFILES, profile
from nearsame.report import Match

__all__ = [
    "Found",
    "Merge",
    "Pair",
    "Seeding",
    "Summary",
    "detect",
    "detections",
    "discover",
    "extend",
    "main",
    "merge",
    "sentence_seeds",
    "stratified",
    "summarize",
]


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
class Summary:
    """When a short suspicious passage condenses a long stretch of the source (summary obfuscation).

    Seeds and matches scoring at least ``min_score`` group by their suspicious side alone (gaps up
    to ``gap`` characters, a group spanning at most ``max_length``). A group with at least
    ``min_units`` distinct suspicious spans whose source side, first to last, is ``ratio`` times
    longer than its suspicious side becomes one detection, unless a detection already there
    (source side under ``block_ratio`` times its suspicious side, suspicious side at least
    ``block_cover`` of the group's) says the passage is copied, not summarised.
    """

    min_score: float = 0.3
    gap: int = 300
    max_length: int = 1500
    ratio: float = 5.0
    min_units: int = 5
    block_ratio: float = 2.5
    block_cover: float = 0.6


@dataclass(frozen=True, slots=True)
class Merge:
    """How matches become detections (the "extension" step of the best PAN systems).

    Two matches join one detection when the gap between them is at most ``this_gap`` characters in
    the suspicious document and ``source_gap`` in the source. A detection shorter than
    ``min_length`` characters on both sides is dropped, and so is one made of fewer than
    ``min_units`` matched units none of which scores ``min_score``. Then sentence seeds scoring at
    least ``seed_score`` extend a detection they touch within ``seed_gap`` characters on both sides;
    ``summary`` settings add detections for summaries (see `Summary`).
    """

    this_gap: int = 0
    source_gap: int = 0
    min_length: int = 0
    min_units: int = 1
    min_score: float = 0.0
    seed_score: float = 2.0
    seed_gap: int = 0
    summary: Summary | None = None

    @property
    def seeding(self) -> Seeding | None:
        """The sentence seeds this merge needs (none when it uses neither extension nor summaries)."""
        floor = min(self.seed_score, self.summary.min_score if self.summary else 2.0)
        return Seeding(cosine=floor, dice=floor) if floor <= 1.0 else None


#: The adapter's settings per profile (the engine's are in `nearsame.profiles`).
MERGES = {
    "news": Merge(),
    "pan": Merge(
        this_gap=800,
        source_gap=1600,
        min_length=150,
        min_units=3,
        min_score=0.4,
        seed_score=0.4,
        seed_gap=150,
        summary=Summary(),
    ),
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


def detections(found: Sequence[Found], settings: Merge) -> list[Span4]:
    """The detections of one pair: merged matches extended by seeds, plus summaries."""
    matches = [f for f in found if f.kind != "seed"]
    seeds = [f for f in found if f.kind == "seed"]
    merged = merge(matches, settings)
    extended = extend(
        merged, [s for s in seeds if s.score >= settings.seed_score], settings.seed_gap
    )
    if settings.summary is None:
        return extended
    candidates = [f for f in found if f.kind != "seed" or f.score >= settings.summary.min_score]
    summaries = [
        s
        for s in summarize(candidates, settings.summary)
        if not _copied(s, extended, settings.summary)
    ]
    kept = [d for d in extended if not any(s[0] <= d[0] and d[1] <= s[1] for s in summaries)]
    return sorted(kept + summaries)


def extend(spans: Sequence[Span4], seeds: Sequence[Found], gap: int) -> list[Span4]:
    """``spans`` grown by every seed within ``gap`` characters of one on both sides, repeatedly."""
    grown = [list(span) for span in spans]
    left = list(seeds)
    changed = True
    while changed and left:
        changed = False
        for seed in list(left):
            a, b, c, d = seed.trimmed
            for span in grown:
                if (
                    a - span[1] <= gap
                    and span[0] - b <= gap
                    and c - span[3] <= gap
                    and span[2] - d <= gap
                ):
                    span[:] = [min(span[0], a), max(span[1], b), min(span[2], c), max(span[3], d)]
                    left.remove(seed)
                    changed = True
                    break
    return [(a, b, c, d) for a, b, c, d in grown]


def summarize(found: Sequence[Found], settings: Summary) -> list[Span4]:
    """Detections for short suspicious passages whose seeds spread over a long stretch of source."""
    groups: list[list[Found]] = []
    for item in sorted(found, key=lambda f: f.trimmed):
        if (
            groups
            and item.trimmed[0] - max(f.trimmed[1] for f in groups[-1]) <= settings.gap
            and item.trimmed[0] - groups[-1][0].trimmed[0] <= settings.max_length
        ):
            groups[-1].append(item)
        else:
            groups.append([item])
    spans = []
    for group in groups:
        a, b = min(f.trimmed[0] for f in group), max(f.trimmed[1] for f in group)
        c, d = min(f.trimmed[2] for f in group), max(f.trimmed[3] for f in group)
        units = len({f.trimmed[:2] for f in group})
        if units >= settings.min_units and d - c >= settings.ratio * (b - a):
            spans.append((a, b, c, d))
    return spans


def _copied(summary: Span4, spans: Sequence[Span4], settings: Summary) -> bool:
    """Whether a detection of similar length on both sides covers much of ``summary``."""
    a, b = summary[:2]
    return any(
        s[0] < b
        and a < s[1]
        and s[3] - s[2] < settings.block_ratio * (s[1] - s[0])
        and s[1] - s[0] >= settings.block_cover * (b - a)
        for s in spans
    )


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
class Seeding:
    """Which sentence pairs seed a detection besides the engine's matches (Sanchez-Perez et al.).

    A pair seeds when the cosine of its tf-idf vectors of content terms (idf over the sentences of
    both documents) reaches ``cosine`` and the Dice overlap of its term sets reaches ``dice``; its
    score is the smaller of the two.
    """

    cosine: float = 0.33
    dice: float = 0.33


def sentence_seeds(src: Analysis, susp: Analysis, settings: Seeding) -> list[Found]:
    """Sentence pairs of ``src`` and ``susp`` similar enough to seed a detection."""
    src_bags, susp_bags = _bags(src), _bags(susp)
    shared = (
        sorted(set().union(*src_bags) & set().union(*susp_bags)) if src_bags and susp_bags else []
    )
    if not shared:
        return []
    bags = src_bags + susp_bags
    frequency: dict[str, int] = defaultdict(int)
    for bag in bags:
        for term in bag:
            frequency[term] += 1
    idf = {t: float(np.log(len(bags) / f)) for t, f in frequency.items()}
    column = {t: i for i, t in enumerate(shared)}
    src_w, src_n, src_b = _vectors(src_bags, column, idf)
    susp_w, susp_n, susp_b = _vectors(susp_bags, column, idf)
    with np.errstate(divide="ignore", invalid="ignore"):
        cosine = (susp_w @ src_w.T) / np.outer(susp_n, src_n)
        sizes = np.array([len(b) for b in susp_bags])[:, None] + np.array(
            [len(b) for b in src_bags]
        )
        dice = 2 * (susp_b @ src_b.T) / sizes
    hits = np.argwhere(
        (np.nan_to_num(cosine) >= settings.cosine) & (np.nan_to_num(dice) >= settings.dice)
    )
    seeds = []
    for i, j in hits.tolist():
        a, b = susp.sentences[i], src.sentences[j]
        span = (a.start, a.end, b.start, b.end)
        seeds.append(Found(span, span, "seed", float(min(cosine[i, j], dice[i, j])), 1))
    return seeds


def _bags(analysis: Analysis) -> list[Counter[str]]:
    return [
        Counter(t for t in analysis.terms[first:stop] if t is not None)
        for first, stop in analysis.sentence_tokens
    ]


def _vectors(
    bags: Sequence[Counter[str]], column: dict[str, int], idf: dict[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per sentence: tf-idf over the shared terms, the norm of the full tf-idf vector, term presence."""
    weights = np.zeros((len(bags), len(column)))
    norms = np.zeros(len(bags))
    for row, bag in enumerate(bags):
        norms[row] = np.sqrt(sum((n * idf[t]) ** 2 for t, n in bag.items()))
        for term, count in bag.items():
            if term in column:
                weights[row, column[term]] = count * idf[term]
    return weights, norms, (weights > 0).astype(np.float64)


@dataclass(frozen=True, slots=True)
class Found:
    """One engine match: its spans as reported, trimmed to the words kept, its kind and score."""

    raw: Span4
    trimmed: Span4
    kind: str
    score: float
    units: int


def detect(
    root: Path, params: Params, *, pair: Pair, seeding: Seeding | None = None
) -> list[Found]:
    """The engine's matches for ``pair`` and, with ``seeding``, its sentence seeds (kind ``seed``);
    spans are ``(this_start, this_end, src_start, src_end)``."""
    src = Document(id=pair.src, text=unwrap(_text(str(root / "src" / pair.src))))
    susp = Document(id=pair.susp, text=unwrap(_text(str(root / "susp" / pair.susp))))
    report = compare(src, susp, params=params)
    seeds = []
    if seeding is not None:
        language, words = params.language, params.min_words
        seeds = sentence_seeds(
            analyze(src, language=language, min_words=words),
            analyze(susp, language=language, min_words=words),
            seeding,
        )
    return seeds + [
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


_JOB: tuple[Path, Params, Seeding | None] | None = None


def _init(root: Path, params: Params, seeding: Seeding | None) -> None:
    global _JOB
    _JOB = (root, params, seeding)


def _work(pair: Pair) -> tuple[Pair, list[Found], float]:
    assert _JOB is not None
    started = time.perf_counter()
    spans = detect(*_JOB[:2], pair=pair, seeding=_JOB[2])
    return pair, spans, time.perf_counter() - started


def _run(
    root: Path, pairs: Sequence[Pair], params: Params, seeding: Seeding | None, jobs: int
) -> dict[Pair, list[Found]]:
    found: dict[Pair, list[Found]] = {}
    started = time.perf_counter()
    with Pool(jobs, initializer=_init, initargs=(root, params, seeding)) as pool:
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
    raw = _run(args.corpus, pairs, params, settings.seeding, args.jobs)
    elapsed = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    ours = {p: _annotations(p, detections(raw[p], settings)) for p in pairs}
    matches = {p: [f for f in raw[p] if f.kind != "seed"] for p in pairs}
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
