"""Shared import parsing: cells, timestamps, encodings, line numbers, the formula quote round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from acct_tui.errors import UsageError
from acct_tui.core.text import clean_text
from acct_tui.io import common
from acct_tui.io.csvdir import Column, cell


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("true", True), ("Yes", True), ("1", True), (" y ", True),
        ("false", False), ("NO", False), ("0", False), ("f", False),
    ],
)
def test_booleans(text, expected):
    assert common.boolean(text) is expected


@pytest.mark.parametrize("text", ["", "2", "maybe", "truee"])
def test_bad_booleans_say_what_is_accepted(text):
    with pytest.raises(ValueError, match="yes/no value"):
        common.boolean(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-01-22T14:49:34.000+0000", utc("2024-01-22T14:49:34")),  # Salesforce
        ("2024-01-22T14:49:34Z", utc("2024-01-22T14:49:34")),
        ("2024-01-22T16:49:34+02:00", utc("2024-01-22T14:49:34")),
        ("2024-01-22T14:49:34", dt.datetime(2024, 1, 22, 14, 49, 34)),  # naive: already local
        ("2024-01-22 14:49", dt.datetime(2024, 1, 22, 14, 49)),  # HubSpot
        ("2024-01-22", dt.datetime(2024, 1, 22)),
        ("2024-02-29T23:59:59.999", dt.datetime(2024, 2, 29, 23, 59, 59, 999000)),
    ],
)
def test_moments_become_naive_local_time(text, expected):
    assert common.moment(text) == expected


@pytest.mark.parametrize("text", ["22/01/2024", "2023-02-29", "yesterday", "2024-01-22T25:00"])
def test_bad_moments(text):
    with pytest.raises(ValueError, match="is not an ISO 8601 time"):
        common.moment(text)


@pytest.mark.parametrize(
    "text, expected",
    [("2024-01-31", dt.date(2024, 1, 31)), ("2024-02-29", dt.date(2024, 2, 29)), ("2024-01-22T10:00:00", dt.date(2024, 1, 22))],
)
def test_dates(text, expected):
    assert common.date(text) == expected


@pytest.mark.parametrize("text", ["2023-02-29", "31/12/2026", "2024-1-2", "soon"])
def test_bad_dates(text):
    with pytest.raises(ValueError, match="is not a date"):
        common.date(text)


@pytest.mark.parametrize("text, ok", [("2026-01", True), ("2026-12", True), ("2026-00", False), ("2026-13", False), ("2026-1", False)])
def test_months(text, ok):
    if ok:
        assert common.month(text).day == 1
    else:
        with pytest.raises(ValueError, match="is not a month"):
            common.month(text)


@pytest.mark.parametrize(
    "low, high, text, expected",
    [(1, 10, "1", 1), (1, 10, "10", 10), (1, 10, "5.0", 5), (1, 10, "0", None), (1, 10, "11", None),
     (None, None, "-3", -3), (0, None, "2.5", None), (0, None, "x", None)],
)
def test_integers_with_bounds(low, high, text, expected):
    parse = common.integer(low, high)
    if expected is None:
        with pytest.raises(ValueError):
            parse(text)
    else:
        assert parse(text) == expected


def test_decimals_and_choices():
    assert common.decimal("1,234.50") == Decimal("1234.50")
    with pytest.raises(ValueError, match="is not a number"):
        common.decimal("NaN")
    parse = common.choice(("low", "medium"), {"normal": "medium"})
    assert parse(" LOW ") == "low" and parse("Normal") == "medium"
    with pytest.raises(ValueError, match="'urgent' is not one of low, medium"):
        parse("urgent")


def test_rows_keep_the_line_they_start_on_across_multi_line_cells(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes('\ufeffid,text\r\n1,"a\r\nb\r\nc"\r\n\r\n2,plain\r\n3,"x,y"\r\n'.encode("utf-8"))
    header, rows = common.read_csv(path, required=("id",))
    assert header == ["id", "text"]
    assert [(r.line, r.cells["id"]) for r in rows] == [(2, "1"), (6, "2"), (7, "3")]
    assert rows[0].text("text") == "a\nb\nc"


def test_a_row_with_more_cells_than_the_header_is_a_problem(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,name\n1,a,extra\n2,b,\n", encoding="utf-8")
    _, rows = common.read_csv(path)
    assert [str(p) for p in rows[0].problems] == ["x.csv:2: 3 cells but the header has 2 columns"]
    assert rows[1].problems == []


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty file"),
        (b"id\n\xff\xfe1\n", "not UTF-8 text (byte 0xff on line 2)"),
        (b"\x00\x01\x02binary", "not a CSV file"),
        (b'id,name\n1,"open', "not valid CSV"),
    ],
)
def test_unusable_files_raise_usage_errors(tmp_path, data, message):
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        common.read_csv(path)


TEXT = Column("summary")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=40))
def test_text_survives_export_escaping_and_import(value):
    value = value.strip()
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(["summary", cell(TEXT, value, None)])
    row = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    back = common.Row("x.csv", 2, {"summary": row[1]}, unescape=True).text("summary")
    # Everything but control characters, which an import strips (a notes cell keeps its lines and tabs).
    assert (back or "") == clean_text(value, multiline=True).strip()
    assert not row[1].startswith(("=", "+", "-", "@"))
