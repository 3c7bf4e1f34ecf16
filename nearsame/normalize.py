"""Tokens with exact offsets: words found in the original text and folded for comparison.

Every token keeps ``(start, end)`` in code points of the original string; only its ``norm`` is
folded (NFKC, ``unidecode``, casefold), so that ``Corée`` meets ``Coree`` and ``’`` meets ``'``.

Handled on purpose:

* French elision: ``l'usine`` and ``d’artillerie`` give two tokens, ``l'`` + ``usine``;
* hyphenated words: ``nord-coréen`` gives ``nord`` + ``coreen`` (so ``Jong-un`` meets ``Jong Un``);
* digit groups: ``15 000`` (plain, non-breaking or thin space), ``15,000`` and ``15.000`` are one
  token ``15000``; decimals ``8,5`` and ``8.5`` are one token ``8.5``;
* punctuation (« », curly quotes, dashes) makes no token;
* Chinese and Japanese characters are one token each (those scripts do not separate words).
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
    "ELISION_NORMS",
    "Token",
    "Tokens",
    "document_bytes",
    "document_pieces",
    "document_words",
    "fold",
    "fold_piece",
    "fold_utf8",
    "piece_words",
    "tokenize",
    "tokenize_words",
]

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_APOS = "'\u2019\u02bc"
_GROUP_SEP = " \u00a0\u202f\u2009"
#: Folded forms of the French elided words (``l'``, ``d'``, …): always stop words.
ELISION_NORMS = frozenset(
    [
        "l'",
        "d'",
        "j'",
        "m'",
        "n'",
        "s'",
        "t'",
        "c'",
        "qu'",
        "jusqu'",
        "lorsqu'",
        "puisqu'",
        "quoiqu'",
        "presqu'",
    ]
)


#: ``unidecode`` of each character met, by code point: ``text.translate`` with it is
#: ``unidecode(text)`` (which transliterates one character at a time), at C speed.
_TRANSLITERATIONS: Memo[int, str] = Memo(lambda code: unidecode(chr(code)), 0x110000)


@lru_cache(maxsize=262_144)
def _fold_non_ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_TRANSLITERATIONS).casefold()
    return folded.replace(" ", "") or text.casefold()


def fold(text: str) -> str:
    """Fold one token for comparison: NFKC, ``unidecode``, casefold (``Corée`` → ``coree``)."""
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
#: character, or a word, apostrophes inside kept (aujourd'hui, don't), hyphens split.
#:
#: The pattern starts with the class of a token's first character, so that the regex engine skips
#: the text between tokens in a tight loop; look-behinds then tell which kind of token that
#: character starts (a digit group where no word character, ``.`` or ``,`` comes before). Groups:
#: 1 the token, 2 the rest of digit groups, 3 the rest of decimals, 4 a word's apostrophes and what
#: follows them (``'hui``).
_TOKEN_RE = re.compile(
    rf"([\w{_CJK}]"
    r"(?:"
    rf"(?<=\d)(?<![\w.,]\d)(\d{{0,2}}(?:[{_GROUP_SEP}]\d{{3}})+|\d{{0,2}}(?:,\d{{3}})+|\d{{0,2}}(?:\.\d{{3}})+)(?![\w]|[.,]\d)"
    r"|(?<=\d)(\d*[.,]\d+)(?![\w])"
    rf"|(?<=[{_CJK}])"
    rf"|(?<=[^\W_{_CJK}])[^\W_{_CJK}]*((?:[{_APOS}][^\W_{_CJK}]+)*)"
    r"))"
)
_ELISION_RE = re.compile(
    rf"(?i)(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)[{_APOS}](?=\w)"
)
_AFTER_WORD_RE = re.compile(r"[\w.,]")
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


_PLAIN_WORD_RE = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def _latin_table() -> dict[int, str]:
    """unidecode's transliteration of the Latin-script letters news text is made of (Latin-1,
    Latin Extended-A and -B), combining accents dropped, as a ``str.translate`` table: whole texts
    fold at C speed."""
    table: dict[int, str] = dict.fromkeys(range(0x300, 0x370), "")  # é written e + ´
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
        for word in _PLAIN_WORD_RE.findall(folded)
    )


_KEEP, _LETTER, _SPACE, _DROP = 0, 1, 2, 3


@lru_cache(maxsize=1)
def _utf8_folds() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """What `fold_utf8` does to each 2-byte character (an action and a letter, by code point) and
    which 3-byte characters are spaces to it (by code point): what casefolding, the Latin table
    and the word pattern make of each, where that is one ASCII letter, nothing or a boundary."""
    table = _latin_table()
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
        elif folded is None and cased == char and not char.isalnum():
            actions[code] = _SPACE
    spaces = np.array(
        [chr(code).casefold() == chr(code) and not chr(code).isalnum() for code in range(0x10000)],
        dtype=bool,
    )
    spaces[:0x800] = False
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
