"""What's new in one article against everything published before it: new passages in full,
recycled ones dimmed (or folded) with where they were first seen, added words highlighted."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widget import Widget

from nearsame.layout import Segment, added_words, novelty_segments, pair_matches
from nearsame.render.spans import label
from nearsame.render.views import novelty_report
from nearsame.report import DocumentReport, Report, SharedSpan
from nearsame.story import Story
from nearsame.tui.messages import OpenCompare
from nearsame.tui.screens.reader import ReaderScreen
from nearsame.tui.widgets.passage import OP_STYLES, Passage

__all__ = ["NoveltyScreen"]


class NoveltyScreen(ReaderScreen):
    """One article: its new passages, and the recycled ones with their first source."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "step(1)", "Next article"),
        Binding("left", "step(-1)", "Prev article"),
        Binding("f", "fold", "Fold recycled"),
        Binding("enter", "counterpart", "Open source"),
    ]
    view_name = "what's new"

    def __init__(self, story: Story, doc: str) -> None:
        super().__init__(story)
        self.document = story.report.document(doc)
        self.shared = self.document.novelty.shared_spans
        self.folded = False

    def title_text(self) -> Text:
        novelty = self.document.novelty
        sources = {s.source.doc for s in self.shared}
        return Text.assemble(
            ("what's new in ", "dim"), (label(self.document), "bold"), "\n",
            (f"{novelty.new_share:.0%} new · {len(self.shared)} recycled passage(s) "
             f"from {len(sources)} earlier article(s) · article {self.document.position + 1}"
             f"/{len(self.story.report.documents)}", "dim"),
        )  # fmt: skip

    def match_count(self) -> int:
        return 0 if self.missing() else len(self.shared)

    def shown_documents(self) -> list[DocumentReport]:
        return [self.document]

    def export(self) -> tuple[Report, str]:
        return novelty_report(self.story.report, self.document.id), "new"

    def body(self) -> list[Widget]:
        if self.missing():
            return [self.missing_notice()]
        text = self.story.text(self.document.id)
        return [self._passage(text, s) for s in novelty_segments(text, self.document)]

    def _passage(self, text: str, segment: Segment) -> Passage:
        doc = self.document.id
        if segment.role != "shared" or segment.match is None:
            return Passage(text, segment, doc=doc, side="single", classes=f"-{segment.role}")
        shared = self.shared[segment.match]
        header = self._seen(shared)
        marks = [
            (s, e, OP_STYLES["insert"]) for s, e in added_words(self.story.report, doc, shared)
        ]
        folded = Text.assemble(header, (f" · {segment.end - segment.start} characters (f)", "dim"))
        passage = Passage(text, segment, doc=doc, side="single", header=header, marks=marks,
                          folded=folded, classes=f"-shared -{shared.kind}")  # fmt: skip
        passage.folded = self.folded
        passage.show()
        return passage

    def _seen(self, shared: SharedSpan) -> Text:
        source = self.story.report.document(shared.source.doc)
        return Text(
            f"↺ first seen in {label(source)} · {shared.kind} {shared.score:.2f}", style="italic"
        )

    def action_fold(self) -> None:
        """Fold or unfold the recycled passages."""
        self.folded = not self.folded
        for passage in self.passages():
            passage.show(folded=self.folded)

    def action_step(self, step: int) -> None:
        """Show the previous or next article of the story."""
        documents = self.story.report.documents
        position = self.document.position + step
        if not 0 <= position < len(documents):
            self.notify("No more articles this way.")
            return
        self.app.switch_screen(NoveltyScreen(self.story, documents[position].id))

    def action_counterpart(self) -> None:
        """Open the comparison with the source of the focused recycled passage."""
        passage = self.focused_passage()
        if passage is None or passage.match is None:
            self.notify("Focus a recycled passage first (n, N or a click).")
            return
        shared = self.shared[passage.match]
        matches = pair_matches(self.story.report, shared.source.doc, self.document.id)
        index = next(
            (i for i, m in enumerate(matches) if m.later.start <= shared.start < m.later.end), None
        )
        self.post_message(OpenCompare(shared.source.doc, self.document.id, match=index))
