"""Language detection and content words: stop words removed, the rest stemmed (Snowball).

The content-word view of a sentence is what finds rewritten background: two sentences that share
``KCNA``, ``Kim``, ``usin`` (usine, usines), ``munit`` (munitions) and ``visit`` share facts even
when their phrasing differs. Numbers are content words (``15000`` is a fact).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from itertools import chain, islice, repeat

import Stemmer
from stop_words import get_stop_words

from nearsame.frequencies import frequencies
from nearsame.memo import Memo
from nearsame.normalize import ELISION_NORMS, Tokens, composed, fold, unmarked

__all__ = [
    "LANGUAGES",
    "ContentWords",
    "content_words",
    "detect_language",
    "language_code",
    "word_information",
    "word_terms",
]

#: ISO 639-1 code -> Snowball / stop-words name, for every language both libraries support.
LANGUAGES: dict[str, str] = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
    "el": "greek", "en": "english", "es": "spanish", "fa": "persian", "fi": "finnish",
    "fr": "french", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "it": "italian",
    "nl": "dutch", "no": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sv": "swedish", "tr": "turkish",
}  # fmt: skip

_DETECT_CHARS = 1200
#: Information of a word wordfreq has never seen (names, numbers): as rare as words come.
_UNSEEN_INFORMATION = 8.0
_ZIPF_CEILING = 8.0
_MIN_LETTERS = 20
_MIN_CONFIDENCE = 0.5
_MIN_STOP_WORDS = 5
_STOP_WORD_MARGIN = 1.5
_MIN_STOP_SHARE = 0.2
_WORD = re.compile(r"\w+")


_NAMES = {name: code for code, name in LANGUAGES.items()}
#: codes that name no one language: several, none, missing, undetermined
_NO_LANGUAGE = frozenset({"mul", "zxx", "mis", "und"})
#: Norwegian Bokmål and Nynorsk, which feeds tag as such: Snowball's and stop-words' Norwegian
_SAME_AS = {"nb": "no", "nn": "no"}


def language_code(value: str | None) -> str | None:
    """The language code of ``value`` as documents and users write it, or ``None`` when it names
    no language: ``fr``, ``FR``, ``fr-FR``, ``fr_CA``, ``fra`` and ``French`` all give ``fr``.

    A code of a language outside `LANGUAGES` (``ja``) is kept: its words are compared unstemmed.
    The first part of a tag is read by langcodes (a dependency of wordfreq; imported only for
    what is not already a code of `LANGUAGES`, and given only that part, so that its memo of
    what it parsed stays small however varied the tags); a name is one of `LANGUAGES`' in English.
    """
    if not value:
        return None
    if value in LANGUAGES:
        return value
    text = value.strip()
    primary = re.split(r"[-_]", text, maxsplit=1)[0].casefold()
    if not (primary.isascii() and primary.isalpha() and 2 <= len(primary) <= 3):
        return _NAMES.get(text.casefold())  # also private use (x-klingon): no language
    import langcodes

    try:
        tag = langcodes.get(primary)
    except ValueError:  # langcodes' LanguageTagError
        return None
    code = tag.language
    if not code or not tag.is_valid() or code in _NO_LANGUAGE or "qaa" <= code <= "qtz":
        return None  # the last: codes left for local use
    return _SAME_AS.get(code, code)


class _Identifier:
    """py3langid's model, loaded once on first use (it takes about half a second)."""

    def __init__(self) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        # all of its languages (142 in py3langid 0.4): limited to `LANGUAGES`, it called Hebrew
        # Czech and Chinese Swedish, with confidence (its probabilities are normalised over the
        # languages it weighs)
        self._model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def classify(self, text: str) -> tuple[str, float]:
        """The most likely language and its probability. When it is one of `LANGUAGES`, the
        probability is among those (as the model limited to them said): a short French text
        (``Météo : Paris 12°C, Lyon 15°C``) is most likely French, but spreads its probability
        over French-based creoles the stop words cannot tell apart."""
        ranked = self._model.rank(text)
        language, confidence = str(ranked[0][0]), float(ranked[0][1])
        if language in LANGUAGES:
            listed = sum(float(p) for code, p in ranked if code in LANGUAGES)
            confidence /= listed
        return language, confidence


@cache
def _identifier() -> _Identifier:
    return _Identifier()


@cache
def _stop_word_languages() -> dict[str, frozenset[str]]:
    """Each casefolded stop word of every language in ``LANGUAGES``, with its languages."""
    found: dict[str, set[str]] = {}
    for code, name in LANGUAGES.items():
        for word in get_stop_words(name):
            found.setdefault(word.casefold(), set()).add(code)
    return {word: frozenset(codes) for word, codes in found.items()}


def _stop_word_guess(sample: str) -> str | None:
    """The language whose stop words ``sample`` uses clearly most, or ``None`` when none does.

    Running text is about half stop words, so a paragraph tells its language by them alone, in
    about a millisecond and without a model. Close languages (Spanish and Portuguese, Danish and
    Norwegian) share many of them: unless the first language counts at least
    ``_STOP_WORD_MARGIN`` times the hits of the second, the answer is left to the model. So it is
    when they make less than ``_MIN_STOP_SHARE`` of the words: a language without a list of its
    own shares a few with one that has one (Ukrainian with Russian, Turkish with English), where
    news in the listed language has over a third (3,000 OrangeSum articles: 0.37 at least; 1,500
    PAN sources, in English: under 0.2 for 1 in 100, lists and tables).
    """
    languages = _stop_word_languages()
    none: frozenset[str] = frozenset()
    # the languages of each word in turn, counted at C speed
    words = _WORD.findall(sample.casefold())
    counts = Counter(chain.from_iterable(map(languages.get, words, repeat(none))))
    ranked = sorted(counts.values(), reverse=True)
    if not ranked or ranked[0] < max(_MIN_STOP_WORDS, _MIN_STOP_SHARE * len(words)):
        return None
    if len(ranked) > 1 and ranked[0] < _STOP_WORD_MARGIN * ranked[1]:
        return None
    return max(counts, key=counts.__getitem__)


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or ``None`` when it cannot be told.

    The stop words of the languages of ``LANGUAGES`` decide when they are clear
    (`_stop_word_guess`: almost always, for news in those languages); otherwise py3langid's model
    does, among all its languages, loaded on first use (about half a second: a fresh process
    checking one article should not pay it when the stop words answer). A language outside
    ``LANGUAGES`` (``he``, ``ja``, ``uk``, ``zh``) has its words compared unstemmed.
    """
    sample = text[:_DETECT_CHARS]
    # accents written apart (NFD) would split the words, Arabic vowel marks hide the stop words
    sample = composed(unmarked(sample))
    # at least _MIN_LETTERS letters: stop at the last one needed instead of counting them all
    if next(islice(filter(str.isalpha, sample), _MIN_LETTERS - 1, None), None) is None:
        return None
    guess = _stop_word_guess(sample)
    if guess is not None:
        return guess
    language, confidence = _identifier().classify(sample)
    # ``zxx`` (no linguistic content) is no language; ``nn`` is Snowball's ``no``
    return language_code(language) if confidence >= _MIN_CONFIDENCE else None


@cache
def _stop_words(language: str | None) -> frozenset[str]:
    """The folded stop words of ``language``.

    The stop-words lists carry contractions twice, with and without the apostrophe (``she'll`` and
    ``shell``, ``we'll`` and ``well``); the apostrophe-less twins are real words, so they are left out.
    """
    words = set(ELISION_NORMS)
    if language in LANGUAGES:
        listed = {fold(word) for word in get_stop_words(LANGUAGES[language])}
        twins = {word.replace("'", "") for word in listed if "'" in word}
        words.update(listed - twins)
    return frozenset(words)


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    """The Snowball stemmer of ``language``, without PyStemmer's own cache: `_stem` memoises every
    word, so the stemmer only ever sees new ones, which a cache would only slow down."""
    return Stemmer.Stemmer(LANGUAGES[language], 0)


@lru_cache(maxsize=262_144)
def _stem(language: str, word: str) -> str:
    lowered = unicodedata.normalize("NFKC", unmarked(word)).casefold()  # tage\u00adlangem
    return fold(_stemmer(language).stemWord(lowered))


class ContentWords:
    """Maps the tokens of one language to content terms (``None`` for stop words)."""

    def __init__(self, language: str | None) -> None:
        self.language = language if language in LANGUAGES else None
        self._stops = _stop_words(self.language)
        # the term of each word with its `fold` for norm (what `tokenize` gives every token but
        # numbers)
        self._terms: Memo[str, str | None] = Memo(lambda word: self.term(word, fold(word)), 262_144)

    def term(self, original: str, norm: str) -> str | None:
        """The content term of one token, or ``None`` when it is a stop word or a lone letter."""
        if norm in self._stops or (len(norm) == 1 and not norm.isdigit()):
            return None
        if norm.isdigit() or self.language is None:
            return norm
        return _stem(self.language, original)

    def terms(self, text: str, tokens: Tokens) -> tuple[str | None, ...]:
        """One entry per token of ``text``: its content term, or ``None``."""
        term = self.term
        return tuple(
            term(text[s:e], norm)
            for s, e, norm in zip(tokens.starts, tokens.ends, tokens.norms, strict=True)
        )

    def word_terms(
        self, words: Sequence[str], norms: Sequence[str], numbers: Iterable[int]
    ) -> tuple[str | None, ...]:
        """`terms` of the tokens of `tokenize_words`, from their texts ``words`` (memoised: news
        vocabulary repeats); ``numbers`` are the indices of the tokens whose norm is not the
        `fold` of their text (digit groups, decimals)."""
        terms = list(map(self._terms.__getitem__, words))
        for index in numbers:
            terms[index] = self.term(words[index], norms[index])
        return tuple(terms)


@cache
def _content_words(language: str | None) -> ContentWords:
    return ContentWords(language)


def content_words(text: str, tokens: Tokens, language: str | None) -> tuple[str | None, ...]:
    """The content term of each token of ``text`` (``None`` for stop words), in ``language``."""
    return _content_words(language).terms(text, tokens)


def word_terms(
    words: Sequence[str], norms: Sequence[str], numbers: Iterable[int], language: str | None
) -> tuple[str | None, ...]:
    """`content_words` of the tokens of `tokenize_words`: see `ContentWords.word_terms`."""
    return _content_words(language).word_terms(words, norms, numbers)


@lru_cache(maxsize=262_144)
def word_information(word: str, language: str | None) -> float:
    """How much a word says, from its frequency in general text (wordfreq): ``8 - zipf``.

    ``word`` is expected casefolded. Common words (``déclaré``, ``mois``) are worth about 3, rarer
    ones (``artillerie``) 4, names and numbers wordfreq has never seen (``15000``) 8. In [0.5, 8].
    """
    if language is None or word.isdigit():
        return _UNSEEN_INFORMATION
    # wordfreq's words are composed, without Arabic and Hebrew vowel marks
    frequency = frequencies(language).get(composed(unmarked(word)))
    if not frequency:
        return _UNSEEN_INFORMATION
    return max(0.5, _ZIPF_CEILING - (math.log10(frequency) + 9.0))
