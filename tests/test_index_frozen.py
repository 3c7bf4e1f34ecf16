"""An optimized SQLite index (`Index.optimize`): its frozen band table changes no answer, ever."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from index_docs import article, doc, edited

import nearsame.index.sqlite as sqlite_store
from nearsame.document import Document
from nearsame.index import Decision, Index, open_index
from nearsame.index.check import prepare
from nearsame.params import Params

ROOT = Path(__file__).parent.parent
# a small bucket limit, so that the footer's keys crowd as boilerplate does in a large index
PARAMS = Params(max_bucket=6)
FOOTER = " À VOIR AUSSI la grande enquête sur le climat et la pollution de la région."


def documents(count: int, start: int = 0) -> list[Document]:
    """Articles, edited copies of earlier ones, and a footer on every third."""
    found = []
    for n in range(start, start + count):
        text = article(n % 25, sentences=5)
        if n >= 25:
            text = edited(text, n)
        found.append(doc(f"d{n}", text + (FOOTER if n % 3 == 0 else "")))
    return found


PROBES = [*documents(12, start=200)[::2], doc("new", article(77, sentences=4) + FOOTER)]


def answers(index: Index) -> list[Decision]:
    return [index.check(probe) for probe in PROBES]


def lookups(index: Index) -> list[tuple[list[int], list[int], list[int], list[int]]]:
    """What the store finds under every probe's keys, in one order."""
    found = []
    for probe in PROBES:
        keys = prepare(probe, index.params).keys
        postings = index._store.lookup(keys)
        order = np.lexsort((postings.units, postings.nums, postings.keys))
        found.append((
            postings.keys[order].tolist(), postings.nums[order].tolist(),
            postings.units[order].tolist(), sorted(postings.crowded),
        ))  # fmt: skip
    return found


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Index, Index]]:
    """The same index twice: one to optimize, one answering from its table alone."""
    with (
        open_index(tmp_path / "fast.db", params=PARAMS) as fast,
        open_index(tmp_path / "plain.db", params=PARAMS) as plain,
    ):
        yield fast, plain


def add_to_both(pair: tuple[Index, Index], added: list[Document]) -> None:
    for index in pair:
        index.add(added)


def triggers(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        found = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        names = [name for (name,) in found]
    db.close()
    return names


def frozen_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "-frozen-" in p.name)


def test_an_optimized_index_answers_as_its_table_alone_through_adds_and_removals(
    pair: tuple[Index, Index], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the frozen table serves however much was added since it was written
    monkeypatch.setattr(sqlite_store, "_STALE", 100.0)
    fast, plain = pair
    stream = iter(documents(150))
    rng = random.Random(3)
    for step in range(14):
        action = ["add", "check", "remove", "optimize"][step % 4 if step > 1 else 0]
        if action == "add":
            batch = [next(stream) for _ in range(rng.randint(5, 15))]
            fast.add(batch)
            plain.add(batch)
        elif action == "check":
            for document in [next(stream) for _ in range(4)]:
                assert fast.check(document, add=True) == plain.check(document, add=True)
        elif action == "remove":
            victim = rng.choice(sorted(d.id for d in documents(150) if d.id in plain))
            assert fast.remove(victim) and plain.remove(victim)
        else:
            assert fast.optimize()
        if step >= 3:  # optimized once: lookups go through the frozen table from then on
            frozen = fast.stats().frozen
            assert frozen is not None and frozen["in_use"], step
        assert lookups(fast) == lookups(plain), (step, action)
        assert answers(fast) == answers(plain), (step, action)
    assert any(p.boilerplate for d in answers(fast) for m in d.matches for p in m.passages)
    assert frozen_files(tmp_path) == ["fast.db-frozen-3"]  # earlier copies deleted


@pytest.mark.parametrize("writes", ["adds", "removals"])
def test_a_copy_too_far_behind_is_set_aside_until_the_next_optimize(
    pair: tuple[Index, Index], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes: str
) -> None:
    # the mechanism, at a share that leaves room for a few documents in a small index; removals
    # count as adds do (every lookup reads the documents removed since: they must not pile up)
    monkeypatch.setattr(sqlite_store, "_STALE", 0.25)
    fast, plain = pair
    add_to_both(pair, documents(40))
    assert triggers(tmp_path / "fast.db") == []  # adds pay for nothing until an optimize
    assert fast.optimize()
    assert triggers(tmp_path / "fast.db") == ["recent_insert", "recent_removed", "recent_update"]
    assert fast.stats().frozen == {"file": "fast.db-frozen-1", "added_since": 0, "in_use": True}
    done = 0

    def write(count: int) -> dict[str, Any]:
        nonlocal done
        for n in range(done, done + count):
            if writes == "adds":
                add_to_both(pair, documents(1, start=40 + n))
            else:
                assert fast.remove(f"d{n}") and plain.remove(f"d{n}")
        done += count
        return {"added_since": done if writes == "adds" else 0}

    since = write(10)  # a quarter: still used
    assert fast.stats().frozen == {"file": "fast.db-frozen-1", **since, "in_use": True}
    since = write(1)
    assert fast.stats().frozen == {"file": "fast.db-frozen-1", **since, "in_use": False}
    assert answers(fast) == answers(plain)
    since = write(1)  # the next write sets the copy aside: no more writes kept for it
    assert fast.stats().frozen == {"file": None, **since, "in_use": False}
    assert not frozen_files(tmp_path) and triggers(tmp_path / "fast.db") == []
    with sqlite3.connect(tmp_path / "fast.db") as db:
        for table in ("recent", "removed"):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)]
    db.close()
    assert answers(fast) == answers(plain)
    assert fast.optimize()
    assert fast.stats().frozen == {"file": "fast.db-frozen-2", "added_since": 0, "in_use": True}
    assert answers(fast) == answers(plain)


@pytest.mark.parametrize("damage", ["deleted", "truncated", "overwritten"])
def test_a_missing_or_damaged_copy_changes_no_answer(
    pair: tuple[Index, Index], tmp_path: Path, damage: str
) -> None:
    fast, plain = pair
    add_to_both(pair, documents(40))
    assert fast.optimize()
    copy = tmp_path / "fast.db-frozen-1"
    expected = answers(plain)
    with open_index(tmp_path / "fast.db") as other:  # a process that never saw the copy
        if damage == "deleted":
            copy.unlink()
        elif damage == "truncated":
            copy.write_bytes(copy.read_bytes()[:1000])
        else:
            copy.write_bytes(b"\0" * copy.stat().st_size)
        assert answers(other) == expected
        assert other.stats().frozen == {
            "file": "fast.db-frozen-1", "added_since": 0, "in_use": False,
        }  # fmt: skip
        assert other.optimize()
        assert answers(other) == expected
        assert other.stats().frozen == {
            "file": "fast.db-frozen-2", "added_since": 0, "in_use": True,
        }  # fmt: skip


def test_an_index_file_copied_alone_never_uses_another_index_s_copy(tmp_path: Path) -> None:
    # news.db optimized, copied alone to backup.db, then built again from more articles, other
    # ones, and optimized: its new copy has the name backup.db records, holds as many documents,
    # and must not answer for it
    with open_index(tmp_path / "news.db", params=PARAMS) as news:
        news.add(documents(40))
        assert news.optimize()
        expected = answers(news)
    (tmp_path / "backup.db").write_bytes((tmp_path / "news.db").read_bytes())
    for path in tmp_path.glob("news.db*"):
        path.unlink()
    with open_index(tmp_path / "news.db", params=PARAMS) as news:
        news.add([doc(f"other{n}", article(300 + n, sentences=3)) for n in range(60)])
        assert news.optimize()
    with open_index(tmp_path / "backup.db") as backup:
        assert backup.stats().frozen == {
            "file": "news.db-frozen-1", "added_since": 0, "in_use": False,
        }  # fmt: skip
        assert answers(backup) == expected
        assert backup.optimize()
        assert backup.stats().frozen == {
            "file": "backup.db-frozen-2", "added_since": 0, "in_use": True,
        }  # fmt: skip
        assert answers(backup) == expected


def with_index_elsewhere(path: Path, code: str, **pipes: Any) -> subprocess.Popen[bytes]:
    """Another Python process running ``code`` with the index at ``path`` open as ``index``."""
    return subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from nearsame.index import open_index\n"
         "with open_index(sys.argv[1]) as index:\n"
         f"    {code}\n",
         str(path)],
        cwd=ROOT, **pipes,
    )  # fmt: skip


def test_checks_and_adds_in_this_process_see_another_process_optimize_again_and_again(
    pair: tuple[Index, Index], tmp_path: Path
) -> None:
    fast, plain = pair
    add_to_both(pair, documents(30))
    optimizer = with_index_elsewhere(
        tmp_path / "fast.db", "for _ in range(40): index.optimize(); time.sleep(0.01)",
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for document in documents(40, start=30):
            assert fast.check(document, add=True) == plain.check(document, add=True)
            assert answers(fast)[:2] == answers(plain)[:2]
    finally:
        _, err = optimizer.communicate(timeout=120)
    assert optimizer.returncode == 0, err.decode()
    assert answers(fast) == answers(plain)
    # one copy at most (none if the adds since set the latest aside), and nothing half-written
    assert len(frozen_files(tmp_path)) <= 1
    assert not [name for name in frozen_files(tmp_path) if name.endswith(".tmp")]


def test_an_optimize_killed_midway_leaves_a_sound_index_and_its_leftovers_are_swept(
    pair: tuple[Index, Index], tmp_path: Path
) -> None:
    fast, plain = pair
    add_to_both(pair, documents(40))
    assert fast.optimize()
    # a process that stops for good half-way through writing the next copy
    process = with_index_elsewhere(
        tmp_path / "fast.db",
        "index.optimize(lambda share: (print('writing', flush=True), time.sleep(600)))",
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"writing\n"
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    left = frozen_files(tmp_path)
    assert left[0] == "fast.db-frozen-1" and len(left) == 2
    assert left[1].startswith(f"fast.db-frozen-2.{process.pid}-") and left[1].endswith(".tmp")
    with sqlite3.connect(tmp_path / "fast.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()
    assert answers(fast) == answers(plain)
    assert fast.optimize()
    assert frozen_files(tmp_path) == ["fast.db-frozen-2"]
    assert answers(fast) == answers(plain)


def test_a_copy_abandoned_under_a_process_number_taken_since_is_swept(
    pair: tuple[Index, Index], tmp_path: Path
) -> None:
    fast, plain = pair
    add_to_both(pair, documents(20))
    # left by a process gone long ago, whose number this (running) process now has
    abandoned = tmp_path / f"fast.db-frozen-1.{os.getpid()}-0badc0de.tmp"
    abandoned.write_bytes(b"half a copy")
    being_written = tmp_path / f"fast.db-frozen-1.{os.getpid()}-600dc0de.tmp"
    being_written.write_bytes(b"half a copy")
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    assert fast.optimize()
    assert not abandoned.exists() and being_written.exists()
    assert frozen_files(tmp_path) == ["fast.db-frozen-1", being_written.name]
    assert answers(fast) == answers(plain)


def crowding(start: int, count: int) -> list[Document]:
    """Documents whose footer crowds its keys (`PARAMS`), whatever came before them."""
    return [
        doc(f"c{n}", article(300 + n, sentences=3) + FOOTER) for n in range(start, start + count)
    ]


def test_keys_crowded_by_documents_removed_since_stay_crowded(
    pair: tuple[Index, Index], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_STALE", 100.0)
    fast, plain = pair
    add_to_both(pair, [d for d in documents(20) if FOOTER not in d.text])
    assert fast.optimize()
    for index in pair:
        index.add(crowding(0, 8))
        for document in crowding(0, 8):  # the newest documents all gone again
            index.remove(document.id)
    assert lookups(fast) == lookups(plain) and answers(fast) == answers(plain)
    assert any(keys for *_, keys in lookups(plain))  # the footer's keys are crowded


def test_keys_crowded_while_the_copy_was_written_stay_crowded(
    pair: tuple[Index, Index], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_STALE", 100.0)
    fast, plain = pair
    add_to_both(pair, [d for d in documents(20) if FOOTER not in d.text])
    meanwhile: list[Index] = []

    def writes(index: Index) -> None:  # a document crowds keys, and is removed, but one stays
        index.add(crowding(0, 8))
        for document in crowding(0, 8):
            index.remove(document.id)
        index.add([doc("late", article(400))])

    def during(share: float) -> None:
        if not meanwhile:
            with open_index(tmp_path / "fast.db") as other:
                meanwhile.append(other)
                writes(other)

    assert fast.optimize(during)
    writes(plain)
    assert lookups(fast) == lookups(plain) and answers(fast) == answers(plain)


def test_optimizing_a_copy_too_far_behind_survives_adds_meanwhile(
    pair: tuple[Index, Index], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_STALE", 0.25)  # room for one add in a small index
    fast, plain = pair
    add_to_both(pair, documents(20))
    assert fast.optimize()
    add_to_both(pair, documents(6, start=20))  # too many: the copy is no longer used
    assert fast.stats().frozen == {"file": "fast.db-frozen-1", "added_since": 6, "in_use": False}

    def during(share: float) -> None:  # another process adds while the new copy is written
        with open_index(tmp_path / "fast.db") as other:
            other.add(documents(1, start=26))

    assert fast.optimize(during)
    plain.add(documents(1, start=26))
    assert fast.stats().frozen == {"file": "fast.db-frozen-2", "added_since": 1, "in_use": True}
    assert frozen_files(tmp_path) == ["fast.db-frozen-2"]
    assert lookups(fast) == lookups(plain) and answers(fast) == answers(plain)


def test_an_empty_index_can_be_optimized_and_filled(
    pair: tuple[Index, Index], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_STALE", 100.0)
    fast, plain = pair
    assert fast.optimize()
    assert answers(fast) == answers(plain)
    add_to_both(pair, documents(1))
    assert fast.stats().frozen == {"file": "fast.db-frozen-1", "added_since": 1, "in_use": False}
    assert fast.optimize() and answers(fast) == answers(plain)


def test_optimize_is_for_index_files_only(tmp_path: Path) -> None:
    with open_index("memory://") as index:
        index.add(documents(5))
        assert not index.optimize() and index.stats().frozen is None


def test_nearsame_index_optimize_and_stats(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with open_index(path) as index:
        index.add(documents(30))
    done = nearsame("index", "optimize", "--index", str(path))
    assert done.returncode == 0, done.stderr
    assert f"optimized {path}: checks look keys up in news.db-frozen-1" in done.stderr
    stats = json.loads(nearsame("index", "stats", "--index", str(path)).stdout)
    assert stats["frozen"] == {"file": "news.db-frozen-1", "added_since": 0, "in_use": True}
    memory = nearsame("index", "optimize", "--index", "memory://")
    assert memory.returncode == 2 and "memory://: no index here" in memory.stderr


def test_index_add_refreshes_the_copy_of_an_index_optimized_before_and_only_that(
    tmp_path: Path,
) -> None:
    path = tmp_path / "news.db"
    lines = [json.dumps({"id": d.id, "text": d.text}) + "\n" for d in documents(260)]
    first = nearsame("index", "add", "-", "--index", str(path), stdin="".join(lines[:200]))
    assert first.returncode == 0, first.stderr
    assert "optimized" not in first.stderr and not frozen_files(tmp_path)  # never asked for
    assert nearsame("index", "optimize", "--index", str(path)).returncode == 0
    one = nearsame("index", "add", "-", "--index", str(path), stdin=lines[200])
    assert "optimized" not in one.stderr, "half a hundredth behind: not yet"
    more = nearsame("index", "add", "-", "--index", str(path), stdin="".join(lines[201:203]))
    assert f"optimized {path}: checks look keys up in news.db-frozen-2" in more.stderr
    assert frozen_files(tmp_path) == ["news.db-frozen-2"]
    # more than a quarter again added: refreshed too
    many = nearsame("index", "add", "-", "--index", str(path), stdin="".join(lines[203:]))
    assert f"optimized {path}: checks look keys up in news.db-frozen-3" in many.stderr
    again = nearsame("index", "add", "-", "--index", str(path), stdin="".join(lines))
    assert "optimized" not in again.stderr, "nothing added: nothing to do"


def nearsame(
    *args: str, stdin: str = "", boot: str = "from nearsame.cli import entry_point; entry_point()"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", boot, *args], input=stdin, capture_output=True, text=True,
        cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
