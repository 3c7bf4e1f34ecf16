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

    from nearsame.normalize import MARK, _fold_non_ascii, _latin_table

    folded = text.casefold().translate(_latin_table())
    words = re.findall(rf"[^\W_](?:[^\W_]|{MARK})*", folded)
    return [w if w.isascii() else _fold_non_ascii(w) for w in words]


_TRICKY_PIECES = (
    "Corée", "Core\u0301e", "l’usine", "œuvre", "ŉ", "Ŀl", "ǀǁ", "a_b", "_", "Ελλάδα",
    "15\u00a0000", " ", "\n", "\u2009", "\u3000", "\x1c", "«", "»", "-", "İ", "ß", "北京", "\ud800",
    "K", "\u212a", "²", "ﬁ", "e\u0301", "\u0301", "\u093e", "नमस्ते", "\u064e", "か\u3099", "\u3099",
    "\U00011000", "\U0001f600", "\u20e3", "\ufe0f",
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_TRICKY_PIECES), st.text(max_size=6)), max_size=30))
def test_document_words_fold_piece_by_piece_like_the_whole_text(pieces: list[str]) -> None:
    from nearsame.normalize import document_words

    text = "".join(pieces)
    assert document_words(text) == _whole_text_words(text)
    assert document_words(text) == _whole_text_words(text)  # a second time, from the cache


def _reference_tokens(
    text: str, start: int = 0, end: int | None = None
) -> list[tuple[int, int, str]]:
    """The obviously-right reference: one `finditer` match at a time, each kind folded on its own
    (how `tokenize` worked before it found every token with one `split`)."""
    import re

    from nearsame.normalize import _APOS, _GROUP_SEP, CJK, MARK

    letters = rf"[^\W_{CJK}](?:[^\W_{CJK}]|{MARK})*"  # combining marks belong to the word
    token_re = re.compile(
        rf"(?<![\w.,])(\d{{1,3}}(?:[{_GROUP_SEP}]\d{{3}})+|\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}}(?:\.\d{{3}})+)(?![\w]|[.,]\d)"
        r"|(\d+[.,]\d+)(?![\w])"
        rf"|([{CJK}]{MARK}*)"
        rf"|({letters}(?:[{_APOS}]{letters})*)"
    )
    elision_re = re.compile(
        rf"(?i)(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)[{_APOS}](?=\w)"
    )
    found = []
    for match in token_re.finditer(text, start, len(text) if end is None else end):
        word, s = match.group(), match.start()
        if match.lastindex == 1:
            found.append((s, match.end(), "".join(ch for ch in word if ch.isdigit())))
        elif match.lastindex == 2:
            found.append((s, match.end(), word.replace(",", ".")))
        elif match.lastindex == 4 and (elided := elision_re.match(word)):
            found.append((s, s + elided.end(), fold(elided.group())))
            found.append((s + elided.end(), match.end(), fold(word[elided.end() :])))
        else:
            found.append((s, match.end(), fold(word)))
    return found


_TOKEN_PIECES = (
    "l'", "L’", "qu’", "jusqu'", "presqu", "quoiqu", "ʼ", "'", "’", "usine", "Corée", "ſ", "\u212a",
    "İ", "ß", "ﬁ", "北京", "・", "゠", "_", "-", ".", ",", " ", "\u00a0", "\u202f", "\u2009", "\n",
    "15 000", "1,234", "1.234", "8,5", "2023", "0", "²", "①", "٣", "\ud800", "«", "»",
    "e\u0301", "\u0301", "\u0300\u0323", "\u093e", "\u0939\u093f", "\u064e", "\u3099", "\U00011000",
    "\U0001f600", "\u20e3",
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(_TOKEN_PIECES), st.text(max_size=4)), max_size=30),
    st.integers(min_value=0, max_value=200),
    st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
)
def test_tokenize_finds_the_tokens_of_the_one_match_at_a_time_reference(
    pieces: list[str], start: int, end: int | None
) -> None:
    from nearsame.normalize import tokenize_words

    text = "".join(pieces)
    start = min(start, len(text))
    end = None if end is None else max(start, min(end, len(text)))
    tokens, words, numbers = tokenize_words(text, start, end)
    assert list(zip(tokens.starts, tokens.ends, tokens.norms, strict=True)) == _reference_tokens(
        text, start, end
    )
    assert words == [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)]
    assert tokenize(text, start, end) == tokens
    # every token but the numbers has the fold of its text for norm
    assert sorted(numbers) == [
        index
        for index, word in enumerate(words)
        if any(ch in " \u00a0\u202f\u2009,." for ch in word)
    ]
    assert all(
        norm == fold(word)
        for index, (word, norm) in enumerate(zip(words, tokens.norms, strict=True))
        if index not in numbers
    )


# Combining marks (Mn, Mc, Me) belong to the word they follow: text in NFD (``e`` + U+0301), and
# the scripts whose letters take vowel signs (Devanagari, Bengali, Thai) or points (Arabic, Hebrew).

_FRENCH = (
    "Le président de la République a été reçu à l'Élysée, où l'économie française "
    "était déjà au cœur des débats jusqu'à l'aube."
)


def test_a_text_in_nfd_gives_the_tokens_of_its_nfc_form_with_spans_in_its_own_text() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", _FRENCH)
    assert decomposed != _FRENCH
    tokens, composed = tokenize(decomposed), tokenize(_FRENCH)
    assert len(tokens) == len(composed) == 25
    assert tokens.norms == composed.norms
    assert [unicodedata.normalize("NFC", piece) for piece in words(decomposed)] == words(_FRENCH)
    assert words(decomposed)[1] == "pre\u0301sident"  # the span of the original, accent included


def test_a_hindi_sentence_gives_whole_words_with_their_vowel_signs() -> None:
    text = "भारत की राजधानी दिल्ली में आज भारी बारिश हुई।"
    tokens = tokenize(text)
    assert words(text) == ["भारत", "की", "राजधानी", "दिल्ली", "में", "आज", "भारी", "बारिश", "हुई"]
    # the spans are code points of the text, vowel signs (U+093E, U+0940, ...) and virama included
    assert tokens.starts == (0, 5, 8, 16, 23, 27, 30, 35, 41)
    assert tokens.ends == (4, 7, 15, 22, 26, 29, 34, 40, 44)
    assert tokens.norms[:4] == tuple(fold(word) for word in ["भारत", "की", "राजधानी", "दिल्ली"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ذَهَبَ الوَلَدُ إِلَى المَدْرَسَةِ", ["ذَهَبَ", "الوَلَدُ", "إِلَى", "المَدْرَسَةِ"]),  # harakat
        ("שָׁלוֹם עוֹלָם", ["שָׁלוֹם", "עוֹלָם"]),  # Hebrew points
        ("ভারতের রাজধানী", ["ভারতের", "রাজধানী"]),  # Bengali vowel signs
        ("ข่าวด่วน วันนี้", ["ข่าวด่วน", "วันนี้"]),  # Thai: a run between spaces
        ("Vie\u0323\u0302t Nam", ["Vie\u0323\u0302t", "Nam"]),  # Vietnamese in NFD
        ("\u0301 a\u0301 \u093e", ["a\u0301"]),  # a mark after no word makes no token
        ("北\U0001f600京 e\U0001f600", ["北", "京", "e"]),  # past the BMP, not a mark
    ],
)
def test_combining_marks_stay_inside_the_word_they_follow(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_a_voiced_kana_in_nfd_is_one_token_like_its_precomposed_form() -> None:
    import unicodedata

    text = "がっこう ガス"
    decomposed = unicodedata.normalize("NFD", text)
    assert words(decomposed) == ["か\u3099", "っ", "こ", "う", "カ\u3099", "ス"]
    assert tokenize(decomposed).norms == tokenize(text).norms


def test_the_combining_marks_are_exactly_unicodes() -> None:
    """`MARK` matches every character of categories Mn, Mc and Me, and nothing else assigned."""
    import re
    import unicodedata

    from nearsame.normalize import MARK, bmp_marks, is_mark

    mark_re = re.compile(MARK)
    everything = "".join(map(chr, range(0x110000)))
    matched = {m.start() for m in mark_re.finditer(everything)}
    categories = {code: unicodedata.category(chr(code)) for code in range(0x110000)}
    missing = [
        hex(code)
        for code, category in categories.items()
        if category[0] == "M" and code not in matched
    ]
    if unicodedata.unidata_version == "14.0.0":  # the list's version (Python 3.11): exactly it
        assert not missing, "regenerate _MARK_RANGES"
        assert all(categories[code][0] == "M" or categories[code] == "Cn" for code in matched)
    else:  # a later Unicode adds marks (and letters in the gaps the ranges span): nearly all
        assert len(missing) < 0.02 * len(matched), "regenerate _MARK_RANGES"
    assert set(map(int, bmp_marks().nonzero()[0])) == {code for code in matched if code <= 0xFFFF}
    assert (
        is_mark("\u0301")
        and is_mark("\U000e0100")
        and not is_mark("e")
        and not is_mark("\U0001f600")
    )


def test_document_words_keep_marks_in_their_word_like_tokens() -> None:
    import unicodedata

    from nearsame.normalize import document_words

    assert document_words(unicodedata.normalize("NFD", _FRENCH)) == document_words(_FRENCH)
    hindi = "भारत की राजधानी दिल्ली"
    assert document_words(hindi) == list(tokenize(hindi).norms)


@pytest.mark.parametrize(
    "text",
    [
        "भारत की राजधानी दिल्ली में आज भारी बारिश हुई।",
        "ذَهَبَ الوَلَدُ إِلَى المَدْرَسَةِ",
        "Vie\u0323\u0302t Nam e\u0301te\u0301 Ко\u0301ка \U00011013\U00011038",
    ],
)
def test_many_texts_hash_their_marked_words_like_one(text: str) -> None:
    """`fold_utf8` (many texts at once) keeps a mark in its word, as `fold_piece` does."""
    import numpy as np

    from nearsame.normalize import document_words
    from nearsame.sketch import document_hashes, documents_hashes, token_hashes

    assert np.array_equal(documents_hashes(["x", text])[1], document_hashes(text))
    assert np.array_equal(document_hashes(text), token_hashes(document_words(text)))
