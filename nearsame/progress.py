"""Progress on standard error for the command line: a bar for work of known length, a running
count for a stream (`rich.progress`). Both are off when disabled, and vanish once done."""

from __future__ import annotations

import math
import time

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
    """A bar per stage, fed by the engine's progress callback ``(stage, done, total)``.

    Asked for where standard error is not a terminal (a log file), a plain line every ``every``
    seconds instead, and one as each stage ends.
    """

    def __init__(self, enabled: bool, every: float = 10.0) -> None:
        console = Console(stderr=True)
        self._plain = _Lines(console, every) if enabled and not console.is_terminal else None
        self._progress = Progress(
            TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True, disable=not enabled or self._plain is not None,
        )  # fmt: skip
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._plain is not None:
            if done >= total or self._plain.due():  # the engine ends each stage once
                share = f" ({done / total:.0%})" if total else ""
                self._plain.say(f"{stage}: {done:,}/{total:,}{share}")
            return
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)


class ShareBar:
    """One bar for one piece of work that reports the share done, from 0 to 1 (where standard
    error is not a terminal, asked for: a plain line every ``every`` seconds and at the end)."""

    def __init__(self, description: str, enabled: bool, every: float = 10.0) -> None:
        console = Console(stderr=True)
        self._plain = _Lines(console, every) if enabled and not console.is_terminal else None
        self._description, self._share = description, 0.0
        self._progress = Progress(
            TextColumn(description), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
            TimeRemainingColumn(), console=console, transient=True,
            disable=not enabled or self._plain is not None,
        )  # fmt: skip
        self._task = self._progress.add_task(description, total=1.0)

    def __enter__(self) -> ShareBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()
        if self._plain is not None:
            self._plain.say(self._line())

    def __call__(self, share: float) -> None:
        if self._plain is not None:
            self._share = share
            if self._plain.due():
                self._plain.say(self._line())
            return
        self._progress.update(self._task, completed=share)

    def _line(self) -> str:
        return f"{self._description}: {self._share:.0%}"


class _Lines:
    """Plain progress lines, for standard error that is a log file rather than a terminal: a
    line is `due` once ``every`` seconds have passed since the last one (at once, the first, with
    ``first_at_once``)."""

    def __init__(self, console: Console, every: float, *, first_at_once: bool = False) -> None:
        self._console, self._every = console, every
        self._last = -math.inf if first_at_once else time.monotonic()

    def due(self) -> bool:
        return time.monotonic() - self._last >= self._every

    def say(self, line: str) -> None:
        self._last = time.monotonic()
        self._console.print(f"nearsame: {line}", markup=False, highlight=False, soft_wrap=True)


class _Rate(ProgressColumn):
    """Documents a second, once rich has measured it."""

    def render(self, task: Task) -> Text:
        return Text(
            "" if task.speed is None else f"{task.speed:,.0f}/s", style="progress.data.speed"
        )


class StreamCounter:
    """Documents read and done so far, for a stream whose length is not known in advance:
    ``nearsame index add`` reading a folder or standard input. The rate is of documents done.

    On a terminal, one line that updates itself; asked for where standard error is not a
    terminal (a log file), a plain line every ``every`` seconds instead, and one at the end.
    """

    def __init__(self, description: str, done: str, enabled: bool, every: float = 10.0) -> None:
        console = Console(stderr=True)
        plain = enabled and not console.is_terminal
        self._plain = _Lines(console, every, first_at_once=True) if plain else None
        self._started = time.monotonic()
        self._counts = (0, 0)
        self._words = (description, done)
        enabled = enabled and not plain
        self._progress = Progress(
            SpinnerColumn(), TextColumn(description),
            TextColumn("{task.fields[read]:,} read, {task.completed:,} " + done), _Rate(),
            TimeElapsedColumn(),
            console=console, transient=True, disable=not enabled,
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
        if self._plain is not None:
            self._plain.say(self._line())

    def update(self, read: int, done: int) -> None:
        """``read`` documents read so far, ``done`` of them done."""
        self._progress.update(self._task, completed=done, read=read)
        if self._plain is not None:
            self._counts = (read, done)
            if self._plain.due():
                self._plain.say(self._line())

    def _line(self) -> str:
        (read, done), (description, verb) = self._counts, self._words
        rate = done / max(time.monotonic() - self._started, 1e-9)
        return f"{description}: {read:,} read, {done:,} {verb} ({rate:,.0f}/s)"

    def print(self, message: str) -> None:
        """``message`` on its own line above the count (as it is, no markup, no wrapping)."""
        self._progress.console.print(message, markup=False, highlight=False, soft_wrap=True)
