"""What the Pilot tests of the TUI share: the seeds, a terminal size, and async tests run with
asyncio (no async plugin needed)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EARLIER, LATER = "000_ba787c83ef70fcd0.txt", "003_792bb7683bd44ead.txt"
SIZE = (160, 50)
P = ParamSpec("P")


def pilot_test(test: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    """Run an async Pilot test with asyncio."""

    @wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(test(*args, **kwargs))

    return run
