"""Report periods: how they are written, their neighbours, and the months retention compares."""

import datetime as dt

import pytest

from acct_tui.core.periods import Period, parse_period, quarter_of, revenue_months

TODAY = dt.date(2026, 11, 20)
d = dt.date


@pytest.mark.parametrize(
    "text, kind, start, end, label",
    [
        ("", "quarter", d(2026, 10, 1), d(2026, 12, 31), "2026-Q4"),
        ("2026-Q2", "quarter", d(2026, 4, 1), d(2026, 6, 30), "2026-Q2"),
        ("2026q1", "quarter", d(2026, 1, 1), d(2026, 3, 31), "2026-Q1"),
        ("2026-05", "month", d(2026, 5, 1), d(2026, 5, 31), "2026-05"),
        ("2024-2", "month", d(2024, 2, 1), d(2024, 2, 29), "2024-02"),
        ("2026", "year", d(2026, 1, 1), d(2026, 12, 31), "2026"),
        ("2026-04-15..2026-05-14", "range", d(2026, 4, 15), d(2026, 5, 14), "2026-04-15..2026-05-14"),
        ("2026-05-01..2026-05-01", "range", d(2026, 5, 1), d(2026, 5, 1), "2026-05-01..2026-05-01"),
    ],
)
def test_periods_people_write(text, kind, start, end, label):
    period = parse_period(text, TODAY)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "26", "Q2", "2026-05-01..", "2026-06-01..2026-05-01", "next year"])
def test_anything_else_is_refused_with_the_forms_that_work(text):
    with pytest.raises(ValueError) as caught:
        parse_period(text, TODAY)
    assert "2026-Q2" in str(caught.value) or "ends before it starts" in str(caught.value)


def test_shifting_keeps_the_kind_and_the_length():
    q = parse_period("2026-Q1", TODAY)
    assert (q.shift(-1).label, q.shift(1).label, q.shift(-4).label) == ("2025-Q4", "2026-Q2", "2025-Q1")
    assert parse_period("2026-03", TODAY).shift(-1).end == d(2026, 2, 28)
    assert parse_period("2026", TODAY).shift(-2).label == "2024"
    r = parse_period("2026-04-15..2026-05-14", TODAY)
    assert (r.shift(-1).start, r.shift(-1).end) == (d(2026, 3, 16), d(2026, 4, 14))


def test_descriptions_say_whether_the_period_is_running():
    assert quarter_of(TODAY).describe(TODAY) == "2026-Q4 (1 Oct – 31 Dec 2026, to date)"
    assert parse_period("2026-Q3", TODAY).describe(TODAY) == "2026-Q3 (1 Jul – 30 Sep 2026)"
    assert parse_period("2027-Q1", TODAY).describe(TODAY) == "2027-Q1 (1 Jan – 31 Mar 2027, not begun)"


@pytest.mark.parametrize(
    "text, months",
    [
        ("2026-Q3", (d(2026, 6, 1), d(2026, 9, 1))),  # over: the month before, the last month
        ("2026-Q4", (d(2026, 9, 1), d(2026, 10, 1))),  # to date: the last whole month so far
        ("2026-10", (d(2026, 9, 1), d(2026, 10, 1))),
        ("2026-11", None),  # no whole month of it is over yet
        ("2027-Q1", None),
        ("2026-04-15..2026-06-20", (d(2026, 3, 1), d(2026, 5, 1))),  # whole months only
    ],
)
def test_retention_compares_the_month_before_with_the_last_whole_month(text, months):
    assert revenue_months(parse_period(text, TODAY), TODAY) == months


def test_a_period_is_inclusive():
    assert Period("range", d(2026, 1, 1), d(2026, 1, 31)).days == 31
