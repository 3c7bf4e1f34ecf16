"""`Index.add_stream`: batches analysed by real worker processes while this one writes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest
import redis
from conftest import RedisServer
from index_docs import article, doc

import nearsame.index.bulk as bulk
from nearsame.document import Document
from nearsame.index import open_index
from nearsame.index.base import Entry
from nearsame.params import Params

ROOT = Path(__file__).parent.parent


def stream(count: int, start: int = 0) -> list[Document]:
    return [doc(f"d{n}", article(n, sentences=4)) for n in range(start, start + count)]


def contents(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every stored document and posting row, in order."""
    with sqlite3.connect(path) as db:
        documents = db.execute("SELECT * FROM documents ORDER BY num").fetchall()
        postings = db.execute("SELECT * FROM postings ORDER BY key").fetchall()
    db.close()
    return documents, postings


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_store_exactly_what_this_process_alone_stores(tmp_path: Path, workers: int) -> None:
    documents = stream(23)
    results = {}
    for name, count in (("alone", 0), ("workers", workers)):
        with open_index(tmp_path / f"{name}.db") as index:
            results[name] = list(index.add_stream(documents, batch=4, workers=count))
    assert results["alone"] == results["workers"]
    assert [len(added.ids) for added in results["workers"]] == [4, 4, 4, 4, 4, 3]
    assert [i for added in results["workers"] for i in added.ids] == [d.id for d in documents]
    assert contents(tmp_path / "alone.db") == contents(tmp_path / "workers.db")


def test_workers_fill_a_redis_index_as_this_process_alone_does(redis_server: RedisServer) -> None:
    documents = stream(11)
    for prefix, count in (("alone", 0), ("workers", 1)):
        with open_index(redis_server.uri(prefix)) as index:
            added = list(index.add_stream(documents, batch=3, workers=count))
            assert [i for a in added for i in a.ids] == [d.id for d in documents]
    client = redis.Redis(port=redis_server.port)
    stored = {}
    for prefix in ("alone", "workers"):
        keys = sorted(client.scan_iter(f"{prefix}:*"))
        stored[prefix] = {key.split(b":", 1)[1]: client.dump(key) for key in keys}
    assert stored["alone"] == stored["workers"] and len(stored["alone"]) > 100


def test_without_workers_each_batch_is_written_before_the_next_is_read(tmp_path: Path) -> None:
    seen_when_asked: list[int] = []
    with open_index(tmp_path / "index.db") as index:

        def trickle() -> Iterator[Document]:
            for n, document in enumerate(stream(7)):
                if n % 3 == 0:
                    seen_when_asked.append(len(index))
                yield document

        assert sum(len(a.ids) for a in index.add_stream(trickle(), batch=3, workers=0)) == 7
    assert seen_when_asked == [0, 3, 6]


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_a_source_that_fails_loses_none_of_the_documents_read_before(
    tmp_path: Path, workers: int
) -> None:
    def failing() -> Iterator[Document]:
        yield from stream(10)
        raise OSError("the feed went away")

    with open_index(tmp_path / "index.db") as index:
        added: list[str] = []
        with pytest.raises(OSError, match="the feed went away"):
            for batch in index.add_stream(failing(), batch=3, workers=workers):
                added += batch.ids
        assert added == [d.id for d in stream(10)] and len(index) == 10


def test_documents_that_cannot_be_sent_to_a_worker_are_analysed_here(tmp_path: Path) -> None:
    odd = [replace(d, metadata=MappingProxyType({"desk": "world"})) for d in stream(7)]
    with open_index(tmp_path / "index.db") as index:
        added = list(index.add_stream(odd, batch=2, workers=1))
        assert sum(len(a.ids) for a in added) == 7 and len(index) == 7


def test_a_batch_that_cannot_be_sent_does_not_lose_the_worker_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = stream(9)
    documents[3] = replace(documents[3], metadata=MappingProxyType({"desk": "world"}))
    here: list[list[str]] = []  # the batches this process analysed (workers run their own code)
    entries = bulk._entries

    def analysed_here(batch: list[Document], params: Params) -> list[Entry]:
        here.append([d.id for d in batch])
        return entries(batch, params)

    monkeypatch.setattr(bulk, "_entries", analysed_here)
    with open_index(tmp_path / "index.db") as index:
        added = list(index.add_stream(documents, batch=2, workers=1))
        assert len(index) == 9
    assert here == [["d0", "d1"], ["d2", "d3"]]  # the first, and the one with d3
    assert all(a.worker_failure is None for a in added)


def test_add_stream_refuses_bad_settings_at_once(tmp_path: Path) -> None:
    with open_index(tmp_path / "index.db") as index:
        with pytest.raises(ValueError, match="batch must be at least 1"):
            index.add_stream(stream(2), batch=0)
        with pytest.raises(ValueError, match="workers at least 0"):
            index.add_stream(stream(2), workers=-1)


def test_a_conflicting_id_is_left_out_of_its_batch_and_named(tmp_path: Path) -> None:
    with open_index(tmp_path / "index.db") as index:
        index.add(stream(2))
        documents = [
            *stream(3, start=10),
            doc("d1", article(99)),  # indexed with another text
            doc("d10", article(10, sentences=4)),  # earlier in the stream, same text: skipped
            doc("d11", article(98)),  # earlier in the stream with another text
            *stream(2, start=20),
        ]
        added = list(index.add_stream(documents, batch=3, workers=1))
        assert [i for a in added for i in a.ids] == ["d10", "d11", "d12", "d20", "d21"]
        assert [d.id for a in added for d in a.conflicts] == ["d1", "d11"]
        assert sum(a.documents for a in added) == len(documents)
        assert index.get("d1") == stream(2)[1]
        assert index.get("d11") == stream(3, start=10)[1]


def test_a_worker_that_dies_is_replaced_by_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = stream(10)
    with open_index(tmp_path / "alone.db") as index:
        list(index.add_stream(documents, batch=3, workers=0))
    # a real worker process that fails at once, as one that cannot import nearsame would
    monkeypatch.setattr(bulk, "_BOOT", _FAILING)
    with open_index(tmp_path / "lost.db") as index:
        added = list(index.add_stream(documents, batch=3, workers=1))
    assert [i for a in added for i in a.ids] == [d.id for d in documents]
    assert contents(tmp_path / "alone.db") == contents(tmp_path / "lost.db")
    why = "a worker process exited with status 3: ImportError: no nearsame here"
    assert [a.worker_failure for a in added] == [None, why, why, why]


def test_a_worker_that_fails_is_named_once_by_index_add(tmp_path: Path) -> None:
    boot = f"import nearsame.index.bulk as b; b._BOOT = {_FAILING!r}; "
    process = index_add(tmp_path / "index.db", stream(12), jobs=2, boot=boot)
    _, err = process.communicate(b"", timeout=120)
    assert process.returncode == 0, err.decode()
    assert err.decode().count("a worker process exited with status 3") == 1
    assert (
        "exited with status 3: ImportError: no nearsame here; its batches are analysed in this "
        "process instead"
    ) in " ".join(err.decode().split())
    assert len(_stored(tmp_path / "index.db")) == 12


def test_index_add_runs_at_most_one_process_a_core(tmp_path: Path) -> None:
    process = index_add(tmp_path / "index.db", stream(12), jobs=1000)
    _, err = process.communicate(b"", timeout=120)
    assert process.returncode == 0, err.decode()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert f"--jobs 1000: using {cores}, the cores this process may run on" in err.decode()
    assert len(_stored(tmp_path / "index.db")) == 12


_FAILING = "import sys; print('ImportError: no nearsame here', file=sys.stderr); sys.exit(3)"


def test_no_interpreter_to_start_means_this_process_does_it_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    with open_index(tmp_path / "index.db") as index:
        added = list(index.add_stream(stream(7), batch=2, workers=1))
        assert sum(len(a.ids) for a in added) == 7 and len(index) == 7
    reasons = [str(a.worker_failure) for a in added[1:]]
    assert all(r.startswith("cannot start a worker process (") for r in reasons)


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    """Workers never import the caller's main module (as ``multiprocessing`` children do)."""
    script = tmp_path / "load.py"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in stream(9)),
        encoding="utf-8",
    )
    script.write_text(
        "import json, sys\n"
        "from nearsame.document import Document\n"
        "from nearsame.index import open_index\n"
        f"lines = open({str(feed)!r}, encoding='utf-8').read().splitlines()\n"
        "docs = [Document(**json.loads(line)) for line in lines]\n"
        f"with open_index({str(tmp_path / 'index.db')!r}) as index:\n"
        "    for added in index.add_stream(docs, batch=2, workers=1):\n"
        "        print('batch', len(added.ids), flush=True)\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT,
        check=False, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:-1] == ["batch 2"] * 4 + ["batch 1"]
    with open_index(tmp_path / "index.db") as index:
        assert len(index) == 9


def test_ctrl_c_during_index_add_stops_every_process_quietly(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    # three batches, then the stream waits for more: the first is written, a worker has the next
    process = index_add(path, stream(15), jobs=2)
    assert wait_until(lambda: len(_stored(path)) >= 5), "the first batch was written"
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err
    assert wait_until(lambda: not _group_alive(process.pid)), "a worker outlived the command"
    assert_sound(path)


def test_killing_index_add_leaves_a_sound_index_and_no_worker_behind(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    process = index_add(path, stream(40), jobs=3)
    assert wait_until(lambda: len(_stored(path)) >= 10)
    process.kill()  # SIGKILL: no clean-up of any kind in the writing process
    process.communicate(timeout=60)
    assert wait_until(lambda: not _group_alive(process.pid)), "a worker outlived the command"
    assert_sound(path)
    stored = _stored(path)
    assert len(stored) >= 10 and len(stored) % 5 == 0, "whole batches only"
    texts = {d.id: d.text for d in stream(40)}
    with open_index(path) as index:
        assert all(getattr(index.get(i), "text", None) == texts[i] for i in stored)


def index_add(
    path: Path, documents: list[Document], *, jobs: int, boot: str = ""
) -> subprocess.Popen[bytes]:
    """The real command (after the code ``boot``), in a process group of its own, fed
    ``documents`` (batches of 5); its standard input stays open, as a producer's would."""
    process = subprocess.Popen(
        [sys.executable, "-c", f"{boot}from nearsame.cli import entry_point; entry_point()",
         "index", "add", "-", "--index", str(path), "--batch", "5", "--jobs", str(jobs)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        start_new_session=True,
    )  # fmt: skip
    assert process.stdin is not None
    for document in documents:
        line = json.dumps({"id": document.id, "text": document.text}) + "\n"
        process.stdin.write(line.encode())
    process.stdin.flush()
    return process


def wait_until(condition: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def assert_sound(path: Path) -> None:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()


def _stored(path: Path) -> list[str]:
    if not path.exists():
        return []
    try:
        with sqlite3.connect(path, timeout=5) as db:
            ids = [row[0] for row in db.execute("SELECT id FROM documents")]
        db.close()
    except sqlite3.Error:
        return []
    return ids


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
