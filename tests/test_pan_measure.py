"""The PAN measures on small hand-made cases whose figures are worked out by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.pan_measure import (
    Annotation,
    evaluate,
    granularity,
    macro_precision,
    macro_recall,
    plagdet,
    read_annotations,
    write_detections,
)

SUSP, SRC = "suspicious-document00001.txt", "source-document00001.txt"


def ann(this: tuple[int, int], source: tuple[int, int], src: str = SRC) -> Annotation:
    """An annotation from ``(start, end)`` spans in the suspicious and the source document."""
    return Annotation(SUSP, this[0], this[1] - this[0], src, source[0], source[1] - source[0])


CASE = ann((100, 200), (1000, 1100))


def test_a_perfect_detection_scores_one() -> None:
    scores = evaluate([CASE], [CASE])
    assert (scores.plagdet, scores.precision, scores.recall, scores.granularity) == (1, 1, 1, 1)


def test_a_detection_split_in_two_has_granularity_two() -> None:
    halves = [ann((100, 150), (1000, 1050)), ann((150, 200), (1050, 1100))]
    scores = evaluate([CASE], halves)
    assert scores.granularity == 2
    assert scores.precision == scores.recall == 1
    assert scores.plagdet == pytest.approx(1 / math.log2(3))


def test_a_detection_on_the_wrong_source_passage_has_precision_zero() -> None:
    wrong = ann((100, 200), (5000, 5100))
    scores = evaluate([CASE], [wrong])
    assert scores.precision == 0
    assert scores.recall == 0
    assert scores.plagdet == 0
    assert scores.granularity == 1


def test_a_detection_naming_another_source_document_detects_nothing() -> None:
    other = ann((100, 200), (1000, 1100), src="source-document00002.txt")
    assert macro_recall([CASE], [other]) == 0
    assert macro_precision([CASE], [other]) == 0


def test_half_a_case_detected_gives_recall_one_half_and_precision_one() -> None:
    half = ann((100, 150), (1000, 1050))
    scores = evaluate([CASE], [half])
    assert scores.recall == pytest.approx(0.5)
    assert scores.precision == 1
    assert scores.plagdet == pytest.approx(2 / 3)


def test_a_detection_twice_too_long_has_precision_one_half() -> None:
    long = ann((100, 300), (1000, 1200))
    assert macro_precision([CASE], [long]) == pytest.approx(0.5)
    assert macro_recall([CASE], [long]) == 1


def test_source_and_suspicious_characters_both_count() -> None:
    # Whole suspicious passage, a quarter of the source passage: (100 + 25) / 200.
    partial = ann((100, 200), (1000, 1025))
    assert macro_recall([CASE], [partial]) == pytest.approx(125 / 200)
    assert macro_precision([CASE], [partial]) == 1


def test_overlapping_detections_count_each_character_once() -> None:
    twice = [ann((100, 180), (1000, 1080)), ann((120, 200), (1020, 1100))]
    assert macro_recall([CASE], twice) == 1
    assert granularity([CASE], twice) == 2


def test_recall_and_precision_are_macro_averaged() -> None:
    second = ann((500, 900), (3000, 3400))
    # The first case found in full, the second missed: recall is the mean 0.5 whatever the sizes.
    assert macro_recall([CASE, second], [CASE]) == pytest.approx(0.5)
    # One exact detection and one false one: precision 0.5.
    false = ann((2000, 2400), (7000, 7400))
    assert macro_precision([CASE], [CASE, false]) == pytest.approx(0.5)


def test_no_cases_and_no_detections_is_perfect_and_false_alarms_score_zero() -> None:
    assert evaluate([], []).plagdet == 1
    alarm = evaluate([], [CASE])
    assert (alarm.precision, alarm.recall, alarm.plagdet) == (0, 0, 0)
    missed = evaluate([CASE], [])
    assert (missed.precision, missed.recall, missed.granularity) == (0, 0, 1)


def test_plagdet_is_f1_over_log_of_granularity() -> None:
    assert plagdet(0.8, 0.6, 1.0) == pytest.approx(2 * 0.8 * 0.6 / 1.4)
    assert plagdet(1.0, 1.0, 3.0) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="granularity"):
        plagdet(1.0, 1.0, 0.5)


def test_detections_written_as_xml_read_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "out.xml"
    detections = [CASE, ann((300, 400), (10, 90))]
    write_detections(path, SUSP, detections)
    assert read_annotations(path) == detections
    assert 'name="detected-plagiarism"' in path.read_text(encoding="utf-8")


def test_gold_xml_is_read_with_its_offsets(tmp_path: Path) -> None:
    path = tmp_path / "gold.xml"
    path.write_text(
        f'<document reference="{SUSP}">\n'
        f'<feature name="plagiarism" obfuscation="none" source_length="100" '
        f'source_offset="1000" source_reference="{SRC}" this_length="100" this_offset="100" '
        f'type="artificial" />\n</document>\n',
        encoding="utf-8",
    )
    assert read_annotations(path) == [CASE]
