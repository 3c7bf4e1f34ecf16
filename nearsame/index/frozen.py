"""A frozen copy of an SQLite index's band table in one memory-mapped file: lookups without B-trees.

SQLite finds a band key in about 4 µs, a descent of its B-tree; a check looks up some 600 keys,
so at 100,000 articles the lookup was a quarter of a check (3.7 ms). This file holds the band
table as it was at one moment, sorted by key, with a directory by the top bits of the key: band
keys are hashes, so each directory slot holds a handful of keys, and a lookup is a few numpy
operations over all the keys of a check at once (about 0.9 ms at 100,000 articles).

The file is a cache, never the truth: the SQLite table stays complete, and an index whose file is
missing, damaged or out of date answers from the table alone (`nearsame.index.sqlite`). Layout:
a header (``MAGIC``, then the length and the JSON of the section table), then the sections, each
8-byte aligned and little-endian: ``entries`` (`ENTRY` rows of every key, key after key),
``keys`` (ascending), ``offsets`` (where each key's entries start, and the end), ``crowded``
(the crowded keys, ascending) and ``directory`` (for each value of a key's top ``bits``, its
first row in ``keys``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nearsame.index.base import ENTRY, ranges

__all__ = ["Frozen", "FrozenError", "write_frozen"]

MAGIC = b"nearsame-frozen1"
_HEADER = 1 << 12  # bytes kept for the header: the entries are written first, before it is known
_SIGN = np.uint64(1 << 63)
Ints = npt.NDArray[np.int64]


class FrozenError(Exception):
    """The file is not a frozen band table this version can read."""


def _buckets(keys: Ints, bits: int) -> Ints:
    """The directory slot of each key: its top ``bits``, in the order of signed keys."""
    return ((keys.view(np.uint64) ^ _SIGN) >> np.uint64(64 - bits)).astype(np.int64)


def write_frozen(
    path: Path,
    rows: Iterable[list[tuple[int, bytes | None]]],
    *,
    upto: int,
    token: str,
    progress: Callable[[float], None] | None = None,
) -> None:
    """Write the band table ``rows`` (chunks of ``(key, entries)``, ascending, ``None`` for a
    crowded key) to ``path``, recording that it holds the documents numbered up to ``upto`` and
    ``token``, which the index records too: a copy is only used by the index that wrote it (an
    index file copied alone would otherwise find, under the same name, another index's copy).

    The file is synced before this returns. ``progress`` gets the share of the key space done
    (keys are hashes: it grows evenly).
    """
    keys: list[Ints] = []
    counts: list[Ints] = []
    crowded: list[int] = []
    with path.open("wb") as out:
        out.seek(_HEADER)
        for chunk in rows:
            kept = [(key, blob) for key, blob in chunk if blob is not None]
            crowded += [key for key, blob in chunk if blob is None]
            keys.append(np.fromiter((key for key, _ in kept), dtype=np.int64, count=len(kept)))
            counts.append(
                np.fromiter(
                    (len(blob) // ENTRY.itemsize for _, blob in kept), np.int64, count=len(kept)
                )
            )
            out.write(b"".join(blob for _, blob in kept))
            if progress is not None and chunk:
                progress(float((np.uint64(chunk[-1][0] & (2**64 - 1)) ^ _SIGN) / 2.0**64))
        all_keys = np.concatenate([np.empty(0, np.int64), *keys])
        offsets = np.zeros(len(all_keys) + 1, dtype=np.int64)
        np.cumsum(np.concatenate([np.empty(0, np.int64), *counts]), out=offsets[1:])
        bits = max(4, min(30, int(np.ceil(np.log2(max(len(all_keys), 1) / 8)))))
        directory = np.searchsorted(_buckets(all_keys, bits), np.arange((1 << bits) + 1))
        sections: dict[str, list[Any]] = {"entries": [_HEADER, int(offsets[-1]), "entry"]}
        position = _HEADER + int(offsets[-1]) * ENTRY.itemsize
        for name, array in (
            ("keys", all_keys),
            ("offsets", offsets),
            ("crowded", np.asarray(sorted(crowded), dtype=np.int64)),
            ("directory", directory.astype(np.int64)),
        ):
            position += -position % 8
            out.seek(position)
            out.write(array.astype("<i8").tobytes())
            sections[name] = [position, len(array), "int64"]
            position += 8 * len(array)
        header = json.dumps(
            {"upto": upto, "token": token, "bits": bits, "size": position, "sections": sections}
        ).encode()
        if len(MAGIC) + 8 + len(header) > _HEADER:
            raise FrozenError("header too long")  # cannot happen: five sections
        out.seek(0)
        out.write(MAGIC + len(header).to_bytes(8, "little") + header)
        out.flush()
        os.fsync(out.fileno())


def _among(values: Ints, ascending: Ints) -> npt.NDArray[np.bool_]:
    """Which of ``values`` are in ``ascending`` (a binary search each: `numpy.isin` sorts)."""
    if not len(ascending):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ascending, values), len(ascending) - 1)
    return np.asarray(ascending[at] == values)


@dataclass(frozen=True)
class Found:
    """What the file holds under some keys: the key of each entry, the entries (`ENTRY`), and
    the keys asked for that are crowded."""

    keys: Ints
    entries: npt.NDArray[Any]
    crowded: Ints


class Frozen:
    """A frozen band table, memory-mapped (`write_frozen`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with path.open("rb") as f:
                head = f.read(_HEADER)
            if head[: len(MAGIC)] != MAGIC:
                raise FrozenError(f"{path}: not a frozen band table")
            length = int.from_bytes(head[len(MAGIC) : len(MAGIC) + 8], "little")
            header = json.loads(head[len(MAGIC) + 8 : len(MAGIC) + 8 + length])
            if path.stat().st_size != header["size"]:
                raise FrozenError(f"{path}: truncated")
            self.upto = int(header["upto"])
            self.token = str(header.get("token"))
            self._bits = int(header["bits"])
            sections = header["sections"]
            position, count, _ = sections["entries"]
            self._entries = (
                np.memmap(path, dtype=ENTRY, mode="r", offset=position, shape=(count,))
                if count
                else np.empty(0, dtype=ENTRY)
            )
            arrays = {}
            for name in ("keys", "offsets", "crowded", "directory"):
                position, count, _ = sections[name]
                arrays[name] = (
                    np.memmap(path, dtype="<i8", mode="r", offset=position, shape=(count,))
                    if count
                    else np.empty(0, dtype=np.int64)
                )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise FrozenError(f"{path}: {error}") from error
        self._keys = arrays["keys"]
        self._offsets = arrays["offsets"]
        self._crowded = np.array(arrays["crowded"])  # a few thousand keys: read once
        self._directory = arrays["directory"]

    def lookup(self, wanted: Ints) -> Found:
        """The entries under ``wanted`` (distinct keys, ascending), key by key in that order."""
        crowded = wanted[_among(wanted, self._crowded)]
        if not len(self._keys) or not len(wanted):
            return Found(np.empty(0, np.int64), np.empty(0, ENTRY), crowded)
        slots = _buckets(wanted, self._bits)
        low, high = self._directory[slots], self._directory[slots + 1]
        sizes = high - low
        asked = np.repeat(np.arange(len(wanted)), sizes)
        rows = ranges(low, sizes)
        hit = np.asarray(self._keys[rows]) == wanted[asked]
        rows, keys = rows[hit], wanted[asked[hit]]
        starts, stops = self._offsets[rows], self._offsets[rows + 1]
        counts = stops - starts
        return Found(
            np.repeat(keys, counts), np.asarray(self._entries[ranges(starts, counts)]), crowded
        )
