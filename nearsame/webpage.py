"""Web pages: the article an HTML page carries, and its metadata, found by trafilatura.

A saved news page holds far more than its article: menus, "read also" lists, comments, legal
notices. trafilatura (an optional dependency: ``pip install 'nearsame[html]'``) finds the article's
text, its title, publication date, site name and address. The document nearsame reads is that
text, one paragraph a line of trafilatura's, paragraphs separated by a blank line: it is the
original text of every span reported for the page (``nearsame inspect page.html --format json``
prints it), not the HTML source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["HTML_SUFFIXES", "INSTALL_HINT", "Page", "PageError", "looks_like_html", "read_page"]

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
INSTALL_HINT = "reading HTML pages needs trafilatura: pip install 'nearsame[html]'"
#: what opens an HTML page read from standard input (a BOM, white space and comments may come first)
_OPENING_RE = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)
#: htmldate's answer for a page that gives a day and no time: midnight, with no time zone
_NO_TIME = "T00:00:00"
#: the date the page's markup gives (meta tags, structured data, ``<time>``), never one guessed from
#: any date-like text in the page, which htmldate's "extensive search" does
_DATES = {"original_date": True, "extensive_search": False, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}


class PageError(Exception):
    """A page gives no article: trafilatura missing, or no text found."""


@dataclass(frozen=True, slots=True)
class Page:
    """What a page says of its article."""

    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None


def looks_like_html(data: bytes) -> bool:
    """Whether ``data`` opens as an HTML page (``<!DOCTYPE html>`` or ``<html``)."""
    return _OPENING_RE.match(data, 0, 4096) is not None


def read_page(data: bytes | str) -> Page:
    """The article of the HTML page ``data`` (as bytes, the page's own charset decides how they are
    read). Raises `PageError` when trafilatura is not installed or finds no article text."""
    try:
        import trafilatura  # an optional dependency, and 0.9 s to import: only for pages
    except ImportError:
        raise PageError(INSTALL_HINT) from None
    found: Any = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, date_extraction_params=_DATES
    )
    lines = (found.text or "").splitlines() if found is not None else []
    paragraphs = [line.strip() for line in lines if line.strip()]
    if not paragraphs:
        raise PageError("no article text found in this page")
    return Page(
        text="\n\n".join(paragraphs),
        title=_plain(found.title),
        date=_date(found.date),
        source=_plain(found.sitename),
        url=_plain(found.url),
    )


def _plain(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _date(value: object) -> str | None:
    """htmldate's date as ISO 8601: ``2024-03-10T14:30:00+01:00``, or ``2024-03-10`` when the page
    gives no time (htmldate says midnight, with no zone)."""
    if not isinstance(value, str) or not value:
        return None
    if value.endswith(_NO_TIME):
        return value.removesuffix(_NO_TIME)
    zone = re.fullmatch(r"(.*[+-]\d\d)(\d\d)", value)
    return f"{zone.group(1)}:{zone.group(2)}" if zone else value
