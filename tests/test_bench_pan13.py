"""The PAN adapter: unwrapping keeps offsets, matches merge into detections, weak ones drop."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bench.pan13 import MERGES, Pair, discover, stratified, unwrap
from bench.pan_detections import (
    Found,
    Merge,
    Seeding,
    Side,
    Summary,
    Texts,
    detections,
    extend,
    join,
    merge,
    sentence_seeds,
    summarize,
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
    a, b, c, d = seeds[0].raw
    assert susp.document.text[a:b].startswith("Yesterday morning the volcano")
    assert src.document.text[c:d].startswith("The volcano erupted")
    a, b, c, d = seeds[0].trimmed
    assert (
        susp.document.text[a:b]
        == "Yesterday morning the volcano near the coastal village erupted violently"
    )
    assert (
        src.document.text[c:d]
        == "volcano erupted violently near the coastal village yesterday morning"
    )
    assert seeds[0].kind == "seed" and 0.3 <= seeds[0].score <= 1.0


def test_seeds_touching_a_detection_on_both_sides_extend_it() -> None:
    seeds = [seed((210, 300, 620, 700)), seed((5000, 5100, 9000, 9100))]
    assert extend([(0, 200, 400, 600)], seeds, Merge(seed_gap=50)) == [(0, 300, 400, 700)]


def test_extension_chains_through_seeds_that_touch_each_other() -> None:
    seeds = [seed((330, 400, 730, 800)), seed((210, 300, 620, 700))]
    assert extend([(0, 200, 400, 600)], seeds, Merge(seed_gap=50)) == [(0, 400, 400, 800)]


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


def test_a_seed_past_the_detection_on_one_side_only_does_not_extend_it() -> None:
    beside = seed((210, 300, 450, 550))
    assert extend([(0, 200, 400, 600)], [beside], Merge(seed_gap=50)) == [(0, 200, 400, 600)]


def test_a_seed_adding_much_more_on_one_side_than_the_other_does_not_extend() -> None:
    lopsided = seed((210, 900, 610, 650))
    settings = Merge(seed_gap=50, seed_balance=3.0)
    assert extend([(0, 200, 400, 600)], [lopsided], settings) == [(0, 200, 400, 600)]


def test_a_weak_match_comes_back_when_a_seed_extends_it() -> None:
    weak = found((0, 100, 1000, 1100), score=0.5)
    settings = Merge(min_length=150, min_units=3, min_score=0.9, seed_score=0.3, seed_gap=50)
    confirmed = replace(settings, rescue_score=0.3)
    beyond = seed((110, 250, 1110, 1250))
    assert detections([weak, beyond], settings) == []
    assert detections([weak, beyond], confirmed) == [(0, 250, 1000, 1250)]
    assert detections([weak], confirmed) == []


def test_edges_near_a_sentence_boundary_snap_to_it() -> None:
    side = Side(
        length=300, sentences=((0, 100), (101, 200), (201, 300)), starts=(), ends=(), terms=()
    )
    assert side.snap(120, 190, 30) == (101, 200)
    assert side.snap(150, 250, 30) == (150, 250)


def test_detections_close_in_the_suspicious_text_are_joined() -> None:
    spans = [(0, 100, 500, 600), (150, 250, 0, 90), (900, 1000, 0, 100)]
    assert join(spans, 100) == [(0, 250, 0, 600), (900, 1000, 0, 100)]


def test_summaries_are_validated_and_cover_the_whole_source() -> None:
    topics = ["harbour cranes", "wheat prices", "river floods", "school meals", "night trains"]
    topics += ["coal mines", "bee colonies", "tax rebates", "solar farms", "chess clubs"]
    source = " ".join(f"Reporters described the {t} in great detail." for t in topics)
    summary = " ".join(f"The {t} were described." for t in topics[::2])
    texts = Texts.of(analysis(source), analysis(summary))
    whole = (0, len(summary), 0, len(source))
    assert 0.2 < texts.cosine(whole) < 0.99
    spread = [seed((30 * i, 30 * i + 25, 100 * i, 100 * i + 40)) for i in range(5)]
    summaries = Summary(min_units=5, ratio=2.0, whole_source=True, min_cosine=0.2)
    settings = Merge(summary=summaries)
    assert detections(spread, settings, texts) == [(0, 145, 0, len(source))]
    strict = replace(settings, summary=replace(summaries, min_cosine=0.99))
    assert detections(spread, strict, texts) == []
