"""Document dates read as instants in UTC, so that articles are put in order by when they were
published, not by how their dates are spelt.

Read (python-dateutil, and the standard library's RFC 2822 parser):

* ISO 8601: ``2024``, ``2024-03``, ``2024-03-10``, ``20240310``, ``2024-03-10T08:00`` (or with a
  space), with or without seconds, fractions and an offset (``Z``, ``+01:00``, ``+0100``);
* RFC 2822 / RFC 822, as in RSS and e-mail: ``Sun, 10 Mar 2024 08:00:00 +0000``, with the zone
  names the RFC defines (``GMT``, ``EST``...);
* numeric dates with a four-digit year, day first: ``10.03.2024``, ``10/03/2024``, ``10-03-2024``
  (or year first: ``2024/03/10``), optionally followed by a time. ``03/04/2024`` is 3 April, never
  4 March; ``03/14/2024``, which only reads month first, is unreadable rather than guessed (a feed
  that writes months first would otherwise be read half one way and half the other, unseen);
* dates with a month name in English, French, German, Spanish, Italian or Portuguese:
  ``10 March 2024``, ``March 10, 2024 8:00 PM``, ``dimanche 10 mars 2024 à 14h30``,
  ``1er avril 2024``, ``10. März 2024``, ``10 de marzo de 2024``, ``March 2024``;
* Unix time, as a JSON number or a string of digits: 9 to 11 digits are seconds, 12 to 14
  milliseconds.

A date must name its year, and one with a time must name its day. What it leaves out is the
earliest it can be: ``2024-03-10`` is 00:00 UTC that day (before every timestamp of that day, as
its ISO spelling sorts), ``2024-03`` the first of March. A time without an offset is read as UTC,
never as the machine's local time (the order must not depend on where it is computed). A zone name
other than UTC and the RFC 2822 ones (``CET``, ``BST``: names are ambiguous) makes a date
unreadable, not silently shifted.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any, cast

from dateutil import parser as dateutil_parser
from dateutil.tz import UTC as DATEUTIL_UTC
from dateutil.tz import tzoffset

__all__ = ["EARLIEST", "DateError", "parse_date"]

#: before every date: where undated documents at the start of the input sort
EARLIEST = datetime.min.replace(tzinfo=UTC)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNIX_RE = re.compile(r"(\d{9,14})(?:\.\d+)?")
_ISO_RE = re.compile(r"[+-]?\d{4}(?:-\d{2}|-W\d{2}|\d{4}(?:$|T)|$)")
#: RFC 2822 whole (``parsedate_to_datetime`` takes any zone it does not know, ``+01:00`` and
#: ``Europe/Paris`` too, for UTC; other spellings go to dateutil)
_RFC2822_RE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s+(?:[+-]\d{4}|[A-Za-z]{1,5}))?",
    re.IGNORECASE,
)
#: ``GMT+1``: dateutil reads it as POSIX does, one hour *behind* UTC, where people mean ahead
_GMT_PLUS_RE = re.compile(r"\b(?:GMT|UTC|UT)\s*[+-]\s*\d", re.IGNORECASE)
_NUMERIC_RE = re.compile(
    r"(?:(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-](?P<year>\d{4})"
    r"|(?P<y>\d{4})[./](?P<m>\d{1,2})[./](?P<d>\d{1,2}))(?![\d./-])"
)
#: RFC 2822's zone names (section 4.3), in hours from UTC
_ZONES = {"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}  # fmt: skip
_FORMS = "not a form nearsame reads (ISO 8601, RFC 2822, 10.03.2024 day first, 10 March 2024)"
# Two defaults that differ in every field: what the text leaves out comes out different.
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2, 1, 1, 1, 1))


class DateError(ValueError):
    """A date that cannot be read; the message says why, or which forms can."""


class _Unreadable(Exception):
    """A reader recognised the form, and the date is wrong in it (the message says how)."""


def parse_date(text: str) -> datetime:
    """The instant ``text`` names, in UTC (see the module for the forms read); `DateError` if none.

    >>> parse_date("Sun, 10 Mar 2024 08:00:00 +0100").isoformat()
    '2024-03-10T07:00:00+00:00'
    """
    found = _parse(" ".join(text.split()))
    if isinstance(found, str):
        raise DateError(f"cannot read the date {text!r}: {found}")
    return found


@lru_cache(maxsize=4096)
def _parse(text: str) -> datetime | str:
    """The instant, or why there is none."""
    try:
        for reader in (_unix, _iso, _rfc2822, _numeric, _worded):
            found = reader(text)
            if found is not None:
                return _in_utc(found)
    except _Unreadable as error:
        return str(error)
    except dateutil_parser.ParserError:
        return _FORMS
    except (ValueError, OverflowError) as error:  # a day or month out of range, year 0...
        return str(error) or _FORMS
    return _FORMS


def _in_utc(value: datetime) -> datetime:
    if value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _unix(text: str) -> datetime | None:
    match = _UNIX_RE.fullmatch(text)
    if match is None:
        return None
    seconds = float(text) if len(match.group(1)) <= 11 else float(text) / 1000
    return _EPOCH + timedelta(seconds=seconds)


def _iso(text: str) -> datetime | None:
    """ISO 8601 by dateutil's strict reader, else (``+0100`` after a space) by its lenient one,
    year first."""
    if _ISO_RE.match(text) is None:
        return None
    try:
        return dateutil_parser.isoparse(text.replace(" ", "T", 1))
    except ValueError:
        return _dateutil(text, dayfirst=False)


def _rfc2822(text: str) -> datetime | None:
    if _RFC2822_RE.fullmatch(text) is None or text[-2:].upper() in ("AM", "PM"):
        return None  # not RFC 2822 (``8:00 PM``): dateutil's
    found = parsedate_to_datetime(text)
    zone = text.rsplit(None, 1)[-1]
    if found.tzinfo is None and zone.isalpha():  # a name the RFC does not define
        raise _Unreadable(f"unknown time zone {zone!r} (give an offset such as +0100)")
    return found


def _numeric(text: str) -> datetime | None:
    """Numbers only: day first (or year first) with a four-digit year, perhaps a time after."""
    match = _NUMERIC_RE.match(text)
    if match is None:
        return None
    parts = match.groupdict()
    year, month, day = (int(parts[a] or parts[b]) for a, b in (("year", "y"), ("month", "m"),
                                                                ("day", "d")))  # fmt: skip
    if not 1 <= month <= 12:
        raise _Unreadable(f"{month} is not a month (numeric dates are read day first: 31.12.2024)")
    date = datetime(year, month, day)
    if not text[match.end() :].strip():
        return date
    found = _dateutil(text, dayfirst=parts["day"] is not None)
    if found.date() != date.date():
        raise _Unreadable("the time after the date cannot be read")
    return found


def _worded(text: str) -> datetime | None:
    """Dates with a month name (``10 March 2024``), read by dateutil."""
    if not any(character.isalpha() for character in text):
        return None
    return _dateutil(text, dayfirst=not re.match(r"\d{4}", text))


_MONTHS = [
    (*english, *others) for english, others in zip(
        dateutil_parser.parserinfo.MONTHS,
        (
            ("janvier", "januar", "jänner", "enero", "gennaio", "janeiro"),
            ("février", "fevrier", "févr", "fevr", "februar", "febrero", "febbraio",
             "fevereiro"),
            ("mars", "märz", "maerz", "marz", "marzo", "março", "marco"),
            ("avril", "avr", "abril", "aprile"),
            ("mai", "mayo", "maggio", "maio"),
            ("juin", "juni", "junio", "giugno", "junho"),
            ("juillet", "juil", "juli", "julio", "luglio", "julho"),
            ("août", "aout", "agosto"),
            ("septembre", "setiembre", "settembre", "setembro"),
            ("octobre", "oktober", "octubre", "ottobre", "outubro"),
            ("novembre", "noviembre", "novembro"),
            ("décembre", "decembre", "dezember", "diciembre", "dicembre", "dezembro"),
        ),
        strict=True,
    )
]  # fmt: skip
_WEEKDAYS = [
    (*english, *others) for english, others in zip(
        dateutil_parser.parserinfo.WEEKDAYS,
        (
            ("lundi", "montag", "lunes", "lunedì", "lunedi", "segunda-feira", "segunda"),
            ("mardi", "dienstag", "martes", "martedì", "martedi", "terça-feira", "terça"),
            ("mercredi", "mittwoch", "miércoles", "miercoles", "mercoledì", "mercoledi",
             "quarta-feira", "quarta"),
            ("jeudi", "donnerstag", "jueves", "giovedì", "giovedi", "quinta-feira", "quinta"),
            ("vendredi", "freitag", "viernes", "venerdì", "venerdi", "sexta-feira", "sexta"),
            ("samedi", "samstag", "sonnabend", "sábado", "sabado", "sabato"),
            ("dimanche", "sonntag", "domingo", "domenica"),
        ),
        strict=True,
    )
]  # fmt: skip
_JUMP = [*dateutil_parser.parserinfo.JUMP, "le", "à", "de", "del", "den", "der", "am", "um",
         "el", "il", "do", "da", "às", "ás", "alle", "ore", "uhr", "heure", "heures"]  # fmt: skip


class _Words(dateutil_parser.parserinfo):
    """dateutil's English words, and the month and weekday names of French, German, Spanish,
    Italian and Portuguese news (``dimanche 10 mars 2024 à 14h30``, ``10. März 2024``,
    ``10 de marzo de 2024``), with and without their accents; the little words around them
    are skipped."""

    def __init__(self) -> None:
        # set before dateutil reads them (its stubs type them as pairs and triples)
        self.MONTHS = cast("Any", _MONTHS)
        self.WEEKDAYS = cast("Any", _WEEKDAYS)
        self.JUMP = _JUMP
        super().__init__()


_WORDS = _Words()
_FIRST = re.compile(r"\b1(?:er|ᵉʳ|º|°)(?=\s)", re.IGNORECASE)  # 1er avril, 1º de abril


def _dateutil(text: str, *, dayfirst: bool) -> datetime:
    """dateutil's reading, refused when it had to make up the year, or the day of a time."""
    if _GMT_PLUS_RE.search(text):
        raise _Unreadable("an offset written GMT+1 or UTC+1 (give it as +0100)")
    text = _FIRST.sub("1", text)
    first, second = (
        dateutil_parser.parse(text, _WORDS, dayfirst=dayfirst, default=default, tzinfos=_zone)
        for default in _DEFAULTS
    )
    if first.year != second.year:
        raise _Unreadable("no year")
    if first.month != second.month:
        raise _Unreadable("no month")
    # the defaults differ in every field: an hour and minute alike in both came from the text
    if first.day != second.day and (first.hour, first.minute) == (second.hour, second.minute):
        raise _Unreadable("a time without a day")
    return first


def _zone(name: str | None, offset: int | None) -> tzinfo | None:
    """The zone dateutil found: its offset, an RFC 2822 name, else unreadable (never the
    machine's local zone, which dateutil would take for a name that matches it)."""
    if offset is not None:
        return DATEUTIL_UTC if offset == 0 else tzoffset(name, offset)
    if name is None:
        return None
    hours = _ZONES.get(name.upper())
    if hours is None:
        raise _Unreadable(f"unknown time zone {name!r} (give an offset such as +0100)")
    return DATEUTIL_UTC if hours == 0 else tzoffset(name, hours * 3600)
