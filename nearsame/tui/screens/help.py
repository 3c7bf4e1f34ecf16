"""The help screen: every key of the view it was opened from, and of the app."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

__all__ = ["HelpScreen", "bindings_of"]


def bindings_of(owner: type[object]) -> list[Binding]:
    """The bindings a class declares, its own first, then its bases' (each key once)."""
    seen: set[str] = set()
    out: list[Binding] = []
    for cls in owner.__mro__:
        declared: list[BindingType] = list(vars(cls).get("BINDINGS", []))
        for binding in declared:
            if isinstance(binding, Binding) and binding.key not in seen:
                seen.add(binding.key)
                out.append(binding)
    return out


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
        for binding in [*bindings_of(type(self.view)), *bindings_of(type(self.app))]:
            table.add_row(Text(self.app.get_key_display(binding)), Text(binding.description))
        table.add_row(Text("click"), Text("select a passage and its counterpart"))
        with VerticalScroll(id="help"):
            yield Static(table)
