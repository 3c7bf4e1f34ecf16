"""Markdown rendering: a table of the documents, then each later document's shared and new text."""

from __future__ import annotations

from collections.abc import Mapping

from nearsame.render.spans import MISSING, label, pieces, short
from nearsame.report import Match, Report

__all__ = ["render_markdown"]

_MARKS = {
    "keep": ("", ""),
    "replace": ("**", "**"),
    "insert": ("**", "**"),
    "delete": ("~~", "~~"),
    "": ("", ""),
}


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>|#~" else ch for ch in " ".join(text.split()))


def _quote(text: str | None, match: Match, side: str) -> str:
    if text is None:
        return f"> *({MISSING})*"
    out = []
    for piece, op in pieces(text, match, side):
        left, right = _MARKS[op]
        escaped = _escape(piece)
        out.append(
            f"{left}{escaped}{right}"
            if escaped.strip() and left
            else escaped
            if escaped.strip()
            else " "
        )
    return "> " + "".join(out).strip()


def render_markdown(report: Report, texts: Mapping[str, str]) -> str:
    """The report as Markdown: kept words plain, **changed or added** words bold, ~~dropped~~ struck.

    A document without its text in ``texts`` has its passages said to be missing."""
    lines = [
        "# nearsame report",
        "",
        "| # | document | date | new | shared passages |",
        "|---|---|---|---|---|",
    ]
    for document in report.documents:
        count = sum(1 for m in report.matches if m.later.doc == document.id)
        name = _escape(short(label(document), 80))
        lines.append(
            f"| {document.position + 1} | {name} | {document.date or ''} | {document.novelty.new_share:.0%} | {count} |"
        )
    for document in report.documents:
        mine = [m for m in report.matches if m.later.doc == document.id]
        if not mine and document.novelty.shared_chars == 0:
            continue
        lines += ["", f"## {_escape(label(document))}", ""]
        for match in mine:
            moved = ", moved" if match.moved else ""
            lines += [
                f"**{match.kind}** ({match.score:.2f}{moved}) from `{match.earlier.doc}`:",
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
            f"Near-duplicates of `{cluster.canonical}`: "
            + ", ".join(f"`{m}`" for m in cluster.members[1:]),
        ]
    return "\n".join(lines) + "\n"
