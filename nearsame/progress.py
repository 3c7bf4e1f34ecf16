"""Progress on standard error for the command line: a bar for work of known length, a running
count for a stream (`rich.progress`). Both are off when disabled, and vanish once done."""

from __future__ import annotations

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
        self._plain = _Lines(every) if enabled and not console.is_terminal else None
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
            share = f" ({done / total:.0%})" if total else ""
            self._plain.say(f"{stage}: {done:,}/{total:,}{share}", now=done >= total)
            return
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)


class ShareBar:
    """One bar for one piece of work that reports the share done, from 0 to 1 (where standard
    error is not a terminal, asked for: a plain line every ``every`` seconds and at the end)."""

    def __init__(self, description: str, enabled: bool, every: float = 10.0) -> None:
        console = Console(stderr=True)
        self._plain = _Lines(every) if enabled and not console.is_terminal else None
        self._description = description
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

    def __call__(self, share: float) -> None:
        if self._plain is not None:
            self._plain.say(f"{self._description}: {share:.0%}", now=share >= 1.0)
            return
        self._progress.update(self._task, completed=share)


class _Lines:
    """Plain progress lines on standard error, at most one every ``every`` seconds but those asked
    for ``now`` (a stage that ends), each once."""

    def __init__(self, every: float) -> None:
        self._console = Console(stderr=True)
        self._every, self._last, self._said = every, time.monotonic(), ""

    def say(self, line: str, *, now: bool = False) -> None:
        if line == self._said or not (now or time.monotonic() - self._last >= self._every):
            return
        self._last, self._said = time.monotonic(), line
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
        self._plain = enabled and not console.is_terminal
        self._every, self._last, self._started = every, 0.0, time.monotonic()
        self._counts = (0, 0)
        self._words = (description, done)
        enabled = enabled and not self._plain
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
        if self._plain:
            self._line()

    def update(self, read: int, done: int) -> None:
        """``read`` documents read so far, ``done`` of them done."""
        self._progress.update(self._task, completed=done, read=read)
        if self._plain:
            self._counts = (read, done)
            if time.monotonic() - self._last >= self._every:
                self._line()

    def _line(self) -> None:
        self._last = time.monotonic()
        (read, done), (description, verb) = self._counts, self._words
        rate = done / max(self._last - self._started, 1e-9)
        self._progress.console.print(
            f"nearsame: {description}: {read:,} read, {done:,} {verb} ({rate:,.0f}/s)",
            markup=False, highlight=False, soft_wrap=True,
        )  # fmt: skip

    def print(self, message: str) -> None:
        """``message`` on its own line above the count (as it is, no markup, no wrapping)."""
        self._progress.console.print(message, markup=False, highlight=False, soft_wrap=True)
