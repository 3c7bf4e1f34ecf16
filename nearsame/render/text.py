"""Terminal rendering (rich ``Text``): the report summary, and an aligned word-level diff of a pair.

Styles: kept words plain, replaced words yellow, deleted words red and struck through, inserted
words green; each match is headed by its kind, score and places, ``moved`` passages say so.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.cells import cell_len
from rich.text import Text

from nearsame.render.spans import counted, pieces, titled
from nearsame.report import Match, Report

__all__ = ["KIND_STYLES", "OP_STYLES", "render_compare", "render_text"]

OP_STYLES = {
    "keep": "",
    "replace": "bold yellow",
    "delete": "red strike",
    "insert": "bold green",
    "": "dim",
}
#: The fewest characters of a title the article list shows when its line is too long for the
#: width (ids and dates are shown whole).
TITLE_MIN = 20
KIND_STYLES = {"exact": "bold magenta", "near": "bold cyan", "paraphrase": "bold blue"}


def _side(text: str, match: Match, side: str) -> Text:
    out = Text()
    for piece, op in pieces(text, match, side):
        out.append(piece, style=OP_STYLES[op] if op else "")
    return out


def _match_block(
    report: Report, match: Match, texts: Mapping[str, str], number: int, total: int
) -> Text:
    earlier, later = report.document(match.earlier.doc), report.document(match.later.doc)
    head = Text(f"match {number}/{total}  ")
    head.append(match.kind, style=KIND_STYLES[match.kind])
    head.append(
        f"  score {match.score:.2f} (surface {match.surface:.2f}, content {match.content:.2f})"
    )
    if match.moved:
        head.append("  moved", style="bold red")
    if match.boilerplate:
        head.append("  boilerplate", style="dim")
    return Text("\n").join(
        [
            head,
            Text(
                f"  earlier  {earlier.id} [{match.earlier.start}:{match.earlier.end}]", style="dim"
            ),
            Text("  ") + _side(texts[earlier.id], match, "earlier"),
            Text(f"  later    {later.id} [{match.later.start}:{match.later.end}]", style="dim"),
            Text("  ") + _side(texts[later.id], match, "later"),
        ]
    )


def render_compare(report: Report, texts: Mapping[str, str]) -> Text:
    """The aligned word-level diff of every match of a (two-document) report."""
    first, second = report.documents[0], report.documents[-1]
    out = Text()
    for name, document in (("earlier:", first), ("later:  ", second)):
        out.append(f"{name} {document.id}", style="bold")
        out.append(f"  {described}\n" if (described := titled(document)) else "\n", style="bold")
    novelty = second.novelty
    out.append(
        f"{counted(len(report.matches), 'shared passage')}; the later article is "
        f"{novelty.new_share:.0%} new ({counted(novelty.new_chars, 'new character')}, "
        f"{counted(novelty.shared_chars, 'shared character')})\n\n"
    )
    total = len(report.matches)
    for number, match in enumerate(report.matches, start=1):
        out.append_text(_match_block(report, match, texts, number, total))
        out.append("\n\n")
    if novelty.new_spans:
        out.append("new in the later article:\n", style="bold green")
        for start, end in novelty.new_spans:
            flat = " ".join(texts[second.id][start:end].split())
            out.append(f"  + [{start}:{end}] {flat}\n", style="green")
    return out


def render_text(report: Report, texts: Mapping[str, str], width: int = 120) -> Text:
    """The corpus report: documents in order with their id, title, date and share of new text, a
    line each (titles cut to fit ``width``, not below `TITLE_MIN` characters), then the matches."""
    out = Text()
    out.append(
        f"{counted(len(report.documents), 'document')}, "
        f"{counted(len(report.matches), 'shared passage')}, "
        f"{counted(len(report.clusters), 'near-duplicate cluster')}\n\n",
        style="bold",
    )
    for document in report.documents:
        novelty = document.novelty
        bar = "█" * round(10 * (1 - novelty.new_share)) + "░" * round(10 * novelty.new_share)
        head = f"{document.position + 1:4}. {bar} {novelty.new_share:4.0%} new  "
        duplicate = ""
        if document.cluster and document.cluster != document.id:
            duplicate = f"  (duplicate of {document.cluster})"
        out.append(head)
        out.append(document.id, style="bold")
        room = width - cell_len(head + document.id + duplicate) - 2
        room -= cell_len(document.date) + 3 if document.date else 0
        if described := titled(document, max(room, TITLE_MIN)):
            out.append(f"  {described}")
        out.append(duplicate, style="yellow")
        out.append("\n")
    total = len(report.matches)
    if total:
        out.append("\n")
    for number, match in enumerate(report.matches, start=1):
        out.append_text(_match_block(report, match, texts, number, total))
        out.append("\n\n")
    return out
