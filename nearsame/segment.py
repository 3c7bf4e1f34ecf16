"""Paragraphs and sentences with exact spans, robust to French and English news typography.

A paragraph is a block between blank lines. Inside it, a sentence ends at ``.``, ``!``, ``?``,
``…`` or the stop of another script (``。`` and ``؟``, ``।``, ``።``...; ``;`` in Greek), with any
closing quotes or brackets, when the next word starts with anything but a lower-case letter, except
after an abbreviation (``M.``, ``Mme``, ``Dr.``, ``U.S.``), an initial (``J. Smith``) or
inside a short quotation (« … », “ … ”, „ … “). Scraped text whose paragraph break lost its space
(``domestique.Consternant``) is cut too, and so is a line break unless the paragraph is
hard-wrapped (of two lines: a full first line, the second going on in lower case). Very short
sentences join a neighbour in their paragraph so that every unit has enough words to fingerprint.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from nearsame.normalize import (
    APOSTROPHES,
    CJK,
    INVISIBLE,
    KANA_MARKS,
    MARK,
    bmp_marks,
    composed,
    is_mark,
)

__all__ = ["Paragraph", "Segmentation", "Sentence", "paragraph_spans", "segment"]

MIN_WORDS = 6
_QUOTE_MAX = 400
#: The lengths of a hard-wrapped paragraph's full lines, in characters.
_WRAP_MIN = 30
_WRAP_MAX = 120

_PARA_BREAK_RE = re.compile(r"\n[ \t\u00a0\u3000]*(?:\r?\n[ \t\u00a0\u3000]*)+|\r\n[ \t]*\r\n")
#: Closing quotes and brackets that never open anything: after a stop, with or without a space.
_CLOSERS = "»”\"'’›)]}」』）］｝〉》】〕"
#: Quotes that close in one typography and open in another (German „…“ ‚…‘ »…« ›…‹): closing after
#: a stop only when glued to it (``unterstützen.“ Danach``; ``said. “We`` opens a quotation).
_GLUED_CLOSERS = "“‘«‹"
#: The quote each of `_GLUED_CLOSERS` closes; in a paragraph that opens quotes otherwise, it opens
#: the next sentence (``restylée.« Concevoir``, a paragraph break lost: `_closed`).
_GLUED_OPENERS = {"“": "„", "‘": "‚", "«": "»", "‹": "›"}
#: Sentence stops that white space follows: Latin ``.!?…``, ``;`` that is a Greek question mark
#: once in NFC, Arabic ``؟ ۔``, Devanagari ``। ॥``, Armenian ``։``, Ethiopic ``። ፧``, Myanmar ``။``,
#: Khmer ``។ ៕``.
_STOPS = ".!?…‼⁇⁈⁉;\u037e؟۔।॥։።፧။។៕"
#: The CJK stops, that need no white space after them.
_CJK_STOPS = "。！？．｡"
#: A sentence ends at a stop (group 1) with any closing quotes or brackets (group 2) after it, then
#: white space, or anything after ``»`` (a paragraph break lost: `_closed`). One class of all the
#: stops first, so that the search skips to them at once (not an alternation: ``re`` would try it at
#: every character).
_TERMINAL_RE = re.compile(
    rf"([{_STOPS}{_CJK_STOPS}]+)"
    rf"((?<=[{_CJK_STOPS}])[{re.escape(_CLOSERS)}]*"
    rf"|(?:[ \u00a0\u202f]?[{re.escape(_CLOSERS)}]|[{_GLUED_CLOSERS}])*(?:(?=\s)|(?<=»)(?=\S)))"
)
#: The quotes that may stand between a stop and the next word with no space (scraped text).
_GLUED_QUOTES = '"“”«»„'
#: The stop first and the letters before it after: a look-behind tried at every position of the text
#: is slow, a stop is found at once. Combining marks belong to the letter before them (``É`` written
#: ``E`` + U+0301); after a mark, `_letters_before` checks the letters before the stop.
#: Before the stop may come a quotation's end (``catastrophe"."Le``); after it, a quote that opens
#: the next sentence or closes this one (``l'épidémie."Ici``, ``fini."Le``), and the next word may be
#: elided (``Girardin.L'agence``).
_GLUED_RE = re.compile(
    rf"[.!?](?:(?<=[^\W\d_]{{2}}[.!?])|(?<={MARK}[.!?])|(?<=[^\W\d_][\"”»][.!?]))"
    rf"([{_GLUED_QUOTES}]?)(?=[^\W\d_]{MARK}*+[{APOSTROPHES}]?[^\W\d_])"
)
_LETTER_RE = re.compile(r"[^\W\d_]")
_MARK_RE = re.compile(MARK)
_FILENAME_RE = re.compile(r"\S+\.(?:jpe?g|png|gif|webp|tiff?)\b", re.IGNORECASE)
_LAST_WORD_RE = re.compile(r"([^\s«“„‚‘»›‹\"(\[{（「『]+)$")
#: Short quotations, where a stop ends no sentence, by typography: French or English «…» “…”, or
#: German »…« „…“ (chosen for each paragraph by `_Quotes`).
_QUOTE_RES = {
    (german_chevrons, german_curly): re.compile(
        ("»[^»«\n]*«" if german_chevrons else "«[^«»\n]*»")
        + ("|„[^„“”\n]*[“”]" if german_curly else "|“[^“”\n]*”")
        # a straight quote opens before a word and closes after one: where scraped text lost one
        # (``immédiate", a souligné``), the pairs do not shift and swallow the sentences between
        + r"|\"(?=[^\s,.;:!?\"])[^\"\n]*(?<=[^\s\"])\"|「[^「」\n]*」|『[^『』\n]*』"
    )
    for german_chevrons in (False, True)
    for german_curly in (False, True)
}
#: What may come before the first letter of a sentence: white space, then up to six opening quotes
#: and brackets, dashes and spaces.
_OPENING_RE = re.compile(r"\s*[«“„‚\"‘'»›‹(\[{（［｛「『【《〈〔—–\-¿¡ \u00a0\u202f]{0,6}")
#: Always abbreviations: a full stop after them never ends a sentence.
_ABBREVIATIONS = frozenset(
    [
        "m",
        "mm",
        "mme",
        "mmes",
        "mlle",
        "mlles",
        "mgr",
        "dr",
        "drs",
        "mr",
        "mrs",
        "ms",
        "messrs",
        "st",
        "ste",
        "sts",
        "prof",
        "pr",
        "gen",
        "gén",
        "sen",
        "rep",
        "gov",
        "lt",
        "col",
        "sgt",
        "capt",
        "cpt",
        "cmdr",
        "adm",
        "maj",
        "jr",
        "sr",
        "inc",
        "corp",
        "ltd",
        "co",
        "bros",
        "vs",
        "cf",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    ]
)
#: Abbreviations only when a number follows (``No. 5``, ``p. 12``, ``sept. 2023``).
_NUMBERED = frozenset(
    [
        "no",
        "nos",
        "nº",
        "n°",
        "p",
        "pp",
        "vol",
        "art",
        "ch",
        "chap",
        "fig",
        "av",
        "bd",
        "ave",
        "blvd",
        "approx",
        "jan",
        "feb",
        "fév",
        "févr",
        "mar",
        "apr",
        "avr",
        "aug",
        "aoû",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "déc",
    ]
)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A block of text between blank lines; ``start``/``end`` exclude surrounding whitespace."""

    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or a few short ones joined); the unit nearsame fingerprints and matches."""

    index: int
    paragraph: int
    start: int
    end: int
    words: int


@dataclass(frozen=True, slots=True)
class Segmentation:
    """The paragraphs and sentences of one text, in reading order."""

    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]


def segment(text: str, *, start: int = 0, min_words: int = MIN_WORDS) -> Segmentation:
    """Split ``text[start:]`` into paragraphs and sentences (spans index the whole ``text``)."""
    if min_words < 1:
        raise ValueError(f"min_words must be at least 1, not {min_words}")
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    words_at = _word_starts(text)
    for p_start, p_end in paragraph_spans(text, start):
        paragraph = Paragraph(len(paragraphs), p_start, p_end)
        paragraphs.append(paragraph)
        for s_start, s_end, words in _sentences_of(text, p_start, p_end, min_words, words_at):
            sentences.append(Sentence(len(sentences), paragraph.index, s_start, s_end, words))
    return Segmentation(tuple(paragraphs), tuple(sentences))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The paragraphs of ``text[start:end]`` (blocks between blank lines), whitespace trimmed."""
    stop = len(text) if end is None else end
    spans = []
    position = start
    for match in _PARA_BREAK_RE.finditer(text, start, stop):
        spans.append(_trim(text, position, match.start()))
        position = match.end()
    spans.append(_trim(text, position, stop))
    return [(s, e) for s, e in spans if s < e]


def _letters_before(text: str, position: int) -> bool:
    """Whether the two characters before ``position``, combining marks skipped, are letters
    (``[^\\W\\d_]``)."""
    for _ in range(2):
        position -= 1
        while position >= 0 and is_mark(text[position]):
            position -= 1
        if position < 0 or _LETTER_RE.match(text, position) is None:
            return False
    return True


def _is_abbreviation(text: str, period: int, p_start: int, next_char: str) -> bool:
    """Whether the ``.`` at ``period`` ends an abbreviation or an initial, not a sentence."""
    match = _LAST_WORD_RE.search(text, max(p_start, period - 40), period)
    if match is None:
        return False
    word = match.group(1).rstrip(".")
    if not word.isascii() and _MARK_RE.search(word):  # written decomposed: ``É`` as ``E`` + U+0301
        word = composed(word)
    if len(word) == 1 and word.isalpha():
        return True
    lowered = word.casefold()
    if lowered in _ABBREVIATIONS or (lowered in _NUMBERED and next_char.isdigit()):
        return True
    parts = lowered.split(".")
    return len(parts) > 1 and all(len(part) <= 2 and part.isalpha() for part in parts)


def _sentence_opener(text: str, position: int, end: int) -> str:
    """The first letter or digit at ``position`` (after white space, of any length and kind, and
    openers), if it can open a sentence: anything but a lower-case letter."""
    opened = _OPENING_RE.match(text, position, end)  # always matches, maybe nothing
    position = opened.end() if opened else position
    if position >= end:
        return ""
    char = text[position]
    # a capital, a digit, or a letter of a script without case (Arabic, Hebrew, Chinese, Devanagari)
    return char if char.isalnum() and not char.islower() else ""


#: Openers that also close in French and English (``»``, ``›``): they open a German quotation only
#: glued to its first word (``»Wir``); spaced (``combat. » Le``), they close a French one, maybe
#: opened in the paragraph before.
_GERMAN_OPENER_RES = {quote: re.compile(rf"{quote}(?=\w)") for quote in "»›"}


class _Quotes:
    """Where each quote first appears in one paragraph, found once: which typography quotes it
    is asked at every stop (a search from the paragraph's start each time was quadratic)."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end
        self._first = {quote: text.find(quote, start, end) for quote in "„“‚‘«‹"}
        for quote, opener in _GERMAN_OPENER_RES.items():
            found = opener.search(text, start, end)
            self._first[quote] = found.start() if found else -1

    def opens_first(self, opening: str, closing: str, before: int) -> bool:
        """Whether ``opening`` comes before ``before``, with no ``closing`` before it: the
        paragraph quotes in the typography where ``opening`` opens (German ``»…«``, ``„…“``)."""
        found = self._first[opening]
        if found < 0 or found >= before:
            return False
        closing_at = self._first[closing]
        return closing_at < 0 or closing_at > found

    def spans(self) -> list[tuple[int, int]]:
        """The short quotations of the paragraph, in its typography."""
        german = self.opens_first("»", "«", self._end), self.opens_first("„", "“", self._end)
        return [
            m.span()
            for m in _QUOTE_RES[german].finditer(self._text, self._start, self._end)
            if m.end() - m.start() < _QUOTE_MAX
        ]


def _wrapped_pair(first: str, second: str) -> bool:
    """Whether two lines are one sentence hard-wrapped: the first is long, so full that the
    second's first word did not fit on it (the second is no longer than that), and ends with no
    stop or colon; the second goes on in lower case. A title over its text, list items, short lines
    stay apart."""
    first, second = first.rstrip(), second.strip()
    if not _WRAP_MIN <= len(first) <= _WRAP_MAX or not second[0].islower():
        return False
    if first.rstrip(_CLOSERS + _GLUED_CLOSERS)[-1:] in f"{_STOPS}{_CJK_STOPS}:":
        return False
    return len(first) + 1 + len(second.split(maxsplit=1)[0]) > len(second)


def _line_breaks_cut(text: str, start: int, end: int) -> bool:
    """Whether line breaks inside this paragraph end sentences (they do unless hard-wrapped)."""
    lines = text[start:end].split("\n")
    if len(lines) == 2:
        return not _wrapped_pair(lines[0], lines[1])
    if len(lines) < 3:
        return True
    longest = max(len(line) for line in lines)
    full = sum(1 for line in lines[:-1] if len(line) >= 0.6 * longest)
    return not (longest <= _WRAP_MAX and full >= 0.75 * (len(lines) - 1))


def _greek(char: str) -> bool:
    return "\u0370" <= char <= "\u03ff" or "\u1f00" <= char <= "\u1fff"


def _greek_question(text: str, stop: int, opener: str) -> bool:
    """Whether the ``;`` at ``stop`` is a Greek question mark (U+037E, which NFC turns into ``;``):
    a Greek letter before it and a Greek capital after it. Elsewhere ``;`` is a semicolon."""
    before = stop - 1
    while before >= 0 and is_mark(text[before]):
        before -= 1
    return before >= 0 and _greek(text[before]) and _greek(opener) and opener.isupper()


def _closed(text: str, quotes: _Quotes, match: re.Match[str]) -> int:
    """Where the closing quotes after the stop of ``match`` end: before the first quote that can
    also open one (`_GLUED_CLOSERS`, and ``»`` glued to the next word) unless the paragraph quotes
    in the typography where it closes (its first such quote is the one that opens: ``»`` before any
    ``«``, ``„`` before any ``“``)."""
    closers = match.group(2)
    for index, char in enumerate(closers):
        if char in _GLUED_OPENERS and not quotes.opens_first(
            _GLUED_OPENERS[char], char, match.start()
        ):
            return match.start(2) + index
    after = match.end()
    if (
        closers.endswith("»")
        and after < len(text)
        and not text[after].isspace()
        and quotes.opens_first("»", "«", after)
    ):
        return after - 1  # ``sprach. »Wir``; in French ``fin. »Puis``: the quote closes
    return after


def _terminal_cuts(
    text: str, start: int, end: int, quotes: _Quotes, inside_quote: Callable[[int], bool]
) -> list[int]:
    """Ends of sentences at a stop: after the stop and any closing quotes, outside quotations,
    where a sentence can open and the stop ends no abbreviation."""
    cuts = []
    for match in _TERMINAL_RE.finditer(text, start, end):
        cut = match.end()
        if match.start(2) != cut:
            cut = _closed(text, quotes, match)
        opener = _sentence_opener(text, cut, end)
        if not opener or inside_quote(cut):
            continue
        stop = match.group(1)
        if stop == ".":
            if _is_abbreviation(text, match.start(), start, opener):
                continue
        elif not _other_stop_ends(text, match, cut, opener):
            continue
        cuts.append(cut)
    return cuts


def _other_stop_ends(text: str, match: re.Match[str], cut: int, opener: str) -> bool:
    """Whether a stop other than ``.`` ends its sentence before ``opener``."""
    stop = match.group(1)
    if ";" in stop:
        return _greek_question(text, match.start(), opener)
    if stop == "．" and opener.isdigit() and text[match.start() - 1].isdigit():
        return False  # a fullwidth decimal point: ３．５
    # a quotation inside the sentence: 「…。」と述べた, “…。”他说
    return not (stop[-1] in _CJK_STOPS and text[cut - 1] in "」』”’\"'»›" and text[cut] == opener)


def _cuts(text: str, start: int, end: int) -> list[int]:
    """Candidate sentence ends inside one paragraph, as offsets."""
    typography = _Quotes(text, start, end)
    quotes = typography.spans()
    # the quotes are in order and do not overlap: only the last one opened before may hold it
    q_starts = [q_start for q_start, _ in quotes]
    q_ends = [q_end for _, q_end in quotes]

    def inside_quote(position: int) -> bool:
        last = bisect_left(q_starts, position) - 1
        return last >= 0 and position < q_ends[last]

    cuts = _terminal_cuts(text, start, end, typography, inside_quote)
    for match in _GLUED_RE.finditer(text, start, end):
        if is_mark(text[match.start() - 1]) and not _letters_before(text, match.start()):
            continue
        if not text[match.end()].isupper():
            continue
        stop = match.start() + 1
        if not match.group(1):
            if not inside_quote(stop):
                cuts.append(stop)
        elif inside_quote(stop) and not inside_quote(match.end()):  # the quote closes
            cuts.append(match.end())
        elif not inside_quote(stop) and inside_quote(match.end()):  # it opens the next one
            cuts.append(stop)
    if _line_breaks_cut(text, start, end):
        position = text.find("\n", start, end)
        while position != -1:
            cuts.append(position)
            position = text.find("\n", position + 1, end)
    return sorted(set(cuts))


@lru_cache(maxsize=1)
def _alphanumeric() -> npt.NDArray[np.bool_]:
    """``str.isalnum`` of each character of the Basic Multilingual Plane, by code point: the
    characters ``[^\\W_]`` matches (``re``'s ``\\w`` is ``str.isalnum`` and ``_``)."""
    return np.fromiter(map(str.isalnum, map(chr, range(0x10000))), dtype=bool, count=0x10000)


@lru_cache(maxsize=1)
def _ideographic() -> npt.NDArray[np.bool_]:
    """The letters of `nearsame.normalize.CJK` (kana, ideographs) by code point: each is a word."""
    table = np.zeros(0x10000, dtype=bool)
    for first, last in re.findall(r"(.)-(.)", CJK):
        table[ord(first) : ord(last) + 1] = True
    return table & _alphanumeric()


@lru_cache(maxsize=1)
def _joining() -> npt.NDArray[np.bool_]:
    """What belongs to the word it follows, by code point of the Basic Multilingual Plane: the
    combining marks, the halfwidth voiced sound marks (``ﾊﾞ`` is one kana) and the invisible
    characters (a soft hyphen) that `tokenize` keeps inside a word."""
    table = bmp_marks().copy()
    table[[ord(char) for char in INVISIBLE + KANA_MARKS]] = True
    return table


def _word_starts(text: str) -> list[int]:
    """Where each word (a run of letters and digits, ``[^\\W_]+``, with the combining marks among
    and after them: `nearsame.normalize.MARK`; or one kana or CJK ideograph, as `tokenize` counts
    it) of ``text`` begins, found at once with numpy: what `_count_words` counts."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    alphanumeric = _alphanumeric().take(codes, mode="clip")  # past the BMP: below
    marks = _joining().take(codes, mode="clip")
    for index in np.flatnonzero(codes > 0xFFFF).tolist():
        alphanumeric[index] = text[index].isalnum()
        marks[index] = is_mark(text[index])
    if np.count_nonzero(marks):
        # a mark is inside a word when the last character before it that is not a mark is
        last = np.maximum.accumulate(np.where(marks, -1, np.arange(len(codes))))
        alphanumeric = alphanumeric[np.maximum(last, 0)] & (last >= 0)
    firsts = alphanumeric.copy()
    firsts[1:] &= ~alphanumeric[:-1]
    if codes.size and codes.max() >= 0x3040:  # the first kana
        ideographic = _ideographic().take(codes, mode="clip")
        firsts |= ideographic & ~marks
        # after one, a letter or digit starts a word of its own (共1500人: 共, 1500, 人)
        firsts[1:] |= alphanumeric[1:] & ideographic[:-1] & ~marks[1:]
    return np.flatnonzero(firsts).tolist()


def _inside_word(text: str, index: int) -> bool:
    """Whether ``text[index]`` is part of a word: a letter or digit, or a mark after one."""
    while index >= 0 and text[index] >= "\u0300" and is_mark(text[index]):  # no mark before U+0300
        index -= 1
    return index >= 0 and text[index].isalnum()


def _count_words(text: str, start: int, end: int, words_at: list[int]) -> int:
    """The number of words (`_word_starts`) in ``text[start:end]``: a word that begins before
    ``start`` counts when part of it is inside."""
    if start >= end:
        return 0
    first = bisect_left(words_at, start)
    cut = (
        start > 0
        and _inside_word(text, start - 1)
        and _inside_word(text, start)
        and (first == len(words_at) or words_at[first] != start)  # no CJK character begins there
    )
    return bisect_left(words_at, end) - first + cut


def _sentences_of(
    text: str, start: int, end: int, min_words: int, words_at: list[int]
) -> list[tuple[int, int, int]]:
    pieces: list[list[int]] = []  # [start, end, words, fixed]
    position = start
    filename = _FILENAME_RE.match(text, start, end)
    if filename is not None and filename.end() < end:
        s, e = _trim(text, start, filename.end())
        pieces.append([s, e, _count_words(text, s, e, words_at), 1])
        position = filename.end()
    for cut in [*_cuts(text, position, end), end]:
        s, e = _trim(text, position, cut)
        if s < e:
            pieces.append([s, e, _count_words(text, s, e, words_at), 0])
        position = cut
    return _join_short(pieces, min_words)


def _join_short(pieces: list[list[int]], min_words: int) -> list[tuple[int, int, int]]:
    """Join each sentence shorter than ``min_words`` to its previous (else next) neighbour."""
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        if piece[2] >= min_words or piece[3]:
            index += 1
            continue
        if index > 0 and not pieces[index - 1][3]:
            neighbour = pieces.pop(index - 1)
            index -= 1
        elif index + 1 < len(pieces) and not pieces[index + 1][3]:
            neighbour = pieces.pop(index + 1)
        else:
            index += 1
            continue
        merged = [
            min(piece[0], neighbour[0]),
            max(piece[1], neighbour[1]),
            piece[2] + neighbour[2],
            0,
        ]
        pieces[index] = merged
    return [(s, e, words) for s, e, words, _ in pieces]
