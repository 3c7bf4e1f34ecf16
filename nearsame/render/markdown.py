"""Markdown rendering: a table of the documents, then each later document's shared and new text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from nearsame.render.spans import MISSING, pieces, short, titled
from nearsame.report import Match, Report

__all__ = ["render_markdown"]

_MARKS = {
    "keep": "",
    "replace": "**",
    "insert": "**",
    "delete": "~~",
    "": "",
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: What a quoted line may not start with unescaped: a list item, a setext underline, a thematic
#: break (``#``, ``>``, ``*``, ``_``, the backquote and ``~`` are escaped wherever they are).
_LINE_START = re.compile(r"[-+=]|\d{1,9}(?=[.)])")


def _escape(text: str) -> str:
    """``text`` on one line, its Markdown punctuation escaped."""
    return _escape_line(" ".join(text.split()))


def _escape_line(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>|#~&" else ch for ch in text)


def _code(text: str, cell: bool = False) -> str:
    """``text`` (an id) as a code span on one line, whatever backquotes it holds; in a table
    ``cell``, its bars escaped (a bar ends a cell even in code)."""
    text = " ".join(text.split())
    text = text.replace("|", "\\|") if cell else text
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _punctuation(ch: str) -> bool:
    """Whether some CommonMark parser takes ``ch`` for punctuation (ASCII, Unicode P and S)."""
    return unicodedata.category(ch)[0] in "PS"


def _not_punctuation(ch: str) -> bool:
    """Whether every CommonMark parser takes ``ch`` for neither punctuation nor a space."""
    if ch.isspace() or unicodedata.category(ch) == "Zs":
        return False
    return not (ch.isascii() and not ch.isalnum()) and unicodedata.category(ch)[0] != "P"


def _flanked(line: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The runs of one line with their markers where CommonMark sees them: spaces outside them,
    and punctuation at an edge that touches a letter on the other side (``l'**art``: the closing
    ``**`` after ``'`` and before ``a`` closes nothing) left out of them."""
    runs: list[tuple[str, str]] = []
    for index, (piece, mark) in enumerate(line):
        if not mark:
            runs.append((piece, mark))
            continue
        core = piece.strip()
        head, tail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
        before = next((run[-1] for run, _ in reversed(runs) if run), "") + head
        after = tail + (line[index + 1][0][:1] if index + 1 < len(line) else "")
        while core and _punctuation(core[0]) and _not_punctuation(before[-1:] or " "):
            before, head, core = core[0], head + core[0], core[1:]
        while core and _punctuation(core[-1]) and _not_punctuation(after[:1] or " "):
            after, core, tail = core[-1], core[:-1], core[-1] + tail
        runs += [(run, m) for run, m in ((head, ""), (core, mark), (tail, "")) if run]
    return runs


def _line_start(line: str) -> str:
    """``line`` with a backslash before what would start a list item or a heading's underline."""
    found = _LINE_START.match(line)
    if found is None:
        return line
    if found[0].isdigit():  # 1. or 1) would number a list: 1\. does not
        return line[: found.end()] + "\\" + line[found.end() :]
    return "\\" + line


def _quote(text: str | None, match: Match, side: str) -> str:
    """One side of ``match`` as a block quote: the text between words as it is in ``text`` (its
    line breaks as line breaks of the quote), changed words between markers that render."""
    if text is None:
        return f"> *({MISSING})*"
    lines: list[list[tuple[str, str]]] = [[]]
    for piece, op in pieces(text, match, side):
        for number, part in enumerate(_LINE_BREAK.split(piece)):
            if number:
                lines.append([])
            if not part:
                continue
            line, mark = lines[-1], _MARKS[op]
            if line and line[-1][1] == mark:  # adjacent words of one marker: one run
                line[-1] = (line[-1][0] + part, mark)
            else:
                line.append((part, mark))
    quoted = []
    for line in lines:
        out = "".join(f"{mark}{_escape_line(run)}{mark}" for run, mark in _flanked(line)).strip(
            " \t"
        )
        quoted.append(_line_start(out))
    while quoted and not quoted[-1]:
        quoted.pop()
    while quoted and not quoted[0]:
        quoted.pop(0)
    return "\n".join(f"> {line}" if line else ">" for line in quoted)


def render_markdown(report: Report, texts: Mapping[str, str]) -> str:
    """The report as Markdown: kept words plain, **changed or added** words bold, ~~dropped~~ struck.

    A document without its text in ``texts`` has its passages said to be missing."""
    lines = [
        "# nearsame report",
        "",
        "| # | id | title | date | new | shared passages |",
        "|---|---|---|---|---|---|",
    ]
    for document in report.documents:
        count = sum(1 for m in report.matches if m.later.doc == document.id)
        title = _escape(short(document.title or "", 80))
        cells = [
            str(document.position + 1),
            _code(document.id, cell=True),
            title,
            _escape(document.date or ""),
            f"{document.novelty.new_share:.0%}",
            str(count),
        ]
        lines.append(f"| {' | '.join(cells)} |")
    for document in report.documents:
        mine = [m for m in report.matches if m.later.doc == document.id]
        if not mine and document.novelty.shared_chars == 0:
            continue
        described = titled(document)
        lines += ["", f"## {_code(document.id)}{' ' + _escape(described) if described else ''}", ""]
        for match in mine:
            moved = ", moved" if match.moved else ""
            lines += [
                f"**{match.kind}** ({match.score:.2f}{moved}) from {_code(match.earlier.doc)}:",
                "",
                _quote(texts.get(match.earlier.doc), match, "earlier"),
                "",
                _quote(texts.get(document.id), match, "later"),
                "",
            ]
        if document.novelty.new_spans:
            lines += ["New in this article:", ""]
            text = texts.get(document.id)
            lines += (
                [f"- {_escape(short(text[s:e], 200))}" for s, e in document.novelty.new_spans]
                if text is not None
                else [f"- *({MISSING})*"]
            )
    for cluster in report.clusters:
        lines += [
            "",
            f"Near-duplicates of {_code(cluster.canonical)}: "
            + ", ".join(_code(m) for m in cluster.members[1:]),
        ]
    return "\n".join(lines) + "\n"
