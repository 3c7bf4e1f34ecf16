from __future__ import annotations

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
