from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearsame.normalize import fold, tokenize


def words(text: str) -> list[str]:
    return [text[t.start : t.end] for t in tokenize(text)]


def norms(text: str) -> list[str]:
    return list(tokenize(text).norms)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'usine", ["l'", "usine"]),
        ("d’artillerie", ["d'", "artillerie"]),
        ("qu’il", ["qu'", "il"]),
        ("jusqu'à", ["jusqu'", "a"]),
        ("aujourd'hui", ["aujourd'hui"]),
        ("don't", ["don't"]),
        ("O’Brien", ["o'brien"]),
    ],
)
def test_french_elision_splits_the_article_and_keeps_other_apostrophes(
    text: str, expected: list[str]
) -> None:
    assert norms(text) == expected


def test_hyphenated_words_split_so_that_jong_un_meets_jong_un() -> None:
    assert norms("nord-coréen Kim Jong-un") == ["nord", "coreen", "kim", "jong", "un"]
    assert norms("Kim Jong Un") == ["kim", "jong", "un"]


@pytest.mark.parametrize(
    "text",
    [
        "15 000 soldats",
        "15\u00a0000 soldats",
        "15\u202f000 soldats",
        "15,000 soldats",
        "15.000 soldats",
    ],
)
def test_digit_groups_are_one_number_whatever_the_separator(text: str) -> None:
    tokens = tokenize(text)
    assert tokens.norms == ("15000", "soldats")
    assert text[tokens.starts[0] : tokens.ends[0]] == text.split(" s")[0].rstrip()


def test_decimals_fold_the_comma_and_years_stay_apart() -> None:
    assert norms("8,5 millions et 1,15 million") == ["8.5", "millions", "et", "1.15", "million"]
    assert norms("en 2019, 2020 et 2021") == ["en", "2019", "2020", "et", "2021"]
    assert norms("plus de 5 000 000 de") == ["plus", "de", "5000000", "de"]


def test_guillemets_curly_quotes_and_em_dashes_make_no_token() -> None:
    text = "«\u00a0à un rythme\u00a0» — “exponentiel” — fin"
    assert words(text) == ["à", "un", "rythme", "exponentiel", "fin"]


def test_folding_meets_accents_case_and_compatibility_forms() -> None:
    assert fold("Corée") == fold("COREE") == "coree"
    assert fold("ﬁnal") == "final"
    assert fold("Straße") == "strasse"
    assert norms("“États-Unis”") == ["etats", "unis"]


def test_chinese_characters_are_one_token_each() -> None:
    assert words("朝鲜 missile") == ["朝", "鲜", "missile"]


def test_tokenize_a_slice_reports_offsets_into_the_whole_text() -> None:
    text = "header\nLe dirigeant"
    tokens = tokenize(text, 7)
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)] == [
        "Le",
        "dirigeant",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_every_token_span_slices_to_a_nonempty_ordered_piece_of_the_original(text: str) -> None:
    tokens = tokenize(text)
    previous_end = 0
    for token in tokens:
        assert previous_end <= token.start < token.end <= len(text)
        piece = text[token.start : token.end]
        assert piece.strip() == piece
        assert token.norm
        previous_end = token.end


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Corée",
                "l’usine",
                "15 000",
                "«",
                "»",
                "—",
                "nord-coréen",
                " ",
                "\n",
                "Kim",
                "8,5",
                "É",
                "x",
            ]
        )
    )
)
def test_tokens_of_news_like_text_fold_their_own_slice(pieces: list[str]) -> None:
    text = " ".join(pieces)
    for token in tokenize(text):
        piece = text[token.start : token.end]
        if not any(ch.isdigit() for ch in piece):
            assert token.norm == fold(piece)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Corée du Nord: l’usine «KCNA»", ["coree", "du", "nord", "l", "usine", "kcna"]),
        ("œuvres Straße ﬁn İstanbul", ["oeuvres", "strasse", "fin", "istanbul"]),
        ("Core\u0301e", ["coree"]),
        ("Ελλάδα", ["ellada"]),
    ],
)
def test_document_words_fold_whole_texts_like_tokens(text: str, expected: list[str]) -> None:
    from nearsame.normalize import document_words

    assert document_words(text) == expected


def _whole_text_words(text: str) -> list[str]:
    """The obviously-right reference: translate the whole casefolded text, then find the words."""
    import re

    from nearsame.normalize import _fold_non_ascii, _latin_table

    folded = text.casefold().translate(_latin_table())
    return [w if w.isascii() else _fold_non_ascii(w) for w in re.findall(r"[^\W_]+", folded)]


_TRICKY_PIECES = (
    "Corée", "Core\u0301e", "l’usine", "œuvre", "ŉ", "Ŀl", "ǀǁ", "a_b", "_", "Ελλάδα",
    "15\u00a0000", " ", "\n", "\u2009", "\u3000", "\x1c", "«", "»", "-", "İ", "ß", "北京", "\ud800",
    "K", "\u212a", "²", "ﬁ",
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_TRICKY_PIECES), st.text(max_size=6)), max_size=30))
def test_document_words_fold_piece_by_piece_like_the_whole_text(pieces: list[str]) -> None:
    from nearsame.normalize import document_words

    text = "".join(pieces)
    assert document_words(text) == _whole_text_words(text)
    assert document_words(text) == _whole_text_words(text)  # a second time, from the cache
