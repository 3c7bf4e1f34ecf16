from __future__ import annotations

import pytest

from nearsame.language import content_words, detect_language
from nearsame.normalize import tokenize


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Le dirigeant nord-coréen a exhorté les travailleurs à accélérer la production d'obus.",
            "fr",
        ),
        (
            "The North Korean leader urged workers to speed up the production of artillery shells.",
            "en",
        ),
        (
            "Der nordkoreanische Machthaber forderte die Arbeiter auf, die Produktion zu steigern.",
            "de",
        ),
    ],
)
def test_the_language_of_a_news_sentence_is_detected(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_too_little_text_has_no_language() -> None:
    assert detect_language("Kim 2025") is None


def terms(text: str, language: str | None) -> list[str]:
    return [t for t in content_words(text, tokenize(text), language) if t is not None]


def test_french_content_words_drop_stop_words_and_elisions_and_stem_the_rest() -> None:
    found = terms("L'agence a indiqué que Kim avait visité des usines de munitions", "fr")
    assert "l'" not in found and "des" not in found and "de" not in found
    assert {"kim", "usin", "munit"} <= set(found)
    assert terms("l'usine", "fr") == terms("les usines", "fr")


def test_english_content_words_meet_across_inflections() -> None:
    assert (
        terms("the shells are shipped", "en")
        == terms("a shell is shipping", "en")
        == ["shell", "ship"]
    )


def test_numbers_are_content_words() -> None:
    assert terms("quelque 15 000 soldats", "fr") == ["quelqu", "15000", "soldat"]


def test_an_unknown_language_keeps_every_word_but_elisions_and_single_letters() -> None:
    assert terms("a bc l'usine", None) == ["bc", "usine"]
