"""Speed against datasketch, in one process, on the same OrangeSum articles; then how cost grows.

    .venv/bin/python -m bench.speed --articles 1000 --scaling 1000,5000,20000

(a) datasketch's naive loop: one ``MinHash()`` per article, one ``update`` per word 5-gram shingle
(default hash function); (b) datasketch's ``MinHash.bulk`` on the same shingles; (c) nearsame's
sketch stage, ``sketch(analyze(doc))``, and the sketch alone given the analysis; (d) nearsame end to
end (load the JSONL, build the report). Ratios are against (a) and (b) measured in the same run.
Then ``nearsame report`` (the real CLI, with its progress bar) at each ``--scaling`` size, each in
a subprocess, with its wall time and peak memory; and the two seeds compared after start-up.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from datasketch import MinHash

from bench.orangesum_data import DEFAULT_ROOT, Article, read_articles, write_jsonl
from nearsame.analyze import analyze
from nearsame.document import Document
from nearsame.engine import Params, build_report, compare
from nearsame.loaders import load_documents
from nearsame.sketch import SketchParams, document_signatures, documents_hashes, sketch

__all__ = ["main", "shingles"]

REPO = Path(__file__).resolve().parent.parent
_WORD = re.compile(r"[^\W_]+")
SEEDS = ("seeds/000_ba787c83ef70fcd0.txt", "seeds/003_792bb7683bd44ead.txt")


def shingles(text: str, n: int = 5) -> list[bytes]:
    """The word ``n``-grams of ``text`` (lowercased, split on white space), as UTF-8 bytes."""
    words = text.lower().split()
    return [" ".join(words[i : i + n]).encode("utf-8") for i in range(max(1, len(words) - n + 1))]


def _timed(label: str, count: int, run: Callable[[], object]) -> float:
    print(f"  {label} ...", end="", file=sys.stderr, flush=True)
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    print(f" {elapsed:.2f} s", file=sys.stderr)
    return count / elapsed


def _naive(texts: Sequence[str]) -> None:
    for text in texts:
        minhash = MinHash(num_perm=128)
        for shingle in shingles(text):
            minhash.update(shingle)


def _bulk(texts: Sequence[str]) -> None:
    MinHash.bulk([shingles(text) for text in texts], num_perm=128)


def _documents(articles: Sequence[Article]) -> list[Document]:
    return [Document(id=a.id, text=a.text, title=a.title, date=a.date) for a in articles]


def in_process(articles: Sequence[Article], workdir: Path) -> list[str]:
    """Rates of (a)-(d) and their ratios, as report lines."""
    texts = [a.text for a in articles]
    documents = _documents(articles)
    path = workdir / "articles.jsonl"
    write_jsonl(list(articles), path)
    n = len(texts)
    analyze(documents[0])  # load language models and word lists before timing
    rates = {
        "(a) datasketch MinHash.update loop": _timed("naive", n, lambda: _naive(texts)),
        "(b) datasketch MinHash.bulk": _timed("bulk", n, lambda: _bulk(texts)),
        "(c) nearsame sketch(analyze(doc))": _timed(
            "analyze+sketch", n, lambda: [sketch(analyze(d)) for d in documents]
        ),
    }
    analyses = [analyze(d) for d in documents]
    rates["(c') nearsame sketch(analysis) alone"] = _timed(
        "sketch", n, lambda: [sketch(a) for a in analyses]
    )
    rates["(c'') nearsame whole-document fingerprints (documents_hashes + signatures)"] = _timed(
        "document fingerprints",
        n,
        lambda: document_signatures(
            [h for i in range(0, n, 250) for h in documents_hashes(texts[i : i + 250])],
            SketchParams(),
        ),
    )
    rates["(d) nearsame load + build_report (passages)"] = _timed(
        "end to end", n, lambda: build_report(load_documents([path]).documents)
    )
    rates["(e) nearsame load + build_report(passages=False): near-duplicates"] = _timed(
        "duplicates only",
        n,
        lambda: build_report(load_documents([path]).documents, params=Params(passages=False)),
    )
    naive, bulk = rates["(a) datasketch MinHash.update loop"], rates["(b) datasketch MinHash.bulk"]
    lines = [f"{n} articles, one process", "", "| stage | articles/s | × (a) | × (b) |"]
    lines.append("|---|---:|---:|---:|")
    for label, rate in rates.items():
        lines.append(f"| {label} | {rate:,.0f} | {rate / naive:.2f} | {rate / bulk:.2f} |")
    return lines


def _report_run(path: Path, progress: bool, *extra: str) -> tuple[float, float]:
    """Wall time and peak memory (MiB) of ``nearsame report`` over ``path``, in a subprocess."""
    command = [str(REPO / ".venv" / "bin" / "nearsame"), "report", str(path), "--format", "json"]
    command += ["-o", "/dev/null", "--progress" if progress else "--no-progress", *extra]
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], check=False); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *command], stdout=subprocess.PIPE, text=True, check=True
    )
    seconds, kib = done.stdout.split()
    return float(seconds), int(kib) / 1024


def scaling(articles: Sequence[Article], sizes: Sequence[int], workdir: Path) -> list[str]:
    """``nearsame report`` at each size: time, rate and peak memory, as report lines."""
    lines = [
        "| articles | report: wall time (s) | articles/s | peak memory (MiB) |"
        " --duplicates-only: wall time (s) | articles/s | peak memory (MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        path = workdir / f"articles-{size}.jsonl"
        write_jsonl(list(articles[:size]), path)
        print(f"  nearsame report over {size} articles", file=sys.stderr)
        seconds, mib = _report_run(path, True)
        fast, fast_mib = _report_run(path, False, "--duplicates-only")
        lines.append(
            f"| {size:,} | {seconds:.1f} | {size / seconds:,.0f} | {mib:,.0f}"
            f" | {fast:.1f} | {size / fast:,.0f} | {fast_mib:,.0f} |"
        )
    return lines


def seeds() -> list[str]:
    """The time to compare the two seed articles once started (median of 5 after a warm-up)."""
    earlier, later = (Document(id=p, text=(REPO / p).read_text(encoding="utf-8")) for p in SEEDS)
    compare(earlier, later)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        compare(earlier, later)
        times.append(time.perf_counter() - started)
    return [
        f"compare(seed 000, seed 003) after start-up: median {statistics.median(times) * 1000:.1f} ms"
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.speed", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_ROOT, help="the OrangeSum folder")
    parser.add_argument("--articles", type=int, default=1000, help="articles for (a)-(d)")
    parser.add_argument(
        "--scaling", default="1000,5000,20000", help="comma-separated sizes ('' to skip)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.scaling.split(",") if s]
    print("reading OrangeSum ...", file=sys.stderr)
    articles = read_articles(args.data, max([args.articles, *sizes]))
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        lines = in_process(articles[: args.articles], workdir)
        lines += ["", *seeds()]
        if sizes:
            lines += ["", "`nearsame report --format json` (CLI, progress bar on):", ""]
            lines += scaling(articles, sizes, workdir)
    print("\n".join(lines))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(this process: peak {peak:,.0f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
