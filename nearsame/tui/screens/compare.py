"""The comparison of two articles: matched passages on the same rows (split) or one under the
other (inline, automatic on narrow terminals), with word-level highlights."""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from nearsame.layout import Row, Segment, pair_matches, pair_rows
from nearsame.render.spans import label
from nearsame.render.views import pair_report
from nearsame.report import DocumentReport, Match, Report
from nearsame.story import Story
from nearsame.tui.screens.reader import ReaderScreen
from nearsame.tui.widgets.passage import OP_STYLES, Passage

__all__ = ["NARROW", "CompareScreen"]

NARROW = 100
"""Terminals narrower than this get the inline layout unless the user chose one."""

KIND_COLORS = {"exact": "#56b6c2", "near": "#e5c07b", "paraphrase": "#c678dd"}
Layout = Literal["split", "inline"]


class CompareScreen(ReaderScreen):
    """Two articles side by side (``split``) or inline."""

    DEFAULT_CSS = """
    CompareScreen .row { height: auto; }
    CompareScreen .cell { width: 1fr; height: auto; }
    CompareScreen .cell.-left { margin-right: 1; }
    CompareScreen .divider { color: $text-muted; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("v", "toggle_layout", "Split/inline")]
    view_name = "compare"

    def __init__(self, story: Story, earlier: str, later: str, *, match: int | None = None) -> None:
        super().__init__(story)
        self.earlier = story.report.document(earlier)
        self.later = story.report.document(later)
        self.matches = pair_matches(story.report, earlier, later)
        self.rows: tuple[Row, ...] = ()
        if not self.missing():
            self.rows = pair_rows(story.text(earlier), story.text(later), self.matches)
        self.chosen: Layout | None = None
        self.current_match = match

    @property
    def view_layout(self) -> Layout:
        """The layout in use: the user's choice, else by terminal width."""
        if self.chosen is not None:
            return self.chosen
        return "inline" if self.app.size.width < NARROW else "split"

    def action_toggle_layout(self) -> None:
        """Switch between the split and the inline layout."""
        self.chosen = "inline" if self.view_layout == "split" else "split"
        self.rebuild()

    def on_resize(self, event: events.Resize) -> None:
        shown = "inline" if self.query(".row.-inline") else "split"
        if self.chosen is None and self.is_mounted and shown != self.view_layout:
            self.rebuild()

    def title_text(self) -> Text:
        count = len(self.matches)
        return Text.assemble(
            ("earlier ", "dim"), (label(self.earlier), "bold"), "\n",
            ("later   ", "dim"), (label(self.later), "bold"), "\n",
            (f"{count} shared passage(s); the later article is "
             f"{self.later.novelty.new_share:.0%} new", "dim"),
        )  # fmt: skip

    def match_count(self) -> int:
        return 0 if self.missing() else len(self.matches)

    def shown_documents(self) -> list[DocumentReport]:
        return [self.earlier, self.later]

    def export(self) -> tuple[Report, str]:
        return pair_report(self.story.report, self.earlier.id, self.later.id), "compare"

    def status_text(self) -> Text:
        text = super().status_text()
        text.append(f" · {self.view_layout} (v)")
        return text

    def body(self) -> list[Widget]:
        if self.missing():
            return [self.missing_notice()]
        if self.view_layout == "split":
            return [self._split_row(row) for row in self.rows]
        return [widget for row in self.rows for widget in self._inline_row(row)]

    def _split_row(self, row: Row) -> Widget:
        left = Vertical(*self._passages(row.left, "left"), classes="cell -left")
        right = Vertical(*self._passages(row.right, "right"), classes="cell -right")
        return Horizontal(left, right, classes="row")

    def _inline_row(self, row: Row) -> list[Widget]:
        if row.match is not None:
            return [Vertical(*self._passages(row.left, "left"), *self._passages(row.right, "right"),
                             classes="row -inline")]  # fmt: skip
        out: list[Widget] = []
        for side, segments, document in (
            ("left", row.left, self.earlier),
            ("right", row.right, self.later),
        ):
            if segments:
                divider = Static(Text(f"── only in {label(document)}"), classes="divider")
                out.append(
                    Vertical(divider, *self._passages(segments, side), classes="row -inline")
                )
        return out

    def _passages(self, segments: tuple[Segment, ...], side: str) -> list[Passage]:
        return [self._passage(segment, side) for segment in segments]

    def _passage(self, segment: Segment, side: str) -> Passage:
        document = self.earlier if side == "left" else self.later
        text = self.story.text(document.id)
        dim = [(s, e, OP_STYLES["boilerplate"]) for s, e in document.novelty.boilerplate_spans]
        if segment.match is None:
            return Passage(text, segment, doc=document.id, side=side, marks=dim, classes="-plain")
        match = self.matches[segment.match]
        classes = f"-match -{match.kind}" + (" -moved" if match.moved else "")
        classes += " -boilerplate" if match.boilerplate else ""
        return Passage(
            text, segment, doc=document.id, side=side, header=self._header(match, segment.match, side),
            marks=[*dim, *_op_marks(match, side)], classes=classes,
        )  # fmt: skip

    def _header(self, match: Match, index: int, side: str) -> Text:
        facts = [match.kind, f"{match.score:.2f}", f"match {index + 1}/{len(self.matches)}"]
        facts += ["moved"] * match.moved + ["boilerplate"] * match.boilerplate
        if self.view_layout == "inline":
            facts.insert(0, "earlier" if side == "left" else "later")
        return Text(" · ".join(facts), style=f"bold {KIND_COLORS.get(match.kind, '')}")


def _op_marks(match: Match, side: str) -> list[tuple[int, int, str]]:
    wanted = ("replace", "delete") if side == "left" else ("replace", "insert")
    marks = []
    for op in match.ops:
        start, end = op.earlier if side == "left" else op.later
        if op.op in wanted and start < end:
            marks.append((start, end, OP_STYLES[op.op]))
    return marks
