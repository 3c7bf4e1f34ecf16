"""Exports of one view of a story: the comparison of two articles, or one article's "what's new",
as Markdown or HTML (the report renderings, restricted to what the view shows)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

from nearsame.render.html import render_html
from nearsame.render.markdown import render_markdown
from nearsame.report import Report

__all__ = ["ExportFormat", "novelty_report", "pair_report", "render_view"]

ExportFormat = Literal["markdown", "html"]


def pair_report(report: Report, earlier: str, later: str) -> Report:
    """The part of ``report`` about two documents and the matches between them."""
    wanted = {earlier, later}
    return replace(
        report,
        documents=tuple(d for d in report.documents if d.id in wanted),
        matches=tuple(m for m in report.matches if {m.earlier.doc, m.later.doc} == wanted),
        clusters=(),
    )


def novelty_report(report: Report, doc: str) -> Report:
    """The part of ``report`` about one document: what it reuses, from where, and what is new."""
    matches = tuple(m for m in report.matches if m.later.doc == doc)
    wanted = {doc} | {m.earlier.doc for m in matches}
    return replace(
        report,
        documents=tuple(d for d in report.documents if d.id in wanted),
        matches=matches,
        clusters=(),
    )


def render_view(report: Report, texts: Mapping[str, str], fmt: ExportFormat) -> str:
    """A (restricted) report as Markdown or HTML."""
    if fmt == "markdown":
        return render_markdown(report, texts)
    if fmt == "html":
        return render_html(report, texts)
    raise ValueError(f"fmt must be 'markdown' or 'html', not {fmt!r}")
