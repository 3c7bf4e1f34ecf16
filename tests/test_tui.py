"""The TUI driven by Pilot: every view and key, asserted on the app's state."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pytest
from pilot import EARLIER, LATER, SEEDS, SIZE, pilot_test
from rich.console import Console
from textual.widgets import Static

from nearsame.document import Document
from nearsame.errors import InputError
from nearsame.loaders import load_documents
from nearsame.story import Story, build_story
from nearsame.tui import NearsameApp, create_app
from nearsame.tui.screens.compare import CompareScreen
from nearsame.tui.screens.help import HelpScreen
from nearsame.tui.screens.loading import LoadingScreen
from nearsame.tui.screens.novelty import NoveltyScreen
from nearsame.tui.screens.reader import ReaderScreen
from nearsame.tui.screens.story import StoryScreen
from nearsame.tui.widgets.passage import Passage
from nearsame.tui.widgets.story_table import StoryTable


@cache
def seeds_story() -> Story:
    return build_story(load_documents([SEEDS]).documents)


def status(app: NearsameApp) -> str:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen.status_text().plain


def reader(app: NearsameApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


@pilot_test
async def test_the_story_lists_both_seeds_in_reading_order() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE):
        table = app.screen.query_one(StoryTable)
        assert [str(key.value) for key in table.rows] == [EARLIER, LATER]
        assert table.cursor_doc == EARLIER


@pilot_test
async def test_enter_opens_what_is_new_and_n_steps_through_recycled_passages() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")
        assert isinstance(app.screen, NoveltyScreen) and app.screen.document.id == LATER
        count = len(seeds_story().report.document(LATER).novelty.shared_spans)
        assert count >= 2 and f"match -/{count}" in status(app)
        await pilot.press("n")
        assert f"match 1/{count}" in status(app)
        await pilot.press(*["n"] * count)
        assert f"match 1/{count}" in status(app)
        await pilot.press("N")
        assert f"match {count}/{count}" in status(app)
        focused = reader(app).focused_passage()
        assert focused is not None and focused.match == count - 1 and focused.has_class("-shared")
        assert focused.header is not None and "first seen in" in focused.header.plain


@pilot_test
async def test_what_is_new_folds_and_steps_between_articles() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "w", "f")
        shared = [p for p in reader(app).passages() if p.has_class("-shared")]
        assert shared and all(p.folded for p in shared)
        await pilot.press("left")
        assert isinstance(app.screen, NoveltyScreen) and app.screen.document.id == EARLIER
        await pilot.press("left")
        assert isinstance(app.screen, NoveltyScreen) and app.screen.document.id == EARLIER
        await pilot.press("right")
        assert isinstance(app.screen, NoveltyScreen) and app.screen.document.id == LATER


@pilot_test
async def test_enter_on_a_recycled_passage_opens_the_comparison_on_its_match() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter", "n", "N", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        shared = seeds_story().report.document(LATER).novelty.shared_spans[-1]
        current = screen.matches[screen.current_match or 0]
        assert current.later.start <= shared.start < current.later.end


@pilot_test
async def test_two_marked_articles_open_their_comparison_with_both_sides_selected() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "down", "space", "enter")
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.view_layout == "split"
        assert (screen.earlier.id, screen.later.id) == (EARLIER, LATER)
        await pilot.press("n", "n")
        assert f"match 2/{len(screen.matches)}" in status(app)
        selected = [p for p in screen.passages() if p.has_class("-selected")]
        assert {(p.side, p.match) for p in selected} == {("left", 1), ("right", 1)}
        assert all(p.has_class("-paraphrase") for p in selected)
        await pilot.press("enter")
        focused = screen.focused_passage()
        assert focused is not None and (focused.side, focused.match) == ("left", 1)
        await pilot.press("escape")
        assert isinstance(app.screen, StoryScreen)


@pilot_test
async def test_brackets_step_through_passages() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")  # the cursor's article has no source: nothing opens
        assert isinstance(app.screen, StoryScreen)
        await pilot.press("down", "c")
        screen = reader(app)
        passages = screen.passages()
        assert screen.focused_passage() is passages[0]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert screen.focused_passage() is passages[2]
        await pilot.press("left_square_bracket")
        assert screen.focused_passage() is passages[1]


@pilot_test
async def test_search_highlights_hits_and_goes_to_them() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "c", "slash")
        await pilot.press(*"kcna", "enter")
        screen = reader(app)
        assert screen.hit_count == sum(
            story.lower().count("kcna") for story in seeds_story().texts.values()
        )
        assert "search 'kcna'" in status(app)
        first = screen.focused_passage()
        assert first is not None and first.hits("kcna")
        await pilot.press("slash", "enter")
        second = screen.focused_passage()
        assert second is not None and second is not first and second.hits("kcna")


@pilot_test
async def test_the_hidden_search_field_never_takes_keys() -> None:
    # A new screen gives the focus to its first focusable widget before the passages exist; a
    # hidden search field took it, and a quick ``q`` went into the field instead of quitting.
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "w")
        field = reader(app).query_one("#search")
        assert not field.can_focus and app.focused is not field
        await pilot.press("slash")
        assert field.can_focus and app.focused is field
        await pilot.press("escape")
        assert not field.can_focus and app.focused is not field
        await pilot.press("q")
        assert not app.is_running


@pilot_test
async def test_y_copies_the_focused_passage() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "c", "n", "y")
        focused = reader(app).focused_passage()
        assert focused is not None and app.clipboard == focused.body
        assert (
            focused.body == seeds_story().text(LATER)[focused.segment.start : focused.segment.end]
        )


@pytest.mark.parametrize(
    ("key", "suffix", "start"), [("e", ".md", "# nearsame"), ("E", ".html", "<")]
)
@pilot_test
async def test_e_exports_the_current_view(
    tmp_path: Path, key: str, suffix: str, start: str
) -> None:
    app = create_app(story=seeds_story(), export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "c", key)
        (written,) = tmp_path.iterdir()
        assert written.name == f"nearsame-compare{suffix}"
        assert written.read_text(encoding="utf-8").startswith(start)


@pytest.mark.parametrize(("key", "suffix"), [("e", ".md"), ("E", ".html")])
@pilot_test
async def test_an_export_never_overwrites_a_file_and_says_the_name_it_took(
    tmp_path: Path, key: str, suffix: str
) -> None:
    mine = tmp_path / f"nearsame-compare{suffix}"
    mine.write_text("a file of the user's", encoding="utf-8")
    app = create_app(story=seeds_story(), export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "c", key, key)
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
    assert mine.read_text(encoding="utf-8") == "a file of the user's"
    second, third = (
        tmp_path / f"nearsame-compare-2{suffix}",
        tmp_path / f"nearsame-compare-3{suffix}",
    )
    assert sorted(tmp_path.iterdir()) == sorted([mine, second, third])
    assert second.read_text(encoding="utf-8") == third.read_text(encoding="utf-8")
    assert second.read_text(encoding="utf-8") != mine.read_text(encoding="utf-8")
    assert said == [f"Exported to {second}", f"Exported to {third}"]


@pytest.mark.parametrize("key", ["question_mark", "f1"])
@pilot_test
async def test_help_lists_every_binding_of_the_view(key: str) -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "c", key)
        assert isinstance(app.screen, HelpScreen)
        assert isinstance(app.screen.view, CompareScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, CompareScreen)


def help_lines(app: NearsameApp) -> list[str]:
    """The help's rows as the terminal shows them: the keys, then what they do."""
    assert isinstance(app.screen, HelpScreen)
    out = io.StringIO()
    Console(file=out, width=100).print(app.screen.query_one(Static).content)
    return [line.strip() for line in out.getvalue().splitlines()[1:]]


@pytest.mark.parametrize("keys", [("question_mark",), ("down", "c", "question_mark")])
@pilot_test
async def test_help_lists_each_key_once_each_with_what_it_does(keys: tuple[str, ...]) -> None:
    # It listed `c` twice on the story view, Compare and "c,super+^c Copy selected text" (the
    # keys ctrl+c and super+c of one binding, shown as one), and a `^c` that said nothing.
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*keys)
        rows = [re.split(r"\s{2,}", line, maxsplit=1) for line in help_lines(app)]
        assert all(len(row) == 2 and row[1] for row in rows), rows
        shown = [key for row in rows for key in row[0].split(" / ")]
        assert len(shown) == len(set(shown)), shown
        assert ["^c / super+c", "Copy the text selected with the mouse"] in rows
        assert ["? / f1", "Help"] in rows and ["q / ^q", "Quit"] in rows
        assert isinstance(app.screen, HelpScreen)
        if isinstance(app.screen.view, StoryScreen):
            assert [key for key, what in rows if what == "Compare"] == ["c"]
        else:
            assert ["y", "Copy passage"] in rows


@pilot_test
async def test_the_command_palette_offers_every_action_of_the_view() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "c")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Next match", "Prev match", "Search", "Copy passage", "Export HTML"} <= titles
        assert {"Split/inline", "Help"} <= titles


@pilot_test
async def test_v_switches_to_inline_and_narrow_terminals_get_it_by_themselves() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "c", "v")
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.view_layout == "inline"
        assert screen.query(".row.-inline")
    app = create_app(story=seeds_story())
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.press("down", "c")
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.view_layout == "inline"


@pilot_test
async def test_clicking_a_passage_selects_it_and_its_counterpart() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "c")
        screen = reader(app)
        left = next(p for p in screen.passages() if p.side == "left" and p.match == 0)
        await pilot.click(left)
        assert screen.focused_passage() is left
        selected = {(p.side, p.match) for p in screen.passages() if p.has_class("-selected")}
        assert selected == {("left", 0), ("right", 0)}


@pilot_test
async def test_article_text_is_shown_with_markup_off() -> None:
    text = "[AFP] Le [bold]texte[/bold] reste tel quel, crochets compris, sur l'écran."
    story = build_story([Document("a", text), Document("b", text + " Et plus.")])
    app = create_app(story=story)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        (passage, *_) = reader(app).query(Passage)
        assert str(passage.render()).startswith("[AFP] Le [bold]texte[/bold]")


@pilot_test
async def test_the_story_is_built_in_a_worker_behind_a_loading_screen() -> None:
    app = create_app(load=lambda progress: seeds_story(), what="seeds")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StoryScreen)


@pilot_test
async def test_a_library_error_while_loading_is_shown_not_raised() -> None:
    def fail(progress: object) -> Story:
        raise InputError("nothing to read")

    app = create_app(load=fail)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LoadingScreen)
        assert "nothing to read" in str(app.screen.query_one("#stage").render())


@pilot_test
async def test_q_quits_from_any_view() -> None:
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "c", "q")
        await pilot.pause()
    assert app.return_code == 0


@cache
def wire_story() -> Story:
    """Thirty wire articles with what the user test had: full ISO dates, long source names and
    titles, more rows than an 80×24 terminal shows."""
    documents = [
        Document(
            f"a{i:02d}",
            f"Article {i}: " + " ".join(f"mot{i}x{j}" for j in range(40)) + ".",
            title=f"Titre numéro {i} d'une dépêche assez longue pour déborder de l'écran",
            date=f"2020-06-18T{8 + i // 6:02d}:{i % 6 * 10:02d}:30+02:00",
            source="Orange avec Media Services",
        )
        for i in range(30)
    ]
    return build_story(documents)


def table_lines(table: StoryTable) -> list[str]:
    """The table's lines as the terminal shows them."""
    return [table.render_line(y).text for y in range(table.size.height)]


@pilot_test
async def test_the_title_is_visible_at_80_columns_and_the_narrower_columns_give_way() -> None:
    # At 80×24 the table showed #, date, source and the bar, and the titles only when scrolled
    # sideways (End), which hid the number and the date.
    app = create_app(story=wire_story())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(StoryTable)
        header, first = table_lines(table)[:2]
        assert "title" in header and "#" in header and "date" in header
        assert "Titre numéro 0 d'une" in first and first.rstrip().endswith("…")
        assert " 1 " in first and "2020-06-18" in first
        assert table.max_scroll_x == 0
    app = create_app(story=wire_story())
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(StoryTable)
        first = table_lines(table)[1]
        assert "2020-06-18T08:00:30+02:00" in first and "Orange avec Media Services" in first
        assert "Titre numéro 0 d'une dépêche assez longue pour déborder de l'écran" in first
        assert "…" not in first


@pilot_test
async def test_home_and_end_go_to_the_first_and_last_article() -> None:
    app = create_app(story=wire_story())
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(StoryTable)
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 and table.scroll_x == 0
        await pilot.press("home")
        assert table.cursor_row == 0 and table.scroll_x == 0


@pilot_test
async def test_the_marks_are_cleared_once_their_comparison_opens() -> None:
    # The marks stayed after the comparison, and enter on any other article compared the old
    # pair again.
    app = create_app(story=seeds_story())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "down", "space", "enter")
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("escape")
        table = app.screen.query_one(StoryTable)
        assert table.marked == []
        assert {str(table.get_row(key)[0]) for key in table.rows} == {" "}
        await pilot.press("enter")
        assert isinstance(app.screen, NoveltyScreen) and app.screen.document.id == LATER
