from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from nearsame.report import validate

ROOT = Path(__file__).parent.parent
SEED_000 = "seeds/000_ba787c83ef70fcd0.txt"
SEED_003 = "seeds/003_792bb7683bd44ead.txt"
ENTRY = "from nearsame.cli import entry_point; entry_point()"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        capture_output=True, cwd=ROOT, timeout=120, check=False, text=True,
    )  # fmt: skip


def test_report_json_of_the_seeds_is_valid_and_exits_1_because_passages_are_shared() -> None:
    result = run("report", "seeds/", "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    validate(data)
    assert data["schema"] == "nearsame.report/1"
    for match in data["matches"]:
        assert match["kind"] == "paraphrase"
        text = (ROOT / "seeds" / match["later"]["doc"]).read_text(encoding="utf-8")
        assert text[match["later"]["start"] : match["later"]["end"]].strip()


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("text", "paraphrase"),
        ("markdown", "# nearsame report"),
        ("html", "<!doctype html>"),
        ("jsonl", '"type": "header"'),
    ],
)
def test_every_report_format_renders(fmt: str, marker: str, tmp_path: Path) -> None:
    result = run("report", "seeds/", "--format", fmt, "-o", str(tmp_path / "out"))
    assert result.returncode == 1, result.stderr
    assert marker in (tmp_path / "out").read_text(encoding="utf-8")


def test_compare_shows_the_aligned_pair_and_exits_1() -> None:
    result = run("compare", SEED_000, SEED_003)
    assert result.returncode == 1, result.stderr
    assert "paraphrase" in result.stdout and "new in the later article" in result.stdout
    assert "15 000 soldats" in result.stdout


def test_compare_of_unrelated_articles_exits_0() -> None:
    result = run(
        "compare", "fixtures/planted/base.txt", "fixtures/planted/unrelated.txt", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["matches"] == []


def test_report_refuses_a_bad_threshold_with_status_2() -> None:
    result = run("report", "seeds/", "--near", "7")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_duplicates_only_exits_0_when_no_article_is_a_near_duplicate() -> None:
    result = run("report", "seeds/", "--duplicates-only", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    validate(data)
    assert data["clusters"] == [] and data["matches"] == []
    assert data["parameters"]["passages"] is False


FIRST = (
    "Heavy rain caused the River Ouse to burst its banks on Sunday, flooding more than 400 homes "
    "in the city of York and forcing the evacuation of about 2,300 residents."
)
SECOND = (
    "On Tuesday, the prime minister visited a rest centre set up in a school gymnasium and "
    f"promised an extra 50 million pounds for flood defences in the region.\n\n{FIRST}"
)


def _feed(path: Path, later_date: str | None, earlier_date: str | None) -> str:
    """A JSONL feed: the later article first, as feeds often list them."""
    records = [{"id": "later", "text": SECOND}, {"id": "earlier", "text": FIRST}]
    for record, date in zip(records, (later_date, earlier_date), strict=True):
        if date is not None:
            record["date"] = date
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("later_date", "earlier_date"),
    [
        ("Mon, 11 Mar 2024 08:00:00 +0000", "Sun, 10 Mar 2024 08:00:00 +0000"),
        ("11.03.2024", "12.04.2023"),  # day first; as strings, 11 before 12
        ("2024-03-10T07:30:00Z", "2024-03-10T08:00:00+01:00"),
    ],
)
def test_report_and_compare_credit_the_article_published_first(
    tmp_path: Path, later_date: str, earlier_date: str
) -> None:
    feed = _feed(tmp_path / "feed.jsonl", later_date, earlier_date)
    result = run("report", feed, "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [(d["id"], d["date"]) for d in data["documents"]] == [
        ("earlier", earlier_date),
        ("later", later_date),
    ]
    assert {(m["earlier"]["doc"], m["later"]["doc"]) for m in data["matches"]} == {
        ("earlier", "later")
    }
    header = "title: T\ndate: {}\n\n{}"
    (tmp_path / "a.txt").write_text(header.format(later_date, SECOND), encoding="utf-8")
    (tmp_path / "b.txt").write_text(header.format(earlier_date, FIRST), encoding="utf-8")
    compared = run("compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--format", "json")
    assert [d["id"] for d in json.loads(compared.stdout)["documents"]] == ["b.txt", "a.txt"]


def test_a_date_that_cannot_be_read_is_warned_once_located_and_ordered_as_undated(
    tmp_path: Path,
) -> None:
    feed = _feed(tmp_path / "feed.jsonl", "2024-03-11", "le 10 mars")
    result = run("report", feed, "--format", "json")
    assert result.returncode == 1, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "date" in line]
    assert warnings == [
        f"nearsame: {feed}:2: cannot read the date 'le 10 mars': no year; ordered as undated"
    ]
    data = json.loads(result.stdout)  # undated: after the document before it in the input
    assert [(d["id"], d["date"]) for d in data["documents"]] == [
        ("later", "2024-03-11"),
        ("earlier", "le 10 mars"),
    ]


def test_compare_and_report_read_two_files_of_the_same_name_as_two_documents(
    tmp_path: Path,
) -> None:
    for folder, text in (("x", FIRST), ("y", SECOND)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "article.txt").write_text(text, encoding="utf-8")
    x, y = str(tmp_path / "x" / "article.txt"), str(tmp_path / "y" / "article.txt")
    compared = run("compare", x, y, "--format", "json")
    assert compared.returncode == 1, compared.stderr
    assert compared.stderr == ""
    data = json.loads(compared.stdout)
    assert [(d["id"], d["path"]) for d in data["documents"]] == [
        ("x/article.txt", x),
        ("y/article.txt", y),
    ]
    reported = run("report", str(tmp_path / "x"), str(tmp_path / "y"), "--format", "json")
    assert reported.returncode == 1 and reported.stderr == ""
    assert [d["id"] for d in json.loads(reported.stdout)["documents"]] == [
        "x/article.txt",
        "y/article.txt",
    ]


RTL = {
    "he": (
        "משטרת ישראל עצרה הבוקר שלושה חשודים במעורבות בפריצה לבנק בחיפה, שבמהלכה נגנבו כשני "
        "מיליון שקלים.",
        "החשודים יובאו מחר לבית משפט השלום בחיפה לדיון בהארכת מעצרם של שלושת הגברים.",
    ),
    "ar": (
        "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة الإسكندرية يضم أكثر من ثلاثمائة "
        "سرير للمرضى.",
        "وقال الوزير في مؤتمر صحفي إن المستشفى الجديد سيخدم آلاف المرضى من المحافظات المجاورة كل عام.",
    ),
}


class _Elements(HTMLParser):
    """Each run of text of a page with the attributes of the elements around it."""

    VOID = frozenset({"meta", "br", "img", "hr", "input", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, dict[str, str | None]]] = []
        self.runs: list[tuple[str, list[dict[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.runs.append((data, [attrs for _, attrs in self.open]))


@pytest.mark.parametrize("language", sorted(RTL))
def test_the_html_report_gives_article_text_its_direction_and_language(
    tmp_path: Path, language: str
) -> None:
    shared, added = RTL[language]
    header = f"language: {language}\ndate: 2024-03-1"  # Hebrew is detected as Czech: say it
    (tmp_path / "a.txt").write_text(f"{header}0\n\n{shared}", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"{header}2\n\n{added}\n\n{shared}", encoding="utf-8")
    page = tmp_path / "report.html"
    result = run("report", str(tmp_path), "--format", "html", "-o", str(page))
    assert result.returncode == 1, result.stderr
    parser = _Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    article = [(d, a) for d, a in parser.runs if any("\u0590" <= c <= "\u06ff" for c in d)]
    assert any(added[:20] in d for d, _ in article) and any(shared[:20] in d for d, _ in article)
    for data, around in article:  # the nearest element that says so, not the page's lang=en
        assert [a["dir"] for a in around if "dir" in a][-1:] == ["auto"], data
        assert [a["lang"] for a in around if "lang" in a][-1:] == [language], data


def test_progress_asked_for_in_a_log_file_is_plain_lines(tmp_path: Path) -> None:
    log = tmp_path / "log"
    with log.open("w") as stderr:  # a file, not a terminal: no bar to draw
        result = subprocess.run(
            [sys.executable, "-c", ENTRY, "report", "seeds/", "--progress", "-o", str(tmp_path / "r")],
            stderr=stderr, cwd=ROOT, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 1
    lines = log.read_text().splitlines()
    assert "nearsame: sketch: 2/2 (100%)" in lines and "nearsame: verify: 28/28 (100%)" in lines
    assert all(line.startswith("nearsame: ") for line in lines)  # no control sequences
