"""HTML rendering: one self-contained page, matches side by side with word-level highlights.

Every element that holds article text says its direction (``dir=auto``: the browser takes it from
the text's first strong character, so Arabic and Hebrew read right to left) and, where known, its
document's language (``lang``); the page's own words are English.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from nearsame.render.spans import MISSING, pieces, titled
from nearsame.report import DocumentReport, Match, Report

__all__ = ["render_html"]

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem;color:#222}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:start}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin:.5rem 0 1.5rem}
.side{padding:.6rem;border-inline-start:4px solid #ccc;background:#fafafa;line-height:1.5}
.exact .side{border-color:#a0a}.near .side{border-color:#08a}.paraphrase .side{border-color:#36c}
.boilerplate{opacity:.5}.moved{color:#c00;font-weight:bold}
ins{background:#cfc;text-decoration:none}del{background:#fcc}mark{background:#ffe08a}
.bar{display:inline-block;width:6rem;height:.7rem;background:#cfc}.bar span{display:block;height:100%;background:#99a}
.new{background:#e6ffe6}.id{font-family:monospace}tr:target{background:#ffe08a}
"""
_TAGS = {
    "keep": ("", ""),
    "replace": ("<mark>", "</mark>"),
    "insert": ("<ins>", "</ins>"),
    "delete": ("<del>", "</del>"),
    "": ("", ""),
}


def _text(document: DocumentReport) -> str:
    """The attributes of an element holding ``document``'s text: its direction and language."""
    lang = f' lang="{escape(document.language, quote=True)}"' if document.language else ""
    return f" dir=auto{lang}"


def _anchor(document: DocumentReport) -> str:
    """The id of ``document``'s row in the table of articles (its place: ids may hold anything)."""
    return f"doc-{document.position + 1}"


def _link(document: DocumentReport) -> str:
    """``document``'s id, a link to its row in the table of articles."""
    return f"<a href=#{_anchor(document)}><bdi>{escape(document.id)}</bdi></a>"


def _side(text: str | None, match: Match, side: str) -> str:
    if text is None:
        return f"<em>({MISSING})</em>"
    return "".join(
        f"{_TAGS[op][0]}{escape(piece)}{_TAGS[op][1]}" for piece, op in pieces(text, match, side)
    )


def render_html(report: Report, texts: Mapping[str, str]) -> str:
    """The report as a standalone HTML page (a document without its text in ``texts`` has its
    passages said to be missing)."""
    rows = []
    for document in report.documents:
        shared = 1 - document.novelty.new_share
        rows.append(
            f"<tr id={_anchor(document)}><td>{document.position + 1}</td>"
            f"<td class=id><bdi>{escape(document.id)}</bdi></td>"
            f"<td{_text(document)}>{escape(titled(document))}</td>"
            f"<td><span class=bar><span style='width:{shared:.0%}'></span></span> "
            f"{document.novelty.new_share:.0%} new</td></tr>"
        )
    blocks = []
    for match in report.matches:
        classes = match.kind + (" boilerplate" if match.boilerplate else "")
        moved = " <span class=moved>moved</span>" if match.moved else ""
        earlier, later = report.document(match.earlier.doc), report.document(match.later.doc)
        blocks.append(
            f"<h3>{match.kind} {match.score:.2f}{moved}: {_link(earlier)} → {_link(later)}</h3>"
            f"<div class='pair {classes}'>"
            f"<div class=side{_text(earlier)}>{_side(texts.get(earlier.id), match, 'earlier')}</div>"
            f"<div class=side{_text(later)}>{_side(texts.get(later.id), match, 'later')}</div></div>"
        )
    news = []
    for document in report.documents:
        if document.novelty.shared_chars and document.novelty.new_spans:
            text = texts.get(document.id)
            items = (
                "".join(
                    f"<li class=new{_text(document)}>{escape(text[s:e])}</li>"
                    for s, e in document.novelty.new_spans
                )
                if text is not None
                else f"<li><em>({MISSING})</em></li>"
            )
            news.append(
                f"<h3>New in {_link(document)} <bdi{_text(document)}>{escape(titled(document))}</bdi></h3>"
                f"<ul{_text(document)}>{items}</ul>"
            )
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>nearsame report</title>"
        f"<style>{_STYLE}</style><h1>nearsame report</h1>"
        f"<table><tr><th>#</th><th>id</th><th>document</th><th>new</th></tr>{''.join(rows)}</table>"
        f"<h2>Shared passages ({len(report.matches)})</h2>{''.join(blocks)}"
        f"<h2>What each article adds</h2>{''.join(news)}</html>\n"
    )
