"""The PAN adapter: unwrapping keeps offsets, matches merge into detections, weak ones drop."""

from __future__ import annotations

from pathlib import Path

from bench.pan13 import (
    MERGES,
    Found,
    Merge,
    Pair,
    Seeding,
    Summary,
    detections,
    discover,
    extend,
    merge,
    sentence_seeds,
    stratified,
    summarize,
    unwrap,
)
from nearsame.analyze import Analysis, analyze
from nearsame.document import Document


def found(span: tuple[int, int, int, int], *, score: float = 1.0, units: int = 1) -> Found:
    return Found(span, span, "exact", score, units)


def test_unwrapping_keeps_every_offset_and_paragraph_breaks() -> None:
    text = "One sentence is\nwrapped here. Next one.\n\nA new paragraph."
    flat = unwrap(text)
    assert len(flat) == len(text)
    assert flat == "One sentence is wrapped here. Next one.\n\nA new paragraph."


def test_unwrapping_keeps_line_breaks_inside_very_long_sentences() -> None:
    text = "item " * 60 + "\n" + "item " * 10
    assert unwrap(text, keep_after=100)[300] == "\n"


def test_adjacent_matches_merge_into_one_detection() -> None:
    spans = [found((0, 100, 500, 600)), found((150, 250, 640, 740))]
    assert merge(spans, Merge(this_gap=100, source_gap=100)) == [(0, 250, 500, 740)]


def test_matches_far_apart_in_the_source_stay_apart() -> None:
    spans = [found((0, 100, 500, 600)), found((150, 250, 5000, 5100))]
    assert len(merge(spans, Merge(this_gap=100, source_gap=100))) == 2


def test_short_and_weak_detections_are_dropped() -> None:
    spans = [found((0, 100, 0, 100), score=0.3), found((1000, 1050, 2000, 2050))]
    settings = Merge(min_length=80, min_units=2, min_score=0.5)
    assert merge(spans, settings) == []


def test_a_stratified_sample_takes_every_category(tmp_path: Path) -> None:
    for category, count in (("01-a", 10), ("02-b", 30)):
        folder = tmp_path / category
        folder.mkdir()
        lines = [f"suspicious-document{i:05}.txt source-document{i:05}.txt" for i in range(count)]
        (folder / "pairs").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pairs = discover(tmp_path)
    assert len(pairs) == 40
    sample = stratified(pairs, 8)
    assert [p.category for p in sample].count("01-a") == 2
    assert [p.category for p in sample].count("02-b") == 6
    assert isinstance(sample[0], Pair)


def seed(span: tuple[int, int, int, int], *, score: float = 0.5) -> Found:
    return Found(span, span, "seed", score, 1)


def analysis(text: str) -> Analysis:
    return analyze(Document(id="x", text=text), language="en")


def test_sentences_sharing_their_terms_seed_and_unrelated_ones_do_not() -> None:
    src = analysis(
        "The volcano erupted violently near the coastal village yesterday morning. "
        "Bakers in Lyon prefer sourdough bread made with rye flour and water."
    )
    susp = analysis(
        "Stock markets rallied after the central bank announced lower rates. "
        "Yesterday morning the volcano near the coastal village erupted violently."
    )
    seeds = sentence_seeds(src, susp, Seeding(cosine=0.3, dice=0.3))
    assert len(seeds) == 1
    a, b, c, d = seeds[0].trimmed
    assert susp.document.text[a:b].startswith("Yesterday morning the volcano")
    assert src.document.text[c:d].startswith("The volcano erupted")
    assert seeds[0].kind == "seed" and 0.3 <= seeds[0].score <= 1.0


def test_seeds_touching_a_detection_on_both_sides_extend_it() -> None:
    seeds = [seed((210, 300, 620, 700)), seed((5000, 5100, 9000, 9100))]
    assert extend([(0, 200, 400, 600)], seeds, 50) == [(0, 300, 400, 700)]


def test_extension_chains_through_seeds_that_touch_each_other() -> None:
    seeds = [seed((330, 400, 730, 800)), seed((210, 300, 620, 700))]
    assert extend([(0, 200, 400, 600)], seeds, 50) == [(0, 400, 400, 800)]


def test_a_short_passage_seeded_all_over_the_source_is_one_summary_detection() -> None:
    spread = [seed((100 * i, 100 * i + 90, 2000 * i, 2000 * i + 150)) for i in range(5)]
    assert summarize(spread, Summary(min_units=5, ratio=5)) == [(0, 490, 0, 8150)]
    assert summarize(spread[:4], Summary(min_units=5, ratio=5)) == []


def test_a_copied_passage_is_not_taken_for_a_summary() -> None:
    spread = [seed((100 * i, 100 * i + 90, 2000 * i, 2000 * i + 150)) for i in range(5)]
    copied = Found((0, 490, 0, 490), (0, 490, 0, 490), "exact", 1.0, 5)
    settings = Merge(summary=Summary(min_units=5, ratio=5))
    assert detections([copied, *spread], settings) == [(0, 490, 0, 490)]
    assert detections(spread, settings) == [(0, 490, 0, 8150)]


def test_the_pan_merge_asks_for_seeds_the_news_merge_does_not() -> None:
    assert MERGES["news"].seeding is None
    seeding = MERGES["pan"].seeding
    assert seeding is not None and seeding.cosine <= MERGES["pan"].seed_score
