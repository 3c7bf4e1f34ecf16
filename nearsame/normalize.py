"""Tokens with exact offsets: words found in the original text and folded for comparison.

Every token keeps ``(start, end)`` in code points of the original string; only its ``norm`` is
folded (NFKC, ``unidecode`` of Latin, Greek and Cyrillic, casefold), so that ``Corée`` meets
``Coree`` and ``’`` meets ``'``; other scripts are compared as themselves (``是`` is not ``市``).

Handled on purpose:

* elision: ``l'usine`` and ``d’artillerie`` give two tokens, ``l'`` + ``usine``, and so do
  Italian ``dell'esercito`` and ``un'ora`` (`ELIDED`);
* hyphenated words: ``nord-coréen`` gives ``nord`` + ``coreen`` (so ``Jong-un`` meets ``Jong Un``);
* digit groups: ``15 000`` (plain, non-breaking or thin space), ``15,000`` and ``15.000`` are one
  token ``15000``; decimals ``8,5`` and ``8.5`` are one token ``8.5``;
* punctuation (« », curly quotes, dashes) makes no token;
* Chinese and Japanese characters are one token each (those scripts do not separate words),
  halfwidth katakana too (``ﾆｭｰｽ`` folds to ``ニュース``); a number touching one stays a number
  (``1,500人`` gives ``1500`` and ``人``);
* combining marks (``e`` + U+0301 in NFD text, Devanagari vowel signs, Arabic harakat) belong to
  the word they follow: ``été`` written in NFD (``e``, U+0301, ``t``, ``e``, U+0301) is one
  token, folded ``ete``; Arabic and Hebrew vowel marks are dropped when folding, so that
  ``أَعْلَنَتْ`` meets ``أعلنت``;
* invisible characters (soft hyphen, zero-width space, joiners) inside a word belong to it and
  are dropped when folding: ``Stark`` U+00AD ``regen`` meets ``Starkregen``.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, compress
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from unidecode import unidecode

from nearsame.memo import Memo

__all__ = [
    "APOSTROPHES",
    "CJK",
    "ELIDED",
    "ELISION_NORMS",
    "INVISIBLE",
    "KANA_MARKS",
    "MARK",
    "Token",
    "Tokens",
    "bmp_marks",
    "composed",
    "document_bytes",
    "document_pieces",
    "document_words",
    "fold",
    "fold_piece",
    "fold_utf8",
    "is_mark",
    "piece_words",
    "tokenize",
    "tokenize_words",
    "unmarked",
]

#: Kana, CJK ideographs and halfwidth katakana (``ﾆｭｰｽ``, one token a character like ``ニュース``):
#: a ``re`` class's ranges of the characters that are a word each (`nearsame.segment` counts so).
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
#: The halfwidth voiced sound marks (``ﾞ``, ``ﾟ``): letters to Unicode, but NFKC makes them the
#: combining marks U+3099 and U+309A, so they belong to the kana before them (``ﾊﾞ`` is ``バ``).
KANA_MARKS = "\uff9e\uff9f"
#: The invisible characters that may sit inside a word without ending it: soft hyphen (German
#: sites put them in long words), zero-width space, zero-width non-joiner and joiner, word joiner,
#: byte order mark. Inside a word they are part of its token and `fold` drops them; elsewhere
#: they are ignored, like spaces.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
#: The apostrophes: inside a word, part of it; after an elided word (``l'``), its end.
APOSTROPHES = "'\u2019\u02bc"
_GROUP_SEP = " \u00a0\u202f\u2009"
#: The combining marks (Unicode categories Mn, Mc, Me): an accent written apart (``e`` + U+0301,
#: text in NFD), the vowel signs of Devanagari, Bengali, Thai and the other Indic scripts, Arabic
#: harakat, Hebrew points. Each belongs to the word it follows, though ``\w`` does not match it.
#: Ranges of hexadecimal code points from Unicode 14.0 (Python 3.11's ``unicodedata``), each widened
#: over the unassigned code points between its marks; written out, since asking ``unicodedata``
#: about every code point at import takes 0.4 s (tests/test_normalize.py checks the list).
_MARK_RANGES = (
    "300-36f 483-489 591-5bd 5bf 5c1-5c2 5c4-5c5 5c7 610-61a 64b-65f 670 6d6-6dc 6df-6e4 "
    "6e7-6e8 6ea-6ed 711 730-74a 7a6-7b0 7eb-7f3 7fd 816-819 81b-823 825-827 829-82d 859-85b "
    "898-89f 8ca-8e1 8e3-903 93a-93c 93e-94f 951-957 962-963 981-983 9bc 9be-9cd 9d7 9e2-9e3 "
    "9fe-a03 a3c-a51 a70-a71 a75 a81-a83 abc abe-acd ae2-ae3 afa-b03 b3c b3e-b57 b62-b63 b82 "
    "bbe-bcd bd7 c00-c04 c3c c3e-c56 c62-c63 c81-c83 cbc cbe-cd6 ce2-ce3 d00-d03 d3b-d3c "
    "d3e-d4d d57 d62-d63 d81-d83 dca-ddf df2-df3 e31 e34-e3a e47-e4e eb1 eb4-ebc ec8-ecd "
    "f18-f19 f35 f37 f39 f3e-f3f f71-f84 f86-f87 f8d-fbc fc6 102b-103e 1056-1059 105e-1060 "
    "1062-1064 1067-106d 1071-1074 1082-108d 108f 109a-109d 135d-135f 1712-1715 1732-1734 "
    "1752-1753 1772-1773 17b4-17d3 17dd 180b-180d 180f 1885-1886 18a9 1920-193b 1a17-1a1b "
    "1a55-1a7f 1ab0-1b04 1b34-1b44 1b6b-1b73 1b80-1b82 1ba1-1bad 1be6-1bf3 1c24-1c37 "
    "1cd0-1cd2 1cd4-1ce8 1ced 1cf4 1cf7-1cf9 1dc0-1dff 20d0-20f0 2cef-2cf1 2d7f 2de0-2dff "
    "302a-302f 3099-309a a66f-a672 a674-a67d a69e-a69f a6f0-a6f1 a802 a806 a80b a823-a827 "
    "a82c a880-a881 a8b4-a8c5 a8e0-a8f1 a8ff a926-a92d a947-a953 a980-a983 a9b3-a9c0 a9e5 "
    "aa29-aa36 aa43 aa4c-aa4d aa7b-aa7d aab0 aab2-aab4 aab7-aab8 aabe-aabf aac1 aaeb-aaef "
    "aaf5-aaf6 abe3-abea abec-abed fb1e fe00-fe0f fe20-fe2f 101fd 102e0 10376-1037a "
    "10a01-10a0f 10a38-10a3f 10ae5-10ae6 10d24-10d27 10eab-10eac 10f46-10f50 10f82-10f85 "
    "11000-11002 11038-11046 11070 11073-11074 1107f-11082 110b0-110ba 110c2 11100-11102 "
    "11127-11134 11145-11146 11173 11180-11182 111b3-111c0 111c9-111cc 111ce-111cf "
    "1122c-11237 1123e 112df-112ea 11300-11303 1133b-1133c 1133e-1134d 11357 11362-11374 "
    "11435-11446 1145e 114b0-114c3 115af-115c0 115dc-115dd 11630-11640 116ab-116b7 "
    "1171d-1172b 1182c-1183a 11930-1193e 11940 11942-11943 119d1-119e0 119e4 11a01-11a0a "
    "11a33-11a39 11a3b-11a3e 11a47 11a51-11a5b 11a8a-11a99 11c2f-11c3f 11c92-11cb6 "
    "11d31-11d45 11d47 11d8a-11d97 11ef3-11ef6 16af0-16af4 16b30-16b36 16f4f 16f51-16f92 "
    "16fe4-16ff1 1bc9d-1bc9e 1cf00-1cf46 1d165-1d169 1d16d-1d172 1d17b-1d182 1d185-1d18b "
    "1d1aa-1d1ad 1d242-1d244 1da00-1da36 1da3b-1da6c 1da75 1da84 1da9b-1daaf 1e000-1e02a "
    "1e130-1e136 1e2ae 1e2ec-1e2ef 1e8d0-1e8d6 1e944-1e94a e0100-e01ef"
)


def _mark_class(*, bmp: bool) -> str:
    """The marks of `_MARK_RANGES` as the inside of a regex character class: those of the Basic
    Multilingual Plane, or all of them."""
    parts = []
    for item in _MARK_RANGES.split():
        first, _, last = item.partition("-")
        if bmp and int(first, 16) > 0xFFFF:
            break
        parts.append(chr(int(first, 16)) + (f"-{chr(int(last, 16))}" if last else ""))
    return "".join(parts)


#: One combining mark. ``re`` tries the ranges past the Basic Multilingual Plane of a class one by
#: one after its bitmap; here a first class (`_MARK_GATE`) rejects the characters that follow most
#: words (spaces, punctuation) at the bitmap and one range, and the look-behind tells a mark out of
#: the other characters past the BMP (emoji).
_MARK_GATE = rf"[{_mark_class(bmp=True)}\U00010000-\U0010ffff]"
MARK = rf"(?:{_MARK_GATE}(?<=[{_mark_class(bmp=False)}]))"
_MARK_RE = re.compile(MARK)


def composed(text: str) -> str:
    """``text`` in NFC, each accent written apart (``e`` + U+0301) joined to its letter, as word
    lists, stop words and markers are written; plain ASCII as it is, at once."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def is_mark(char: str) -> bool:
    """Whether ``char`` is a combining mark (`MARK`)."""
    return _MARK_RE.match(char) is not None


@lru_cache(maxsize=1)
def bmp_marks() -> npt.NDArray[np.bool_]:
    """`is_mark` of each character of the Basic Multilingual Plane, by code point."""
    table = np.zeros(0x10000, dtype=bool)
    for item in _MARK_RANGES.split():
        first, _, last = item.partition("-")
        if int(first, 16) <= 0xFFFF:
            table[int(first, 16) : int(last or first, 16) + 1] = True
    return table


#: After a run of a word's letters and digits: the combining marks among and after the rest, and
#: the invisible characters before another of its letters or marks (possessive: nothing in a word
#: is given back, and ``re`` is fastest so).
_MARKED = rf"(?:(?:{MARK}++|[{INVISIBLE}]++(?=[^\W_{CJK}]|{MARK}))[^\W_{CJK}]*+)*+"
#: What may follow a word's first run of letters and digits and still be part of it: an
#: apostrophe, an invisible character or a combining mark (or a character past the BMP, which
#: `MARK` tells). One test of this class skips them all at the end of nearly every word.
_WORD_MORE = rf"[{APOSTROPHES}{INVISIBLE}{_MARK_GATE[1:-1]}]"

#: The elided words split from the word they lean on (``l'usine``, ``dell'esercito``), without
#: their apostrophe: French, and Italian's articulated prepositions and other function words
#: (Catalan's are among the French). Never a word of its own in English (``don't``, ``O'Brien``).
ELIDED = (
    # French
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
    # Italian
    "dell", "dall", "nell", "sull", "all", "coll", "pell", "un", "quest", "quell", "anch", "dov",
    "com",
)  # fmt: skip
#: Folded forms of the elided words (``l'``, ``dell'``, …): always stop words.
ELISION_NORMS = frozenset(f"{word}'" for word in ELIDED)


#: The code points ``unidecode`` transliterates, besides every character that is neither a letter
#: nor a mark (digits, punctuation, symbols): the Latin, Greek and Cyrillic blocks and the
#: combining marks of no one script (the accents of ``e`` + U+0301). Their transliterations meet
#: (``Corée`` and ``Coree``, Serbian ``Београд`` and ``Beograd``) and lose little. Other scripts'
#: letters are kept as themselves: unidecode would make one ``shi`` of 是, 市, 事 and 时, one ``h`` of
#: Arabic ح and ه.
_TRANSLITERATED = (
    (0x0000, 0x052F),  # Latin, IPA, spacing modifiers, combining diacritics, Greek, Cyrillic
    (0x1AB0, 0x1AFF),  # combining diacritical marks extended
    (0x1C80, 0x1C8F),  # Cyrillic extended-C
    (0x1D00, 0x1FFF),  # phonetic extensions, combining supplement, Latin and Greek extended
    (0x20D0, 0x20FF),  # combining marks for symbols
    (0x2100, 0x218F),  # letterlike symbols and number forms (Ⅎ, Ↄ)
    (0x2C60, 0x2C7F),  # Latin extended-C
    (0x2DE0, 0x2DFF),  # Cyrillic extended-A
    (0xA640, 0xA69F),  # Cyrillic extended-B
    (0xA720, 0xA7FF),  # Latin extended-D
    (0xAB30, 0xAB6F),  # Latin extended-E
    (0xFE20, 0xFE2F),  # combining half marks
)
#: What `fold` makes of some characters (after NFKC), instead of their transliteration or
#: themselves: the invisible characters, Arabic vowel marks (harakat, U+0610–U+06ED), tatweel and
#: Hebrew points and cantillation marks go, as Latin accents do, so that vocalised and plain
#: spellings meet; ``ё`` is ``е``, as Russian is commonly written (unidecode gives ``io``);
#: the alef with hamza or madda is plain alef (``أعلن`` and ``اعلن``, as Arabic search engines
#: fold it), Persian yeh and keheh are Arabic yeh and kaf (the same letters, as keyboards type them).
_FOLDED_AS: dict[int, str] = {
    **dict.fromkeys(map(ord, INVISIBLE + "\u0640"), ""),
    **{
        code: ""
        for code in chain(range(0x0591, 0x05C8), range(0x0610, 0x06EE))
        if unicodedata.category(chr(code)) == "Mn"
    },
    0x0401: "E",  # Ё
    0x0451: "e",  # ё
    **dict.fromkeys(map(ord, "\u0622\u0623\u0625\u0671"), "\u0627"),  # آ أ إ ٱ: ا
    0x06CC: "\u064a",  # ی: ي
    0x06A9: "\u0643",  # ک: ك
}


def _fold_char(code: int) -> str:
    """What `fold` makes of one character of NFKC text, before casefolding it."""
    if code in _FOLDED_AS:
        return _FOLDED_AS[code]
    char = chr(code)
    if unicodedata.category(char)[0] not in "LM" or any(
        first <= code <= last for first, last in _TRANSLITERATED
    ):
        return unidecode(char)
    return char


#: `_fold_char` of each character met, by code point: ``text.translate`` with it folds a whole
#: text at C speed (``unidecode`` too transliterates one character at a time).
_TRANSLITERATIONS: Memo[int, str] = Memo(_fold_char, 0x110000)


@lru_cache(maxsize=262_144)
def _fold_non_ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_TRANSLITERATIONS).casefold()
    return folded.replace(" ", "") or text.casefold()


_UNMARKED = {code: None for code, folded in _FOLDED_AS.items() if folded == ""}


def unmarked(text: str) -> str:
    """``text`` without what `fold` drops though tokens keep it: the invisible characters inside
    words and the Arabic and Hebrew vowel marks (for looking words up in lists that have none)."""
    return text if text.isascii() else text.translate(_UNMARKED)


def fold(text: str) -> str:
    """Fold one token for comparison: NFKC, ``unidecode`` of the Latin, Greek and Cyrillic letters
    (`_TRANSLITERATED`: other scripts are kept as they are), casefold (``Corée`` → ``coree``);
    Arabic and Hebrew vowel marks and the invisible characters inside words dropped
    (`_FOLDED_AS`)."""
    if text.isascii():
        return text.lower()
    return _fold_non_ascii(text)


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its span in the original text and its folded form."""

    start: int
    end: int
    norm: str


@dataclass(frozen=True, slots=True)
class Tokens(Sequence[Token]):
    """The tokens of a text, stored as parallel tuples (compact and fast to build)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    norms: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.norms)

    @overload
    def __getitem__(self, index: int) -> Token: ...
    @overload
    def __getitem__(self, index: slice) -> Tokens: ...
    def __getitem__(self, index: int | slice) -> Token | Tokens:
        if isinstance(index, slice):
            return Tokens(self.starts[index], self.ends[index], self.norms[index])
        return Token(self.starts[index], self.ends[index], self.norms[index])

    def __iter__(self) -> Iterator[Token]:
        return map(Token, self.starts, self.ends, self.norms)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """The text span covering tokens ``first`` to ``last`` inclusive."""
        return self.starts[first], self.ends[last]


def _fold_number(text: str, decimal: bool) -> str:
    if decimal:
        return text.replace(",", ".")
    return "".join(ch for ch in text if ch.isdigit())


#: A token: digit groups (15 000 / 15,000 / 15.000 / 1 234 567), decimals (8,5 / 8.5), one CJK
#: character, or a word, apostrophes inside kept (aujourd'hui, don't), hyphens split; the combining
#: marks after a CJK character or inside or after a word are part of it.
#:
#: The pattern starts with the class of a token's first character, so that the regex engine skips
#: the text between tokens in a tight loop; look-behinds then tell which kind of token that
#: character starts (a digit group where no ``.``, ``,`` or word character but a CJK one comes
#: before). Groups:
#: 1 the token, 2 the rest of digit groups, 3 the rest of decimals, 4 a word's apostrophes and what
#: follows them (``'hui``; empty or ``None`` when there are none).
#: Combining marks are looked for only where one class test (`_MARK_GATE`, `_WORD_MORE`) of the
#: character after a CJK character or a word's letters says one may be there: the common case
#: costs that one test.
_TOKEN_RE = re.compile(
    rf"([\w{CJK}]"
    r"(?:"
    rf"(?<=\d)(?<![.,]\d)(?<![^\W{CJK}]\d)(\d{{0,2}}(?:[{_GROUP_SEP}]\d{{3}})+|\d{{0,2}}(?:,\d{{3}})+|\d{{0,2}}(?:\.\d{{3}})+)(?![^\W{CJK}]|[.,]\d)"
    rf"|(?<=\d)(\d*[.,]\d+)(?![^\W{CJK}])"
    rf"|(?<=[{CJK}])(?:(?![{_MARK_GATE[1:-1]}{KANA_MARKS}])|(?:{MARK}|[{KANA_MARKS}])*+)"
    rf"|(?<=[^\W_{CJK}])[^\W_{CJK}]*+"
    rf"(?:(?={_WORD_MORE}){_MARKED}((?:[{APOSTROPHES}][^\W_{CJK}]++{_MARKED})*))?"
    r"))"
)
_ELISION_RE = re.compile(rf"(?i)(?:{'|'.join(ELIDED)})[{APOSTROPHES}](?=\w)")
_AFTER_WORD_RE = re.compile(rf"[^\W{CJK}]|[.,]")
#: ``sys.intern(fold(word))`` of each word: the folded forms are one string object per distinct
#: word.
_FOLDS: Memo[str, str] = Memo(lambda word: sys.intern(fold(word)), 262_144)


def tokenize(text: str, start: int = 0, end: int | None = None) -> Tokens:
    """Tokenize ``text[start:end]``; spans are offsets into the whole of ``text``."""
    return tokenize_words(text, start, end)[0]


def tokenize_words(
    text: str, start: int = 0, end: int | None = None
) -> tuple[Tokens, list[str], list[int]]:
    """`tokenize`, the original text of each token (``text[token.start:token.end]``), and the
    indices of the numbers (digit groups and decimals): the only tokens whose norm is not
    ``fold`` of their own text."""
    stop = len(text) if end is None else end
    piece = text[start:stop]
    # the digit groups' look-behind sees the character before ``start``: "." stands in for it
    if start > 0 and _AFTER_WORD_RE.match(text, start - 1):
        piece, start = "." + piece, start - 1
    # gap, token, its 3 groups, gap, token, …, gap
    parts: list[Any] = _TOKEN_RE.split(piece)
    words: list[str] = parts[1::5]
    groups: list[str | None] = parts[2::5]
    decimals: list[str | None] = parts[3::5]
    apostrophes: list[str | None] | list[bool] = parts[4::5]
    del parts[2::5], parts[2::4], parts[2::3]  # gap, token, gap, token, …, gap
    bounds = list(accumulate(map(len, parts), initial=start))
    starts, ends = bounds[1:-1:2], bounds[2::2]
    numbers = any(groups) or any(decimals)
    if "\u02bc" in piece:  # a letter to ``\w``: inside a word, group 4 does not see it
        apostrophes = ["'" in word or "\u2019" in word or "\u02bc" in word for word in words]
    if any(apostrophes):
        # ``l'usine`` is two tokens, ``l'`` and ``usine``: split from the end, indices stay valid
        for index in reversed(list(compress(range(len(words)), apostrophes))):
            word = words[index]
            elided = _ELISION_RE.match(word)
            if elided is None:
                continue
            cut = elided.end()
            words[index : index + 1] = [word[:cut], word[cut:]]
            starts.insert(index + 1, starts[index] + cut)
            ends.insert(index, starts[index] + cut)
            if numbers:
                groups.insert(index + 1, None)
                decimals.insert(index + 1, None)
    norms = list(map(_FOLDS.__getitem__, words))
    if not numbers:
        return Tokens(tuple(starts), tuple(ends), tuple(norms)), words, []
    grouped = list(compress(range(len(words)), groups))
    for index in grouped:
        norms[index] = _fold_number(words[index], decimal=False)
    decimal = list(compress(range(len(words)), decimals))
    for index in decimal:
        norms[index] = _fold_number(words[index], decimal=True)
    return Tokens(tuple(starts), tuple(ends), tuple(norms)), words, grouped + decimal


@lru_cache(maxsize=1)
def _plain_word_re() -> re.Pattern[str]:
    """A run of letters and digits, with the combining marks among and after them (compiled on
    first use: only pieces that are not plain ASCII need it)."""
    return re.compile(rf"[^\W_]++(?:{MARK}++[^\W_]*+)*+")


@lru_cache(maxsize=1)
def _latin_table() -> dict[int, str]:
    """unidecode's transliteration of the Latin-script letters news text is made of (Latin-1,
    Latin Extended-A and -B), combining accents dropped, as a ``str.translate`` table: whole texts
    fold at C speed."""
    table: dict[int, str] = dict.fromkeys(range(0x300, 0x370), "")  # é written e + ´
    table.update(dict.fromkeys(map(ord, INVISIBLE), ""))  # a soft hyphen inside a word
    for code in range(0x80, 0x250):
        char = chr(code)
        if char.isalpha():
            table[code] = unidecode(unicodedata.normalize("NFKC", char)).casefold()
    return table


#: ASCII letters are lowercased, every other ASCII byte that cannot be part of a word (white space,
#: punctuation, ``_``) becomes a space; digits and the bytes of non-ASCII characters stay.
_BOUNDARIES = bytes(
    ord(chr(code).lower())
    if code < 0x80 and chr(code).isalnum()
    else code
    if code >= 0x80
    else 0x20
    for code in range(256)
)


def document_bytes(text: str) -> bytes:
    """The text in UTF-8, ASCII letters lowercased and every other ASCII byte that cannot be part
    of a word made a space: its pieces (runs of other bytes) fold to the text's words."""
    return text.encode("utf-8", "surrogatepass").translate(_BOUNDARIES)


def document_pieces(text: str) -> list[bytes]:
    """The casefolded text in UTF-8, cut at white space and ASCII punctuation: each piece is one
    plain word (when it is ASCII), or one or more words for `fold_piece`.

    Folding maps characters one by one and never makes a word of white space or ASCII
    punctuation, so a text's words are its pieces' words in order; pieces repeat across a corpus,
    so each distinct piece is folded once (`piece_words`).
    """
    return document_bytes(text.casefold()).split()


def fold_piece(piece: bytes) -> tuple[str, ...]:
    """The folded words of one piece of `document_pieces` or `document_bytes` (runs of letters
    and digits, folded like tokens; casefolding it again changes nothing)."""
    if piece.isascii():
        return (sys.intern(piece.decode("ascii").lower()),)
    folded = piece.decode("utf-8", "surrogatepass").casefold().translate(_latin_table())
    if folded.isascii() and folded.isalnum():
        return (sys.intern(folded),)
    return tuple(
        sys.intern(word if word.isascii() else _fold_non_ascii(word))
        for word in _plain_word_re().findall(folded)
    )


_KEEP, _LETTER, _SPACE, _DROP = 0, 1, 2, 3


@lru_cache(maxsize=1)
def _utf8_folds() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """What `fold_utf8` does to each 2-byte character (an action and a letter, by code point) and
    which 3-byte characters are spaces to it (by code point): what casefolding, the Latin table
    and the word pattern make of each, where that is one ASCII letter, nothing or a boundary."""
    table = _latin_table()
    marks = bmp_marks()  # a combining mark belongs to the word before it
    actions = np.zeros(0x800, dtype=np.uint8)
    letters = np.zeros(0x800, dtype=np.uint8)
    for code in range(0x80, 0x800):
        char = chr(code)
        cased = char.casefold()
        folded = table.get(ord(cased)) if len(cased) == 1 else None
        if len(cased) == 1 and cased.isascii() and cased.isalnum():
            actions[code], letters[code] = _LETTER, ord(cased)
        elif folded == "":
            actions[code] = _DROP
        elif folded is not None and len(folded) == 1 and folded.isascii() and folded.isalnum():
            actions[code], letters[code] = _LETTER, ord(folded)
        elif folded is None and cased == char and not char.isalnum() and not marks[code]:
            actions[code] = _SPACE
    spaces = np.array(
        [chr(code).casefold() == chr(code) and not chr(code).isalnum() for code in range(0x10000)],
        dtype=bool,
    )
    spaces[:0x800] = False
    spaces &= ~marks
    spaces[[ord(char) for char in INVISIBLE if ord(char) >= 0x800]] = False  # dropped in words
    return actions, letters, spaces


def fold_utf8(
    data: npt.NDArray[np.uint8], marks: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.intp]]:
    """Fold the commonest characters of `document_bytes` output at once, with numpy: a 2-byte
    character that folds to one ASCII letter (``é``, ``É``) becomes that letter, a combining
    accent goes, a 2- or 3-byte character that cannot be part of a word (``«``, ``’``, ``€``)
    becomes spaces.

    Its pieces fold to the same words as before (`fold_piece` folds character by character and
    leaves these results as they are); fewer of them are left non-ASCII. Returns the new bytes
    and where the byte positions ``marks`` (say, where each text begins) have moved.
    """
    actions, letters, spaces = _utf8_folds()
    data = data.copy()
    high = np.flatnonzero(data >= 0xC0)  # the first bytes of characters of 2 bytes or more
    two, three = high[data[high] < 0xE0], high[(data[high] >= 0xE0) & (data[high] < 0xF0)]
    codes = ((data[two].astype(np.intp) & 0x1F) << 6) | (data[two + 1] & 0x3F)
    action = actions[codes]
    lettered = two[action == _LETTER]
    data[lettered] = letters[codes[action == _LETTER]]
    spaced = two[action == _SPACE]
    data[spaced] = data[spaced + 1] = 0x20
    gone = two[action == _DROP]
    codes = (
        ((data[three].astype(np.intp) & 0x0F) << 12)
        | ((data[three + 1].astype(np.intp) & 0x3F) << 6)
        | (data[three + 2] & 0x3F)
    )
    spaced = three[spaces[codes]]
    data[spaced] = data[spaced + 1] = data[spaced + 2] = 0x20
    removed = np.sort(np.concatenate((lettered + 1, gone, gone + 1)))
    return np.delete(data, removed), marks - np.searchsorted(removed, marks)


#: `fold_piece`, memoised.
piece_words = Memo(fold_piece, 1_000_000).__getitem__


def document_words(text: str) -> list[str]:
    """The folded words of a whole text, without offsets: the fast view whole-article
    near-duplicate detection needs (runs of letters and digits, folded like tokens)."""
    return list(chain.from_iterable(map(piece_words, document_pieces(text))))
