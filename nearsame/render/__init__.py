"""Renderings of a report for people (text, Markdown, HTML) and for streams (JSONL)."""

from __future__ import annotations

from nearsame.render.html import render_html
from nearsame.render.jsonl import render_jsonl
from nearsame.render.markdown import render_markdown
from nearsame.render.text import render_compare, render_text

__all__ = ["render_compare", "render_html", "render_jsonl", "render_markdown", "render_text"]
