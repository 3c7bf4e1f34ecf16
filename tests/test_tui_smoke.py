"""The real `nearsame tui seeds/` in a real terminal (tmux): keys in, screen out, exit status."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from terminal import needs_tmux, run_in, screen, screen_has, screen_lacks, tmux, wait_for

ROOT = Path(__file__).resolve().parent.parent
NEARSAME = Path(sys.executable).parent / "nearsame"
pytestmark = needs_tmux


def start(name: str, status: Path, env: str = "") -> None:
    run_in(name, f"cd {ROOT} && {env} {NEARSAME} tui seeds/; echo $? > {status}; sleep 30")


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


def test_a_saved_report_opened_from_another_directory_shows_its_texts(
    terminal: tuple[str, Path], tmp_path: Path
) -> None:
    # The user's commands: `cd ROOT && nearsame report corpus --format json -o out/rel.json`,
    # then `cd ELSEWHERE && nearsame tui ROOT/out/rel.json` and enter on an article (it stopped
    # on an IndexError, the texts missing).
    name, status = terminal
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    shutil.copytree(ROOT / "seeds", root / "corpus")
    (root / "out").mkdir()
    elsewhere.mkdir()
    report = [str(NEARSAME), "report", "corpus", "--format", "json", "-o", "out/rel.json"]
    assert subprocess.run(report, cwd=root, check=False).returncode == 1  # something shared
    run_in(
        name, f"cd {elsewhere} && {NEARSAME} tui {root}/out/rel.json; echo $? > {status}; sleep 30"
    )
    wait_for(screen_has(name, "Kim Jong Un appelle", "space marks two articles"), name=name)
    assert "missing" not in screen(name)
    tmux("send-keys", "-t", name, "Down", "Enter")
    wait_for(screen_has(name, "what's new in", "first seen in"), name=name)
    tmux("send-keys", "-t", name, "q")
    wait_for(status.exists, name=name)
    assert status.read_text().strip() == "0"
