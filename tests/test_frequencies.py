"""wordfreq's tables as nearsame reads them: cached once as sorted hashes, the same values."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from wordfreq import get_frequency_dict

from nearsame import frequencies as module
from nearsame.frequencies import frequencies, wordlist_file


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder of nearsame's own, and no table read yet in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    frequencies.cache_clear()
    yield tmp_path / "cache" / "nearsame"
    frequencies.cache_clear()


def _same_as_wordfreq(language: str) -> None:
    table = frequencies(language)
    expected = dict(get_frequency_dict(language))
    assert all(table.get(word) == value for word, value in expected.items())
    for unknown in ("zzxqvbnarf", "15000", "", "kcna-kcna"):
        assert table.get(unknown) == expected.get(unknown)


@pytest.mark.parametrize("language", ["fr", "en", "ca", "no"])
def test_every_word_has_wordfreqs_frequency_first_from_the_file_then_from_the_cache(
    cache_home: Path, language: str
) -> None:
    _same_as_wordfreq(language)  # read from wordfreq's file, and cached
    (cached,) = cache_home.iterdir()
    source = wordlist_file(language)  # Norwegian: wordfreq's nb
    assert source is not None and cached.name.startswith(f"wordfreq-{source.name.split('.')[0]}-")
    frequencies.cache_clear()
    _same_as_wordfreq(language)  # read from the cache
    assert list(cache_home.iterdir()) == [cached]


def test_a_language_wordfreq_lacks_has_no_frequencies(cache_home: Path) -> None:
    assert wordlist_file("xx") is None
    assert frequencies("xx").get("le") is None
    assert frequencies("../fr").get("le") is None
    assert not cache_home.exists()


def test_a_word_in_two_bands_takes_the_later_as_wordfreq_does() -> None:
    table = module._hash_table([["a", "b"], ["c"], ["a"]])
    found = module._HashedTable(table)
    assert [found.get(w) for w in "abcd"] == [10 ** (-2 / 100), 1.0, 10 ** (-1 / 100), None]


@pytest.mark.parametrize(
    "damage", [b"", b"not a numpy file", "truncated", "unsorted", "wrong shape"]
)
def test_a_damaged_cache_file_is_made_again(cache_home: Path, damage: bytes | str) -> None:
    good = frequencies("fr").get("munitions")
    (cached,) = cache_home.iterdir()
    table = np.load(cached)
    if damage == "truncated":
        cached.write_bytes(cached.read_bytes()[:-1000])
    elif damage == "unsorted":
        np.save(cached, table[:, ::-1].copy())
    elif damage == "wrong shape":
        np.save(cached, table[0].copy())
    else:
        assert isinstance(damage, bytes)
        cached.write_bytes(damage)
    frequencies.cache_clear()
    assert frequencies("fr").get("munitions") == good
    frequencies.cache_clear()
    assert np.array_equal(np.load(cached), table)  # written again, whole


def test_a_cache_folder_that_is_a_file_costs_time_not_answers(cache_home: Path) -> None:
    cache_home.parent.mkdir()
    cache_home.write_text("in the way")
    _same_as_wordfreq("fr")
    assert cache_home.read_text() == "in the way"
    assert not list(cache_home.parent.glob("*.tmp"))


def test_no_home_folder_costs_time_not_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    def nowhere(*args: object, **kwargs: object) -> str:
        raise RuntimeError("could not determine the home directory")

    monkeypatch.setattr("platformdirs.user_cache_dir", nowhere)
    frequencies.cache_clear()
    try:
        _same_as_wordfreq("fr")
    finally:
        frequencies.cache_clear()


def test_an_empty_table_finds_nothing() -> None:
    assert module._HashedTable(module._hash_table([])).get("le") is None
    assert module._HashedTable(module._hash_table([[]])).get("le") is None
