"""Content keys against recall: how many keys a sentence needs to find what verification accepts.

At 100,000 articles much of an index check's time is its band-key lookups (about 4 µs a key in
SQLite), and content keys were three quarters of an article's ~1,300 keys: 90 two-row MinHash
bands per sentence over its informative content terms. This measures, on real OrangeSum articles
(never edited copies), what other content keys, and other crowding limits, find.

Truth: ``--checks`` held-out articles are checked against ``--size`` indexed ones. Every pair of
units (checked, indexed) sharing at least ``min_shared_terms`` content terms (every paraphrase
does) is scored with `nearsame.verify.score_units`; the pairs that get a kind are the truth.
A scheme finds a pair when the two units share a content key, or a verbatim key (the same for every
scheme), that is not crowded among the indexed units (more than ``limit`` units for content keys,
each limit of ``--limits`` in turn; the verbatim ``max_bucket``). Schemes:

* ``bands N``: the first N two-row bands of the content MinHash (90 is the default,
  ``content_lsh=0.15``, and what index formats up to 3 stored; 50 is what ``content_lsh=0.2``
  gives);
* ``term sets N``: the pairs of terms N two-row bands draw, keyed by the pair, not by the band
  (`nearsame.candidates.term_set_keys`, what index format 4 stores: 90 bands by default, 50 with
  ``content_lsh=0.2``);
* ``rarest K``: every pair of a unit's K rarest content terms (general word frequencies).

Run from the repository root: ``python -m bench.content_keys --size 20000 --checks 400``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import xxhash

from bench.index import ARCHIVE, read_articles
from nearsame.analyze import Analysis, analyze
from nearsame.candidates import Banding, band_keys, term_set_keys
from nearsame.params import Params
from nearsame.sketch import permutations, sketch
from nearsame.verify import UnitTerms, score_units, unit_terms

Unit = tuple[int, int]  # (document, unit)
KeySets = dict[Unit, set[int]]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _terms(analyses: Sequence[Analysis], base: int) -> dict[Unit, UnitTerms]:
    return {
        (base + d, u): unit_terms(a, u)
        for d, a in enumerate(analyses)
        for u in range(len(a.sentence_tokens))
    }


def truth(
    indexed: Sequence[Analysis], checked: Sequence[Analysis], params: Params
) -> dict[tuple[Unit, Unit], str]:
    """The verified pairs (checked unit, indexed unit) with their kind."""
    size = len(indexed)
    mine, theirs = _terms(checked, size), _terms(indexed, 0)
    postings: dict[str, list[Unit]] = defaultdict(list)
    for unit, terms in theirs.items():
        for term in terms:
            postings[term].append(unit)
    found: dict[tuple[Unit, Unit], str] = {}
    least = params.thresholds.min_shared_terms
    for unit, terms in mine.items():
        shared = Counter(u for term in terms for u in postings.get(term, ()))
        for other, count in shared.items():
            if count < least:
                continue
            a, b = indexed[other[0]], checked[unit[0] - size]
            score = score_units(
                a, other[1], b, unit[1], thresholds=params.thresholds, terms=(theirs[other], terms)
            )
            if score.kind is not None:
                found[(unit, other)] = score.kind
    return found


def _pair_key(first: int, second: int) -> int:
    low, high = sorted((first, second))
    return (low << 32) | high


def _h32(term: str) -> int:
    return int(xxhash.xxh32_intdigest(term.encode()))


def scheme_keys(analyses: Sequence[Analysis], base: int, params: Params) -> dict[str, KeySets]:
    """Every scheme's content keys of every unit, and (under ``verbatim``) its verbatim keys."""
    found: dict[str, KeySets] = defaultdict(dict)
    content_permutations = permutations(params.sketch.content_num_perm, params.sketch.seed)
    for d, analysis in enumerate(analyses):
        sk = sketch(analysis, params.sketch)
        if len(sk.verbatim_units):
            verbatim = band_keys(sk.verbatim, Banding(21, 2))
            for row, unit in enumerate(sk.verbatim_units):
                found["verbatim"][(base + d, unit)] = set(verbatim[row].tolist())
        if len(sk.content_units):
            for bands in (90, 50, 30):
                keys = band_keys(sk.content, Banding(bands, 2))
                for row, unit in enumerate(sk.content_units):
                    found[f"bands {bands}"][(base + d, unit)] = set(keys[row].tolist())
            for bands in (90, 50):
                sets, rows = term_set_keys(sk.content, Banding(bands, 2), content_permutations)
                for row, unit in enumerate(sk.content_units):
                    found[f"term sets {bands}"][(base + d, unit)] = set(sets[rows == row].tolist())
        for unit in range(len(analysis.sentence_tokens)):
            terms = unit_terms(analysis, unit)
            rare = sorted(terms, key=lambda t: (-terms[t], _h32(t)))
            for k in (6, 8):
                top = [_h32(t) for t in rare[:k]]
                found[f"rarest {k}"][(base + d, unit)] = {
                    _pair_key(x, y) for x, y in itertools.combinations(top, 2)
                }
    return found


def _counts(keys: KeySets) -> Counter[int]:
    counts: Counter[int] = Counter()
    for found in keys.values():
        counts.update(found)
    return counts


def _bin(kind: str, blend: float) -> str:
    if kind != "paraphrase":
        return kind
    return "paraphrase >= 0.35" if blend >= 0.35 else "paraphrase < 0.35"


def recall(
    pairs: Mapping[tuple[Unit, Unit], str],
    blends: Mapping[tuple[Unit, Unit], float],
    mine: Mapping[str, KeySets],
    theirs: Mapping[str, KeySets],
    params: Params,
    limits: Sequence[int],
) -> list[dict[str, object]]:
    """One row per scheme and content-key limit: keys a unit, crowded share, entries a check
    reads, recall per kind."""
    verbatim_counts = _counts(theirs["verbatim"])

    def shares(scheme: str, counts: Counter[int], limit: int) -> Callable[[Unit, Unit], bool]:
        def found(mine_unit: Unit, their_unit: Unit) -> bool:
            common = mine[scheme].get(mine_unit, set()) & theirs[scheme].get(their_unit, set())
            return any(counts[key] <= limit for key in common)

        return found

    verbatim = shares("verbatim", verbatim_counts, params.max_bucket)
    rows = []
    checks = len({unit[0] for unit in mine["verbatim"]})
    for scheme in sorted(set(mine) - {"verbatim"}):
        counts = _counts(theirs[scheme])
        keys = [len(k) for k in mine[scheme].values()]
        for limit in limits:
            content = shares(scheme, counts, limit)
            total: Counter[str] = Counter()
            hit: Counter[str] = Counter()
            for (mine_unit, their_unit), kind in pairs.items():
                label = _bin(kind, blends[(mine_unit, their_unit)])
                total[label] += 1
                hit[label] += verbatim(mine_unit, their_unit) or content(mine_unit, their_unit)
            crowded = sum(counts[k] > limit for ks in mine[scheme].values() for k in ks)
            entries = sum(
                counts[k] for ks in mine[scheme].values() for k in ks if counts[k] <= limit
            )
            rows.append({
                "scheme": scheme,
                "limit": limit,
                "keys_per_unit": round(float(np.mean(keys)), 1) if keys else 0.0,
                "crowded": round(crowded / max(1, sum(keys)), 3),
                "entries_per_check": round(entries / max(1, checks)),
                "recall": {
                    label: f"{hit[label]}/{total[label]} ({100 * hit[label] / total[label]:.0f}%)"
                    for label in sorted(total)
                },
            })  # fmt: skip
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=20_000, help="articles indexed")
    parser.add_argument("--checks", type=int, default=400, help="articles checked")
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument(
        "--limits", default="32,128", help="content-key crowding limits, comma-separated"
    )
    args = parser.parse_args(argv)
    params = Params()
    started = time.perf_counter()
    articles = read_articles(args.archive, args.size + args.checks)
    analyses = [analyze(a, language="fr", min_words=params.min_words) for a in articles]
    indexed, checked = analyses[: args.size], analyses[args.size :]
    _progress(f"analysed {len(analyses)} articles in {time.perf_counter() - started:.0f} s")
    pairs = truth(indexed, checked, params)
    _progress(f"{len(pairs)} verified pairs: {dict(Counter(pairs.values()))}")
    blends = {}
    for mine_unit, their_unit in pairs:
        a, b = indexed[their_unit[0]], checked[mine_unit[0] - args.size]
        blends[(mine_unit, their_unit)] = score_units(
            a, their_unit[1], b, mine_unit[1], thresholds=params.thresholds
        ).blend
    theirs = scheme_keys(indexed, 0, params)
    mine = scheme_keys(checked, args.size, params)
    _progress(f"keys computed at {time.perf_counter() - started:.0f} s")
    limits = [int(v) for v in args.limits.split(",")]
    for row in recall(pairs, blends, mine, theirs, params, limits):
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
