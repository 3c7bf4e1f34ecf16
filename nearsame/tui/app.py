"""The nearsame app: wiring between the story, its screens and the engine worker."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from nearsame.engine import Progress
from nearsame.errors import NearsameError
from nearsame.story import Story
from nearsame.tui.messages import OpenCompare, OpenNovelty
from nearsame.tui.screens.compare import CompareScreen
from nearsame.tui.screens.help import HelpScreen, bindings_of
from nearsame.tui.screens.loading import LoadingScreen
from nearsame.tui.screens.novelty import NoveltyScreen
from nearsame.tui.screens.story import StoryScreen

__all__ = ["CRASH_VARIABLE", "NearsameApp", "create_app"]

CRASH_VARIABLE = "NEARSAME_TUI_CRASH"
"""When set, the app raises on start: lets the tests check that a crash exits non-zero."""

Loader = Callable[[Progress], Story]


class NearsameApp(App[None]):
    """Browse a story: the story list, comparisons, and what each article adds."""

    TITLE = "nearsame"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("f1", "help", "Help", show=False),
    ]

    def __init__(
        self,
        *,
        story: Story | None = None,
        load: Loader | None = None,
        what: str = "the articles",
        export_dir: Path | None = None,
    ) -> None:
        if (story is None) == (load is None):
            raise ValueError("give either a story or a load function, not both")
        super().__init__()
        self.story = story
        self._load = load
        self.what = what
        self.export_dir = export_dir or Path.cwd()

    def on_mount(self) -> None:
        if os.environ.get(CRASH_VARIABLE):
            raise RuntimeError(f"crash requested by {CRASH_VARIABLE}")
        if self.story is not None:
            self.push_screen(StoryScreen(self.story))
            return
        self.push_screen(LoadingScreen(self.what))
        self.build_story()

    @work(thread=True, exclusive=True, group="engine")
    def build_story(self) -> None:
        """Run the engine off the UI thread, reporting progress to the loading screen."""
        assert self._load is not None
        last = 0.0

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last > 0.05 or done >= total:
                last = now
                self.call_from_thread(self._show_progress, stage, done, total)

        try:
            story = self._load(progress)
        except NearsameError as error:
            self.call_from_thread(self._show_failure, str(error))
            return
        self.call_from_thread(self._story_ready, story)

    def _show_progress(self, stage: str, done: int, total: int) -> None:
        if isinstance(self.screen, LoadingScreen):
            self.screen.progress(stage, done, total)

    def _show_failure(self, message: str) -> None:
        if isinstance(self.screen, LoadingScreen):
            self.screen.failed(message)

    def _story_ready(self, story: Story) -> None:
        self.story = story
        self.switch_screen(StoryScreen(story))

    @on(OpenCompare)
    def open_compare(self, message: OpenCompare) -> None:
        """Push the comparison of two articles."""
        if self.story is not None:
            screen = CompareScreen(self.story, message.earlier, message.later, match=message.match)
            self.push_screen(screen)

    @on(OpenNovelty)
    def open_novelty(self, message: OpenNovelty) -> None:
        """Push the "what's new" view of one article."""
        if self.story is not None:
            self.push_screen(NoveltyScreen(self.story, message.doc))

    def action_help(self) -> None:
        """Show every key of the current view."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every action of the current view, then the app's own."""
        yield from super().get_system_commands(screen)
        actions: set[str] = set()
        for binding in bindings_of(type(screen)):
            if binding.description and binding.action not in actions:
                actions.add(binding.action)
                key = self.get_key_display(binding)
                yield SystemCommand(
                    binding.description, f"{key}: {binding.action}",
                    partial(screen.run_action, binding.action),
                )  # fmt: skip
        yield SystemCommand("Help", "?: every key of this view", self.action_help)


def create_app(
    *,
    story: Story | None = None,
    load: Loader | None = None,
    what: str = "the articles",
    export_dir: Path | None = None,
) -> NearsameApp:
    """Build the app, for the command line and the tests alike."""
    return NearsameApp(story=story, load=load, what=what, export_dir=export_dir)
