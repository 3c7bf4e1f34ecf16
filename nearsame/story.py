"""A story: an overlap report with the texts of its documents, built from documents or read back
from a saved JSON report (texts taken from the report, else reloaded from each document's path)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nearsame.document import Document
from nearsame.engine import Params, Progress, build_report
from nearsame.errors import ReportError
from nearsame.loaders import FieldNames, load_documents
from nearsame.report import SCHEMA, DocumentReport, Report

__all__ = ["Story", "build_story", "is_saved_report", "read_saved_report"]


@dataclass(frozen=True)
class Story:
    """A report and the original text of each of its documents (by id).

    ``problems`` says which texts could not be found (those documents show no text).
    """

    report: Report
    texts: Mapping[str, str]
    problems: tuple[str, ...] = field(default=())

    def text(self, doc_id: str) -> str:
        """The text of a document, or ``""`` when it could not be found (check `has_text` before
        slicing it with the report's spans)."""
        return self.texts.get(doc_id, "")

    def has_text(self, doc_id: str) -> bool:
        """Whether the text of a document was found (its spans can be sliced)."""
        return doc_id in self.texts


def build_story(
    documents: Sequence[Document], *, params: Params | None = None, progress: Progress | None = None
) -> Story:
    """Run the engine over ``documents`` and keep their texts."""
    report = build_report(documents, params=params, progress=progress)
    return Story(report, {d.id: d.text for d in documents})


def is_saved_report(path: str | Path) -> bool:
    """Whether ``path`` is a JSON file that looks like a saved nearsame report."""
    file = Path(path)
    if file.suffix.lower() != ".json" or not file.is_file():
        return False
    with file.open(encoding="utf-8", errors="replace") as handle:
        head = handle.read(4096)
    return f'"{SCHEMA}"' in head or f'"{SCHEMA.split("/")[0]}/' in head


def read_saved_report(path: str | Path, *, fields: FieldNames | None = None) -> Story:
    """Read a report saved by ``nearsame report --format json`` (raises `ReportError`)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReportError(f"cannot read the report {path}: {error}") from error
    report = Report.from_dict(data)
    texts: dict[str, str] = {}
    problems: list[str] = []
    for document in report.documents:
        text = document.text if document.text is not None else _reload(document, fields)
        if text is None:
            problems.append(f"{document.id}: no text in the report and none at {document.path!r}")
        else:
            texts[document.id] = text
    return Story(report, texts, tuple(problems))


def _reload(document: DocumentReport, fields: FieldNames | None) -> str | None:
    """The text of a document read again from its path, if it is still the same length."""
    if not document.path or not Path(document.path).exists():
        return None
    found = load_documents([document.path], fields=fields).documents
    same = [d for d in found if d.id == document.id or d.id.endswith(Path(document.id).name)]
    for candidate in [*same, *found]:
        if len(candidate.text) == document.length and (len(found) == 1 or candidate in same):
            return candidate.text
    return None
