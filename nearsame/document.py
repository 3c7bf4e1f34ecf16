"""The `Document`: one article, its original text and its metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Document"]


@dataclass(frozen=True, slots=True)
class Document:
    """One article.

    ``text`` is the text exactly as decoded, header included; every span nearsame reports is in
    code points of this string. ``body_start`` is where the article itself begins (after a
    ``key: value`` header or an inline ``date`` marker): segmentation starts there.
    ``date`` is the date as the input wrote it (ISO 8601, RFC 2822...) or ``None``; documents are
    ordered by the instant it names (`nearsame.dates.parse_date`).
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    language: str | None = None
    body_start: int = 0
    metadata: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        # what a typo in a caller's code would otherwise turn into a wrong answer far from it
        # (an id 5 stored as "5" but reported as 5) or a TypeError deep inside the analysis
        if not isinstance(self.id, str) or not self.id:
            raise TypeError(f"a document's id must be a non-empty string, not {self.id!r}")
        if not isinstance(self.text, str):
            raise TypeError(f"document {self.id!r}: text must be a string, not {type(self.text)}")
        for name in ("title", "date", "source", "url", "path", "language"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise TypeError(
                    f"document {self.id!r}: {name} must be a string or None, not {value!r}"
                )
        if not 0 <= self.body_start <= len(self.text):
            raise ValueError(
                f"body_start={self.body_start} is outside the text (0..{len(self.text)})"
            )

    @property
    def body(self) -> str:
        """The article without its header."""
        return self.text[self.body_start :]

    @property
    def label(self) -> str:
        """A short human name: the title, else the id."""
        return self.title or self.id
