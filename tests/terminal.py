"""A real terminal for the tests: a tmux server of our own, keys in, screen out."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable

import pytest

#: In CI a missing tmux is a failure (scripts/bootstrap-test installs it), elsewhere a skip.
needs_tmux = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"), reason="needs tmux"
)

#: A tmux server of our own (its own socket), out of reach of any other tmux on the machine.
SOCKET = f"nearsame-tests-{os.getpid()}"


def tmux(*args: str) -> str:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    run = subprocess.run(
        ["tmux", "-L", SOCKET, "-u", *args],
        capture_output=True, encoding="utf-8", check=True, env=env,
    )  # fmt: skip
    return run.stdout


def run_in(name: str, command: str, width: int = 150, height: int = 45) -> None:
    """Start ``command`` (a shell command line) in a new terminal of that size."""
    tmux("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), command)


def screen(name: str) -> str:
    return tmux("capture-pane", "-p", "-t", name)


def wait_for(check: Callable[[], bool], timeout: float = 90.0, name: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            shown = screen(name) if name else ""
            raise AssertionError(f"timed out; the screen was:\n{shown}")
        time.sleep(0.2)


def screen_has(name: str, *needles: str) -> Callable[[], bool]:
    return lambda: all(needle in screen(name) for needle in needles)


def screen_lacks(name: str, needle: str) -> Callable[[], bool]:
    return lambda: needle not in screen(name)
