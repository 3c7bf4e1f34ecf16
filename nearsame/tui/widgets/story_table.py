"""The story list: one row per article in reading order, near-duplicates under their canonical.

The title takes the width the other columns leave it, cut with an ellipsis; when that is too
little, the narrower columns give way first (`fit_widths`), so that an 80-column terminal shows the
number, the date and the title of every article without scrolling sideways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.widgets import DataTable

from nearsame.layout import story_rows
from nearsame.report import DocumentReport, Report

__all__ = ["StoryTable", "Widths", "fit_widths", "share_bar"]

BAR_WIDTH = 10
TITLE_MIN = 24
"""The title keeps this many cells (or all it needs) before the other columns give way in turn."""
SOURCE_MIN = 12
DATE_MINUTE, DATE_DAY = 16, 10
"""``2020-06-18 18:19`` and ``2020-06-18``: an ISO date shortened when the date column gives way."""
PADDING = 2
"""What DataTable adds to each column (a cell of padding on each side)."""
_ISO = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?")


def share_bar(new_share: float, width: int = BAR_WIDTH) -> Text:
    """A small bar: new text in green, recycled text in grey, then the new share."""
    new = round(new_share * width)
    return Text.assemble(
        ("█" * new, "#98c379"), ("█" * (width - new), "#5c6370"), f" {new_share:4.0%} new"
    )


@dataclass(frozen=True)
class Widths:
    """The widths of the story list's columns, in cells, padding left out; ``source`` 0: hidden."""

    number: int
    date: int
    source: int
    bar: int
    title: int


def fit_widths(natural: Widths, available: int) -> Widths:
    """The columns' widths in ``available`` cells, given the widths their contents need.

    Every column is as wide as it needs while the title keeps `TITLE_MIN` cells; otherwise the
    narrower columns give way, one step after the other, until it does: the source is cut to
    `SOURCE_MIN`, the date to the minute, the source hidden, the date to the day. The title takes
    what is left (the table scrolls sideways only when even the last step leaves it too little).
    """
    fixed = (1 + PADDING) + (natural.number + PADDING) + (natural.bar + PADDING) + PADDING
    source_cut = min(natural.source, SOURCE_MIN)
    minute, day = min(natural.date, DATE_MINUTE), min(natural.date, DATE_DAY)
    steps = [
        (natural.date, natural.source),
        (natural.date, source_cut),
        (minute, source_cut),
        (minute, 0),
        (day, 0),
    ]
    wanted = min(natural.title, TITLE_MIN)
    date, source, left = natural.date, natural.source, 0
    for date, source in steps:
        left = available - fixed - (date + PADDING) - (source + PADDING if source else 0)
        if left >= wanted:
            break
    title = max(min(natural.title, left), wanted // 2, cell_len("title"))
    return replace(natural, date=date, source=source, title=title)


def short_date(date: str, width: int) -> Text:
    """``date`` in ``width`` cells: an ISO date to the minute or to the day, else cut."""
    found = _ISO.match(date)
    if cell_len(date) > width and found:
        date = f"{found[1]} {found[2]}" if found[2] and width >= DATE_MINUTE else found[1]
    return _cut(Text(date), width)


def _cut(text: Text, width: int) -> Text:
    text.truncate(width, overflow="ellipsis")
    return text


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
        self._rows = [(self.report.document(r.doc), r.depth) for r in story_rows(self.report)]
        self._natural = Widths(
            number=_widest("#", [str(d.position + 1) for d, _ in self._rows]),
            date=_widest("date", [d.date or "—" for d, _ in self._rows]),
            source=_widest("source", [d.source or "—" for d, _ in self._rows]),
            bar=_widest("new vs recycled", [share_bar(1.0).plain]),
            title=_widest("title", [_title(d, depth).plain for d, depth in self._rows]),
        )
        self._build(fit_widths(self._natural, self._available()))

    def on_resize(self, event: Resize) -> None:
        widths = fit_widths(self._natural, self._available())
        if widths != self.widths:
            self._build(widths)

    def _available(self) -> int:
        """The cells the columns can take: the table's width less a vertical scrollbar's."""
        if not self.size.width:  # not laid out yet: every column as wide as it needs
            return 1_000_000
        return max(self.size.width - self.styles.scrollbar_size_vertical, 0)

    def _build(self, widths: Widths) -> None:
        """Fill the table for these widths (again on a resize that changes them), the cursor kept."""
        self.widths = widths
        row = self.cursor_row
        self.clear(columns=True)
        self.add_column(" ", key="mark")
        self.add_column("#", key="number")
        self.add_column("date", width=widths.date, key="date")
        if widths.source:
            self.add_column("source", width=widths.source, key="source")
        self.add_column("new vs recycled", key="bar")
        self.add_column("title", width=widths.title, key="title")
        for document, depth in self._rows:
            self.add_row(*self._cells(document, depth), key=document.id)
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1), animate=False)

    def _cells(self, document: DocumentReport, depth: int) -> list[Text]:
        widths = self.widths
        mark = "●" if document.id in self.marked else " "
        cells = [
            Text(mark, style="bold #e5c07b"),
            Text(str(document.position + 1), justify="right"),
            short_date(document.date or "—", widths.date),
        ]
        if widths.source:
            cells.append(_cut(Text(document.source or "—"), widths.source))
        return [
            *cells,
            share_bar(document.novelty.new_share),
            _cut(_title(document, depth), widths.title),
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
            self.update_cell(row_key, "mark", Text(mark, style="bold #e5c07b"))


def _title(document: DocumentReport, depth: int) -> Text:
    name = document.title or document.id
    title = Text("  ↳ " * depth + name, style="dim" if depth else "")
    if depth:
        title.append("  (near-duplicate)", style="italic dim")
    return title


def _widest(label: str, values: list[str]) -> int:
    return max([cell_len(label), *(cell_len(value) for value in values)])
