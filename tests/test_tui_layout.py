"""The pure layouts behind the TUI: side-by-side rows, "what's new" segments, the story order;
saved reports read back; and `import nearsame` staying free of Textual."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from nearsame.layout import novelty_segments, pair_matches, pair_rows, story_rows
from nearsame.loaders import load_documents
from nearsame.render.views import novelty_report, pair_report, render_view
from nearsame.report import Cluster, Match, Report, Side
from nearsame.story import Story, build_story, is_saved_report, read_saved_report

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EARLIER, LATER = "000_ba787c83ef70fcd0.txt", "003_792bb7683bd44ead.txt"


@cache
def seeds_story() -> Story:
    return build_story(load_documents([SEEDS]).documents)


def test_matched_passages_of_the_seeds_share_a_row_and_every_segment_slices_the_text() -> None:
    story = seeds_story()
    matches = pair_matches(story.report, EARLIER, LATER)
    rows = pair_rows(story.text(EARLIER), story.text(LATER), matches)
    paired = [row for row in rows if row.match is not None]
    assert [row.match for row in paired] == list(range(len(matches))) and matches
    for row in paired:
        match = matches[row.match or 0]
        assert (row.left[0].start, row.left[0].end) == (match.earlier.start, match.earlier.end)
        assert (row.right[0].start, row.right[0].end) == (match.later.start, match.later.end)
    for row in rows:
        for segment, text in [(s, story.text(EARLIER)) for s in row.left] + [
            (s, story.text(LATER)) for s in row.right
        ]:
            piece = text[segment.start : segment.end]
            assert piece == piece.strip() and piece


def _match(earlier: tuple[int, int], later: tuple[int, int]) -> Match:
    return Match(
        Side("a", *earlier), Side("b", *later), "exact", False, 1.0, 1.0, 1.0, False, 1, ()
    )


def test_a_moved_match_stays_in_place_on_both_sides() -> None:
    a = "one one one.\n\ntwo two two.\n\nthree three."
    b = "two two two.\n\none one one.\n\nthree three."
    matches = [_match((14, 26), (0, 12)), _match((0, 12), (14, 26)), _match((28, 40), (28, 40))]
    rows = pair_rows(a, b, sorted(matches, key=lambda m: m.later.start))
    assert [row.match for row in rows if row.match is not None] == [0, 2]
    assert rows[-1].match == 2
    loose = [s for row in rows for s in (*row.left, *row.right) if s.match == 1]
    assert {(s.start, s.end) for s in loose} == {(0, 12), (14, 26)}


def test_novelty_segments_cover_every_span_of_the_document_in_order() -> None:
    story = seeds_story()
    document = story.report.document(LATER)
    segments = novelty_segments(story.text(LATER), document)
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    shared = [s for s in segments if s.role == "shared"]
    assert [(s.start, s.end) for s in shared] == [
        (s.start, s.end) for s in document.novelty.shared_spans
    ]
    assert {s.role for s in segments} >= {"new", "shared"}
    boilerplate = [(s.start, s.end) for s in segments if s.role == "boilerplate"]
    assert boilerplate == list(document.novelty.boilerplate_spans)


def test_story_rows_put_near_duplicates_under_their_canonical() -> None:
    report = seeds_story().report
    a, b = report.documents
    c = replace(b, id="copy", position=2, cluster=a.id)
    grouped = Report((replace(a, cluster=a.id), b, c), (), (Cluster(a.id, (a.id, "copy")),))
    assert [(r.doc, r.depth) for r in story_rows(grouped)] == [(a.id, 0), ("copy", 1), (b.id, 0)]


@pytest.mark.parametrize("with_text", [True, False])
def test_a_saved_report_is_read_back_with_its_texts(tmp_path: Path, with_text: bool) -> None:
    story = seeds_story()
    report = story.report
    if with_text:
        report = replace(
            report, documents=tuple(replace(d, text=story.text(d.id)) for d in report.documents)
        )
    saved = tmp_path / "report.json"
    saved.write_text(report.to_json(), encoding="utf-8")
    assert is_saved_report(saved) and not is_saved_report(SEEDS / EARLIER)
    again = read_saved_report(saved)
    assert again.problems == () and dict(again.texts) == dict(story.texts)


def test_view_exports_keep_only_what_the_view_shows() -> None:
    story = seeds_story()
    pair = pair_report(story.report, EARLIER, LATER)
    assert pair.matches and len(pair.documents) == 2
    assert "paraphrase" in render_view(pair, story.texts, "markdown")
    assert render_view(novelty_report(story.report, LATER), story.texts, "html").startswith("<")


def test_importing_nearsame_does_not_import_textual() -> None:
    code = "import sys, nearsame, nearsame.layout, nearsame.story; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
