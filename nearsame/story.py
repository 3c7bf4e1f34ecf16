"""A story: an overlap report with the texts of its documents, built from documents or read back
from a saved JSON report (texts taken from the report, else reloaded from each document's path)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
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


def read_saved_report(
    path: str | Path, *, fields: FieldNames | None = None, encoding: str | None = None
) -> Story:
    """Read a report saved by ``nearsame report --format json`` (raises `ReportError`).

    A document's text comes from the report (``--include-text``), else from its path: an absolute
    path as it is; a relative one (as the report's run was given it) looked for, in turn, in the
    folder the report was made from (its ``base``), the current directory, and the folder of the
    report file and each folder above it (a corpus moved, or copied to another machine, with its
    report). A file is taken only if it gives the document's text at its recorded length, so that
    the report's spans never slice another text; else the text is missing (`Story.problems`).
    ``encoding`` reads those files as `nearsame.loaders.load_documents` does.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReportError(f"cannot read the report {path}: {error}") from error
    report = Report.from_dict(data)
    finder = _TextFinder(_folders(report.base, Path(path)), fields, encoding)
    texts: dict[str, str] = {}
    problems: list[str] = []
    for document in report.documents:
        text = document.text if document.text is not None else finder.text(document)
        if text is None:
            problems.append(
                f"{document.id}: no text in the report and none of {document.length} characters"
                f" at {document.path!r}"
            )
        else:
            texts[document.id] = text
    return Story(report, texts, tuple(problems))


def _folders(base: str | None, report: Path) -> list[Path]:
    """Where a relative path of the report is looked for, in that order (see `read_saved_report`)."""
    folders = [Path(base)] if base else []
    with suppress(OSError):  # the working directory was removed
        folders.append(Path.cwd())
    here = report.absolute().parent
    return [*folders, here, *here.parents]


#: ``file.jsonl:3`` (a JSON Lines record) or ``file.json#3`` (an item of a JSON list)
_RECORD_RE = re.compile(r"(?P<file>.+)[:#][0-9]+")


class _TextFinder:
    """Finds documents' texts on disk, each file read once."""

    def __init__(
        self, folders: Sequence[Path], fields: FieldNames | None, encoding: str | None
    ) -> None:
        self.folders = folders
        self.fields = fields
        self.encoding = encoding
        self.read: dict[Path, tuple[Document, ...]] = {}

    def text(self, document: DocumentReport) -> str | None:
        """The document's text from the first file that gives it at its recorded length."""
        if not document.path:
            return None
        names = [document.path]
        record = _RECORD_RE.fullmatch(document.path)
        if record is not None:
            names.append(record.group("file"))
        for file in self._files(names):
            found = self._documents(file)
            same = [
                d for d in found if d.id == document.id or d.id.endswith(Path(document.id).name)
            ]
            for candidate in [*same, *found]:
                if len(candidate.text) == document.length and (
                    len(found) == 1 or candidate in same
                ):
                    return candidate.text
        return None

    def _files(self, names: Sequence[str]) -> Iterator[Path]:
        seen: set[Path] = set()
        for name in names:
            for folder in self.folders:
                file = Path(os.path.normpath(folder / name))  # an absolute name stays itself
                if file not in seen:
                    seen.add(file)
                    if file.is_file():
                        yield file

    def _documents(self, file: Path) -> tuple[Document, ...]:
        if file not in self.read:
            found = load_documents([file], fields=self.fields, encoding=self.encoding)
            self.read[file] = found.documents
        return self.read[file]
