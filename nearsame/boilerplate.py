"""Boilerplate: units that are not the article's own text (promotions, credits, footers).

A unit is boilerplate when it opens with a marker news sites use for such lines ("À VOIR AUSSI",
"Lire aussi", "Read more", "Sign up", photo credits), or when the same text recurs in many
documents of the corpus (the engine counts those). Boilerplate is shown dimmed and kept out of
novelty figures.
"""

from __future__ import annotations

import re

__all__ = ["looks_like_boilerplate"]

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
    return _MARKERS.search(text.strip()) is not None
