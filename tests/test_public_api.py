from __future__ import annotations

import re

import pytest

import nearsame

PUBLIC = {
    "LANGUAGES", "Analysis", "Cluster", "Decision", "Document", "DocumentReport", "FieldNames", "Index",
    "IndexStats", "IndexStoreError", "InputError", "LoadProblem", "LoadResult", "Match", "MatchedDocument",
    "NearsameError", "Novelty", "Paragraph", "ParameterError", "Params", "Report", "ReportError",
    "Segmentation", "Sentence", "SharedPassage", "SharedSpan", "Side", "Thresholds", "Token", "Tokens",
    "analyze", "build_report", "compare", "detect_language", "fold", "iter_documents", "load_documents",
    "open_index", "segment", "tokenize",
}  # fmt: skip


def test_the_public_surface_is_exactly_what_all_declares() -> None:
    assert set(nearsame.__all__) == PUBLIC
    assert all(hasattr(nearsame, name) for name in nearsame.__all__)


def test_every_public_error_derives_from_nearsame_error() -> None:
    for name in ("IndexStoreError", "InputError", "ParameterError", "ReportError"):
        assert issubclass(getattr(nearsame, name), nearsame.NearsameError)


def test_every_public_module_opens_with_a_docstring() -> None:
    import pkgutil

    for module in pkgutil.walk_packages(nearsame.__path__, "nearsame."):
        if module.name.startswith("nearsame.tui"):
            continue
        imported = __import__(module.name, fromlist=["_"])
        assert imported.__doc__, module.name


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id": 5, "text": "x"}, "id must be a non-empty string, not 5"),
        ({"id": None, "text": "x"}, "id must be a non-empty string, not None"),
        ({"id": "", "text": "x"}, "id must be a non-empty string"),
        ({"id": "a", "text": b"x"}, "document 'a': text must be a string"),
        ({"id": "a", "text": None}, "document 'a': text must be a string"),
        ({"id": "a", "text": "x", "date": 20250101}, "date must be a string or None, not 20250101"),
        ({"id": "a", "text": "x", "title": {"a": 1}}, "title must be a string or None"),
    ],
)
def test_a_document_of_the_wrong_types_is_refused_where_it_is_made(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        nearsame.Document(**fields)  # type: ignore[arg-type]
