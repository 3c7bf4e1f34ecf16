"""The human-facing outputs of report, compare and inspect: their summary lines, the article lists
(with ids), the Markdown quotes (the text between words kept, emphasis that renders) and the HTML
report's links from matches to articles."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

FIRST = (
    "Heavy rain caused the River Ouse to burst its banks on Sunday, flooding more than 400 homes "
    "in the city of York and forcing the evacuation of about 2,300 residents."
)
SECOND = (
    "On Tuesday, the prime minister visited a rest centre set up in a school gymnasium and "
    f"promised an extra 50 million pounds for flood defences in the region.\n\n{FIRST}"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from nearsame.cli import entry_point; entry_point()", *args],
        capture_output=True, cwd=ROOT, timeout=120, check=False, text=True,
    )  # fmt: skip


def _pair(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(exist_ok=True)
    earlier, later = folder / "a.txt", folder / "b.txt"
    earlier.write_text(f"title: Floods\ndate: 2024-03-10\n\n{FIRST}", encoding="utf-8")
    later.write_text(f"title: Floods\ndate: 2024-03-11\n\n{SECOND}", encoding="utf-8")
    return earlier, later


def test_summary_lines_say_one_in_the_singular(tmp_path: Path) -> None:
    earlier, later = _pair(tmp_path / "pair")
    compared = run("compare", str(earlier), str(later))
    assert compared.returncode == 1, compared.stderr
    assert "1 shared passage;" in compared.stdout and "(s)" not in compared.stdout
    reported = run("report", str(tmp_path / "pair"))
    assert reported.returncode == 1, reported.stderr
    assert "2 documents, 1 shared passage, 0 near-duplicate clusters" in reported.stdout
    inspected = run("inspect", str(earlier))
    assert inspected.returncode == 0, inspected.stderr
    assert re.search(r"\b1 paragraph, 1 sentence, \d+ words\b", inspected.stdout)
