"""SVG snapshots of the TUI at a fixed size: story, comparison (split, inline), what's new, help.

They read a saved report of the seeds (``fixtures/reports/seeds-report.json``, made by
``nearsame report seeds/ --format json --include-text``) so that they pin the interface, not the
engine: regenerate that file too when the engine's output changes on purpose.

Update them with ``pytest tests/test_tui_snapshots.py --snapshot-update`` after checking the
change by eye (the report in ``snapshot_report.html``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from nearsame.story import Story, read_saved_report
from nearsame.tui import create_app

SAVED = Path(__file__).resolve().parent.parent / "fixtures" / "reports" / "seeds-report.json"
SIZE = (140, 44)
SnapCompare = Callable[..., bool]


@cache
def seeds_story() -> Story:
    return read_saved_report(SAVED)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param((), id="story"),
        pytest.param(("space", "down", "space", "enter", "n"), id="compare-split"),
        pytest.param(("space", "down", "space", "enter", "v", "n"), id="compare-inline"),
        pytest.param(("down", "enter", "n"), id="whats-new-003"),
        pytest.param(("down", "c", "question_mark"), id="help"),
    ],
)
def test_the_views_look_as_pinned(snap_compare: Any, keys: tuple[str, ...]) -> None:
    compare: SnapCompare = snap_compare
    assert compare(create_app(story=seeds_story()), press=keys, terminal_size=SIZE)
