"""The persistent index against datasketch's in-memory ``MinHashLSH``, on OrangeSum articles.

    .venv/bin/python -m bench.index --size 100000 --checks 400

Builds an index of ``--size`` articles (the OrangeSum articles, repeated with small edits to
reach the size: copy ``k`` of an article has a few words changed), for each backend: the SQLite
file, ``redis://`` (a ``redis-server`` this script starts on a free loopback port, in a temporary
folder, without persistence) and ``memory://``. For each: the add rate (documents per second,
analysis and fingerprints included, through ``Index.add_stream`` as ``nearsame index add``
adds: batches of ``--batch``, 2,000 by default, the next ones analysed by ``--jobs`` - 1 other
processes), the check latency per article (median and
99th percentile; half the checked articles are new edits of indexed ones, half were never
indexed), the size (the file, or Redis's ``used_memory``), how long a fresh process takes to
answer its first check, and for SQLite and Redis ``check(doc, add=True)`` of 100 new articles
(median, 99th percentile and mean; removed again afterwards); and, for reference, what analysing
and fingerprinting the checked article costs before any index is touched (``analysis``). Then the
same build and queries with datasketch's ``MinHashLSH`` (three LSH tables in memory, same
bandings and signatures: what the index finds, without verification, spans or persistence) in
this process. The archive is read in place, never extracted.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from datasketch import MinHashLSH

from nearsame.cli import JOBS
from nearsame.document import Document
from nearsame.index import Index, open_index
from nearsame.index.check import prepare
from nearsame.index.core import ADD_BATCH
from nearsame.params import Params
from nearsame.sketch import minhash_of

ARCHIVE = Path("/work/shared/data/orangesum/orangesum_parsed.tar.gz")
_MEMBER = re.compile(r"data/docs/parsed/(\d+)\.json$")


def read_articles(archive: Path, limit: int) -> list[Document]:
    """Up to ``limit`` OrangeSum articles (heading + article), read from the archive in place."""
    found: list[Document] = []
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            match = _MEMBER.search(member.name)
            handle = tar.extractfile(member) if match else None
            if match is None or handle is None:
                continue
            record = json.load(handle)
            heading, body = record.get("heading", "").strip(), record.get("article", "").strip()
            if not body:
                continue
            text = f"{heading}\n\n{body}" if heading else body
            found.append(Document(id=match.group(1), text=text, title=record.get("title"),
                                  date=record.get("date"), language="fr"))  # fmt: skip
            if len(found) >= limit:
                break
    return found


def edited(document: Document, copy: int) -> Document:
    """Copy ``copy`` of ``document``: a few of its words changed (copy 0 is the article itself)."""
    if copy == 0:
        return Document(id=f"{document.id}-0", text=document.text, title=document.title,
                        date=document.date, language="fr")  # fmt: skip
    rng = random.Random(f"{document.id}/{copy}")
    words = document.text.split(" ")
    for _ in range(max(1, len(words) // 60)):
        position = rng.randrange(len(words))
        words[position] = words[position][::-1] or "x"
    return Document(id=f"{document.id}-{copy}", text=" ".join(words), title=document.title,
                    date=document.date, language="fr")  # fmt: skip


def corpus(articles: Sequence[Document], size: int) -> list[Document]:
    """``size`` documents: the articles, then edited copies of them, round after round."""
    return [edited(articles[n % len(articles)], n // len(articles)) for n in range(size)]


def queries(
    indexed: Sequence[Document], held_out: Sequence[Document], count: int
) -> list[Document]:
    """Half new edits of indexed articles (duplicates to find), half articles never indexed."""
    rng = random.Random(7)
    dupes = [edited(d, 97) for d in rng.sample(list(indexed), count // 2)]
    fresh = [edited(d, 0) for d in held_out[: count - len(dupes)]]
    mixed = dupes + fresh
    rng.shuffle(mixed)
    return [Document(id=f"q{n}", text=d.text, language="fr") for n, d in enumerate(mixed)]


def _percentiles(values: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def _add_all(
    add: Callable[[list[Document]], object], documents: Sequence[Document], batch: int
) -> float:
    start = time.perf_counter()
    for first in range(0, len(documents), batch):
        add(list(documents[first : first + batch]))
        done = min(first + batch, len(documents))
        if done // 2000 != first // 2000 or done == len(documents):
            print(f"  added {done}/{len(documents)}", file=sys.stderr, flush=True)
    return len(documents) / (time.perf_counter() - start)


def _add_stream(index: Index, documents: Sequence[Document], batch: int, workers: int) -> float:
    """Documents a second through `Index.add_stream`, as `nearsame index add` adds them."""
    start, done = time.perf_counter(), 0
    for added in index.add_stream(documents, batch=batch, workers=workers):
        done += added.documents
        print(f"  added {done}/{len(documents)}", file=sys.stderr, flush=True)
    return len(documents) / (time.perf_counter() - start)


def bench_index(
    uri: str,
    documents: Sequence[Document],
    checks: Sequence[Document],
    *,
    build: bool = True,
    params: Params | None = None,
    batch: int = ADD_BATCH,
    jobs: int = JOBS,
    check_add: Sequence[Document] = (),
) -> dict[str, Any]:
    """Build the index at ``uri`` (or, with ``build=False``, use the one there) and time adds
    and checks. An SQLite file is then optimized (`Index.optimize`), after ``check_add`` documents
    are checked and added (and removed again) if it never was, to time that before."""
    with open_index(uri, params=params) as index:
        rate = _add_stream(index, documents, batch, jobs - 1) if build else None
        optimized: dict[str, Any] = {}
        if index.stats().backend == "sqlite" and not uri.startswith("memory:"):
            if index.stats().frozen is None and check_add:  # never optimized: as after `index add`
                optimized["check_add_before_optimize_ms"] = check_add_latency(uri, check_add)
            optimized.update(_optimize(index, uri, checks))
        index.check(checks[0])  # warm the process (imports, caches) as a long-running worker is
        times, statuses = [], {"unique": 0, "duplicate": 0, "overlap": 0}
        for query in checks:
            start = time.perf_counter()
            decision = index.check(query)
            times.append(time.perf_counter() - start)
            statuses[decision.status] += 1
        stats = index.stats()
    median, p99 = _percentiles(times)
    return {"add_per_s": rate, "check_median_ms": 1000 * median, "check_p99_ms": 1000 * p99,
            "size_bytes": stats.size_bytes, "statuses": statuses, **optimized}  # fmt: skip


def _optimize(index: Index, uri: str, checks: Sequence[Document]) -> dict[str, Any]:
    """Optimize an SQLite index as `nearsame index add` does, then time checks with its frozen
    band table and from its table alone, in turn (a second handle told to ignore the copy), and
    check that both give the same decisions."""
    start = time.perf_counter()
    index.optimize()
    seconds = time.perf_counter() - start
    with open_index(uri) as plain:
        plain._store._frozen_now = lambda: None  # type: ignore[attr-defined]
        return {"optimize_s": seconds, "in_turn_ms": checks_in_turn(index, plain, checks)}


def checks_in_turn(index: Index, plain: Index, checks: Sequence[Document]) -> dict[str, Any]:
    """Median ms of each check with the frozen copy (``index``) and from the table alone
    (``plain``, told to ignore the copy), taken in turn, and whether every decision was the same."""
    timed: dict[str, list[float]] = {"frozen": [], "table": []}
    same = True
    for query in [checks[0], *checks]:  # the first warms both up
        answers = []
        for name, handle in (("frozen", index), ("table", plain)):
            begin = time.perf_counter()
            answers.append(handle.check(query))
            timed[name].append(time.perf_counter() - begin)
        same = same and answers[0] == answers[1]
    frozen, table = (1000 * statistics.median(timed[name][1:]) for name in ("frozen", "table"))
    return {"frozen": frozen, "table": table, "ratio": table / frozen, "same_decisions": same}


def check_add_latency(uri: str, documents: Sequence[Document]) -> dict[str, float]:
    """Median, 99th percentile and mean of ``check(doc, add=True)``, in milliseconds (one
    durable transaction each; the mean is what a pipeline's rate depends on); the documents are
    removed again afterwards, leaving the index as it was built."""
    times = []
    with open_index(uri) as index:
        for document in documents:
            start = time.perf_counter()
            index.check(document, add=True)
            times.append(time.perf_counter() - start)
        for document in documents:
            index.remove(document.id)
    median, p99 = _percentiles(times)
    return {"median": 1000 * median, "p99": 1000 * p99, "mean": 1000 * statistics.mean(times)}


_STAGES = {  # stage: (where it is looked up, its name there)
    "analysis and fingerprints (prepare)": ("core", "prepare"),
    "band-key lookup": ("store", "lookup"),
    "grouping entries by document (find_candidates)": ("core", "find_candidates"),
    "reading candidates' signatures": ("store", "signatures"),
    "screening unit pairs (screened)": ("Candidates", "screened"),
    "verifying on stored hashes (verify_hashed)": ("core", "verify_hashed"),
    "reading matched documents": ("store", "documents"),
    "aligning matched documents (match_documents)": ("core", "match_documents"),
}


def stage_profile(uri: str, checks: Sequence[Document]) -> dict[str, float]:
    """Median milliseconds a check spends in each stage (`_STAGES`), over ``checks``, each
    stage timed by wrapping the function that does it."""
    import nearsame.index.core as core
    from nearsame.index.check import Candidates

    spent: dict[str, list[float]] = {stage: [] for stage in _STAGES}

    def timed(function: Callable[..., Any], stage: str) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage][-1] += time.perf_counter() - start

        return run

    with open_index(uri) as index:
        owners = {"core": core, "store": index._store, "Candidates": Candidates}
        saved = [(owners[o], name, getattr(owners[o], name)) for o, name in _STAGES.values()]
        try:
            for stage, (owner, name) in _STAGES.items():
                setattr(owners[owner], name, timed(getattr(owners[owner], name), stage))
            for query in [checks[0], *checks]:  # the first warms the process up
                for found in spent.values():
                    found.append(0.0)
                index.check(query)
        finally:
            for target, name, function in saved:
                setattr(target, name, function)
    return {stage: 1000 * statistics.median(found[1:]) for stage, found in spent.items()}


def first_check(uri: str, query: Document) -> tuple[float, float]:
    """A fresh process: wall time to its first decision, and the time inside Python from import."""
    code = (
        "import time, json, sys; t = time.perf_counter()\n"
        "from nearsame import Document, open_index\n"
        "with open_index(sys.argv[1]) as index:\n"
        "    d = index.check(Document(id='q', text=sys.stdin.read(), language='fr'))\n"
        "print(json.dumps([d.status, time.perf_counter() - t]))\n"
    )
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, uri], input=query.text, text=True,
                            capture_output=True, check=True)  # fmt: skip
    wall = time.perf_counter() - start
    return wall, float(json.loads(result.stdout)[1])


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def bench_datasketch(documents: Sequence[Document], checks: Sequence[Document]) -> dict[str, Any]:
    """The same signatures in datasketch's ``MinHashLSH`` (three tables), in this process."""
    params = Params()
    s = params.sketch
    tables = (
        MinHashLSH(threshold=params.verbatim_lsh, num_perm=s.num_perm, weights=(0.25, 0.75)),
        MinHashLSH(threshold=params.content_lsh, num_perm=s.content_num_perm, weights=(0.25, 0.75)),
        MinHashLSH(threshold=params.document_lsh, num_perm=s.doc_num_perm, weights=(0.25, 0.75)),
    )
    before = _rss()

    def add(batch: list[Document]) -> None:
        for document in batch:
            sk = prepare(document, params).sketch
            for table, signatures, units in ((tables[0], sk.verbatim, sk.verbatim_units),
                                             (tables[1], sk.content, sk.content_units)):  # fmt: skip
                for signature, unit in zip(signatures, units, strict=True):
                    table.insert(
                        f"{document.id}:{unit}", minhash_of(signature), check_duplication=False
                    )
            if sk.document is not None:
                tables[2].insert(document.id, minhash_of(sk.document), check_duplication=False)

    rate = _add_all(add, documents, ADD_BATCH)
    size = _rss() - before
    times = []
    for query in checks:
        start = time.perf_counter()
        sk = prepare(query, params).sketch
        found: set[str] = set()
        for table, signatures in ((tables[0], sk.verbatim), (tables[1], sk.content)):
            for signature in signatures:
                found.update(key.split(":")[0] for key in table.query(minhash_of(signature)))
        if sk.document is not None:
            found.update(tables[2].query(minhash_of(sk.document)))
        times.append(time.perf_counter() - start)
    median, p99 = _percentiles(times)
    return {"add_per_s": rate, "check_median_ms": 1000 * median, "check_p99_ms": 1000 * p99,
            "size_bytes": size}  # fmt: skip


def bench_analysis(checks: Sequence[Document]) -> dict[str, Any]:
    """What any check pays before touching an index: analysing and fingerprinting the article."""
    params = Params()
    prepare(checks[0], params)
    times = []
    for query in checks:
        start = time.perf_counter()
        prepare(query, params)
        times.append(time.perf_counter() - start)
    median, p99 = _percentiles(times)
    return {"check_median_ms": 1000 * median, "check_p99_ms": 1000 * p99}


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A throwaway ``redis-server`` on a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)], stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="articles in the index")
    parser.add_argument("--checks", type=int, default=400, help="articles checked")
    parser.add_argument("--backends", default="analysis,sqlite,redis,memory,datasketch")
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument(
        "--datasketch-size", type=int, default=20_000,
        help="articles in datasketch's MinHashLSH (it holds everything in RAM: ~5.5 GB at 20,000)",
    )  # fmt: skip
    parser.add_argument(
        "--keep", type=Path, help="build the SQLite index in this folder and keep it there"
    )
    parser.add_argument(
        "--content-lsh", type=float, default=None,
        help="the content keys' threshold of the indexes built (default: the index default)",
    )  # fmt: skip
    parser.add_argument(
        "--stages", action="store_true",
        help="SQLite: check again, timing each stage of a check (median ms a check)",
    )  # fmt: skip
    parser.add_argument(
        "--reuse", action="store_true",
        help="with --keep: time checks against the SQLite index already built there",
    )  # fmt: skip
    parser.add_argument(
        "--batch", type=int, default=ADD_BATCH,
        help=f"documents a transaction (default {ADD_BATCH}, as `nearsame index add`)",
    )  # fmt: skip
    parser.add_argument(
        "--jobs", type=int, default=JOBS,
        help=f"processes adding, one writing (default {JOBS}, as `nearsame index add`)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    backends = args.backends.split(",")
    held = args.checks // 2 + 1
    articles = read_articles(args.archive, args.size + held)
    held_out, indexable = articles[-held:], articles[:-held]
    documents = corpus(indexable, args.size)
    checks = queries(documents, held_out, args.checks)
    print(f"{len(documents)} documents from {len(indexable)} articles; {len(checks)} checks",
          file=sys.stderr)  # fmt: skip
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="nearsame-bench-") as folder:
        work = Path(folder)
        redis_server = start_redis(work) if "redis" in backends else None
        try:
            for backend in backends:
                print(f"{backend}:", file=sys.stderr, flush=True)
                if backend == "datasketch":
                    size = min(args.size, args.datasketch_size)
                    results[backend] = bench_datasketch(documents[:size], checks)
                    results[backend]["size"] = size
                    continue
                if backend == "analysis":
                    results[backend] = bench_analysis(checks)
                    continue
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                sqlite = (args.keep or work) / "index.db"
                uri = {"sqlite": str(sqlite), "memory": "memory://"}.get(backend)
                if uri is None and redis_server is not None:
                    uri = f"redis://127.0.0.1:{redis_server[1]}/0?prefix=bench"
                assert uri is not None
                build = not (backend == "sqlite" and args.reuse and sqlite.exists())
                params = None if args.content_lsh is None else Params(content_lsh=args.content_lsh)
                extra = [edited(d, 0) for d in held_out[-100:]]
                extra = [
                    Document(id=f"x{n}", text=d.text, language="fr") for n, d in enumerate(extra)
                ]
                results[backend] = bench_index(
                    uri,
                    documents,
                    checks,
                    build=build,
                    params=params,
                    batch=args.batch,
                    jobs=args.jobs,
                    check_add=extra,
                )
                if backend != "memory":
                    results[backend]["first_check_s"] = first_check(uri, checks[1])
                if backend == "sqlite" and args.stages:
                    results[backend]["stages_ms"] = stage_profile(uri, checks)
                if backend in ("sqlite", "redis"):  # SQLite: optimized by now
                    results[backend]["check_add_ms"] = check_add_latency(uri, extra)
                print(json.dumps(results[backend]), file=sys.stderr, flush=True)
        finally:
            if redis_server is not None:
                redis_server[0].kill()
                redis_server[0].wait()
    print(json.dumps({"size": args.size, "checks": args.checks, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
