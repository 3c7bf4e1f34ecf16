"""The base of the reading screens: passages in a scrolling body, with match and passage
navigation, search, copy, export and a status bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.events import DescendantFocus
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from nearsame.render.spans import label
from nearsame.render.views import ExportFormat, render_view
from nearsame.report import DocumentReport, Report
from nearsame.story import Story
from nearsame.tui.screens.help import COPY_SELECTION
from nearsame.tui.widgets.passage import Passage

__all__ = ["ReaderScreen"]


class _SearchField(Input):
    """The search field: focusable only while shown. Hidden, it must never take the focus, not
    even for the moment a new screen gives it to its first focusable widget: keys typed then
    (``q``) would go into the field instead of to the app."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.can_focus = False

    @property
    def shown(self) -> bool:
        """Whether the field is on screen."""
        return self.has_class("-shown")

    @shown.setter
    def shown(self, value: bool) -> None:
        self.can_focus = value
        self.set_class(value, "-shown")


class ReaderScreen(Screen[None]):
    """Passages to read; subclasses say which (`body`) and what their export contains."""

    DEFAULT_CSS = """
    ReaderScreen #title { height: auto; padding: 0 1; background: $panel; }
    ReaderScreen #body { height: 1fr; }
    ReaderScreen #search { dock: bottom; display: none; }
    ReaderScreen #search.-shown { display: block; }
    ReaderScreen #status { height: 1; padding: 0 1; background: $panel; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_match", "Next match"),
        Binding("N", "previous_match", "Prev match", show=False),
        Binding("right_square_bracket", "next_passage", "Next passage"),
        Binding("left_square_bracket", "previous_passage", "Prev passage", show=False),
        Binding("slash", "search", "Search"),
        Binding("enter", "counterpart", "Counterpart"),
        Binding("y", "copy", "Copy passage"),
        Binding("e", "export('markdown')", "Export Markdown"),
        Binding("E", "export('html')", "Export HTML", show=False),
        Binding("escape", "back", "Back"),
        COPY_SELECTION,
    ]

    view_name = "view"

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story
        self.current_match: int | None = None
        self.query_text = ""
        self.hit_count = 0
        self.search_from: Passage | None = None

    # What subclasses provide.
    def title_text(self) -> Text:
        """The line above the body."""
        raise NotImplementedError

    def body(self) -> list[Widget]:
        """The widgets of the body (containing the passages)."""
        raise NotImplementedError

    def match_count(self) -> int:
        """How many matches the view shows."""
        raise NotImplementedError

    def export(self) -> tuple[Report, str]:
        """The part of the report the view shows, and a file name stem for its export."""
        raise NotImplementedError

    def shown_documents(self) -> list[DocumentReport]:
        """The documents whose text the body shows."""
        raise NotImplementedError

    def missing(self) -> list[DocumentReport]:
        """The documents the view shows whose text was not found: the body says so instead."""
        return [d for d in self.shown_documents() if not self.story.has_text(d.id)]

    def missing_notice(self) -> Static:
        """What the body shows when a text is missing: which, and how to get it."""
        missing = self.missing()
        lines = [
            f"The text of {label(d)} is not available: the report does not carry it, and "
            + (f"the file {d.path!r} was not found or has changed since." if d.path
               else "it names no file to read it from.")
            for d in missing
        ]  # fmt: skip
        lines += [
            "",
            "Save the report with the texts (nearsame report --format json --include-text), or "
            "keep the articles where they were when the report was made.",
        ]
        return Static(Text("\n".join(lines), style="bold"), classes="missing")

    # Building.
    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), id="title")
        yield VerticalScroll(id="body", can_focus=False)
        yield _SearchField(placeholder="search (enter: find, escape: close)", id="search")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        """(Re)build the body, keeping the current match and search."""
        body = self.query_one("#body", VerticalScroll)
        body.remove_children()
        body.mount_all(self.body())
        if self.query_text:
            for passage in self.passages():
                passage.show(query=self.query_text)
        self.call_after_refresh(self._restore)

    def _restore(self) -> None:
        if self.current_match is not None:
            self.goto_match(self.current_match)
        else:
            first = self.passages()
            if first:
                first[0].focus(scroll_visible=False)
        self.update_status()

    # Queries.
    def passages(self) -> list[Passage]:
        """Every passage, in screen order."""
        return list(self.query(Passage))

    def focused_passage(self) -> Passage | None:
        """The focused passage, if any."""
        return self.focused if isinstance(self.focused, Passage) else None

    def primary(self, match: int) -> Passage | None:
        """The passage that stands for ``match``: its later side, else any side."""
        found = [p for p in self.passages() if p.match == match]
        later = [p for p in found if p.side in ("right", "single")]
        return next(iter(later or found), None)

    # Navigation.
    def goto_match(self, match: int) -> None:
        """Focus match ``match`` and select both its sides."""
        passage = self.primary(match)
        if passage is not None:
            self.current_match = match
            passage.focus()
            passage.scroll_visible(top=True, animate=False)

    def _step_match(self, step: int) -> None:
        count = self.match_count()
        if not count:
            self.notify("No match in this view.", severity="warning")
            return
        if self.current_match is None:
            target = 0 if step > 0 else count - 1
        else:
            target = (self.current_match + step) % count
        self.goto_match(target)

    def action_next_match(self) -> None:
        """Go to the next match."""
        self._step_match(1)

    def action_previous_match(self) -> None:
        """Go to the previous match."""
        self._step_match(-1)

    def _step_passage(self, step: int) -> None:
        passages = self.passages()
        if not passages:
            return
        current = self.focused_passage()
        index = passages.index(current) + step if current in passages else 0
        target = passages[max(0, min(index, len(passages) - 1))]
        target.focus()
        target.scroll_visible(animate=False)

    def action_next_passage(self) -> None:
        """Go to the next passage."""
        self._step_passage(1)

    def action_previous_passage(self) -> None:
        """Go to the previous passage."""
        self._step_passage(-1)

    def action_counterpart(self) -> None:
        """Jump from a matched passage to the other side of its match."""
        passage = self.focused_passage()
        if passage is None or passage.match is None:
            self.notify("Focus a matched passage first (n, N or a click).")
            return
        others = [p for p in self.passages() if p.match == passage.match and p is not passage]
        if others:
            others[0].focus()
            others[0].scroll_visible(top=True, animate=False)

    @on(DescendantFocus)
    def _focused(self, event: DescendantFocus) -> None:
        if isinstance(event.widget, Passage) and event.widget.match is not None:
            self.current_match = event.widget.match
        self.select(self.current_match)
        self.update_status()

    @on(Passage.Clicked)
    def _clicked(self, event: Passage.Clicked) -> None:
        self.select(event.passage.match)

    def select(self, match: int | None) -> None:
        """Mark the passages of ``match`` as selected (and no other)."""
        for passage in self.passages():
            passage.set_class(match is not None and passage.match == match, "-selected")

    # Search.
    def action_search(self) -> None:
        """Open the search field."""
        self.search_from = self.focused_passage()
        field = self.query_one("#search", _SearchField)
        field.shown = True
        field.value = self.query_text
        field.focus()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        self.search(event.value)
        self._hide_search()

    def on_key(self, event: events.Key) -> None:
        field = self.query_one("#search", _SearchField)
        if event.key == "escape" and field.has_focus:
            event.stop()
            event.prevent_default()
            self._hide_search()
            self._step_passage(0)

    def _hide_search(self) -> None:
        """Hide the search field; if no passage took the focus from it (a view without any),
        nothing keeps it, so that keys go to the view again."""
        field = self.query_one("#search", _SearchField)
        field.shown = False
        if field.has_focus:
            self.set_focus(None)

    def search(self, query: str) -> None:
        """Highlight ``query`` in every passage and go to the next passage that has it."""
        again = query == self.query_text
        self.query_text = query
        passages = self.passages()
        for passage in passages:
            passage.show(query=query)
        hits = [p for p in passages if query and p.hits(query)]
        self.hit_count = sum(p.hits(query) for p in hits)
        if hits:
            current = self.focused_passage() or self.search_from
            at = passages.index(current) if current in passages else -1
            after = [p for p in hits if passages.index(p) > at]
            target = after[0] if again and after else hits[0]
            target.focus()
            target.scroll_visible(top=True, animate=False)
        else:
            self._step_passage(0)
        self.update_status()

    # Copy, export, back.
    def action_copy(self) -> None:
        """Copy the focused passage to the clipboard."""
        passage = self.focused_passage()
        if passage is None:
            self.notify("Focus a passage first.")
            return
        self.app.copy_to_clipboard(passage.body)
        self.notify(f"Copied {len(passage.body)} characters.")

    def action_export(self, fmt: ExportFormat) -> None:
        """Write the current view as Markdown or HTML, to a new file (``nearsame-compare.md``, else
        ``nearsame-compare-2.md``...: a file already there is never overwritten)."""
        report, stem = self.export()
        suffix = ".md" if fmt == "markdown" else ".html"
        folder = Path(getattr(self.app, "export_dir", Path.cwd()))
        content = render_view(report, self.story.texts, fmt)
        for number in range(1, 10_000):
            path = folder / f"nearsame-{stem}{f'-{number}' * (number > 1)}{suffix}"
            try:
                with path.open("x", encoding="utf-8") as file:  # fails if it exists: no race
                    file.write(content)
            except FileExistsError:
                continue
            except OSError as error:
                self.notify(f"Cannot write {path}: {error.strerror or error}", severity="error")
                return
            break
        else:
            self.notify(f"Cannot write nearsame-{stem}{suffix}: too many exports", severity="error")
            return
        missing = sum(1 for d in report.documents if not self.story.has_text(d.id))
        self.notify(f"Exported to {path}" + (f" ({missing} text(s) not available)" * bool(missing)))

    def action_back(self) -> None:
        """Go back to the previous screen."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    # Status.
    def status_text(self) -> Text:
        """The status line: view, match position, search."""
        parts = [self.view_name]
        count = self.match_count()
        if self.missing():
            parts.append("text not available")
        elif count:
            position = "-" if self.current_match is None else str(self.current_match + 1)
            parts.append(f"match {position}/{count}")
        else:
            parts.append("no match")
        if self.query_text:
            parts.append(f"search {self.query_text!r}: {self.hit_count} hit(s)")
        return Text(" · ".join(parts))

    def update_status(self) -> None:
        """Refresh the status line."""
        self.query_one("#status", Static).update(self.status_text())
