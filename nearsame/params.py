"""The settings of a run (`Params`), stored in every report, and the progress callback type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from nearsame.errors import ParameterError
from nearsame.language import language_code
from nearsame.segment import MIN_WORDS
from nearsame.sketch import SketchParams
from nearsame.verify import Thresholds

__all__ = ["Order", "Params", "Progress", "notify", "package_version"]

#: ``progress(stage, done, total)``: how the library reports long work (it never prints).
Progress = Callable[[str, int, int], None]
Order = Literal["input", "date"]


@dataclass(frozen=True, slots=True)
class Params:
    """Every setting of a run; stored in the report.

    ``verbatim_lsh`` / ``content_lsh`` / ``document_lsh``: the Jaccard thresholds the LSH banding
    targets for unit shingles, unit content terms and whole documents (low, for recall: every
    candidate is verified). ``duplicate``: the token-level similarity from which two whole articles
    are near-duplicates. ``boilerplate_docs`` / ``boilerplate_share``: a unit found in at least
    ``max(boilerplate_docs, boilerplate_share * documents)`` documents is boilerplate.
    ``max_sources``: at most this many earlier documents are reported for one later unit (the
    earliest always among them). ``passages=False`` finds whole-article near-duplicates only, fast
    (no sentences, no language detection, no content words): the report has clusters, no matches.
    """

    sketch: SketchParams = field(default_factory=SketchParams)
    thresholds: Thresholds = field(default_factory=Thresholds)
    verbatim_lsh: float = 0.3
    content_lsh: float = 0.15
    document_lsh: float = 0.4
    duplicate: float = 0.8
    boilerplate_docs: int = 5
    boilerplate_share: float = 0.02
    max_sources: int = 5
    max_bucket: int = 200
    order: Order = "date"
    min_words: int = MIN_WORDS
    language: str | None = None
    passages: bool = True

    def __post_init__(self) -> None:
        if self.order not in ("input", "date"):
            raise ParameterError(f"order must be 'input' or 'date', not {self.order!r}")
        for name in ("verbatim_lsh", "content_lsh", "document_lsh", "duplicate"):
            if not 0.0 < getattr(self, name) < 1.0 + (name == "duplicate"):
                raise ParameterError(f"{name} must be between 0 and 1, not {getattr(self, name)}")
        if self.language is not None:
            code = language_code(self.language)
            if code is None:
                raise ParameterError(
                    f"language must name a language, such as fr, fr-FR or French: {self.language!r}"
                )
            object.__setattr__(self, "language", code)
        if self.max_sources < 1 or self.max_bucket < 2:
            raise ParameterError("max_sources must be at least 1 and max_bucket at least 2")

    def to_dict(self) -> dict[str, Any]:
        """The parameters as JSON-ready values."""
        return asdict(self)


def package_version() -> str:
    """The installed nearsame version, written into every report."""
    # imported here: importlib.metadata is about 30 ms of a fresh process's start, which a
    # process that only checks against an index never needs
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nearsame")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


def notify(progress: Progress | None, stage: str, done: int, total: int) -> None:
    """Call ``progress`` if there is one."""
    if progress is not None:
        progress(stage, done, total)
