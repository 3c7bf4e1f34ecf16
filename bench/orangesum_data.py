"""OrangeSum articles for the benchmarks, read straight from the archive (never copied into the repo).

The archive holds ``data/docs/parsed/N.json`` records (``article``, ``heading``, ``title``, ``date``);
``derived/meta.tsv`` beside it gives each id its publisher and publication time.
"""

from __future__ import annotations

import csv
import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_ROOT", "Article", "read_articles", "write_jsonl"]

DEFAULT_ROOT = Path("/work/shared/data/orangesum")
_MEMBER = re.compile(r"data/docs/parsed/(\d+)\.json$")


@dataclass(frozen=True, slots=True)
class Article:
    """One OrangeSum article: its id, title, publication time, publisher and text."""

    id: str
    title: str
    date: str | None
    publisher: str
    text: str


def _meta(root: Path) -> dict[str, dict[str, str]]:
    path = root / "derived" / "meta.tsv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle, delimiter="\t")}


def read_articles(root: Path = DEFAULT_ROOT, limit: int | None = None) -> list[Article]:
    """The first ``limit`` articles by numeric id (all when ``None``); text is heading + article."""
    meta = _meta(root)
    records: dict[int, dict[str, str]] = {}
    with tarfile.open(root / "orangesum_parsed.tar.gz", "r:gz") as archive:
        for member in archive:
            found = _MEMBER.search(member.name)
            handle = archive.extractfile(member) if found else None
            if found is None or handle is None:
                continue
            records[int(found.group(1))] = json.load(handle)
    articles = []
    for number in sorted(records)[:limit]:
        record, row = records[number], meta.get(str(number), {})
        heading, article = record.get("heading", "").strip(), record.get("article", "").strip()
        text = f"{heading}\n\n{article}" if heading else article
        if not text:
            continue
        articles.append(
            Article(
                id=str(number),
                title=record.get("title", "").strip(),
                date=row.get("published_time") or record.get("date") or None,
                publisher=row.get("publisher", ""),
                text=text,
            )
        )
    return articles


def write_jsonl(articles: list[Article], path: Path) -> None:
    """Write ``articles`` as JSONL records (``id``, ``title``, ``date``, ``source``, ``text``)."""
    with path.open("w", encoding="utf-8") as handle:
        for a in articles:
            record = {"id": a.id, "title": a.title, "date": a.date, "source": a.publisher}
            handle.write(json.dumps({**record, "text": a.text}, ensure_ascii=False) + "\n")
