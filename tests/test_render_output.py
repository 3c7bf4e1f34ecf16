"""The human-facing outputs of report, compare and inspect: their summary lines, the article lists
(with ids), the Markdown quotes (the text between words kept, emphasis that renders) and the HTML
report's links from matches to articles."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt
from test_cli_report import FIRST, SECOND

ROOT = Path(__file__).parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from nearsame.cli import entry_point; entry_point()", *args],
        capture_output=True, cwd=ROOT, timeout=120, check=False, text=True,
    )  # fmt: skip


def _pair(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(exist_ok=True)
    earlier, later = folder / "a.txt", folder / "b.txt"
    earlier.write_text(f"title: Floods\ndate: 2024-03-10\n\n{FIRST}", encoding="utf-8")
    later.write_text(f"title: Floods\ndate: 2024-03-11\n\n{SECOND}", encoding="utf-8")
    return earlier, later


def test_summary_lines_say_one_in_the_singular(tmp_path: Path) -> None:
    earlier, later = _pair(tmp_path / "pair")
    compared = run("compare", str(earlier), str(later))
    assert compared.returncode == 1, compared.stderr
    assert "1 shared passage;" in compared.stdout and "(s)" not in compared.stdout
    reported = run("report", str(tmp_path / "pair"))
    assert reported.returncode == 1, reported.stderr
    assert "2 documents, 1 shared passage, 0 near-duplicate clusters" in reported.stdout
    inspected = run("inspect", str(earlier))
    assert inspected.returncode == 0, inspected.stderr
    assert re.search(r"\b1 paragraph, 1 sentence, \d+ words\b", inspected.stdout)


#: Three versions of one story: words changed beside commas, quotes and elisions (l'art), Markdown
#: punctuation in the text, and a copy hard-wrapped with lines that would start a list.
STORY = {
    "a.txt": (
        "date: 2020-06-18T18:46:24+02:00\n\n"
        "Un expert d'art néerlandais a déclaré jeudi avoir reçu des photos récentes d'un tableau "
        'volé de Vincent van Gogh, ce qui constitue selon lui une "preuve de vie" de l\'oeuvre '
        "dérobée dans un musée lors du confinement.\n\n"
        'La peinture, "Le Jardin du presbytère de Nuenen au printemps", a été volée le 30 mars '
        "dans le musée Singer Laren, près d'Amsterdam, alors fermé à cause de l'épidémie de "
        "nouveau coronavirus.\n"
    ),
    "b.txt": (
        "date: 2020-06-18T18:56:58+02:00\n\n"
        "Un enquêteur surnommé l'\"Indiana Jones du monde de l'art\" a annoncé jeudi avoir reçu "
        "deux photos récentes d'un tableau dérobé de Vincent van Gogh, prouvant selon lui que "
        "l'oeuvre dérobée dans un musée pendant le confinement existe toujours.\n\n"
        'La toile, "Le Jardin du presbytère de Nuenen au printemps", a été dérobée le 30 mars '
        "dans le musée Singer_Laren, près d'Amsterdam &amp; alors fermé à *cause* de l'épidémie "
        "du nouveau coronavirus.\n"
    ),
    "c.txt": (
        "date: 2020-06-19T08:00:00+02:00\n\n"
        'La toile, "Le Jardin du presbytère de Nuenen au printemps", a été dérobée le\n'
        "- 30 mars dans le musée Singer Laren, près d'Amsterdam, alors fermé\n"
        "    à cause de l'épidémie\n"
        "1. du nouveau coronavirus.\n"
    ),
}


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _rendered_quotes(markdown: str) -> list[tuple[str, list[str]]]:
    """Each block quote as CommonMark renders it: its text (a line break as ``\\n``, paragraphs
    apart by a blank line) and, for each character, the emphasis around it (strong, s or "")."""
    tokens = MarkdownIt("commonmark").enable("strikethrough").parse(markdown)
    quotes: list[tuple[str, list[str]]] = []
    depth = 0
    for token in tokens:
        if token.type == "blockquote_open":
            depth += 1
            quotes.append(("", []))
        elif token.type == "blockquote_close":
            depth -= 1
        elif token.type == "paragraph_open" and depth and quotes[-1][0]:
            quotes[-1] = (quotes[-1][0] + "\n\n", [*quotes[-1][1], "", ""])
        elif token.type == "inline" and depth:
            text, flags = quotes[-1]
            around: list[str] = []
            for child in token.children or []:
                if child.type in ("strong_open", "s_open"):
                    around.append(child.type[:-5])
                elif child.type in ("strong_close", "s_close"):
                    around.pop()
                elif child.type in ("text", "softbreak", "hardbreak"):
                    content = child.content if child.type == "text" else "\n"
                    text += content
                    flags += [around[-1] if around else ""] * len(content)
                else:
                    raise AssertionError(f"unexpected {child.type} in a quote")
            quotes[-1] = (text, flags)
    return quotes


def test_markdown_quotes_keep_the_text_between_words_and_emphasis_that_renders(
    tmp_path: Path,
) -> None:
    folder = str(_write(tmp_path / "story", STORY))
    reported = run("report", folder, "--format", "json", "--include-text")
    assert reported.returncode == 1, reported.stderr
    data = json.loads(reported.stdout)
    texts = {d["id"]: d["text"] for d in data["documents"]}
    expected = []  # the quotes in the report's order: for each later article, each match's sides
    for document in data["documents"]:
        for match in (m for m in data["matches"] if m["later"]["doc"] == document["id"]):
            for side, marks in (("earlier", {"replace": "strong", "delete": "s"}),
                                ("later", {"replace": "strong", "insert": "strong"})):  # fmt: skip
                text, start, end = (
                    texts[match[side]["doc"]],
                    match[side]["start"],
                    match[side]["end"],
                )
                flags = [""] * len(text)
                for op in match["ops"]:
                    a, b = op[side]
                    flags[a:b] = [marks.get(op["op"], "")] * (b - a)
                expected.append((text[start:end], flags[start:end]))
    markdown = run("report", folder, "--format", "markdown")
    assert markdown.returncode == 1, markdown.stderr
    quotes = _rendered_quotes(markdown.stdout)
    assert len(quotes) == len(expected) >= 4
    for (shown, shown_flags), (original, flags) in zip(quotes, expected, strict=True):
        # the text between words as it is, but the spaces around a line break (Markdown drops them)
        lines = re.sub(r"[ \t]*\n[ \t]*", "\n", original.strip())
        assert shown == re.sub(r"\n\n+", "\n\n", lines), markdown.stdout
        # every letter emphasized as its word's operation says (an edge's punctuation may not be)
        assert [f for c, f in zip(shown, shown_flags, strict=True) if c.isalnum()] == [
            f for c, f in zip(original, flags, strict=True) if c.isalnum()
        ]
    assert any("\n" in shown for shown, _ in quotes)  # the hard-wrapped copy is quoted as such
    assert any(f == "strong" for _, flags in quotes for f in flags)
    assert any(f == "s" for _, flags in quotes for f in flags)


TITLE = (
    "Corse : un homme tué par balles en pleine journée dans le centre d'Ajaccio, la police enquête"
)


def _twins(folder: Path) -> Path:
    """Two articles of one long title, the second a copy of the first, and a third one."""
    body = f"{FIRST}\n\nThe Environment Agency issued three severe flood warnings along the river."
    return _write(
        folder,
        {
            "x1.txt": f"title: {TITLE}\ndate: 2020-06-18T18:23:57+02:00\n\n{body}",
            "x2.txt": f"title: {TITLE}\ndate: 2020-06-18T18:25:00+02:00\n\n{body}",
            "y.txt": f"title: Floods\ndate: 2020-06-19T08:00:00+02:00\n\n{SECOND}",
        },
    )


def test_the_text_report_lists_each_article_by_id_with_its_whole_date(tmp_path: Path) -> None:
    written = tmp_path / "report.txt"  # 120 columns wide
    reported = run("report", str(_twins(tmp_path / "twins")), "-o", str(written))
    assert reported.returncode == 1, reported.stderr
    listed = [line for line in written.read_text(encoding="utf-8").splitlines() if " new  " in line]
    assert len(listed) == 3, listed
    for line, (name, date) in zip(
        listed,
        [
            ("x1.txt", "2020-06-18T18:23:57+02:00"),
            ("x2.txt", "2020-06-18T18:25:00+02:00"),
            ("y.txt", "2020-06-19T08:00:00+02:00"),
        ],
        strict=True,
    ):
        assert f"new  {name}  " in line and f"({date})" in line, line
        assert len(line) <= 120
    assert listed[0].split("x1.txt")[1][:20] == listed[1].split("x2.txt")[1][:20]  # same title
    assert listed[1].endswith("(duplicate of x1.txt)")
    compared = run("compare", str(tmp_path / "twins" / "x1.txt"), str(tmp_path / "twins" / "y.txt"))
    assert (
        "earlier: x1.txt  Corse" in compared.stdout and "later:   y.txt  Floods" in compared.stdout
    )


def test_the_markdown_table_has_an_id_column_and_the_date_once(tmp_path: Path) -> None:
    reported = run("report", str(_twins(tmp_path / "twins")), "--format", "markdown")
    assert reported.returncode == 1, reported.stderr
    tokens = MarkdownIt("commonmark").enable("table").parse(reported.stdout)
    start, end = [i for i, t in enumerate(tokens) if t.type in ("table_open", "table_close")]
    cells = [t.content for t in tokens[start:end] if t.type == "inline"]
    assert cells[:6] == ["#", "id", "title", "date", "new", "shared passages"]
    rows = [cells[i : i + 6] for i in range(6, len(cells), 6)]
    assert [(row[1], row[3]) for row in rows] == [
        ("`x1.txt`", "2020-06-18T18:23:57+02:00"),
        ("`x2.txt`", "2020-06-18T18:25:00+02:00"),
        ("`y.txt`", "2020-06-19T08:00:00+02:00"),
    ]
    assert [row[2] for row in rows] == [TITLE[:78] + "…", TITLE[:78] + "…", "Floods"]
    assert "## `y.txt` Floods (2020-06-19T08:00:00+02:00)" in reported.stdout


class _Links(HTMLParser):
    """The rows of a page's tables by their id (each cell's text), and its headings' links."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.headings: list[list[tuple[str, str]]] = []  # (href, text) of each h3's links
        self.row: str | None = None
        self.href: str | None = None
        self.heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr":
            self.row = found.get("id")
            if self.row:
                self.rows[self.row] = []
        elif tag == "td" and self.row:
            self.rows[self.row].append("")
        elif tag == "h3":
            self.heading = True
            self.headings.append([])
        elif tag == "a" and self.heading:
            self.href = found.get("href")
            self.headings[-1].append((self.href or "", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self.row = None
        elif tag == "h3":
            self.heading = False
        elif tag == "a":
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.row and self.rows[self.row]:
            self.rows[self.row][-1] += data
        if self.heading and self.href is not None:
            href, text = self.headings[-1][-1]
            self.headings[-1][-1] = (href, text + data)


def test_the_html_report_lists_ids_and_links_each_match_to_its_articles(tmp_path: Path) -> None:
    folder = str(_twins(tmp_path / "twins"))
    page = tmp_path / "report.html"
    reported = run("report", folder, "--format", "html", "-o", str(page))
    assert reported.returncode == 1, reported.stderr
    data = json.loads(run("report", folder, "--format", "json").stdout)
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    ids = {row[1]: anchor for anchor, row in parser.rows.items()}  # the id cell, after the #
    assert (
        sorted(ids) == sorted(d["id"] for d in data["documents"]) == ["x1.txt", "x2.txt", "y.txt"]
    )
    assert parser.rows[ids["x1.txt"]][2] == f"{TITLE} (2020-06-18T18:23:57+02:00)"
    assert parser.rows[ids["x2.txt"]][2] == f"{TITLE} (2020-06-18T18:25:00+02:00)"
    matches = [links for links in parser.headings if len(links) == 2]
    assert [[text for _, text in links] for links in matches] == [
        [m["earlier"]["doc"], m["later"]["doc"]] for m in data["matches"]
    ]
    for links in parser.headings:  # the matches', and what each article adds
        assert links, parser.headings
        for href, text in links:
            assert href == f"#{ids[text]}"
