"""Boilerplate: units that are not the article's own text (promotions, credits, footers).

A unit is boilerplate when it opens with a marker news sites use for such lines ("À VOIR AUSSI",
"Lire aussi", "Read more", "Sign up", photo credits), or when the same text recurs in many
documents of the corpus (the engine counts those). Boilerplate is shown dimmed and kept out of
novelty figures.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nearsame.normalize import composed

if TYPE_CHECKING:
    from nearsame.analyze import Analysis

__all__ = ["boilerplate_units", "looks_like_boilerplate"]

_MARKERS = re.compile(
    r"""^\W*(
        [àa]\s+(voir|lire|d[ée]couvrir)\s+aussi | lire\s+aussi | (voir|lire)\s+(également|egalement)
        | (à|a)\s+lire | read\s+(more|also) | see\s+also | related(\s+(stories|articles))?\s*:
        | (sign|subscribe)\s+(up\s+)?(to|for) | abonnez-vous | inscrivez-vous | newsletter
        | (photo|crédit|credit|copyright|©)\b[^.]{0,80}$ | publi[ée]\s*(le\b.*)?$ | mis\s+à\s+jour\b.{0,40}$
        | updated\b.{0,40}$ | share\s+this | partager\s+(cet|l')\s*article
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def looks_like_boilerplate(text: str) -> bool:
    """Whether one unit's text reads as site furniture rather than article text."""
    # the markers are composed (NFC): ``À``, not ``A`` + U+0300
    return _MARKERS.search(composed(text.strip())) is not None


def boilerplate_units(analysis: Analysis, *, max_words: int = 25) -> set[int]:
    """The units of ``analysis`` (at most ``max_words`` long) that read as site furniture."""
    text = analysis.document.text
    return {
        unit
        for unit, sentence in enumerate(analysis.sentences)
        if sentence.words <= max_words
        and looks_like_boilerplate(text[sentence.start : sentence.end])
    }
