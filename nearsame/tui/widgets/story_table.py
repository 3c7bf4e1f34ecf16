"""The story list: one row per article in reading order, near-duplicates under their canonical."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from nearsame.layout import story_rows
from nearsame.report import DocumentReport, Report

__all__ = ["StoryTable", "share_bar"]

BAR_WIDTH = 10


def share_bar(new_share: float, width: int = BAR_WIDTH) -> Text:
    """A small bar: new text in green, recycled text in grey, then the new share."""
    new = round(new_share * width)
    return Text.assemble(
        ("█" * new, "#98c379"), ("█" * (width - new), "#5c6370"), f" {new_share:4.0%} new"
    )


class StoryTable(DataTable[Text]):
    """Articles of a story; ``marked`` holds the ids chosen for a comparison (at most two)."""

    # DataTable's home and end scroll sideways; in a list of articles they go to the first and
    # the last one, as ctrl+home and ctrl+end do.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", "First article", show=False),
        Binding("end", "scroll_bottom", "Last article", show=False),
    ]

    def __init__(self, report: Report, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self.report = report
        self.marked: list[str] = []

    def on_mount(self) -> None:
        self.add_columns(" ", "#", "date", "source", "new vs recycled", "title")
        for row in story_rows(self.report):
            document = self.report.document(row.doc)
            self.add_row(*self._cells(document, row.depth), key=document.id)

    def _cells(self, document: DocumentReport, depth: int) -> list[Text]:
        mark = "●" if document.id in self.marked else " "
        name = document.title or document.id
        title = Text("  ↳ " * depth + name, style="dim" if depth else "")
        if depth:
            title.append("  (near-duplicate)", style="italic dim")
        return [
            Text(mark, style="bold #e5c07b"),
            Text(str(document.position + 1), justify="right"),
            Text(document.date or "—"),
            Text(document.source or "—"),
            share_bar(document.novelty.new_share),
            title,
        ]

    @property
    def cursor_doc(self) -> str | None:
        """The id of the article under the cursor."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return str(key.value)

    def toggle_mark(self, doc: str) -> None:
        """Mark or unmark ``doc``; marking a third article forgets the oldest mark."""
        if doc in self.marked:
            self.marked.remove(doc)
        else:
            self.marked = [*self.marked, doc][-2:]
        self._show_marks()

    def clear_marks(self) -> None:
        """Forget the marks (their comparison is open)."""
        self.marked = []
        self._show_marks()

    def _show_marks(self) -> None:
        for row_key in self.rows:
            mark = "●" if row_key.value in self.marked else " "
            self.update_cell(row_key, self.ordered_columns[0].key, Text(mark, style="bold #e5c07b"))
