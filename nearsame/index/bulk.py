"""`add_stream`: a long stream of documents added in batches, analysed in other processes meanwhile.

Adding a news article to a large SQLite index costs about 11 ms at 100,000 articles, of which 4
go to analysing it and the rest to writing its keys. The two need not wait for each other: while
this process writes one batch, worker processes analyse the next ones into `Entry` values (what
an index stores of a document: plain bytes and arrays, cheap to send back). The batches are
still written in order, each in one transaction, so the index ends up as if they had been added
one after another here.

A worker is a plain child process running `serve` (not `multiprocessing`, whose children import
the caller's main module again: a script without a ``__main__`` guard would run once more in
each of them, and write to the index). It reads pickled batches on its standard input and
writes their entries on its standard output, one batch at a time, so that neither side ever
waits on a full pipe. Workers start only once the stream holds a second batch (a short stream
never pays for them), ignore Ctrl-C (the writing process stops, and stops them), and exit when
their input closes, also when the writing process is killed. A worker that fails is replaced by
this process: its batch is analysed here, and `Added.worker_failure` says why (the last line the
worker wrote on its standard error, such as an import error).
"""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from typing import IO, TYPE_CHECKING, cast

from nearsame.document import Document
from nearsame.index.base import Added, Entry
from nearsame.index.check import derived_params, use_derived
from nearsame.index.core import make_entry
from nearsame.params import Params

if TYPE_CHECKING:
    from nearsame.index.core import Index

__all__ = ["add_stream", "serve"]

# what a worker runs: the caller's import path first (the first message), then `serve`
_BOOT = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from nearsame.index.bulk import serve; serve()"
)


def serve(source: IO[bytes] | None = None, sink: IO[bytes] | None = None) -> None:
    """A worker: the index's parameters and derived settings come first, then each batch of
    documents is answered with their entries, until ``source`` (standard input) closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the process that writes
    source = source or sys.stdin.buffer
    sink = sink or sys.stdout.buffer
    params, derived = pickle.load(source)
    use_derived(derived, params)
    while True:
        try:
            documents = pickle.load(source)
        except EOFError:
            return
        pickle.dump(_entries(documents, params), sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


class _Worker:
    """One worker process, analysing one batch at a time; ``alive`` until it fails, and then
    ``failure`` says why."""

    def __init__(self, params: Params) -> None:
        self.alive = True
        self.failure: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        if getattr(sys, "frozen", False):  # a bundled app: its executable is not a Python
            self.alive = False
            return
        try:
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
            self._process = subprocess.Popen(
                [sys.executable, "-c", _BOOT],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
            )  # fmt: skip
        except (OSError, ValueError) as error:  # no interpreter to start: this process does it all
            self.alive = False
            self.failure = f"cannot start a worker process ({error})"
            return
        self._send(sys.path, (params, derived_params(params)))

    def _failed(self) -> None:
        """The worker is gone or talks nonsense: stop it, and say why in ``failure``."""
        self.alive = False
        if self._process is None or self.failure is not None:
            return
        try:
            status = self._process.wait(timeout=1)  # a worker that died has exited, or soon will
            how = (
                f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"
            )
        except subprocess.TimeoutExpired:
            self._process.kill()
            how = "sent back something other than entries"
        self.failure = f"a worker process {how}{_last_line(self._log)}"

    def _send(self, *messages: object) -> bool:
        """Send ``messages``; whether they went (a worker that is gone is no longer ``alive``)."""
        if self._process is None or not self.alive:
            return False
        try:
            data = b"".join(pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL) for m in messages)
        except Exception:  # whatever cannot be pickled is analysed here instead
            return False
        stdin = cast("IO[bytes]", self._process.stdin)
        try:
            stdin.write(data)
            stdin.flush()
        except (OSError, ValueError):
            self._failed()
        return self.alive

    def start(self, batch: list[Document]) -> bool:
        """Send ``batch`` to be analysed; whether the worker took it."""
        return self._send(batch)

    def result(self) -> list[Entry] | None:
        """The entries of the batch sent last; ``None`` if the worker failed."""
        if self._process is None or not self.alive:
            return None
        try:
            entries = pickle.load(cast("IO[bytes]", self._process.stdout))
        except Exception:  # a worker that died, or wrote anything else
            self._failed()
            return None
        return cast("list[Entry]", entries)

    def stop(self, *, now: bool) -> None:
        """Close its input (it exits when idle), or with ``now`` kill it; wait for it."""
        if self._log is not None:
            self._log.close()
        if self._process is None:
            return
        if now:
            self._process.kill()
        with suppress(OSError):
            cast("IO[bytes]", self._process.stdin).close()
        try:
            self._process.wait(timeout=None if now else 60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        cast("IO[bytes]", self._process.stdout).close()


def _last_line(log: IO[bytes] | None) -> str:
    """``": "`` and the last line written in ``log``, if any (at most 300 characters)."""
    if log is None:
        return ""
    try:
        log.seek(0, 2)
        log.seek(max(0, log.tell() - 4096))
        lines = log.read().decode(errors="replace").strip().splitlines()
    except (OSError, ValueError):
        return ""
    return f": {lines[-1][:300]}" if lines else ""


def _batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """``documents`` in lists of ``size``; if reading them fails, what was read comes first, and
    the error at the next request."""
    batch: list[Document] = []
    try:
        for document in documents:
            batch.append(document)
            if len(batch) == size:
                yield batch
                batch = []
    except Exception:
        if batch:
            yield batch
        raise
    if batch:
        yield batch


def _entries(batch: Sequence[Document], params: Params) -> list[Entry]:
    return [make_entry(document, params) for document in batch]


def add_stream(
    index: Index, documents: Iterable[Document], *, batch: int, workers: int
) -> Iterator[Added]:
    """`Index.add_stream`: ``documents`` added ``batch`` at a time; with ``workers``, each batch
    is analysed in one of that many processes while this one writes the batch before it. If
    reading ``documents`` fails, every batch read until then is added before the error is raised.
    """
    params = index.params
    batches = _batches(documents, batch)
    if workers == 0:  # each batch written as soon as it is read
        for one in batches:
            yield index._add_entries(_entries(one, params))
        return
    ahead = _ReadAhead(batches)
    first, second = ahead.next(), ahead.next()
    if first is None or second is None:  # one batch at most: no worker worth starting
        if first is not None:
            yield index._add_entries(_entries(first, params))
        ahead.raise_failure()
        return
    pool: list[_Worker] = []
    finished = False
    try:
        for _ in range(workers):
            pool.append(_Worker(params))
        # (batch, its worker, whether the worker took it: if not, this process analyses it)
        pending: deque[tuple[list[Document], _Worker, bool]] = deque()
        for idle in pool:  # the workers take the next batches while this process does the first
            each = ahead.next() if pending else second
            if each is None:
                break
            pending.append((each, idle, idle.start(each)))
        yield index._add_entries(_entries(first, params))
        while pending:
            each, worker, taken = pending.popleft()
            entries = worker.result() if taken else None
            following = ahead.next()  # handed to the same worker before this batch is written
            if following is not None:
                pending.append((following, worker, worker.start(following)))
            if entries is None:  # a batch that could not be sent, or a worker that failed
                yield index._add_entries(_entries(each, params), worker_failure=worker.failure)
            else:
                yield index._add_entries(entries)
        finished = True
    finally:
        for worker in pool:
            worker.stop(now=not finished)
    ahead.raise_failure()


class _ReadAhead:
    """The next batch, or ``None`` at the end or once reading failed: the failure is raised by
    `raise_failure`, after the batches read before it are added."""

    def __init__(self, batches: Iterator[list[Document]]) -> None:
        self._batches = batches
        self._failure: Exception | None = None

    def next(self) -> list[Document] | None:
        if self._failure is not None:
            return None
        try:
            return next(self._batches, None)
        except Exception as error:  # raised again once the rest is added
            self._failure = error
            return None

    def raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure
