"""Progress on standard error for the command line: a bar for work of known length, a running
count for a stream (`rich.progress`). Both are off when disabled, and vanish once done."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["ProgressBar", "ShareBar", "StreamCounter"]


class ProgressBar:
    """A bar per stage, fed by the engine's progress callback ``(stage, done, total)``."""

    def __init__(self, enabled: bool) -> None:
        self._progress = Progress(
            TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True, disable=not enabled,
        )  # fmt: skip
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)


class ShareBar:
    """One bar for one piece of work that reports the share done, from 0 to 1."""

    def __init__(self, description: str, enabled: bool) -> None:
        self._progress = Progress(
            TextColumn(description), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
            TimeRemainingColumn(), console=Console(stderr=True), transient=True,
            disable=not enabled,
        )  # fmt: skip
        self._task = self._progress.add_task(description, total=1.0)

    def __enter__(self) -> ShareBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, share: float) -> None:
        self._progress.update(self._task, completed=share)


class _Rate(ProgressColumn):
    """Documents a second, once rich has measured it."""

    def render(self, task: Task) -> Text:
        return Text(
            "" if task.speed is None else f"{task.speed:,.0f}/s", style="progress.data.speed"
        )


class StreamCounter:
    """Documents read and done so far, for a stream whose length is not known in advance:
    ``nearsame index add`` reading a folder or standard input. The rate is of documents done."""

    def __init__(self, description: str, done: str, enabled: bool) -> None:
        self._progress = Progress(
            SpinnerColumn(), TextColumn(description),
            TextColumn("{task.fields[read]:,} read, {task.completed:,} " + done), _Rate(),
            TimeElapsedColumn(),
            console=Console(stderr=True), transient=True, disable=not enabled,
            # rich measures a rate over its samples of the last ``speed_estimate_period`` seconds,
            # and a sample is a batch added: 20 s or more each, at 2,000 a batch in a large index
            speed_estimate_period=600,
        )  # fmt: skip
        self.enabled = enabled
        self._task = self._progress.add_task(description, total=None, read=0)

    def __enter__(self) -> StreamCounter:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def update(self, read: int, done: int) -> None:
        """``read`` documents read so far, ``done`` of them done."""
        self._progress.update(self._task, completed=done, read=read)

    def print(self, message: str) -> None:
        """``message`` on its own line above the count (as it is, no markup, no wrapping)."""
        self._progress.console.print(message, markup=False, highlight=False, soft_wrap=True)
