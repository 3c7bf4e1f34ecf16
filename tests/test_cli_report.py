from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nearsame.report import validate

ROOT = Path(__file__).parent.parent
SEED_000 = "seeds/000_ba787c83ef70fcd0.txt"
SEED_003 = "seeds/003_792bb7683bd44ead.txt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from nearsame.cli import entry_point; entry_point()", *args],
        capture_output=True, cwd=ROOT, timeout=120, check=False, text=True,
    )  # fmt: skip


def test_report_json_of_the_seeds_is_valid_and_exits_1_because_passages_are_shared() -> None:
    result = run("report", "seeds/", "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    validate(data)
    assert data["schema"] == "nearsame.report/1"
    for match in data["matches"]:
        assert match["kind"] == "paraphrase"
        text = (ROOT / "seeds" / match["later"]["doc"]).read_text(encoding="utf-8")
        assert text[match["later"]["start"] : match["later"]["end"]].strip()


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("text", "paraphrase"),
        ("markdown", "# nearsame report"),
        ("html", "<!doctype html>"),
        ("jsonl", '"type": "header"'),
    ],
)
def test_every_report_format_renders(fmt: str, marker: str, tmp_path: Path) -> None:
    result = run("report", "seeds/", "--format", fmt, "-o", str(tmp_path / "out"))
    assert result.returncode == 1, result.stderr
    assert marker in (tmp_path / "out").read_text(encoding="utf-8")


def test_compare_shows_the_aligned_pair_and_exits_1() -> None:
    result = run("compare", SEED_000, SEED_003)
    assert result.returncode == 1, result.stderr
    assert "paraphrase" in result.stdout and "new in the later article" in result.stdout
    assert "15 000 soldats" in result.stdout


def test_compare_of_unrelated_articles_exits_0() -> None:
    result = run(
        "compare", "fixtures/planted/base.txt", "fixtures/planted/unrelated.txt", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["matches"] == []


def test_report_refuses_a_bad_threshold_with_status_2() -> None:
    result = run("report", "seeds/", "--near", "7")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_duplicates_only_exits_0_when_no_article_is_a_near_duplicate() -> None:
    result = run("report", "seeds/", "--duplicates-only", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    validate(data)
    assert data["clusters"] == [] and data["matches"] == []
    assert data["parameters"]["passages"] is False
