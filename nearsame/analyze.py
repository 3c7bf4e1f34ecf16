"""The analysed document: language, tokens, content terms and sentences, computed once."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from nearsame.document import Document
from nearsame.language import detect_language, language_code, word_terms
from nearsame.normalize import Tokens, tokenize_words
from nearsame.segment import MIN_WORDS, Paragraph, Sentence, segment

__all__ = ["Analysis", "analyze"]


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the engine needs from one document.

    ``sentence_tokens[i]`` is the ``(first, stop)`` token range of sentence ``i``.
    ``terms[j]`` is the content term of token ``j`` (``None`` for a stop word).
    """

    document: Document
    language: str | None
    tokens: Tokens
    terms: tuple[str | None, ...]
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    sentence_tokens: tuple[tuple[int, int], ...]


def analyze(
    document: Document, *, language: str | None = None, min_words: int = MIN_WORDS
) -> Analysis:
    """Analyse ``document``; ``language`` (ISO 639-1) overrides detection and the document's own
    (read by `language_code`: ``fr-FR`` is ``fr``; one that names no language is detected)."""
    text = document.text
    lang = (
        language_code(language)
        or language_code(document.language)
        or detect_language(document.body)
    )
    tokens, words, numbers = tokenize_words(text, document.body_start)
    segmentation = segment(text, start=document.body_start, min_words=min_words)
    ranges = tuple(
        (bisect_left(tokens.starts, s.start), bisect_left(tokens.starts, s.end))
        for s in segmentation.sentences
    )
    return Analysis(
        document=document,
        language=lang,
        tokens=tokens,
        terms=word_terms(words, tokens.norms, numbers, lang),
        paragraphs=segmentation.paragraphs,
        sentences=segmentation.sentences,
        sentence_tokens=ranges,
    )
