"""nearsame: find the passages news articles share, who published them first, and what is new.

The library never prints and never exits; ``nearsame.cli`` and ``nearsame.tui`` are thin shells.
Importing ``nearsame`` does not import Textual.
"""

from __future__ import annotations

from nearsame.analyze import Analysis, analyze
from nearsame.document import Document
from nearsame.engine import Params, build_report, compare
from nearsame.errors import IndexStoreError, InputError, NearsameError, ParameterError, ReportError
from nearsame.index import Decision, Index, IndexStats, MatchedDocument, SharedPassage, open_index
from nearsame.language import LANGUAGES, detect_language
from nearsame.loaders import FieldNames, LoadProblem, LoadResult, iter_documents, load_documents
from nearsame.normalize import Token, Tokens, fold, tokenize
from nearsame.report import Cluster, DocumentReport, Match, Novelty, Report, SharedSpan, Side
from nearsame.segment import Paragraph, Segmentation, Sentence, segment
from nearsame.verify import Thresholds

__all__ = [
    "LANGUAGES",
    "Analysis",
    "Cluster",
    "Decision",
    "Document",
    "DocumentReport",
    "FieldNames",
    "Index",
    "IndexStats",
    "IndexStoreError",
    "InputError",
    "LoadProblem",
    "LoadResult",
    "Match",
    "MatchedDocument",
    "NearsameError",
    "Novelty",
    "Paragraph",
    "ParameterError",
    "Params",
    "Report",
    "ReportError",
    "Segmentation",
    "Sentence",
    "SharedPassage",
    "SharedSpan",
    "Side",
    "Thresholds",
    "Token",
    "Tokens",
    "analyze",
    "build_report",
    "compare",
    "detect_language",
    "fold",
    "iter_documents",
    "load_documents",
    "open_index",
    "segment",
    "tokenize",
]
