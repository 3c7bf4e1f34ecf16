"""PAN detections from nearsame's matches: merge, extend by sentence seeds, validate, summaries.

The steps follow the best PAN text-alignment systems (Sanchez-Perez, Sidorov and Gelbukh 2014):
*seeds* (nearsame's matches, and sentence pairs close by tf-idf cosine and Dice), *extension*
(matches close on both sides merge; seeds grow the result), *filtering* (short and weak detections
drop, unless seeds confirm them) and a separate *summary* strategy for short suspicious passages
seeded all over a long source, kept when the passage as a whole resembles the source (validation).
The harness is `bench.pan13`; the settings per profile are its ``MERGES``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from nearsame.analyze import Analysis

__all__ = [
    "Found",
    "Merge",
    "Seeding",
    "Side",
    "Span4",
    "Summary",
    "Texts",
    "detections",
    "extend",
    "join",
    "merge",
    "sentence_seeds",
    "summarize",
]

#: ``(this_start, this_end, src_start, src_end)``: a passage of the suspicious document and one of
#: the source document.
Span4 = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Found:
    """One engine match or sentence seed: its spans as reported, trimmed to the words they share,
    its kind (``seed`` for sentence seeds) and score."""

    raw: Span4
    trimmed: Span4
    kind: str
    score: float
    units: int


@dataclass(frozen=True, slots=True)
class Seeding:
    """Which sentence pairs seed a detection besides the engine's matches (Sanchez-Perez et al.).

    A pair seeds when the cosine of its tf-idf vectors of content terms (idf over the sentences of
    both documents) reaches ``cosine`` and the Dice overlap of its term sets reaches ``dice``; its
    score is the smaller of the two.
    """

    cosine: float = 0.33
    dice: float = 0.33


@dataclass(frozen=True, slots=True)
class Summary:
    """When a short suspicious passage condenses a long stretch of the source (summary obfuscation).

    Seeds and matches scoring at least ``min_score`` group by their suspicious side alone (gaps up
    to ``gap`` characters, a group spanning at most ``max_length``). A group with at least
    ``min_units`` distinct suspicious spans whose source side, first to last, is ``ratio`` times
    longer than its suspicious side becomes one detection, unless a detection already there
    (source side under ``block_ratio`` times its suspicious side, suspicious side at least
    ``block_cover`` of the group's) says the passage is copied, not summarised. With the texts at
    hand, the group's passage must reach a tf-idf cosine of ``min_cosine`` with the whole source
    (validation), and with ``whole_source`` the detection's source side is the whole source
    document (what a summary condenses).
    """

    min_score: float = 0.3
    gap: int = 300
    max_length: int = 1500
    ratio: float = 5.0
    min_units: int = 5
    block_ratio: float = 2.5
    block_cover: float = 0.6
    min_cosine: float = 0.0
    whole_source: bool = False


@dataclass(frozen=True, slots=True)
class Merge:
    """How matches become detections (the "extension" and "filtering" steps of PAN systems).

    Two matches join one detection when the gap between them is at most ``this_gap`` characters in
    the suspicious document and ``source_gap`` in the source, and (with ``source_back``) the later
    one's source does not start more than ``source_back`` characters before the detection's source
    end. A detection shorter than ``min_length`` characters on both sides is dropped, and so is one
    made of fewer than ``min_units`` matched units none of which scores ``min_score``.

    Sentence seeds scoring at least ``seed_score`` then extend a detection they touch within
    ``seed_gap`` characters on both sides, provided they lie past the same end of it on both sides
    (``seed_slack`` characters of tolerance) or inside it, and add at most ``seed_balance`` times
    as much (plus 50 characters) on one side as on the other. A dropped detection holding a match
    scoring ``rescue_score`` comes back when a seed extends it and it reaches ``min_length``.
    With the texts at hand, edges within ``snap`` characters of a sentence boundary move out to it.
    Detections whose suspicious sides are within ``join_gap`` characters become one (see `join`).
    ``summary`` settings add detections for summaries (see `Summary`).
    """

    this_gap: int = 0
    source_gap: int = 0
    source_back: int | None = None
    min_length: int = 0
    min_units: int = 1
    min_score: float = 0.0
    seed_score: float = 2.0
    seed_gap: int = 0
    seed_slack: int = 0
    seed_balance: float = math.inf
    rescue_score: float = 2.0
    snap: int = 0
    join_gap: int | None = None
    summary: Summary | None = None

    @property
    def seeding(self) -> Seeding | None:
        """The sentence seeds this merge needs (none when it uses neither extension nor summaries)."""
        floor = min(self.seed_score, self.summary.min_score if self.summary else 2.0)
        return Seeding(cosine=floor, dice=floor) if floor <= 1.0 else None


@dataclass(frozen=True, slots=True)
class Side:
    """One document of a pair as the post-processing sees it: its length, its sentences' spans,
    and each token's span and content term (``None`` for a stop word)."""

    length: int
    sentences: tuple[tuple[int, int], ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    terms: tuple[str | None, ...]

    @classmethod
    def of(cls, analysis: Analysis) -> Side:
        return cls(
            length=len(analysis.document.text),
            sentences=tuple((s.start, s.end) for s in analysis.sentences),
            starts=analysis.tokens.starts,
            ends=analysis.tokens.ends,
            terms=analysis.terms,
        )

    def bag(self, start: int, end: int) -> Counter[str]:
        """The content terms of the tokens inside ``[start, end)``."""
        first = bisect_right(self.starts, start - 1)
        stop = bisect_right(self.ends, end)
        return Counter(t for t in self.terms[first:stop] if t is not None)

    def snap(self, start: int, end: int, reach: int) -> tuple[int, int]:
        """``[start, end)`` with each end moved out to its sentence's edge when within ``reach``."""
        if not self.sentences or reach <= 0:
            return start, end
        heads = [s[0] for s in self.sentences]
        first = self.sentences[max(0, bisect_right(heads, start) - 1)]
        if first[0] <= start < first[1] and start - first[0] <= reach:
            start = first[0]
        last = self.sentences[max(0, bisect_right(heads, end - 1) - 1)]
        if last[0] < end <= last[1] and last[1] - end <= reach:
            end = last[1]
        return start, end


@dataclass(frozen=True, slots=True)
class Texts:
    """The two documents of a pair, with the idf of their terms over the sentences of both."""

    susp: Side
    src: Side
    idf: Mapping[str, float]
    unseen: float

    @classmethod
    def of(cls, src: Analysis, susp: Analysis) -> Texts:
        bags = _bags(src) + _bags(susp)
        frequency: Counter[str] = Counter()
        for bag in bags:
            frequency.update(bag.keys())
        total = max(1, len(bags))
        idf = {t: math.log(total / n) for t, n in frequency.items()}
        return cls(Side.of(susp), Side.of(src), idf, math.log(total))

    def cosine(self, span: Span4) -> float:
        """The tf-idf cosine of the span's suspicious passage and source passage."""
        this, source = self.susp.bag(span[0], span[1]), self.src.bag(span[2], span[3])
        weight = {t: self.idf.get(t, self.unseen) for t in this.keys() | source.keys()}
        dot = sum(this[t] * source[t] * weight[t] ** 2 for t in this.keys() & source.keys())
        norms = math.sqrt(sum((n * weight[t]) ** 2 for t, n in this.items())) * math.sqrt(
            sum((n * weight[t]) ** 2 for t, n in source.items())
        )
        return dot / norms if norms else 0.0


def detections(found: Sequence[Found], settings: Merge, texts: Texts | None = None) -> list[Span4]:
    """The detections of one pair: merged matches extended by seeds, plus summaries, joined.

    Without ``texts``, edges are not snapped, summaries not validated nor widened to the source.
    """
    matches = [f for f in found if f.kind != "seed"]
    seeds = [f for f in found if f.kind == "seed" and f.score >= settings.seed_score]
    extended = _extended(matches, seeds, settings)
    kept, summaries = extended, []
    if settings.summary is not None:
        summaries = _summaries(found, extended, settings.summary, texts)
        kept = [d for d in extended if not any(s[0] <= d[0] and d[1] <= s[1] for s in summaries)]
    if texts is not None and settings.snap > 0:
        kept = [_snap(span, texts, settings.snap) for span in kept]
    spans = sorted(kept + summaries)
    return spans if settings.join_gap is None else join(spans, settings.join_gap)


def _extended(matches: Sequence[Found], seeds: Sequence[Found], settings: Merge) -> list[Span4]:
    """Merged matches grown by seeds; dropped ones that seeds confirm come back (rescue)."""
    merged = merge(matches, settings)
    if settings.rescue_score > 1.0:
        return extend(merged, seeds, settings)
    loose = replace(settings, min_length=0, min_units=1, min_score=0.0)
    rescued = [
        span
        for span in merge(matches, loose)
        if not any(span[0] < m[1] and m[0] < span[1] for m in merged)
        and any(
            span[0] <= f.trimmed[0] and f.trimmed[1] <= span[1] and f.score >= settings.rescue_score
            for f in matches
        )
    ]
    grown = _grow([*merged, *rescued], seeds, settings)
    return _drop_nested(
        [
            span
            for i, (span, added) in enumerate(grown)
            if i < len(merged)
            or (added > 0 and max(span[1] - span[0], span[3] - span[2]) >= settings.min_length)
        ]
    )


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
            if _joins(item.trimmed, current, settings):
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


def _joins(span: Span4, current: Sequence[int], settings: Merge) -> bool:
    """Whether a match (after the detection in the suspicious text) is close to it in the source."""
    t0, _, s0, s1 = span
    if s0 - current[3] > settings.source_gap or current[2] - s1 > settings.source_gap:
        return False
    back = settings.source_back
    return back is None or s0 >= current[3] - back or t0 < current[1]


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


def extend(spans: Sequence[Span4], seeds: Sequence[Found], settings: Merge) -> list[Span4]:
    """``spans`` grown by the seeds that reach one of them (see `Merge`), repeatedly."""
    return [span for span, _ in _grow(spans, seeds, settings)]


def _grow(
    spans: Sequence[Span4], seeds: Sequence[Found], settings: Merge
) -> list[tuple[Span4, int]]:
    """Each span grown by seeds, with the number of seeds that took it past its edges."""
    grown = [list(span) for span in spans]
    added = [0] * len(grown)
    left = list(seeds)
    changed = True
    while changed and left:
        changed = False
        for seed in list(left):
            for i, span in enumerate(grown):
                fit = _fits(seed.trimmed, span, settings)
                if fit is None:
                    continue
                if fit:
                    a, b, c, d = seed.trimmed
                    span[:] = [min(span[0], a), max(span[1], b), min(span[2], c), max(span[3], d)]
                    added[i] += fit == "outside"
                    left.remove(seed)
                    changed = True
                break
    return [((a, b, c, d), n) for (a, b, c, d), n in zip(grown, added, strict=True)]


def _fits(seed: Span4, span: Sequence[int], settings: Merge) -> str | None:
    """How ``seed`` relates to ``span``: out of reach (None), reaching it but refused (""),
    ``inside`` it on both sides, or ``outside`` (past the same end of it on both sides)."""
    a, b, c, d = seed
    gap, slack = settings.seed_gap, settings.seed_slack
    if a - span[1] > gap or span[0] - b > gap or c - span[3] > gap or span[2] - d > gap:
        return None
    if (
        span[0] - slack <= a
        and b <= span[1] + slack
        and span[2] - slack <= c
        and d <= span[3] + slack
    ):
        return "inside"
    after = b > span[1] + slack and d > span[3] + slack
    before = a < span[0] - slack and c < span[2] - slack
    this = max(0, span[0] - a) + max(0, b - span[1])
    source = max(0, span[2] - c) + max(0, d - span[3])
    balance = settings.seed_balance
    balanced = this <= balance * (source + 50) and source <= balance * (this + 50)
    return "outside" if (after or before) and balanced else ""


def _summaries(
    found: Sequence[Found], spans: Sequence[Span4], settings: Summary, texts: Texts | None
) -> list[Span4]:
    """The summary detections of a pair, validated and widened when ``texts`` are at hand."""
    candidates = [f for f in found if f.kind != "seed" or f.score >= settings.min_score]
    summaries = [s for s in summarize(candidates, settings) if not _copied(s, spans, settings)]
    if texts is None:
        return summaries
    whole = texts.src.length
    summaries = [
        s for s in summaries if texts.cosine((s[0], s[1], 0, whole)) >= settings.min_cosine
    ]
    if settings.whole_source:
        summaries = [(a, b, 0, whole) for a, b, _, _ in summaries]
    return summaries


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


def _snap(span: Span4, texts: Texts, reach: int) -> Span4:
    a, b = texts.susp.snap(span[0], span[1], reach)
    c, d = texts.src.snap(span[2], span[3], reach)
    return (a, b, c, d)


def join(spans: Sequence[Span4], gap: int) -> list[Span4]:
    """Detections whose suspicious sides lie within ``gap`` characters made one (their hull on
    both sides): one case detected in pieces counts once (granularity)."""
    joined: list[Span4] = []
    for span in sorted(spans):
        if joined and span[0] - joined[-1][1] <= gap:
            a, b, c, d = joined[-1]
            joined[-1] = (a, max(b, span[1]), min(c, span[2]), max(d, span[3]))
        else:
            joined.append(span)
    return joined


def sentence_seeds(src: Analysis, susp: Analysis, settings: Seeding) -> list[Found]:
    """Sentence pairs of ``src`` and ``susp`` similar enough to seed a detection, each trimmed to
    the span from the first to the last content term the two sentences share."""
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
        common = susp_bags[i].keys() & src_bags[j].keys()
        this = _shared_span(susp, i, common) or (a.start, a.end)
        source = _shared_span(src, j, common) or (b.start, b.end)
        score = float(min(cosine[i, j], dice[i, j]))
        seeds.append(Found((a.start, a.end, b.start, b.end), (*this, *source), "seed", score, 1))
    return seeds


def _shared_span(analysis: Analysis, sentence: int, common: set[str]) -> tuple[int, int] | None:
    """From the first to the last token of ``sentence`` whose term is in ``common``."""
    first, stop = analysis.sentence_tokens[sentence]
    hits = [k for k in range(first, stop) if analysis.terms[k] in common]
    if not hits:
        return None
    return analysis.tokens.starts[hits[0]], analysis.tokens.ends[hits[-1]]


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
