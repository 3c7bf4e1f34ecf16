"""Clusters of whole-article near-duplicates (union-find), each led by its earliest member."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["canonical_of", "clusters"]


def clusters(count: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Group ``0..count-1`` by the ``pairs`` that link them; groups of two or more, sorted.

    Each group is sorted, so that its first member (the lowest position) is the canonical one.
    """
    parent = list(range(count))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for first, second in pairs:
        a, b = root(first), root(second)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for item in range(count):
        groups.setdefault(root(item), []).append(item)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def canonical_of(groups: Sequence[Sequence[int]]) -> dict[int, int]:
    """For every member of a group, the group's first member."""
    return {member: group[0] for group in groups for member in group}
