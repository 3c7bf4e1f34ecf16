from __future__ import annotations

import errno
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest
import redis
from conftest import RedisServer
from index_docs import article, edited
from terminal import needs_tmux, run_in, screen, screen_has, wait_for

from nearsame.cli import main
from nearsame.index.check import FORMAT

ROOT = Path(__file__).parent.parent
ENTRY = "from nearsame.cli import entry_point; entry_point()"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a subprocess."""
    result = subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        input=stdin, capture_output=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    """Run ``nearsame.cli.main`` in this process (fast), with ``stdin`` as standard input."""

    def invoke(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(stdin))))
        capsys.readouterr()
        status = main(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, status, out, err)

    return invoke


def jsonl(*records: dict[str, Any]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def decisions(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def index(tmp_path: Path, cli: Runner) -> str:
    path = str(tmp_path / "index.db")
    feed = jsonl(*({"id": f"d{n}", "text": article(n)} for n in range(5)))
    result = cli("index", "add", "-", "--index", path, stdin=feed)
    assert result.returncode == 0, result.stderr
    assert "added 5 document(s)" in result.stderr
    return path


def test_index_add_in_batches_adds_every_document_but_one_whose_id_holds_another_text(
    index: str, cli: Runner
) -> None:
    feed = jsonl(
        *({"id": f"b{n}", "text": article(n + 10)} for n in range(4)),
        {"id": "d3", "text": article(40)},  # d3 is indexed with another text
        *({"id": f"b{n}", "text": article(n + 10)} for n in range(4, 7)),
    )
    result = cli("index", "add", "-", "--index", index, "--batch", "3", stdin=feed)
    assert result.returncode == 2
    assert "skipped <stdin>:5: document id 'd3' is already in the index" in result.stderr
    assert "added 7 document(s)" in result.stderr and "(12 in all), 1 problem(s)" in result.stderr
    again = cli("index", "add", "-", "--index", index, "--batch", "1000", stdin=feed)
    assert "added 0 document(s)" in again.stderr and again.returncode == 2
    with sqlite3.connect(index) as db:
        assert db.execute("SELECT text FROM documents WHERE id = 'd3'").fetchone()[0] == article(3)
    db.close()


def test_index_add_skips_every_conflicting_id_of_a_batch_however_many(
    index: str, cli: Runner
) -> None:
    conflicts = [{"id": f"d{n}", "text": article(n + 60)} for n in range(5)]  # all indexed
    fresh = [{"id": f"f{n}", "text": article(n + 70)} for n in range(2)]
    feed = jsonl(fresh[0], *conflicts, fresh[1])
    result = cli("index", "add", "-", "--index", index, stdin=feed)
    assert result.returncode == 2
    for line in range(2, 7):
        assert f"skipped <stdin>:{line}: document id 'd{line - 2}'" in result.stderr
    assert "added 2 document(s)" in result.stderr and "(7 in all), 5 problem(s)" in result.stderr


def test_check_exits_0_when_nothing_is_found_and_1_when_something_is(
    index: str, cli: Runner
) -> None:
    fresh = cli("check", "-", "--index", index, stdin=jsonl({"id": "n", "text": article(50)}))
    assert fresh.returncode == 0, fresh.stderr
    assert decisions(fresh.stdout)[0]["status"] == "unique"
    copy = cli(
        "check", "-", "--index", index, stdin=jsonl({"id": "c", "text": edited(article(2), 1)})
    )
    assert copy.returncode == 1, copy.stderr
    (decision,) = decisions(copy.stdout)
    assert decision["status"] == "duplicate" and decision["duplicate_of"] == "d2"
    assert "1 duplicate" in copy.stderr


def test_check_reads_files_and_reports_spans_in_both_texts(tmp_path: Path) -> None:
    path = str(tmp_path / "seeds.db")
    assert run("index", "add", "seeds/000_ba787c83ef70fcd0.txt", "--index", path).returncode == 0
    result = run("check", "seeds/003_792bb7683bd44ead.txt", "--index", path)
    assert result.returncode == 1
    (decision,) = decisions(result.stdout)
    later = (ROOT / "seeds/003_792bb7683bd44ead.txt").read_text(encoding="utf-8")
    earlier = (ROOT / "seeds/000_ba787c83ef70fcd0.txt").read_text(encoding="utf-8")
    passage = decision["matches"][0]["passages"][0]
    assert decision["status"] == "overlap"
    assert "munitions" in later[slice(*passage["checked"])]
    assert "munitions" in earlier[slice(*passage["indexed"])]


def test_check_add_indexes_the_stream_so_a_later_copy_in_it_is_caught(
    tmp_path: Path, cli: Runner
) -> None:
    path = str(tmp_path / "new.db")
    text = article(8)
    feed = jsonl({"id": "a", "text": text}, {"id": "b", "text": edited(text, 4)})
    result = cli("check", "-", "--index", path, "--add", stdin=feed)
    first, second = decisions(result.stdout)
    assert (first["status"], first["added"]) == ("unique", True)
    assert (second["status"], second["duplicate_of"]) == ("duplicate", "a")
    assert result.returncode == 1 and "2 added" in result.stderr


def test_bad_records_are_located_and_the_others_still_answered(index: str, cli: Runner) -> None:
    feed = (
        jsonl({"id": "ok1", "text": article(60)})
        + b'{"id": "broken", "text": \n'
        + jsonl({"id": "notext", "body": "no text field"})
        + jsonl({"id": "ok1", "text": article(61)})
        + jsonl({"id": "d1", "text": article(62)})
        + jsonl({"id": "ok2", "text": article(3)})
    )
    result = cli("check", "-", "--index", index, "--add", stdin=feed)
    assert result.returncode == 2
    records = decisions(result.stdout)
    assert [r["status"] for r in records] == [
        "unique",
        "error",
        "error",
        "error",
        "error",
        "duplicate",
    ]
    assert records[1]["location"] == "<stdin>:2" and "malformed JSON" in records[1]["error"]
    assert records[2]["location"] == "<stdin>:3" and "no 'text' field" in records[2]["error"]
    assert records[2]["id"] == "notext"  # known before the problem was found
    assert "duplicate id 'ok1'" in records[3]["error"] and records[3]["id"] == "ok1"
    assert records[4]["id"] == "d1" and "already in the index" in records[4]["error"]
    assert "<stdin>:2: malformed JSON" in result.stderr
    assert "4 error(s)" in result.stderr


def test_a_record_with_no_id_of_its_own_is_checked_but_not_added(index: str, cli: Runner) -> None:
    feed = jsonl({"text": article(70)}, {"id": "ok", "text": article(71)}, {"text": article(70)})
    checked = cli("check", "-", "--index", index, stdin=feed)
    assert checked.returncode == 0, checked.stderr
    assert [r["id"] for r in decisions(checked.stdout)] == ["<stdin>:1", "ok", "<stdin>:3"]
    # added, "<stdin>:1" would name whatever text comes first on the next run's input
    added = cli("check", "-", "--index", index, "--add", stdin=feed)
    assert added.returncode == 2  # an input problem, though every document was answered
    records = decisions(added.stdout)
    assert [(r["id"], r["status"], r["added"]) for r in records] == [
        ("<stdin>:1", "unique", False), ("ok", "unique", True), ("<stdin>:3", "unique", False),
    ]  # fmt: skip
    assert added.stderr.count("not added <stdin>:") == 2
    assert "needs an id to be added to an index" in added.stderr
    assert "1 added, 2 not added (no id)" in added.stderr
    again = cli("index", "add", "-", "--index", index, stdin=feed)
    assert again.returncode == 2 and "added 0 document(s)" in again.stderr
    assert again.stderr.count("skipped <stdin>:") == 2


def test_ids_must_be_strings_or_integers(index: str, cli: Runner) -> None:
    feed = jsonl({"id": True, "text": article(70)}, {"id": 7, "text": article(71)})
    result = cli("check", "-", "--index", index, "--add", stdin=feed)
    records = decisions(result.stdout)
    assert result.returncode == 2 and [r["id"] for r in records] == [None, "7"]
    assert "the id field is not a string or an integer: True" in records[0]["error"]


def test_a_reader_that_goes_away_stops_check_quietly_as_cat_would(index: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", ENTRY, "check", "-", "--index", index],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(jsonl({"id": "first", "text": article(80)}))
    process.stdin.flush()
    assert json.loads(process.stdout.readline())["id"] == "first"
    process.stdout.close()  # `| head -1`
    process.stdin.write(jsonl(*({"id": f"n{n}", "text": article(81 + n)} for n in range(3))))
    process.stdin.close()
    assert process.wait(timeout=120) == 141  # 128 + SIGPIPE, as the shell reports `cat`
    assert process.stderr is not None and process.stderr.read() == b""
    process.stderr.close()


def test_progress_asked_for_in_a_log_file_is_plain_lines(index: str) -> None:
    feed = jsonl(*({"id": f"p{n}", "text": article(90 + n)} for n in range(3)))
    result = run("check", "-", "--index", index, "--progress", stdin=feed)  # stderr: a pipe
    lines = result.stderr.splitlines()
    assert lines[0].startswith("nearsame: checking: 1 read, 1 decided (")  # then every 10 s
    assert lines[-2].startswith("nearsame: checking: 3 read, 3 decided (")
    assert "\x1b" not in result.stderr and "\r" not in result.stderr


def test_an_empty_feed_is_no_document_and_no_error(index: str, cli: Runner) -> None:
    for feed in (b"", b"\n  \n"):
        result = cli("check", "-", "--index", index, "--add", stdin=feed)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "" and "checked 0 document(s)" in result.stderr


def test_a_document_without_a_word_is_answered_and_the_stream_goes_on(
    index: str, cli: Runner
) -> None:
    feed = jsonl(
        {"id": "a", "text": "ok then"}, {"id": "b", "text": "🎉"}, {"id": "c", "text": article(2)}
    )
    result = cli("check", "-", "--index", index, "--add", stdin=feed)
    assert result.returncode == 1, result.stderr  # c is a copy of d2
    assert [r["status"] for r in decisions(result.stdout)] == ["unique", "unique", "duplicate"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("format", 99, f"index format 99, this version reads {FORMAT}"),
        ("hash", "sha1", "hash: index has 'sha1', asked for"),
    ],
)
def test_wrong_index_parameters_are_refused_with_exit_2(
    index: str, cli: Runner, name: str, value: object, message: str
) -> None:
    with sqlite3.connect(index) as db:
        params = json.loads(db.execute("SELECT value FROM meta").fetchone()[0])
        params[name] = value
        db.execute("UPDATE meta SET value = ? WHERE name = 'params'", (json.dumps(params),))
    db.close()
    result = cli("check", "-", "--index", index, stdin=jsonl({"id": "x", "text": article(1)}))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_new_index_can_trade_content_keys_for_speed(tmp_path: Path, cli: Runner) -> None:
    path = str(tmp_path / "fast.db")
    feed = jsonl({"id": "a", "text": article(1)})
    assert (
        cli("index", "add", "-", "--index", path, "--content-lsh", "0.2", stdin=feed).returncode
        == 0
    )
    assert json.loads(cli("index", "stats", "--index", path).stdout)["params"]["content_lsh"] == 0.2
    copy = jsonl({"id": "b", "text": edited(article(1), 3)})
    assert cli("check", "-", "--index", path, stdin=copy).returncode == 1
    again = cli("index", "add", "-", "--index", path, "--content-lsh", "0.15", stdin=feed)
    assert again.returncode == 2
    assert "content_lsh: index has 0.2, asked for 0.15" in again.stderr
    assert "Traceback" not in again.stderr


@pytest.mark.parametrize("where", ["missing.db", "nowhere/index.db", "notes.txt"])
def test_an_unusable_index_is_exit_2_with_its_location(
    tmp_path: Path, where: str, cli: Runner
) -> None:
    (tmp_path / "notes.txt").write_text("plain text, " * 500)
    path = str(tmp_path / where)
    result = cli("check", "-", "--index", path, stdin=jsonl({"id": "x", "text": article(1)}))
    assert result.returncode == 2
    assert path in result.stderr and result.stdout == ""


def test_stats_and_remove(index: str, cli: Runner) -> None:
    stats = cli("index", "stats", "--index", index)
    assert stats.returncode == 0 and json.loads(stats.stdout)["documents"] == 5
    assert cli("index", "remove", "d1", "--index", index).returncode == 0
    missing = cli("index", "remove", "d1", "--index", index)
    assert missing.returncode == 1 and "d1: not in the index" in missing.stderr
    assert json.loads(cli("index", "stats", "--index", index).stdout)["documents"] == 4


def test_check_answers_a_pipe_line_by_line(index: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", ENTRY, "check", "-", "--index", index],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    assert process.stdin and process.stdout and process.stderr
    try:
        for n in (1, 70):
            process.stdin.write(jsonl({"id": f"q{n}", "text": article(n)}))
            process.stdin.flush()
            answer = json.loads(process.stdout.readline())
            assert answer["id"] == f"q{n}", "answered before the next line is written"
    finally:
        process.stdin.close()
        process.wait(timeout=60)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == 1


@pytest.mark.parametrize(
    "command", [["check"], ["index", "add"], ["index", "stats"], ["index", "remove"]]
)
def test_every_index_command_has_help(command: list[str], cli: Runner) -> None:
    result = cli(*command, "--help")
    assert result.returncode == 0 and "--index" in result.stdout


def _writer(fifo: Path, timeout: float = 60.0) -> BinaryIO:
    """The writing end of ``fifo``, once a reader has opened it (not waiting forever)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:  # ENXIO: no reader yet
            if error.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
            continue
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "wb")


@needs_tmux
@pytest.mark.parametrize(
    ("command", "count", "summary"),
    [
        ("index add - --index i.db", "indexing 9 read, 0 added",
         "nearsame: added 12 document(s) to i.db (12 in all), 1 problem(s)"),
        ("check - --index i.db --add > decisions.jsonl", "checking 9 read, 9 decided",
         "nearsame: checked 13 document(s): 12 unique, 0 duplicate, 0 overlap, 1 error(s); 12 added"),
    ],
)  # fmt: skip
def test_a_long_stream_shows_a_count_on_a_terminal_with_its_warnings_above(
    terminal: tuple[str, Path], tmp_path: Path, command: str, count: str, summary: str
) -> None:
    name, status = terminal
    lines = [json.dumps({"id": f"d{n}", "text": article(n)}) for n in range(12)]
    first = "\n".join([*lines[:5], "not json", *lines[5:8]]) + "\n"
    rest = "\n".join(lines[8:]) + "\n"
    feed = tmp_path / "feed"
    os.mkfifo(feed)
    nearsame = Path(sys.executable).parent / "nearsame"
    run_in(
        name,
        f"cd {tmp_path} && {nearsame} {command} < feed; echo $? > {status}; sleep 30",
        width=120, height=20,
    )  # fmt: skip
    # a stream that pauses: the count shows while the command waits for more
    with _writer(feed) as stream:
        stream.write(first.encode())
        stream.flush()
        wait_for(screen_has(name, count), name=name)
        warning = "nearsame: skipped <stdin>:6: malformed JSON (Expecting value at column 1)"
        assert warning in [line.rstrip() for line in screen(name).splitlines()]
        stream.write(rest.encode())
    wait_for(status.exists, name=name)
    shown = [line.rstrip() for line in screen(name).splitlines() if line.strip()]
    assert shown == [warning, summary]  # the count is gone, the warning whole
    assert status.read_text().strip() == "2"


def _popen(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", ENTRY, *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip


def test_check_answers_the_document_the_index_failed_on_and_sums_up(
    redis_server: RedisServer,
) -> None:
    process = _popen("check", "-", "--index", redis_server.uri("gone"), "--add")
    assert process.stdin and process.stdout
    for n in range(2):
        process.stdin.write(jsonl({"id": f"d{n}", "text": article(n)}))
        process.stdin.flush()
        assert json.loads(process.stdout.readline())["status"] == "unique"
    redis_server.stop()
    more = jsonl(*({"id": f"d{n}", "text": article(n)} for n in (2, 3)))
    out, err = process.communicate(more, timeout=60)
    assert process.returncode == 2
    [record] = decisions(out.decode())  # d2 is answered, d3 is not read
    assert record["id"] == "d2" and record["status"] == "error"
    assert record["location"] == "<stdin>:3" and "the Redis server failed" in record["error"]
    said = err.decode()
    assert "the index failed at <stdin>:3: redis://" in said
    assert "checked 3 document(s): 2 unique, 0 duplicate, 0 overlap, 1 error(s); 2 added" in said
    assert "stopped at <stdin>:3: the rest of the input was not checked" in said
    assert "Traceback" not in said


def test_index_add_says_what_it_added_before_the_index_failed(redis_server: RedisServer) -> None:
    uri = redis_server.uri("gone")
    process = _popen("index", "add", "-", "--index", uri, "--batch", "1", "--jobs", "1")
    assert process.stdin
    process.stdin.write(jsonl(*({"id": f"d{n}", "text": article(n)} for n in range(2))))
    process.stdin.flush()
    with redis.Redis(port=redis_server.port) as client:
        deadline = time.monotonic() + 60
        # both added, and the lock let go: the writer has had the server's answer for both
        while time.monotonic() < deadline and (
            client.hlen("gone:ids") < 2 or client.exists("gone:lock")
        ):
            time.sleep(0.05)
    redis_server.stop()
    _, err = process.communicate(jsonl({"id": "d2", "text": article(2)}), timeout=60)
    said = err.decode()
    assert process.returncode == 2
    assert "the index failed: redis://" in said and "the Redis server failed" in said
    assert "added 2 document(s) to redis://" in said
    assert "before it failed, 0 problem(s); the same command again adds the rest" in said
    assert "Traceback" not in said
