"""A passage of one article: wrapped text (markup off), word marks, search hits; focusable, clickable."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

from nearsame.layout import Segment

__all__ = ["OP_STYLES", "Passage"]

OP_STYLES = {
    "replace": "bold #e5c07b",
    "insert": "bold underline #98c379",
    "delete": "strike #e06c75",
    "boilerplate": "dim",
}
HIT_STYLE = "reverse bold #ffd75f"


class Passage(Static, can_focus=True):
    """One segment of one article.

    ``side`` is ``left``/``right`` in a comparison and ``single`` in a "what's new" view;
    ``marks`` are ``(start, end, style)`` spans in document code points, styled over the text.
    """

    DEFAULT_CSS = """
    Passage { height: auto; padding: 0 1; margin: 0 0 1 0; border-left: blank; }
    Passage.-match, Passage.-shared { background: $boost; }
    Passage.-exact { border-left: thick #56b6c2; }
    Passage.-near { border-left: thick #e5c07b; }
    Passage.-paraphrase { border-left: thick #c678dd; }
    Passage.-moved { border-left: dashed #e06c75; }
    Passage.-new { border-left: thick #98c379; }
    Passage.-boilerplate { text-opacity: 55%; }
    Passage.-shared { text-opacity: 70%; }
    Passage.-selected { background: $primary 20%; }
    Passage:focus { background: $primary 35%; }
    """

    class Clicked(Message):
        """The passage was clicked."""

        def __init__(self, passage: Passage) -> None:
            super().__init__()
            self.passage = passage

    def __init__(
        self,
        text: str,
        segment: Segment,
        *,
        doc: str,
        side: str,
        header: Text | None = None,
        marks: Sequence[tuple[int, int, str]] = (),
        folded: Text | None = None,
        classes: str = "",
    ) -> None:
        self.segment = segment
        self.doc = doc
        self.side = side
        self.body = text[segment.start : segment.end]
        self.header = header
        self.marks = tuple(marks)
        self.folded_text = folded
        self.query_text = ""
        self.folded = False
        super().__init__(self._build(), classes=classes)

    @property
    def match(self) -> int | None:
        """The index of the match this passage shows, if any."""
        return self.segment.match

    def hits(self, query: str) -> int:
        """How many times ``query`` occurs in the passage (case-insensitive)."""
        return len(_find(self.body, query))

    def show(self, *, query: str | None = None, folded: bool | None = None) -> None:
        """Highlight ``query`` and/or fold the passage to its one-line summary."""
        if query is not None:
            self.query_text = query
        if folded is not None:
            self.folded = folded and self.folded_text is not None
        self.update(self._build())

    def _build(self) -> Text:
        if self.folded and self.folded_text is not None:
            return self.folded_text.copy()
        body = Text(self.body, no_wrap=False)
        start = self.segment.start
        for s, e, style in self.marks:
            s, e = max(s, start), min(e, self.segment.end)
            if s < e:
                body.stylize(style, s - start, e - start)
        for s, e in _find(self.body, self.query_text):
            body.stylize(HIT_STYLE, s, e)
        if self.header is None:
            return body
        return Text.assemble(self.header, "\n", body)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.post_message(self.Clicked(self))


def _find(text: str, query: str) -> list[tuple[int, int]]:
    if not query:
        return []
    return [m.span() for m in re.finditer(re.escape(query), text, re.IGNORECASE)]
