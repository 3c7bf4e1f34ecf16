"""Load, normalize and segment every OrangeSum article: no error, and documents per second.

    .venv/bin/python -m bench.segment_all [--limit N]

Writes the articles to a temporary JSONL file (never into the repository), then, in one process:
the baseline (read the file, ``json.loads`` each line, split the text on white space), and
nearsame's foundation (``load_documents`` on the file, ``tokenize`` with exact offsets, ``segment``
into paragraphs and sentences), checking that every token and sentence span slices inside its
text. Prints documents per second for each and the ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.orangesum_data import DEFAULT_ROOT, read_articles, write_jsonl
from nearsame.loaders import load_documents
from nearsame.normalize import tokenize
from nearsame.segment import segment

__all__ = ["main"]


def _baseline(path: Path) -> int:
    words = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            words += len(json.loads(line)["text"].split())
    return words


def _foundation(path: Path) -> tuple[int, int, int, list[str]]:
    """Documents, tokens and sentences read; problems (load problems and bad spans)."""
    result = load_documents([path])
    problems = [str(p) for p in result.problems]
    tokens = sentences = 0
    for number, document in enumerate(result.documents, start=1):
        text = document.text
        found = tokenize(text, document.body_start)
        parts = segment(text, start=document.body_start)
        tokens += len(found)
        sentences += len(parts.sentences)
        if any(not text[s:e].strip() for s, e in zip(found.starts, found.ends, strict=True)):
            problems.append(f"{document.id}: a token span slices to blank text")
        if any(text[s.start : s.end] != text[s.start : s.end].strip() for s in parts.sentences):
            problems.append(f"{document.id}: a sentence span is not trimmed")
        if number % 5000 == 0:
            print(f"  {number} documents", file=sys.stderr)
    return len(result.documents), tokens, sentences, problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.segment_all", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--limit", type=int, default=None, help="articles (all by default)")
    args = parser.parse_args(argv)
    articles = read_articles(args.data, args.limit)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orangesum.jsonl"
        write_jsonl(articles, path)
        started = time.perf_counter()
        _baseline(path)
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        documents, tokens, sentences, problems = _foundation(path)
        ours = time.perf_counter() - started
    print(f"{len(articles)} OrangeSum articles")
    print(f"baseline (json.loads + str.split): {len(articles) / baseline:,.0f} documents/s")
    print(
        f"nearsame load + normalize + segment: {documents / ours:,.0f} documents/s"
        f" ({tokens:,} tokens, {sentences:,} sentences; {baseline / ours:.2f}x the baseline's speed)"
    )
    print(f"problems: {len(problems)}")
    for problem in problems[:20]:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
