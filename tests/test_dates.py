from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nearsame.dates import DateError, parse_date


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2024", "2024-01-01T00:00:00"),
        ("2024-03", "2024-03-01T00:00:00"),
        ("2024-03-10", "2024-03-10T00:00:00"),
        ("20240310", "2024-03-10T00:00:00"),
        ("2024-03-10T08:00", "2024-03-10T08:00:00"),
        ("2024-03-10 08:00:00", "2024-03-10T08:00:00"),
        ("2024-03-10T07:30:00Z", "2024-03-10T07:30:00"),
        ("2024-03-10T08:00:00+01:00", "2024-03-10T07:00:00"),
        ("2024-03-10T08:00:00.5-0230", "2024-03-10T10:30:00.500000"),
        ("2024-03-10 08:00:00 +0100", "2024-03-10T07:00:00"),
        ("Sun, 10 Mar 2024 08:00:00 +0000", "2024-03-10T08:00:00"),
        ("Sun, 10 Mar 2024 08:00:00 +0100", "2024-03-10T07:00:00"),
        ("Sun, 10 Mar 2024 08:00:00 GMT", "2024-03-10T08:00:00"),
        ("Sun, 10 Mar 2024 08:00:00 EST", "2024-03-10T13:00:00"),
        ("10 Mar 24 08:00 GMT", "2024-03-10T08:00:00"),
        ("Sun, 10 Mar 2024", "2024-03-10T00:00:00"),
        ("10.03.2024", "2024-03-10T00:00:00"),
        ("10/03/2024", "2024-03-10T00:00:00"),
        ("10-03-2024", "2024-03-10T00:00:00"),
        ("03/04/2024", "2024-04-03T00:00:00"),  # day first: 3 April
        ("2024/03/04", "2024-03-04T00:00:00"),  # year first: 4 March
        ("10.03.2024 08:30 +0200", "2024-03-10T06:30:00"),
        ("10 March 2024", "2024-03-10T00:00:00"),
        ("March 10, 2024 8:00 PM", "2024-03-10T20:00:00"),
        ("March 2024", "2024-03-01T00:00:00"),
        # month and weekday names of the news of other languages, the little words skipped
        ("10 mars 2024", "2024-03-10T00:00:00"),
        ("dimanche 10 mars 2024 à 14h30", "2024-03-10T14:30:00"),
        ("le 3 décembre 2019 à 18h02", "2019-12-03T18:02:00"),
        ("Mardi 13 août 2019, 17:45", "2019-08-13T17:45:00"),
        ("13 aout 2019", "2019-08-13T00:00:00"),
        ("1er avril 2024", "2024-04-01T00:00:00"),
        ("Samstag, 9. März 2024, 10:15 Uhr", "2024-03-09T10:15:00"),
        ("10 de marzo de 2024", "2024-03-10T00:00:00"),
        ("10 marzo 2024", "2024-03-10T00:00:00"),
        ("10 de março de 2024", "2024-03-10T00:00:00"),
        ("mai 2020", "2020-05-01T00:00:00"),
        ("10 mai 2024 08:00", "2024-05-10T08:00:00"),  # not RFC 2822 for its three letters
        ("10 avr 2024 14:30", "2024-04-10T14:30:00"),
        ("10 Mar 2024 8:00 PM", "2024-03-10T20:00:00"),
        ("10 Mar 2024 08:00:00 +01:00", "2024-03-10T07:00:00"),  # not an RFC 2822 offset
        ("1710144000", "2024-03-11T08:00:00"),
        ("1710144000123", "2024-03-11T08:00:00.123000"),
        ("  2024-03-10\n", "2024-03-10T00:00:00"),
    ],
)
def test_dates_are_read_as_instants_in_utc(text: str, instant: str) -> None:
    assert parse_date(text) == datetime.fromisoformat(instant).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("03/14/2024", "14 is not a month"),  # month first is not guessed
        ("31.02.2024", "day is out of range"),
        ("10.03.24", "not a form nearsame reads"),  # a two-digit year: which part is the year?
        ("10 March 2024 08:00 CET", "unknown time zone 'CET'"),
        ("Sun, 10 Mar 2024 08:00:00 CEST", "unknown time zone 'CEST'"),
        ("Sunday", "no year"),
        ("10 March", "no year"),
        ("le 10 mars", "no year"),
        # zones that RFC 2822's reader would take for UTC, and dateutil's POSIX reading of GMT+1
        ("10 Mar 2024 08:00 Europe/Paris", "not a form"),
        ("10 Mar 2024 08:00:00 GMT+0100", "an offset written GMT"),
        ("2024-03-10T08:00:00 GMT+1", "an offset written GMT"),
        ("March 2024 8:00", "a time without a day"),
        ("mars 2024 à 14h30", "a time without a day"),
        ("8:00", "not a form"),
        ("2024-13-01", "not a form"),
        ("hier", "not a form"),
        ("", "not a form"),
    ],
)
def test_what_cannot_be_read_is_an_error_that_says_why(text: str, reason: str) -> None:
    with pytest.raises(
        DateError, match=f"cannot read the date {re.escape(repr(text))}: .*{reason}"
    ):
        parse_date(text)


def test_a_local_time_is_read_as_utc_whatever_the_zone_of_the_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("time.tzname", ("CET", "CEST"))  # dateutil would take CET as local time
    with pytest.raises(DateError, match="CET"):
        parse_date("10 March 2024 08:00 CET")
    assert parse_date("2024-03-10T08:00") == datetime(2024, 3, 10, 8, tzinfo=UTC)


moments = st.datetimes(
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2200, 1, 1),
    timezones=st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m))),
)


@given(moments)
def test_iso_8601_and_rfc_2822_spellings_of_a_moment_read_as_that_moment(moment: datetime) -> None:
    assert parse_date(moment.isoformat()) == moment
    whole_seconds = moment.replace(microsecond=0)
    assert parse_date(format_datetime(whole_seconds)) == whole_seconds
