"""The story view: the articles in reading order with their share of recycled text."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from nearsame.story import Story
from nearsame.tui.messages import OpenCompare, OpenNovelty
from nearsame.tui.screens.help import COPY_SELECTION
from nearsame.tui.widgets.story_table import StoryTable

__all__ = ["StoryScreen"]


class StoryScreen(Screen[None]):
    """Pick one article (what's new) or two (comparison)."""

    DEFAULT_CSS = """
    StoryScreen #summary { height: auto; padding: 0 1; background: $panel; }
    StoryScreen StoryTable { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "Mark for comparison"),
        Binding("enter", "open", "Open"),
        Binding("c", "compare", "Compare"),
        Binding("w", "novelty", "What's new"),
        COPY_SELECTION,
    ]

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        report = self.story.report
        shared = sum(1 for d in report.documents if d.novelty.shared_chars)
        summary = Text.assemble(
            (f"{len(report.documents)} articles", "bold"),
            f" · {_count(len(report.matches), 'shared passage')} · {shared} reusing earlier text"
            f" · {_count(len(report.clusters), 'near-duplicate cluster')}\n",
            ("space marks two articles to compare · enter opens · ? help", "dim"),
        )
        if self.story.problems:
            summary.append(f"\n{len(self.story.problems)} text(s) missing", style="bold red")
        yield Static(summary, id="summary")
        yield StoryTable(report, id="stories")
        yield Footer()

    @property
    def table(self) -> StoryTable:
        """The list of articles."""
        return self.query_one(StoryTable)

    def action_mark(self) -> None:
        """Mark (or unmark) the article under the cursor."""
        doc = self.table.cursor_doc
        if doc is not None:
            self.table.toggle_mark(doc)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """Compare the two marked articles, else show what is new in the one under the cursor."""
        if len(self.table.marked) == 2:
            self.action_compare()
        else:
            self.action_novelty()

    def action_novelty(self) -> None:
        """Show what is new in the article under the cursor."""
        doc = self.table.cursor_doc
        if doc is not None:
            self.post_message(OpenNovelty(doc))

    def action_compare(self) -> None:
        """Compare the marked articles (or the marked one and the cursor's, or the cursor's and
        its main source); the marks, used, are cleared, so that back on the list enter opens the
        article under the cursor again instead of the same comparison."""
        pair = self._pair()
        if pair is None:
            self.notify("Mark two articles with space, or pick one that reuses earlier text.")
            return
        first, second = sorted(pair, key=lambda d: self.story.report.document(d).position)
        self.table.clear_marks()
        self.post_message(OpenCompare(first, second))

    def _pair(self) -> tuple[str, str] | None:
        marked, cursor = self.table.marked, self.table.cursor_doc
        if len(marked) == 2:
            return marked[0], marked[1]
        if len(marked) == 1 and cursor is not None and cursor != marked[0]:
            return marked[0], cursor
        if cursor is None:
            return None
        weights: dict[str, int] = {}
        for shared in self.story.report.document(cursor).novelty.shared_spans:
            weights[shared.source.doc] = (
                weights.get(shared.source.doc, 0) + shared.end - shared.start
            )
        if not weights:
            return None
        return max(weights, key=lambda d: weights[d]), cursor


def _count(number: int, noun: str) -> str:
    """``1 shared passage``, ``3 shared passages``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
