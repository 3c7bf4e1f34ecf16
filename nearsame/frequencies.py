"""wordfreq's word frequencies, read fast: what a fresh process pays before its first check.

wordfreq keeps a language's table as lists of words by frequency band, gzipped msgpack.
Unpacking the French one into a ``dict`` of 311,000 words takes about 0.25 s, a quarter of the
time a fresh process may take to answer its first check. So the first use writes the table
once, as sorted 64-bit hashes of the words with their bands, to nearsame's cache folder
(``platformdirs.user_cache_dir("nearsame")``; ``XDG_CACHE_HOME`` moves it), and every later
process maps that file (about a millisecond) and finds a word by binary search. The file is named
after the wordfreq file it was made from (its size and time), so a new wordfreq makes a new one.
Where the cache folder cannot be written, the table is kept in memory only.

Two different words would have to share a 64-bit hash to be confused: for 311,000 words, a
chance of about one in 400 million that any two words of the language do.
"""

from __future__ import annotations

import gzip
import os
import secrets
from collections.abc import Mapping
from contextlib import suppress
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
import xxhash

__all__ = ["FrequencyTable", "frequencies", "wordlist_file"]

#: changes whenever the cache file's layout does
_LAYOUT = 1
_U64 = np.dtype("<u8")
#: where wordfreq files a language under another code (it would say so on stderr, and use it)
_WORDFREQ_NAMES = {"no": "nb"}


class FrequencyTable(Protocol):
    """A language's word frequencies: ``get(word)`` as ``wordfreq.get_frequency_dict``'s."""

    def get(self, word: str) -> float | None:
        """The frequency of ``word`` (composed, casefolded), or ``None`` if wordfreq has none."""
        ...


class _HashedTable:
    """Sorted word hashes (row 0) and each word's frequency band (row 1, centibels below 1)."""

    def __init__(self, table: npt.NDArray[np.uint64]) -> None:
        plain = table.view(np.ndarray)  # a memory map's own indexing is slow, in Python
        self._hashes = plain[0]
        self._bands = plain[1]
        self._count = len(self._hashes)

    def get(self, word: str) -> float | None:
        key = _U64.type(xxhash.xxh64_intdigest(word.encode("utf-8", "surrogatepass")))
        at = int(self._hashes.searchsorted(key))
        if at == self._count or self._hashes[at] != key:
            return None
        return float(10 ** (-int(self._bands[at]) / 100))  # wordfreq.cB_to_freq(-band)


def wordlist_file(language: str) -> Path | None:
    """wordfreq's ``best`` file for ``language`` (``large`` if there is one, else ``small``)."""
    spec = find_spec("wordfreq")
    folders = spec.submodule_search_locations if spec else None
    if not folders or not language.isalpha():
        return None
    name = _WORDFREQ_NAMES.get(language, language)
    for size in ("large", "small"):
        path = Path(next(iter(folders))) / "data" / f"{size}_{name}.msgpack.gz"
        if path.is_file():
            return path
    return None


def _read_bands(path: Path) -> list[list[str]] | None:
    """The words of a wordfreq file, band by band (band ``i`` is ``-i`` centibels), or ``None``
    if it is not in the one format known (``cB``, version 1)."""
    import msgpack  # type: ignore[import-untyped]  # wordfreq's own reader

    with gzip.open(path, "rb") as handle:
        data = msgpack.load(handle, raw=False)
    header = data[0] if data else None
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        return None
    return list(data[1:])


def _hash_table(bands: list[list[str]]) -> npt.NDArray[np.uint64]:
    words = [word for band in bands for word in band]
    hashes = np.fromiter(
        (xxhash.xxh64_intdigest(w.encode("utf-8", "surrogatepass")) for w in words),
        dtype=_U64,
        count=len(words),
    )
    numbers = np.repeat(np.arange(len(bands), dtype=_U64), [len(band) for band in bands])
    # a word in two bands takes the later one, as wordfreq's dict does: the last of equal hashes
    order = np.argsort(hashes[::-1], kind="stable")
    hashes, numbers = hashes[::-1][order], numbers[::-1][order]
    first = np.r_[True, hashes[1:] != hashes[:-1]] if len(hashes) else np.zeros(0, dtype=bool)
    return np.stack([hashes[first], numbers[first]])


def _cache_file(source: Path) -> Path:
    from platformdirs import user_cache_dir

    stat = source.stat()
    name = f"wordfreq-{source.name.split('.')[0]}-{stat.st_size}-{stat.st_mtime_ns}-{_LAYOUT}.npy"
    return Path(user_cache_dir("nearsame", appauthor=False)) / name


def _load(path: Path) -> npt.NDArray[np.uint64] | None:
    try:
        table: npt.NDArray[np.uint64] = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if table.dtype != _U64 or table.ndim != 2 or table.shape[0] != 2 or not table.shape[1]:
        return None
    hashes = table[0]
    if len(hashes) > 1 and not bool((hashes[1:] > hashes[:-1]).all()):
        return None
    return table


def _save(path: Path, table: npt.NDArray[np.uint64]) -> None:
    """Write ``table`` to ``path`` whole or not at all (other processes may be reading it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("wb") as handle:
            np.save(handle, table, allow_pickle=False)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


@cache
def frequencies(language: str) -> FrequencyTable | Mapping[str, float]:
    """The frequency table of ``language`` (empty when wordfreq has none): its values are those
    of ``wordfreq.get_frequency_dict(language)``."""
    source = wordlist_file(language)
    if source is not None:
        try:  # no home folder (RuntimeError from platformdirs) means no cache
            cached: Path | None = _cache_file(source)
        except (OSError, RuntimeError):
            cached = None
        table = None if cached is None else _load(cached)
        if table is not None:
            return _HashedTable(table)
        bands = _read_bands(source)
        if bands:
            table = _hash_table(bands)
            if cached is not None:
                with suppress(OSError):  # a read-only home: this process keeps it in memory
                    _save(cached, table)
            return _HashedTable(table)
    from wordfreq import available_languages, get_frequency_dict

    if language not in available_languages():
        # none of its own: wordfreq would log that it takes the nearest language's (Luxembourgish
        # for German) on stderr, in a library that must not print
        return {}
    try:
        return dict(get_frequency_dict(language))
    except (LookupError, ValueError):
        return {}
