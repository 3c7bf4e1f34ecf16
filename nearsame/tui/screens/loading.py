"""The loading screen: what the engine is doing while the story is built."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import LoadingIndicator, ProgressBar, Static

__all__ = ["LoadingScreen"]


class LoadingScreen(Screen[None]):
    """Shows the engine's stage and progress; replaced by the story when it is ready."""

    DEFAULT_CSS = """
    LoadingScreen #stage { width: auto; padding: 1 2; }
    LoadingScreen LoadingIndicator { height: 3; }
    """

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Middle():
            yield LoadingIndicator()
            with Center():
                yield Static(Text(f"Reading {self.what}…"), id="stage")
            with Center():
                yield ProgressBar(id="progress", show_eta=False)

    def progress(self, stage: str, done: int, total: int) -> None:
        """Show the engine's progress (called on the UI thread)."""
        self.query_one("#stage", Static).update(Text(f"{self.what}: {stage}"))
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)

    def failed(self, message: str) -> None:
        """Say why the story could not be built."""
        self.query_one(LoadingIndicator).display = False
        self.query_one("#stage", Static).update(
            Text.assemble(("Cannot open the story: ", "bold red"), message, "\n\nq quits.")
        )
