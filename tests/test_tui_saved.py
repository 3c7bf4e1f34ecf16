"""A saved report opened in the TUI: its texts found again from another working directory, and a
text that cannot be found shown as missing (never sliced)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pilot import EARLIER, LATER, SEEDS, SIZE, pilot_test

from nearsame.loaders import load_documents
from nearsame.story import Story, build_story, read_saved_report
from nearsame.tui import NearsameApp, create_app
from nearsame.tui.screens.compare import CompareScreen
from nearsame.tui.screens.novelty import NoveltyScreen
from nearsame.tui.screens.reader import ReaderScreen
from nearsame.tui.screens.story import StoryScreen


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def save_report(tmp_path: Path) -> Path:
    """As the user did: ``cd ROOT && nearsame report corpus --format json -o out/report.json``,
    the corpus a copy of the seeds; the report names the texts ``corpus/…``, relative to ROOT."""
    root = tmp_path / "root"
    shutil.copytree(SEEDS, root / "corpus")
    (root / "out").mkdir()
    with working_directory(root):
        story = build_story(load_documents(["corpus"]).documents)
        assert story.report.document(LATER).path == f"corpus/{LATER}"
        Path("out/report.json").write_text(story.report.to_json(), encoding="utf-8")
    return root / "out" / "report.json"


def open_elsewhere(saved: Path, where: Path) -> Story:
    """The saved report read as ``cd WHERE && nearsame tui SAVED`` reads it."""
    where.mkdir(exist_ok=True)
    with working_directory(where):
        return read_saved_report(saved)


def reader(app: NearsameApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def shown(app: NearsameApp) -> str:
    """Everything the current screen shows, as plain text."""
    return "\n".join(str(widget.render()) for widget in app.screen.query("Static"))


def missing_story(tmp_path: Path) -> Story:
    """A saved report whose texts are gone from disk (the corpus deleted)."""
    saved = save_report(tmp_path)
    shutil.rmtree(tmp_path / "root" / "corpus")
    story = open_elsewhere(saved, tmp_path / "elsewhere")
    assert not story.texts and len(story.problems) == 2
    return story


@pilot_test
async def test_opening_an_article_whose_text_is_missing_says_so_and_does_not_crash(
    tmp_path: Path,
) -> None:
    app = create_app(story=missing_story(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        assert "2 text(s) missing" in shown(app)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NoveltyScreen) and app.screen.document.id == LATER
        assert not reader(app).passages()
        assert "is not available" in shown(app) and "--include-text" in shown(app)
        await pilot.press("n", "f", "right_square_bracket", "y", "enter", "left")
        assert isinstance(app.screen, NoveltyScreen) and app.screen.document.id == EARLIER
        await pilot.press("escape")
        assert isinstance(app.screen, StoryScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@pilot_test
async def test_comparing_articles_whose_texts_are_missing_says_so_and_does_not_crash(
    tmp_path: Path,
) -> None:
    app = create_app(story=missing_story(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "down", "space", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.matches and not screen.passages()
        assert shown(app).count("is not available") == 2
        await pilot.press("n", "v", "slash", *"kcna", "enter", "y")
        assert "text not available" in reader(app).status_text().plain
        await pilot.press("escape")  # the search field, hidden, does not keep the key
        assert isinstance(app.screen, StoryScreen)
        await pilot.press("down", "c")  # the cursor's article and its main source
        assert isinstance(app.screen, CompareScreen) and not reader(app).passages()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@pilot_test
async def test_a_view_whose_texts_are_missing_exports_without_them(tmp_path: Path) -> None:
    story = missing_story(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    app = create_app(story=story, export_dir=exports)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "c", "e", "E", "escape", "w", "e")
        await pilot.pause()
    markdown = (exports / "nearsame-compare.md").read_text(encoding="utf-8")
    assert "text not available" in markdown and "# nearsame report" in markdown
    html = (exports / "nearsame-compare.html").read_text(encoding="utf-8")
    assert "text not available" in html
    assert "text not available" in (exports / "nearsame-new.md").read_text(encoding="utf-8")


async def browse(story: Story) -> None:
    """Open what is new in the later seed, then its comparison, in the TUI: both show its text."""
    app = create_app(load=lambda progress: story, what="report.json")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StoryScreen) and "missing" not in shown(app)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NoveltyScreen) and app.screen.document.id == LATER
        assert reader(app).passages() and "first seen in" in shown(app)
        await pilot.press("escape", "c")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen) and reader(app).passages()
        await pilot.press("n", "y")
        focused = reader(app).focused_passage()
        assert focused is not None and app.clipboard == focused.body
        assert (
            focused.body
            == (SEEDS / LATER).read_text(encoding="utf-8")[
                focused.segment.start : focused.segment.end
            ]
        )
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


def assert_found(story: Story) -> None:
    assert not story.problems
    for name in (EARLIER, LATER):
        assert story.text(name) == (SEEDS / name).read_text(encoding="utf-8")


@pilot_test
async def test_a_report_opened_from_another_directory_finds_its_texts_where_it_was_made(
    tmp_path: Path,
) -> None:
    # The user's case: `cd ROOT && nearsame report corpus -o out/report.json`, then
    # `cd ELSEWHERE && nearsame tui ROOT/out/report.json`: neither ELSEWHERE nor out/ holds corpus/.
    saved = save_report(tmp_path)
    story = open_elsewhere(saved, tmp_path / "elsewhere")
    assert_found(story)
    assert json.loads(saved.read_text(encoding="utf-8"))["base"] == str(tmp_path / "root")
    await browse(story)


@pilot_test
async def test_a_report_moved_with_its_corpus_finds_its_texts_beside_it(tmp_path: Path) -> None:
    # The folder copied to another machine: the folder the report was made in is gone.
    saved = save_report(tmp_path)
    shutil.copytree(tmp_path / "root", tmp_path / "moved")
    shutil.rmtree(tmp_path / "root")
    story = open_elsewhere(tmp_path / "moved" / "out" / saved.name, tmp_path / "elsewhere")
    assert_found(story)
    await browse(story)


@pilot_test
async def test_a_report_opened_from_the_folder_holding_its_corpus_finds_its_texts_there(
    tmp_path: Path,
) -> None:
    # The report sent alone, the corpus copied elsewhere: run from where the corpus is.
    saved = save_report(tmp_path)
    (tmp_path / "reports").mkdir()
    alone = saved.rename(tmp_path / "reports" / saved.name)
    (tmp_path / "work").mkdir()
    (tmp_path / "root" / "corpus").rename(tmp_path / "work" / "corpus")
    assert not open_elsewhere(alone, tmp_path / "elsewhere").texts
    story = open_elsewhere(alone, tmp_path / "work")
    assert_found(story)
    await browse(story)


@pilot_test
async def test_a_text_changed_since_the_report_is_not_taken_for_it(tmp_path: Path) -> None:
    saved = save_report(tmp_path)
    moved = tmp_path / "moved"
    shutil.copytree(tmp_path / "root", moved)
    edited = tmp_path / "root" / "corpus" / LATER
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMis à jour.\n", encoding="utf-8")
    # Where it was made, the later text has changed; beside the moved report it has not.
    story = open_elsewhere(moved / "out" / saved.name, tmp_path / "elsewhere")
    assert_found(story)
    await browse(story)
    # Nowhere else to find it: the changed text is not taken, the article says it is missing.
    story = open_elsewhere(saved, tmp_path / "elsewhere")
    assert story.text(EARLIER) and not story.has_text(LATER)
    assert story.problems == (
        f"{LATER}: no text in the report and none of {story.report.document(LATER).length} "
        f"characters at 'corpus/{LATER}'",
    )
    app = create_app(story=story)
    async with app.run_test(size=SIZE) as pilot:
        assert "1 text(s) missing" in shown(app)
        await pilot.press("enter")
        assert reader(app).passages()  # the earlier article is there
        await pilot.press("right")
        assert isinstance(app.screen, NoveltyScreen) and app.screen.document.id == LATER
        assert not reader(app).passages() and "is not available" in shown(app)


@pilot_test
async def test_a_report_of_a_jsonl_corpus_finds_its_texts_in_the_file(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    records = [
        {"id": name, "text": (SEEDS / name).read_text(encoding="utf-8")}
        for name in (EARLIER, LATER)
    ]
    (root / "feed.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    with working_directory(root):
        story = build_story(load_documents(["feed.jsonl"]).documents)
        assert story.report.document(LATER).path == "feed.jsonl:2"
        Path("report.json").write_text(story.report.to_json(), encoding="utf-8")
    story = open_elsewhere(root / "report.json", tmp_path / "elsewhere")
    assert_found(story)
    await browse(story)
