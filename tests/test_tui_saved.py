"""A saved report opened in the TUI: its texts found again from another working directory, and a
text that cannot be found shown as missing (never sliced)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec

from nearsame.loaders import load_documents
from nearsame.story import Story, build_story, read_saved_report
from nearsame.tui import NearsameApp, create_app
from nearsame.tui.screens.compare import CompareScreen
from nearsame.tui.screens.novelty import NoveltyScreen
from nearsame.tui.screens.reader import ReaderScreen
from nearsame.tui.screens.story import StoryScreen

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EARLIER, LATER = "000_ba787c83ef70fcd0.txt", "003_792bb7683bd44ead.txt"
SIZE = (160, 50)
P = ParamSpec("P")


def pilot_test(test: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    """Run an async Pilot test with asyncio (no async plugin needed)."""

    @wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


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
