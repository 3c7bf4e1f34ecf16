"""The index under stress, for real: processes killed mid-write, racing writers, a server lost."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from conftest import RedisServer
from index_docs import article, doc
from index_worker import race

from nearsame.errors import IndexStoreError
from nearsame.index import open_index
from nearsame.index.check import unpack_keys
from nearsame.index.core import make_entry
from nearsame.params import Params

HERE = Path(__file__).parent
WORKER = str(HERE / "index_worker.py")


def worker(*args: str) -> subprocess.Popen[str]:
    """The worker script in a child process that a test may kill."""
    return subprocess.Popen(
        [sys.executable, WORKER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=HERE.parent,
    )  # fmt: skip


def finish(process: subprocess.Popen[str]) -> tuple[str, str]:
    out, err = process.communicate(timeout=120)
    return out, err


def test_a_process_killed_while_adding_leaves_a_sound_index_with_every_acknowledged_add(
    tmp_path: Path,
) -> None:
    path = tmp_path / "index.db"
    open_index(path).close()
    process = worker(str(path), "0", "5000")
    assert process.stdout is not None
    acknowledged = []
    for line in process.stdout:
        acknowledged.append(line.strip())
        if len(acknowledged) == 200:
            os.kill(process.pid, signal.SIGKILL)
            break
    acknowledged += [line.strip() for line in process.stdout if line.strip()]
    finish(process)
    assert process.returncode == -signal.SIGKILL
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()
    with open_index(path) as index:
        missing = [doc_id for doc_id in acknowledged if doc_id not in index]
        assert not missing, f"acknowledged but lost: {missing[:5]}"
        assert len(index) >= len(acknowledged)
        assert index.check(doc("again", article(10, sentences=3))).duplicate_of == "d10"


def _race(uri: str, folder: Path, count: int = 80) -> None:
    open_index(uri).close()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    racers = [
        context.Process(target=race, args=(uri, name, count, barrier, folder / f"{name}.jsonl"))
        for name in ("a", "b")
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=120)
        assert racer.exitcode == 0
    decisions = {}
    for name in ("a", "b"):
        for line in (folder / f"{name}.jsonl").read_text().splitlines():
            record = json.loads(line)
            decisions[record["id"]] = record
    for n in range(count):
        a, b = decisions[f"a{n}"], decisions[f"b{n}"]
        statuses = sorted([a["status"], b["status"]])
        assert statuses == ["duplicate", "unique"], (n, a, b)
        later = a if a["status"] == "duplicate" else b
        earlier = b if later is a else a
        assert later["of"] == earlier["id"]
    with open_index(uri) as index:
        assert len(index) == 2 * count, "no document lost"


def test_two_processes_checking_and_adding_into_one_sqlite_index_miss_no_duplicate(
    tmp_path: Path,
) -> None:
    _race(str(tmp_path / "index.db"), tmp_path)


def test_two_processes_checking_and_adding_into_one_redis_index_miss_no_duplicate(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    _race(redis_server.uri("race"), tmp_path)


def test_redis_keeps_the_parameters_and_refuses_others(redis_server: RedisServer) -> None:
    uri = redis_server.uri("params")
    with open_index(uri, params=Params(content_lsh=0.2)) as index:
        index.add([doc("a", article(1))])
    with pytest.raises(IndexStoreError, match=r"content_lsh: index has 0\.2, asked for 0\.15"):
        open_index(uri, params=Params())
    with open_index(uri) as index:
        assert index.params.content_lsh == 0.2 and "a" in index
    with redis.Redis(port=redis_server.port) as client:
        stored = json.loads(client.get("params:params") or b"")
        assert stored["scheme"] == "affine32" and stored["sketch"]["num_perm"] == 64


def test_a_redis_server_before_6_2_answers_as_a_newer_one(
    redis_server: RedisServer, redis_server_6_0: RedisServer
) -> None:
    with (
        redis.Redis(port=redis_server_6_0.port) as client,
        pytest.raises(redis.ResponseError, match="unknown command"),
    ):
        client.smismember("s", ["a"])  # the server really lacks it
    footer = "À VOIR AUSSI la grande enquête sur le climat et la pollution de la région."
    indexed = [doc(f"d{n}", article(n) + " " + footer) for n in range(6)]
    checked = [doc("x", article(100) + " " + footer), doc("y", article(2) + " " + footer)]
    answers = []
    for server in (redis_server, redis_server_6_0):
        with open_index(server.uri("old"), params=Params(max_bucket=3)) as index:
            index.add(indexed)
            assert index.stats().crowded_keys > 0
            answers.append([index.check(d) for d in checked])
    assert answers[0] == answers[1]
    assert [d.status for d in answers[1]] == ["unique", "duplicate"]
    # the footer is found, and known as boilerplate because its keys are crowded
    shared = [p for m in answers[1][0].matches for p in m.passages]
    assert shared and all(p.boilerplate for p in shared)


def test_redis_prefixes_keep_indexes_apart(redis_server: RedisServer) -> None:
    with open_index(redis_server.uri("one")) as one, open_index(redis_server.uri("two")) as two:
        one.add([doc("a", article(1))])
        assert "a" in one and "a" not in two
        assert two.check(doc("b", article(1))).status == "unique"


def test_a_redis_server_going_away_is_a_clear_error_and_nothing_is_reported_done(
    redis_server: RedisServer,
) -> None:
    acknowledged = []
    with open_index(redis_server.uri("gone")) as index:
        for n in range(20):
            if n == 10:
                redis_server.stop()
            try:
                decision = index.check(doc(f"d{n}", article(n)), add=True)
            except IndexStoreError as error:
                assert "the Redis server failed" in str(error) and "redis://" in str(error)
                break
            acknowledged.append(decision.id)
    assert acknowledged == [f"d{n}" for n in range(10)]


def test_a_bad_redis_address_or_damaged_parameters_are_clear_errors(
    redis_server: RedisServer,
) -> None:
    with pytest.raises(IndexStoreError, match=r"foo=bar: not a usable Redis address"):
        open_index(redis_server.uri("x") + "&foo=bar")
    with pytest.raises(IndexStoreError, match=r"prefix must be a non-empty name"):
        open_index(f"redis://127.0.0.1:{redis_server.port}/0?prefix=")
    with pytest.raises(IndexStoreError, match=r"/abc: the database must be a number"):
        open_index(f"redis://127.0.0.1:{redis_server.port}/abc")
    with redis.Redis(port=redis_server.port) as client:
        client.set("mixed:params", "garbage{")  # another application's key under the prefix
    with pytest.raises(IndexStoreError, match=r"prefix=mixed: mixed:params is damaged"):
        open_index(redis_server.uri("mixed"))


def test_an_unreachable_redis_server_is_a_clear_error(redis_server: RedisServer) -> None:
    uri = redis_server.uri("x")
    redis_server.stop()
    with pytest.raises(IndexStoreError, match=r"redis://127\.0\.0\.1:\d+/0\?prefix=x: the Redis"):
        open_index(uri)


_HOLD_THE_LOCK = """
import sys, time
from nearsame.index import open_index
index = open_index(sys.argv[1])
with index._store.exclusive():
    print("held", flush=True)
    time.sleep(120)
"""


def test_a_redis_writer_killed_holding_the_lock_stops_the_others_one_lease_at_most(
    redis_server: RedisServer,
) -> None:
    uri = redis_server.uri("killed") + "&lease=1"
    open_index(uri).close()
    with subprocess.Popen(
        [sys.executable, "-c", _HOLD_THE_LOCK, uri], stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        holder.kill()
    with redis.Redis(port=redis_server.port) as client:
        assert 0 < client.pttl("killed:lock") <= 1000  # the dead holder's lease, not a minute
    with open_index(uri) as index:
        decision = index.check(doc("a", article(1)), add=True)
        assert decision.added and "a" in index


def test_a_redis_writer_holding_the_lock_past_its_lease_keeps_it(
    redis_server: RedisServer,
) -> None:
    with open_index(redis_server.uri("long") + "&lease=0.3") as index:
        store = index._store
        with store.exclusive(), redis.Redis(port=redis_server.port) as client:
            token = client.get("long:lock")
            time.sleep(1.5)  # five leases: the holder's thread renews it
            assert token and client.get("long:lock") == token
            assert not client.set("long:lock", b"another writer", nx=True)
            store.insert([make_entry(doc("a", article(1)), index.params)])
        assert "a" in index
        with redis.Redis(port=redis_server.port) as client:
            assert client.get("long:lock") is None  # released on the way out


def test_a_redis_writer_stuck_holding_the_lock_lets_it_go(redis_server: RedisServer) -> None:
    # a process stuck (not killed) with the lock: its thread renews only while the store is used
    with open_index(redis_server.uri("stuck") + "&lease=0.2") as index:
        store = index._store
        with store.exclusive(), redis.Redis(port=redis_server.port) as client:
            assert client.get("stuck:lock")
            time.sleep(2.5)  # six leases unused, then the lease itself
            assert client.get("stuck:lock") is None
            with pytest.raises(IndexStoreError, match="lost the index lock"):
                store.insert([make_entry(doc("a", article(1)), index.params)])
        assert "a" not in index


def test_a_redis_writer_that_lost_its_lock_adds_and_removes_nothing(
    redis_server: RedisServer,
) -> None:
    with open_index(redis_server.uri("lost")) as index:
        index.add([doc("a", article(1))])
        store = index._store
        stored = store.find("a")
        assert stored is not None
        with redis.Redis(port=redis_server.port) as client:
            # everything but the counter that numbers documents (a refused add used a number)
            before = {key: client.dump(key) for key in client.keys("lost:*") if key != b"lost:seq"}
            with store.exclusive():
                client.set("lost:lock", b"another writer")  # its lease ran out; another took it
                entries = [
                    make_entry(doc(n, article(i)), index.params) for i, n in ((2, "b"), (3, "c"))
                ]
                with pytest.raises(
                    IndexStoreError, match=r"prefix=lost: .*lost the index lock.*'b'"
                ):
                    store.insert(entries)
                with pytest.raises(IndexStoreError, match=r"lost the index lock.* removing 'a'"):
                    store.delete(stored, unpack_keys(stored.signatures, index.params))
            assert client.get("lost:lock") == b"another writer"  # not released by the loser
            client.delete("lost:lock")
            assert {k: client.dump(k) for k in client.keys("lost:*") if k != b"lost:seq"} == before
        assert "a" in index and "b" not in index and "c" not in index and len(index) == 1
        assert index.remove("a") and len(index) == 0
        with redis.Redis(port=redis_server.port) as client:
            assert sorted(client.keys("lost:b:*")) == []  # its buckets emptied, then deleted


def test_a_redis_lease_that_is_not_a_number_of_seconds_is_refused(
    redis_server: RedisServer,
) -> None:
    for lease in ("", "abc", "0", "nan", "-1", "1e9"):
        with pytest.raises(IndexStoreError, match=r"lease must be a number of seconds"):
            open_index(redis_server.uri("x") + f"&lease={lease}")
