"""`Memo`: a bounded memo for the per-word work done again and again over news text."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

__all__ = ["Memo"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(dict[K, V]):
    """``compute(key)`` of each key, computed the first time ``memo[key]`` asks for it (news
    vocabulary repeats heavily). At ``limit`` entries it starts again empty, so that a
    long-running process stays bounded; a hit is a plain ``dict`` look-up."""

    def __init__(self, compute: Callable[[K], V], limit: int) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, key: K) -> V:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._compute(key)
        return value
