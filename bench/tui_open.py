"""How fast the TUI opens a 500-article OrangeSum folder and becomes usable.

Extracts a sample of OrangeSum (``data/docs/parsed/N.json``: heading, article, title, date) into a
temporary folder, then measures in one process: loading, ``build_report`` alone (the baseline),
and the app from start to a usable story list (loading screen shown, engine in its worker, story
table filled), then opening a "what's new" and a comparison. Prints times and ratios to the
baseline. Usage: ``python bench/tui_open.py [--articles 500] [--archive PATH]``.
"""

from __future__ import annotations

import argparse
import asyncio
import tarfile
import tempfile
import time
from pathlib import Path

from nearsame.engine import build_report
from nearsame.loaders import FieldNames, load_documents
from nearsame.story import Story, build_story

ARCHIVE = Path("/work/shared/data/orangesum/orangesum_parsed.tar.gz")
FIELDS = FieldNames(text=("heading", "article"))


def extract(archive: Path, count: int, folder: Path) -> None:
    """Extract the first ``count`` parsed articles of the archive into ``folder``."""
    with tarfile.open(archive) as tar:
        taken = 0
        for member in tar:
            if taken >= count:
                break
            if member.isfile() and member.name.endswith(".json"):
                source = tar.extractfile(member)
                if source is not None:
                    (folder / Path(member.name).name).write_bytes(source.read())
                    taken += 1


async def open_app(load: object) -> dict[str, float]:
    """Times from start to the loading screen, to a usable story list, and to two views."""
    from nearsame.tui import create_app
    from nearsame.tui.screens.loading import LoadingScreen
    from nearsame.tui.screens.story import StoryScreen
    from nearsame.tui.widgets.story_table import StoryTable

    times: dict[str, float] = {}
    start = time.perf_counter()
    app = create_app(load=load, what="OrangeSum")  # type: ignore[arg-type]
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        if isinstance(app.screen, LoadingScreen):
            times["loading screen shown"] = time.perf_counter() - start
        while not isinstance(app.screen, StoryScreen) or not app.screen.query(StoryTable):
            await asyncio.sleep(0.01)
        await pilot.pause()
        times["story list usable"] = time.perf_counter() - start
        story = app.story
        assert story is not None
        reuser = next(d for d in story.report.documents if d.novelty.shared_spans)
        rows = [str(k.value) for k in app.screen.query_one(StoryTable).rows]
        mark = time.perf_counter()
        for _ in range(rows.index(reuser.id)):
            await pilot.press("down")
        times["cursor to a reusing article"] = time.perf_counter() - mark
        mark = time.perf_counter()
        await pilot.press("w")
        await pilot.pause()
        times["open what's new"] = time.perf_counter() - mark
        mark = time.perf_counter()
        await pilot.press("escape", "c")
        await pilot.pause()
        times["open comparison"] = time.perf_counter() - mark
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nearsame-tui-bench-") as folder:
        extract(args.archive, args.articles, Path(folder))
        mark = time.perf_counter()
        documents = load_documents([folder], fields=FIELDS).documents
        load_time = time.perf_counter() - mark
        mark = time.perf_counter()
        report = build_report(documents)
        baseline = time.perf_counter() - mark
        print(f"{len(documents)} articles, {len(report.matches)} matches")
        print(f"load_documents            {load_time:7.2f} s")
        print(f"build_report (baseline)   {baseline:7.2f} s")

        def load(progress: object) -> Story:
            return build_story(documents, progress=progress)  # type: ignore[arg-type]

        for name, seconds in asyncio.run(open_app(load)).items():
            print(f"{name:26}{seconds:7.2f} s  {seconds / baseline:6.2f}x baseline")


if __name__ == "__main__":
    main()
