"""A child process for the index reliability tests (run as a script, killed or raced by them).

``URI FIRST COUNT`` (run as a script): add documents one by one and print each id once its add has returned.
`race` (run in a `multiprocessing` child): check-and-add documents ``NAME0..`` (the same texts in
every racing stream), meeting the other racers at a barrier before each check, so that they check
the same text at the same moment; one JSON line per decision goes to a file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from threading import Barrier

from index_docs import article, doc

from nearsame.index import open_index


def main(uri: str, first: int, count: int) -> None:
    with open_index(uri) as index:
        for n in range(first, first + count):
            index.add([doc(f"d{n}", article(n, sentences=3))])
            print(f"d{n}", flush=True)


def race(uri: str, name: str, count: int, barrier: Barrier, output: Path) -> None:
    with open_index(uri) as index, output.open("w") as out:
        for n in range(count):
            barrier.wait(timeout=60)
            decision = index.check(doc(f"{name}{n}", article(n, sentences=3)), add=True)
            record = {"id": decision.id, "status": decision.status, "of": decision.duplicate_of}
            out.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
