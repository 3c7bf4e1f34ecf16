"""The real `nearsame tui seeds/` in a real terminal (tmux): keys in, screen out, exit status."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NEARSAME = Path(sys.executable).parent / "nearsame"
#: In CI a missing tmux is a failure (scripts/bootstrap-test installs it), elsewhere a skip.
pytestmark = pytest.mark.skipif(
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


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    name = f"nearsame-{uuid.uuid4().hex[:8]}"
    yield name, tmp_path / "status"
    subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True, check=False)


def start(name: str, status: Path, env: str = "") -> None:
    command = f"cd {ROOT} && {env} {NEARSAME} tui seeds/; echo $? > {status}; sleep 30"
    tmux("new-session", "-d", "-s", name, "-x", "150", "-y", "45", command)


def wait_for(check: Callable[[], bool], timeout: float = 90.0, name: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            screen = tmux("capture-pane", "-p", "-t", name) if name else ""
            raise AssertionError(f"timed out; the screen was:\n{screen}")
        time.sleep(0.2)


def screen_has(name: str, *needles: str) -> Callable[[], bool]:
    return lambda: all(needle in tmux("capture-pane", "-p", "-t", name) for needle in needles)


def screen_lacks(name: str, needle: str) -> Callable[[], bool]:
    return lambda: needle not in tmux("capture-pane", "-p", "-t", name)


def test_the_real_tui_shows_the_seeds_and_quits_with_status_0(terminal: tuple[str, Path]) -> None:
    name, status = terminal
    start(name, status)
    wait_for(screen_has(name, "000_ba787c83ef70fcd0.txt", "Kim Jong Un appelle"), name=name)
    tmux("send-keys", "-t", name, "Down", "c")
    wait_for(screen_has(name, "compare · match"), name=name)
    tmux("send-keys", "-t", name, "n")
    wait_for(screen_has(name, "paraphrase", "match 1/"), name=name)
    tmux("send-keys", "-t", name, "Escape")  # alone: escape then w would read as alt+w
    wait_for(screen_lacks(name, "compare · match"), name=name)
    wait_for(screen_has(name, "space marks two articles"), name=name)
    tmux("send-keys", "-t", name, "w")
    wait_for(screen_has(name, "what's new in", "first seen in"), name=name)
    tmux("send-keys", "-t", name, "q")
    wait_for(status.exists, name=name)
    assert status.read_text().strip() == "0"


def test_a_crash_inside_the_app_exits_non_zero(terminal: tuple[str, Path]) -> None:
    name, status = terminal
    assert "NEARSAME_TUI_CRASH" not in os.environ
    start(name, status, env="NEARSAME_TUI_CRASH=1")
    wait_for(status.exists)
    assert status.read_text().strip() not in ("", "0")
