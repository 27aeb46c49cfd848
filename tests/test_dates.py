"""Human dates: table-driven boundaries, and any text parses or raises ValueError."""

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from acct_tui.core.dates import parse_human_date

FRI = dt.date(2026, 11, 20)  # a Friday
D = dt.date


@pytest.mark.parametrize(
    "text, today, direction, expected",
    [
        ("today", FRI, "past", FRI),
        ("  Today ", FRI, "past", FRI),
        ("yesterday", FRI, "past", D(2026, 11, 19)),
        ("tomorrow", FRI, "past", D(2026, 11, 21)),
        ("yesterday", D(2026, 3, 1), "past", D(2026, 2, 28)),
        ("yesterday", D(2028, 3, 1), "past", D(2028, 2, 29)),
        ("tomorrow", D(2026, 12, 31), "past", D(2027, 1, 1)),
        ("3d ago", FRI, "past", D(2026, 11, 17)),
        ("3 days ago", FRI, "past", D(2026, 11, 17)),
        ("2w ago", FRI, "past", D(2026, 11, 6)),
        ("in 3d", FRI, "past", D(2026, 11, 23)),
        ("in 2w", FRI, "future", D(2026, 12, 4)),
        ("+10d", D(2026, 12, 25), "future", D(2027, 1, 4)),
        ("0d ago", FRI, "past", FRI),
        # bare weekdays: past = latest (today counts), future = coming (today counts)
        ("fri", FRI, "past", FRI),
        ("fri", FRI, "future", FRI),
        ("friday", D(2026, 11, 21), "past", FRI),
        ("fri", D(2026, 11, 21), "future", D(2026, 11, 27)),
        ("mon", FRI, "past", D(2026, 11, 16)),
        ("mon", FRI, "future", D(2026, 11, 23)),
        ("thu", FRI, "past", D(2026, 11, 19)),
        ("thu", FRI, "future", D(2026, 11, 26)),
        ("next fri", FRI, "past", D(2026, 11, 27)),
        ("last fri", FRI, "future", D(2026, 11, 13)),
        ("this mon", FRI, "past", D(2026, 11, 23)),
        ("sun", D(2026, 12, 31), "future", D(2027, 1, 3)),
        # absolute forms
        ("2026-11-20", FRI, "past", FRI),
        ("2028-02-29", FRI, "past", D(2028, 2, 29)),
        ("20/11", FRI, "past", FRI),
        ("1/1", FRI, "future", D(2026, 1, 1)),
        ("31/12", FRI, "past", D(2026, 12, 31)),
        ("20/11/2026", FRI, "past", FRI),
        ("20/11/27", FRI, "past", D(2027, 11, 20)),
        ("20.11.2026", FRI, "past", FRI),
        ("20 Nov", FRI, "past", FRI),
        ("20 november 2027", FRI, "past", D(2027, 11, 20)),
        ("1st Dec", FRI, "past", D(2026, 12, 1)),
        ("Nov 20", FRI, "past", FRI),
        ("Dec 31, 2026", FRI, "past", D(2026, 12, 31)),
        ("29 feb", D(2028, 1, 10), "past", D(2028, 2, 29)),
        # months and years keep the day of the month, clamped to the month's end
        ("1y ago", FRI, "past", D(2025, 11, 20)),
        ("1 year ago", FRI, "past", D(2025, 11, 20)),
        ("2yrs ago", FRI, "past", D(2024, 11, 20)),
        ("6mo ago", FRI, "past", D(2026, 5, 20)),
        ("6 months ago", FRI, "past", D(2026, 5, 20)),
        ("in 6 months", FRI, "future", D(2027, 5, 20)),
        ("in 1y", FRI, "future", D(2027, 11, 20)),
        ("+2mo", FRI, "future", D(2027, 1, 20)),
        ("in 1 month", D(2026, 1, 31), "future", D(2026, 2, 28)),
        ("1y ago", D(2028, 2, 29), "past", D(2027, 2, 28)),
        ("in 120 months", FRI, "future", D(2036, 11, 20)),
        ("next month", FRI, "future", D(2026, 12, 20)),
        ("Next Month", D(2026, 12, 31), "future", D(2027, 1, 31)),
        ("last month", D(2026, 3, 31), "past", D(2026, 2, 28)),
        ("next year", FRI, "future", D(2027, 11, 20)),
        ("last year", FRI, "past", D(2025, 11, 20)),
        ("next week", FRI, "future", D(2026, 11, 27)),
        ("last week", FRI, "past", D(2026, 11, 13)),
    ],
)
def test_parses(text, today, direction, expected):
    assert parse_human_date(text, today, direction) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "no date given"),
        ("   ", "no date given"),
        ("31/02", "day 31 does not exist in February 2026"),
        ("29/02/2026", "day 29 does not exist in February"),
        ("29 feb", "day 29 does not exist"),
        ("2026-02-30", "day 30 does not exist"),
        ("31/04", "day 31 does not exist in April"),
        ("2026-13-01", "month 13 does not exist"),
        ("20/13", "month 13 does not exist (day/month)"),
        ("0/11", "day 0 does not exist"),
        ("20 Nev", "'nev' is not a month name"),
        ("3x ago", "'x' is not a unit here"),
        ("6m ago", "write 6mo for months"),
        ("in 121 months", "years away"),
        ("11y ago", "years away"),
        ("99999d ago", "years away"),
        ("someday", "not a date I understand"),
        ("fri at noon", "not a date I understand"),
        ("2026/11/20", "not a date I understand"),
    ],
)
def test_rejects_with_a_clear_message(text, message):
    with pytest.raises(ValueError) as info:
        parse_human_date(text, FRI)
    assert message in str(info.value)


def test_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="direction"):
        parse_human_date("fri", FRI, "sideways")


@given(st.text(max_size=40), st.dates(), st.sampled_from(["past", "future"]))
def test_any_text_parses_or_raises_value_error(text, today, direction):
    try:
        result = parse_human_date(text, today, direction)
    except ValueError as exc:
        assert str(exc)
    else:
        assert isinstance(result, dt.date)


@given(st.from_regex(r"\A(\d{1,7}\s?(d|w|day|days)\s+ago|in \d{1,7}d|\d{1,3}/\d{1,3}(/\d{1,5})?|\d{1,5}-\d{1,3}-\d{1,3})\Z"), st.dates())
def test_date_like_text_never_crashes(text, today):
    try:
        parse_human_date(text, today)
    except ValueError:
        pass


@given(st.integers(0, 120), st.sampled_from(["mo", "y", " months", " years", "w"]), st.dates(), st.sampled_from(["ago", "in"]))
def test_months_and_years_never_crash(count, unit, today, way):
    text = f"{count}{unit} ago" if way == "ago" else f"in {count}{unit}"
    try:
        parse_human_date(text, today)
    except ValueError as exc:
        assert "calendar" in str(exc) or "years away" in str(exc)


def test_the_year_9999_is_the_end_of_the_calendar():
    with pytest.raises(ValueError, match="outside the calendar"):
        parse_human_date("next year", D(9999, 6, 1), "future")


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))
def test_iso_round_trips(day):
    assert parse_human_date(day.isoformat(), FRI) == day
