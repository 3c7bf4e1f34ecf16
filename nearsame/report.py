"""The overlap report: documents with their novelty, matches with spans and word operations, and
clusters of near-duplicates; as frozen dataclasses and as versioned JSON (``nearsame.report/1``).

The JSON Schema ships in the package (``nearsame/schema/report-1.json``); `validate` checks a
report against it. Every span is ``[start, end)`` in code points of the document's original text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from nearsame.align import OpName, WordOp
from nearsame.errors import ReportError
from nearsame.verify import Kind

if TYPE_CHECKING:
    import jsonschema_rs

__all__ = [
    "SCHEMA",
    "Cluster",
    "DocumentReport",
    "Match",
    "Novelty",
    "Report",
    "SharedSpan",
    "Side",
    "report_schema",
    "validate",
]

SCHEMA = "nearsame.report/1"
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a match: a document id and a span of its text."""

    doc: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Match:
    """A passage of ``later`` that reuses a passage of ``earlier``."""

    earlier: Side
    later: Side
    kind: Kind
    moved: bool
    score: float
    surface: float
    content: float
    boilerplate: bool
    units: int
    ops: tuple[WordOp, ...]


@dataclass(frozen=True, slots=True)
class SharedSpan:
    """A span of a document already published: where first, in which kind of reuse, how similar."""

    start: int
    end: int
    source: Side
    kind: Kind
    score: float


@dataclass(frozen=True, slots=True)
class Novelty:
    """What a document adds: its new spans, and the spans it shares with earlier documents.

    Boilerplate (bylines, "À VOIR AUSSI", footers) counts neither as new nor as shared.
    """

    new_chars: int
    shared_chars: int
    boilerplate_chars: int
    new_spans: tuple[Span, ...]
    shared_spans: tuple[SharedSpan, ...]
    boilerplate_spans: tuple[Span, ...]

    @property
    def new_share(self) -> float:
        """The share of the document's (non-boilerplate) text that is new, in [0, 1]."""
        total = self.new_chars + self.shared_chars
        return self.new_chars / total if total else 1.0


@dataclass(frozen=True, slots=True)
class DocumentReport:
    """A document as the report lists it, in reading (``position``) order."""

    id: str
    position: int
    path: str | None
    title: str | None
    date: str | None
    source: str | None
    url: str | None
    language: str | None
    length: int
    cluster: str | None
    novelty: Novelty
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    """Whole-article near-duplicates; ``canonical`` is the earliest member."""

    canonical: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """The result of an overlap run."""

    documents: tuple[DocumentReport, ...]
    matches: tuple[Match, ...]
    clusters: tuple[Cluster, ...]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    version: str = ""
    base: str | None = None
    """The folder the documents' relative paths were read from (the run's working directory)."""

    def document(self, doc_id: str) -> DocumentReport:
        """The document with this id (``KeyError`` if absent)."""
        for document in self.documents:
            if document.id == doc_id:
                return document
        raise KeyError(doc_id)

    def matches_between(self, first: str, second: str) -> list[Match]:
        """The matches between two documents, whichever came first."""
        pair = {first, second}
        return [m for m in self.matches if {m.earlier.doc, m.later.doc} == pair]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (see the schema)."""
        data: dict[str, Any] = {"schema": SCHEMA, "version": self.version}
        if self.base is not None:
            data["base"] = self.base
        return {
            **data,
            "parameters": dict(self.parameters),
            "documents": [_document_dict(d) for d in self.documents],
            "matches": [_match_dict(m) for m in self.matches],
            "clusters": [
                {"canonical": c.canonical, "members": list(c.members)} for c in self.clusters
            ],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """Read a report back from its JSON form (validated first)."""
        validate(data)
        return cls(
            documents=tuple(_document_from(d) for d in data["documents"]),
            matches=tuple(_match_from(m) for m in data["matches"]),
            clusters=tuple(Cluster(c["canonical"], tuple(c["members"])) for c in data["clusters"]),
            parameters=data.get("parameters", {}),
            version=data.get("version", ""),
            base=data.get("base"),
        )


def _side(side: Side) -> dict[str, Any]:
    return {"doc": side.doc, "start": side.start, "end": side.end}


def _op_dict(op: WordOp) -> dict[str, Any]:
    return {"op": op.op, "earlier": list(op.earlier), "later": list(op.later)}


def _match_dict(match: Match) -> dict[str, Any]:
    return {
        "earlier": _side(match.earlier),
        "later": _side(match.later),
        "kind": match.kind,
        "moved": match.moved,
        "score": round(match.score, 4),
        "surface": round(match.surface, 4),
        "content": round(match.content, 4),
        "boilerplate": match.boilerplate,
        "units": match.units,
        "ops": [_op_dict(op) for op in match.ops],
    }


def _document_dict(document: DocumentReport) -> dict[str, Any]:
    novelty = document.novelty
    record: dict[str, Any] = {
        "id": document.id,
        "position": document.position,
        "path": document.path,
        "title": document.title,
        "date": document.date,
        "source": document.source,
        "url": document.url,
        "language": document.language,
        "length": document.length,
        "cluster": document.cluster,
        "novelty": {
            "new_chars": novelty.new_chars,
            "shared_chars": novelty.shared_chars,
            "boilerplate_chars": novelty.boilerplate_chars,
            "new_share": round(novelty.new_share, 4),
            "new_spans": [list(s) for s in novelty.new_spans],
            "shared_spans": [
                {
                    "start": s.start,
                    "end": s.end,
                    "source": _side(s.source),
                    "kind": s.kind,
                    "score": round(s.score, 4),
                }
                for s in novelty.shared_spans
            ],
            "boilerplate_spans": [list(s) for s in novelty.boilerplate_spans],
        },
    }
    if document.text is not None:
        record["text"] = document.text
    return record


def _side_from(data: Mapping[str, Any]) -> Side:
    return Side(data["doc"], data["start"], data["end"])


def _match_from(data: Mapping[str, Any]) -> Match:
    return Match(
        earlier=_side_from(data["earlier"]),
        later=_side_from(data["later"]),
        kind=data["kind"],
        moved=data["moved"],
        score=data["score"],
        surface=data.get("surface", data["score"]),
        content=data.get("content", 0.0),
        boilerplate=data.get("boilerplate", False),
        units=data.get("units", 1),
        ops=tuple(
            WordOp(cast(OpName, op["op"]), tuple(op["earlier"]), tuple(op["later"]))
            for op in data["ops"]
        ),
    )


def _spans(items: Sequence[Sequence[int]]) -> tuple[Span, ...]:
    return tuple((int(s), int(e)) for s, e in items)


def _document_from(data: Mapping[str, Any]) -> DocumentReport:
    novelty = data["novelty"]
    return DocumentReport(
        id=data["id"],
        position=data.get("position", 0),
        path=data.get("path"),
        title=data.get("title"),
        date=data.get("date"),
        source=data.get("source"),
        url=data.get("url"),
        language=data.get("language"),
        length=data["length"],
        cluster=data.get("cluster"),
        text=data.get("text"),
        novelty=Novelty(
            new_chars=novelty["new_chars"],
            shared_chars=novelty["shared_chars"],
            boilerplate_chars=novelty.get("boilerplate_chars", 0),
            new_spans=_spans(novelty["new_spans"]),
            shared_spans=tuple(
                SharedSpan(s["start"], s["end"], _side_from(s["source"]), s["kind"], s["score"])
                for s in novelty.get("shared_spans", [])
            ),
            boilerplate_spans=_spans(novelty.get("boilerplate_spans", [])),
        ),
    )


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``nearsame.report/1``, as shipped in the package."""
    text = resources.files("nearsame").joinpath("schema/report-1.json").read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))


@cache
def _validator() -> jsonschema_rs.Draft202012Validator:
    import jsonschema_rs  # only where reports are read: a check never pays for it

    return jsonschema_rs.Draft202012Validator(report_schema())


def validate(data: Mapping[str, Any]) -> None:
    """Raise `ReportError` naming the first place where ``data`` breaks the report schema.

    jsonschema-rs checks a report of 3,000 articles (40 MB) in a tenth of a second, where the
    pure-Python ``jsonschema`` took 40 seconds, most of the time it took the TUI to open one.
    """
    import jsonschema_rs

    try:
        _validator().validate(data)
    except jsonschema_rs.ValidationError as error:
        where = "/".join(str(p) for p in error.instance_path) or "(top level)"
        raise ReportError(f"not a nearsame report at {where}: {error.message}") from None
