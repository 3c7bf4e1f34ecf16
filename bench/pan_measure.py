"""The PAN plagiarism-detection measures: macro precision and recall, granularity, plagdet.

As defined by Potthast, Stein, Barrón-Cedeño and Rosso, *An Evaluation Framework for Plagiarism
Detection* (COLING 2010), and as the PAN text-alignment evaluator computes them:

* a case or a detection is a passage of a suspicious document paired with a passage of a source
  document; detection ``r`` *detects* case ``s`` when both name the same two documents and their
  passages overlap in the suspicious document and in the source document;
* ``s ⊓ r`` is the characters ``s`` and ``r`` share (suspicious and source characters both
  counted) when ``r`` detects ``s``, and nothing otherwise;
* recall is the mean over cases of ``|s ⊓ (∪ R)| / |s|``, precision the mean over detections of
  ``|r ⊓ (∪ S)| / |r|`` (the same formula with the roles swapped);
* granularity is the mean number of detections over the detected cases (1 when none is detected);
* ``plagdet = F1 / log2(1 + granularity)``.

Offsets and lengths are in characters (code points) of the documents' text.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Annotation",
    "Scores",
    "detects",
    "evaluate",
    "granularity",
    "macro_precision",
    "macro_recall",
    "plagdet",
    "read_annotations",
    "write_detections",
]


@dataclass(frozen=True, slots=True)
class Annotation:
    """A passage of a suspicious document (``this``) paired with a passage of a source document."""

    this_reference: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int

    def __post_init__(self) -> None:
        if min(self.this_offset, self.this_length, self.source_offset, self.source_length) < 0:
            raise ValueError(f"offsets and lengths must not be negative: {self}")

    @property
    def this_end(self) -> int:
        return self.this_offset + self.this_length

    @property
    def source_end(self) -> int:
        return self.source_offset + self.source_length


@dataclass(frozen=True, slots=True)
class Scores:
    """The PAN figures for one set of cases and detections."""

    plagdet: float
    precision: float
    recall: float
    granularity: float
    cases: int
    detections: int


def detects(first: Annotation, second: Annotation) -> bool:
    """Whether the two annotations name the same documents and overlap on both sides."""
    return (
        first.this_reference == second.this_reference
        and first.source_reference == second.source_reference
        and second.this_end > first.this_offset
        and second.this_offset < first.this_end
        and second.source_end > first.source_offset
        and second.source_offset < first.source_end
    )


def _covered(start: int, end: int, spans: Iterable[tuple[int, int]]) -> int:
    """How many characters of ``[start, end)`` the union of ``spans`` covers."""
    clipped = sorted((max(start, s), min(end, e)) for s, e in spans if e > start and s < end)
    total, reach = 0, start
    for s, e in clipped:
        if e > reach:
            total += e - max(s, reach)
            reach = e
    return total


def _by_document(annotations: Iterable[Annotation]) -> dict[str, list[Annotation]]:
    index: dict[str, list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        index[annotation.this_reference].append(annotation)
    return index


def _recall_of(case: Annotation, detections: Sequence[Annotation]) -> float:
    hits = [d for d in detections if detects(case, d)]
    size = case.this_length + case.source_length
    if not hits or not size:
        return 0.0
    found = _covered(case.this_offset, case.this_end, ((d.this_offset, d.this_end) for d in hits))
    found += _covered(
        case.source_offset, case.source_end, ((d.source_offset, d.source_end) for d in hits)
    )
    return found / size


def macro_recall(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """The mean share of each case's characters that overlapping detections cover."""
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    found = _by_document(detections)
    total = sum(_recall_of(case, found.get(case.this_reference, ())) for case in cases)
    return total / len(cases)


def macro_precision(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """The mean share of each detection's characters that overlapping cases cover."""
    return macro_recall(detections, cases)


def granularity(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """The mean number of detections per detected case (1 when no case is detected)."""
    found = _by_document(detections)
    counts = [sum(detects(c, d) for d in found.get(c.this_reference, ())) for c in cases]
    detected = [n for n in counts if n > 0]
    return sum(detected) / len(detected) if detected else 1.0


def plagdet(precision: float, recall: float, gran: float) -> float:
    """``F1 / log2(1 + granularity)``; 0 when precision and recall are both 0."""
    if precision <= 0 and recall <= 0:
        return 0.0
    if gran < 1:
        raise ValueError(f"granularity is at least 1, not {gran}")
    f1 = 2 * precision * recall / (precision + recall)
    return f1 / math.log2(1 + gran)


def evaluate(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> Scores:
    """All PAN figures for ``detections`` against the gold ``cases``."""
    precision = macro_precision(cases, detections)
    recall = macro_recall(cases, detections)
    gran = granularity(cases, detections)
    return Scores(
        plagdet=plagdet(precision, recall, gran),
        precision=precision,
        recall=recall,
        granularity=gran,
        cases=len(cases),
        detections=len(detections),
    )


def read_annotations(path: Path, *, name_suffix: str = "plagiarism") -> list[Annotation]:
    """The annotations of one PAN XML file: features whose name ends with ``name_suffix``."""
    root = ET.parse(path).getroot()
    reference = root.get("reference", "")
    found = []
    for feature in root.iter("feature"):
        if not feature.get("name", "").endswith(name_suffix):
            continue
        if feature.get("source_reference") is None:
            continue
        found.append(
            Annotation(
                this_reference=reference,
                this_offset=int(feature.get("this_offset", "0")),
                this_length=int(feature.get("this_length", "0")),
                source_reference=feature.get("source_reference", ""),
                source_offset=int(feature.get("source_offset", "0")),
                source_length=int(feature.get("source_length", "0")),
            )
        )
    return found


def write_detections(path: Path, reference: str, detections: Iterable[Annotation]) -> None:
    """Write ``detections`` of suspicious document ``reference`` as one PAN detection XML file."""
    root = ET.Element("document", reference=reference)
    for d in detections:
        ET.SubElement(
            root,
            "feature",
            name="detected-plagiarism",
            this_offset=str(d.this_offset),
            this_length=str(d.this_length),
            source_reference=d.source_reference,
            source_offset=str(d.source_offset),
            source_length=str(d.source_length),
        )
    ET.indent(root)
    path.write_text(ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
