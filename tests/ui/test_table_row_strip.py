"""`row_strip` draws a row a segment per cell: exactly what Rich draws of the row as one `Text`
(`row_line`), cell by cell and style by style, with and without the cursor."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text

from acct_tui.ui.widgets.table_source import Column, row_line, row_strip, to_strip


@dataclass(frozen=True)
class Row:
    name: object
    value: object


def styled(row: Row) -> Text:
    return Text.assemble(("12", "bold green"), " / ", ("34", "red")) if row.value else Text("", style="dim")


COLUMNS = [
    Column("name", "Name", 10),
    Column("value", "Value", 6, "right", style="cyan"),
    Column("styled", "Parts", 5, render=styled),
    Column("mid", "Mid", 7, "center", render=lambda row: Text(str(row.value)[:3], style="magenta")),
    Column("hidden", "Hidden", 4, render=lambda row: "never drawn"),
]
ROWS = [
    Row("Acme", 12),
    Row("A name far longer than ten cells", 1234567),
    Row("Công ty Hợp đồng", None),  # accents: one cell a character
    Row("東京の会社ですよ", 0),  # wide characters: two cells each, cut inside one
    Row("bad\x1b[31mname\x07", -5),  # control characters: shown as stand-ins
    Row(None, ""),
]
LOOK = (60, (10, 6, 5, 7, None), 32, Style(bgcolor="grey11"), Style(color="black", bgcolor="yellow", bold=True), "theme")


def reference(row: Row, cursor: bool, console: Console):
    width, widths, total, base, cursor_style, _ = LOOK
    line = row_line(COLUMNS, widths, row)
    if cursor:
        line.stylize(Style(color=cursor_style.color, bgcolor=cursor_style.bgcolor, bold=cursor_style.bold))
        base = base + cursor_style
    return to_strip(line, base, max(total, width), console)


def cells(strip) -> list[tuple[str, Style]]:
    return [(ch, segment.style) for segment in strip for ch in segment.text]


@pytest.mark.parametrize("cursor", [False, True], ids=["row", "cursor"])
@pytest.mark.parametrize("row", ROWS, ids=lambda row: repr(row.name)[:12])
def test_a_row_is_drawn_as_rich_draws_it(row, cursor):
    console = Console(width=80, color_system="truecolor")
    drawn = row_strip(COLUMNS, row, LOOK, cursor, console)
    assert cells(drawn) == cells(reference(row, cursor, console))
    assert drawn.cell_length == sum(cell_len(segment.text) for segment in drawn) == 60
