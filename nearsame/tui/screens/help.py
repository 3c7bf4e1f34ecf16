"""The help screen: every key of the view it was opened from, and of the app."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

__all__ = ["COPY_SELECTION", "HelpScreen", "bindings_of", "help_rows"]


def bindings_of(owner: type[object]) -> list[Binding]:
    """The bindings a class declares, its own first, then its bases' (each key once): a binding
    of several keys (``ctrl+c,super+c``) comes as one binding per key."""
    seen: set[str] = set()
    out: list[Binding] = []
    for cls in owner.__mro__:
        declared: list[BindingType] = list(vars(cls).get("BINDINGS", []))
        for binding in declared:
            if not isinstance(binding, Binding):
                continue
            for key in (k.strip() for k in binding.key.split(",")):
                if key and key not in seen:
                    seen.add(key)
                    out.append(replace(binding, key=key))
    return out


def help_rows(view: type[object], app: App[object]) -> list[tuple[str, str]]:
    """The help's rows, ``(keys, description)``: the view's bindings, then the app's that the view
    does not take over, the keys of one action on one row (``? / f1``); a binding without a
    description (Textual's ``ctrl+c`` "press ctrl+q to quit" hint, shadowed anyway) is left out."""
    seen: set[str] = set()
    rows: dict[tuple[str, str], list[str]] = {}
    for binding in [*bindings_of(view), *bindings_of(type(app))]:
        if binding.key in seen:
            continue
        seen.add(binding.key)
        if binding.description:
            rows.setdefault((binding.action, binding.description), []).append(
                app.get_key_display(binding)
            )
    return [(" / ".join(keys), description) for (_, description), keys in rows.items()]


COPY_SELECTION = Binding(
    "ctrl+c,super+c", "screen.copy_text", "Copy the text selected with the mouse", show=False
)
"""Textual's copy of the mouse selection, described apart from ``y`` (copy the passage)."""


class HelpScreen(ModalScreen[None]):
    """Lists every binding; any of escape, q, ? or F1 closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help { width: 72; height: auto; max-height: 90%; border: round $accent;
                       background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close help"),
        Binding("q", "dismiss", "Close help", show=False),
        Binding("question_mark", "dismiss", "Close help", show=False),
        Binding("f1", "dismiss", "Close help", show=False),
    ]

    def __init__(self, view: Screen[object]) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold #e5c07b", no_wrap=True)
        table.add_column()
        table.add_row(Text(type(self.view).__name__.removesuffix("Screen"), style="bold"), "")
        for keys, description in help_rows(type(self.view), self.app):
            table.add_row(Text(keys), Text(description))
        table.add_row(Text("click"), Text("select a passage and its counterpart"))
        with VerticalScroll(id="help"):
            yield Static(table)
