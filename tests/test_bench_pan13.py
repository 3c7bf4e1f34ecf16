"""The PAN adapter: unwrapping keeps offsets, matches merge into detections, weak ones drop."""

from __future__ import annotations

from pathlib import Path

from bench.pan13 import Found, Merge, Pair, discover, merge, stratified, unwrap


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
