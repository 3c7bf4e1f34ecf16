"""What an optimized SQLite index's checks cost as the documents added since its copy grow.

Once an index is optimized (`nearsame index optimize`), every document added after its frozen copy
also goes to a table of what is newer (``recent``), which every check reads beside the copy. This
copies an index built by ``bench.index --keep`` (the file and its copy) to a temporary folder, adds
edited copies of its articles there in steps, and at each step times the same checks in turn with
the copy and from the table alone (a second handle told to ignore the copy), checking that both
decide alike. The index sets its copy aside once a hundredth of it is newer (what this measured);
here it is kept up to the last step, to see what it would cost.

    python -m bench.index --backends sqlite --keep /tmp/idx   # once: builds and optimizes it
    python -m bench.index_recent /tmp/idx/index.db
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from bench.index import ARCHIVE, checks_in_turn, corpus, edited, queries, read_articles
from nearsame.index import open_index
from nearsame.index import sqlite as sqlite_store


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("index", type=Path, help="an SQLite index built by bench.index --keep")
    parser.add_argument("--size", type=int, default=100_000, help="as given to bench.index")
    parser.add_argument("--checks", type=int, default=400, help="as given to bench.index")
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument(
        "--steps", default="0,0.05,0.1,0.2,0.24",
        help="documents added since the copy, as shares of the index, at which checks are timed",
    )  # fmt: skip
    args = parser.parse_args(argv)
    held = args.checks // 2 + 1
    articles = read_articles(args.archive, args.size + held)
    held_out, indexable = articles[-held:], articles[:-held]
    checks = queries(corpus(indexable, args.size), held_out, args.checks)
    rows = []
    sqlite_store._STALE = 1.0  # the copy stays in use whatever is added
    with tempfile.TemporaryDirectory(prefix="nearsame-recent-", dir=args.index.parent) as folder:
        path = Path(folder) / args.index.name
        for source in args.index.parent.glob(f"{args.index.name}*"):
            if source.is_file() and not source.name.endswith(".tmp"):
                shutil.copyfile(source, Path(folder) / source.name)
        with open_index(str(path)) as index, open_index(str(path)) as plain:
            plain._store._frozen_now = lambda: None  # type: ignore[attr-defined]
            if not (index.stats().frozen or {}).get("in_use"):
                print("optimizing", file=sys.stderr, flush=True)
                index.optimize()
            base, added = len(index), 0
            for share in (float(s) for s in args.steps.split(",")):
                wanted = int(share * base)
                # edited copies never indexed yet (bench.index's corpus uses copies 0, 1, 2...)
                new = [
                    edited(indexable[n % len(indexable)], 50 + n // len(indexable))
                    for n in range(added, wanted)
                ]
                for first in range(0, len(new), 2000):
                    index.add(new[first : first + 2000])
                added = max(added, wanted)
                # write the log back into the file first, as the index's checkpoints do by and by:
                # checks read a gigabyte of log much slower (1.5 times, at 5,000 articles added)
                with closing(sqlite3.connect(path)) as db:
                    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if busy:
                    print("the log could not be written back: timings include it", file=sys.stderr)
                frozen = index.stats().frozen or {}
                row = {"share": share, "added_since": frozen.get("added_since"),
                       "copy_in_use": frozen.get("in_use"), **checks_in_turn(index, plain, checks)}  # fmt: skip
                print(json.dumps(row), file=sys.stderr, flush=True)
                rows.append(row)
    print(json.dumps({"index": str(args.index), "documents": base, "steps": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
