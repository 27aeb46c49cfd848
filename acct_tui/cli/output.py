"""Printing listings as a rich table, JSON or CSV, and lines of text: everything the CLI shows.

JSON is a list of flat objects keyed by field name; dates and times are ISO
8601. CSV cells that a spreadsheet would run as a formula are escaped.

Data never acts on the terminal: every cell and every line goes through
`core.text.terminal_safe` (a control character is shown as a stand-in such
as `␛`), JSON writes control characters as `\\u` escapes, and no text is
read as Rich markup.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import sys
from decimal import Decimal
from typing import Any, Iterable, Sequence, TextIO

from acct_tui.core.text import terminal_safe
from acct_tui.io.common import escape_formula

FORMATS = ("table", "json", "csv")


def to_dict(row: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(row):
        return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    return dict(row)


def plain(value: Any) -> Any:
    """A JSON-ready value: ISO dates, numbers for decimals."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def text(value: Any) -> str:
    """A cell for a table or CSV: control characters shown as stand-ins (newlines and tabs kept)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (dt.date, Decimal)):
        return str(plain(value)) if isinstance(value, Decimal) else value.isoformat()
    return terminal_safe(str(value), multiline=True)


def say(line: Any = "", file: TextIO | None = None) -> None:
    """Print a line that may hold data (names, reasons, typed text), terminal-safe."""
    print(terminal_safe(str(line), multiline=True), file=file or sys.stdout, flush=True)


#: What `json` leaves raw with ensure_ascii=False: DEL and the C1 controls (it escapes C0 itself).
_JSON_RAW_CONTROLS = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}


def dump_json(data: Any, out: TextIO, default=None) -> None:
    """JSON for people and programs: readable UTF-8, every control character escaped."""
    out.write(json.dumps(data, indent=2, ensure_ascii=False, default=default).translate(_JSON_RAW_CONTROLS))
    out.write("\n")


def csv_cell(value: Any) -> str:
    """A CSV cell: text is escaped against formulas; numbers are not.

    A number a spreadsheet reads as `-5` is data, not a formula, and a quote
    in front of it would turn it into text; so only text cells are escaped.
    """
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return text(value)
    return escape_formula(text(value))


def write_json(rows: Iterable[Any], out: TextIO) -> None:
    dump_json([{k: plain(v) for k, v in to_dict(r).items()} for r in rows], out)


def write_csv(rows: Iterable[Any], out: TextIO, columns: Sequence[str] | None = None) -> None:
    dicts = [to_dict(r) for r in rows]
    columns = list(columns or (dicts[0].keys() if dicts else []))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in dicts:
        writer.writerow([csv_cell(row.get(c)) for c in columns])


def write_table(
    rows: Iterable[Any],
    out: TextIO,
    columns: Sequence[str] | None = None,
    title: str | None = None,
) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    dicts = [to_dict(r) for r in rows]
    columns = list(columns or (dicts[0].keys() if dicts else []))
    table = Table(title=Text(terminal_safe(title)) if title else None, show_lines=False, header_style="bold")
    for column in columns:
        numeric = any(isinstance(d.get(column), (int, float, Decimal)) and not isinstance(d.get(column), bool) for d in dicts[:50])
        # Short cells (names, numbers) stay whole; headers and long text fold to make room.
        widest = max((len(text(d.get(column))) for d in dicts[:200]), default=0)
        table.add_column(column.replace("_", " "), justify="right" if numeric else "left", overflow="fold",
                         min_width=widest if widest <= 16 else None)
    for row in dicts:
        table.add_row(*(Text(text(row.get(c))) for c in columns))  # Text: never read as markup
    console = Console(file=out, width=None if out.isatty() else 200)
    console.print(table)
    if not dicts:
        console.print("[dim](nothing to show)[/dim]")


def emit(
    rows: Iterable[Any],
    fmt: str,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    out: TextIO | None = None,
) -> None:
    """Print `rows` (dataclasses or dicts) in `fmt`: table, json or csv."""
    out = out or sys.stdout
    rows = list(rows)
    if fmt == "json":
        if columns:
            rows = [{c: to_dict(r).get(c) for c in columns} for r in rows]
        write_json(rows, out)
    elif fmt == "csv":
        write_csv(rows, out, columns)
    else:
        write_table(rows, out, columns, title)


def render_to_string(rows: Iterable[Any], fmt: str, columns: Sequence[str] | None = None) -> str:
    buffer = io.StringIO()
    emit(rows, fmt, columns, out=buffer)
    return buffer.getvalue()
