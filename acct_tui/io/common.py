"""What every importer shares: reading CSV safely, parsing cells, the report.

Reading: UTF-8 (with or without a byte order mark) or UTF-16 with a BOM;
anything else is unusable input (`UsageError`, exit 2) with one line naming
the file and the problem. Rows keep the physical line they start on, so a
multi-line quoted field does not shift the line numbers of later rows.

Parsing: each `Row` getter returns the typed value or None, and records a
`Problem` (file, line, column, reason) when the cell is bad, so one pass over
a row reports every bad cell in it.

Times: ISO 8601 with or without an offset (Salesforce writes
`2024-01-22T14:49:34.000+0000`); an offset is converted to naive local time,
the way `clock.parse_moment` does for `--now`, so every source agrees.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, Sequence

from acct_tui import clock
from acct_tui.core.text import clean_text, has_control_but_lines
from acct_tui.errors import UsageError

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})
#: Quotes our own export put before a cell a spreadsheet would run (one per level).
#: A leading character that makes a spreadsheet evaluate a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(cell: str) -> str:
    """Neutralise a cell a spreadsheet would run (`=cmd|...`), keeping it readable."""
    if cell and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


ESCAPED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Problem:
    """One row that was rejected or skipped, and why."""

    file: str
    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


@dataclass
class Counts:
    """Rows of one file (or one derived table) by outcome."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class Report:
    """The outcome of an import, dry run or committed."""

    source: str
    counts: tuple[tuple[str, Counts], ...]
    rejected: tuple[Problem, ...]
    skipped: tuple[Problem, ...]
    notes: tuple[str, ...]
    committed: bool

    @property
    def clean(self) -> bool:
        return not self.rejected

    @property
    def exit_code(self) -> int:
        return 0 if self.clean else 1

    def totals(self) -> Counts:
        total = Counts()
        for _, c in self.counts:
            for name in ("new", "updated", "unchanged", "rejected", "skipped"):
                setattr(total, name, getattr(total, name) + getattr(c, name))
        return total

    def render(self) -> str:
        """The summary a person reads: a line per file, then each rejected and skipped row."""
        width = max([len(label) for label, _ in self.counts] + [4])
        lines = [f"{'file':<{width}}  {'new':>6} {'updated':>7} {'unchanged':>9} {'rejected':>8} {'skipped':>7}"]
        for label, c in self.counts:
            lines.append(f"{label:<{width}}  {c.new:>6} {c.updated:>7} {c.unchanged:>9} {c.rejected:>8} {c.skipped:>7}")
        lines.extend(f"note: {note}" for note in self.notes)
        lines.extend(f"rejected: {p}" for p in self.rejected)
        lines.extend(f"skipped: {p}" for p in self.skipped)
        if self.rejected:
            lines.append(f"{len(self.rejected)} row(s) rejected: nothing was imported")
        elif self.committed:
            lines.append("committed")
        else:
            lines.append("dry run: nothing was written (add --commit to apply)")
        return "\n".join(lines)


@dataclass
class ReportBuilder:
    """Collects counts, problems and notes while an import runs."""

    source: str
    counts: dict[str, Counts] = field(default_factory=dict)
    rejected: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def bucket(self, label: str) -> Counts:
        return self.counts.setdefault(label, Counts())

    def reject(self, label: str, problems: Iterable[Problem]) -> None:
        problems = list(problems)
        if problems:
            self.bucket(label).rejected += 1
            self.rejected.extend(problems)

    def skip(self, label: str, problem: Problem) -> None:
        self.bucket(label).skipped += 1
        self.skipped.append(problem)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def build(self, committed: bool) -> Report:
        return Report(
            source=self.source,
            counts=tuple(self.counts.items()),
            rejected=tuple(sorted(self.rejected, key=lambda p: (p.file, p.line))),
            skipped=tuple(sorted(self.skipped, key=lambda p: (p.file, p.line))),
            notes=tuple(self.notes),
            committed=committed,
        )


# -- reading ------------------------------------------------------------------


def decode(data: bytes, name: str) -> str:
    """The text of a CSV file; `UsageError` for binary or non-UTF text."""
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8):], "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        if b"\x00" in data[:4096]:
            raise UsageError(f"{name}: not a CSV file (it holds binary data)")
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{name}: not {encoding.upper()} text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8 CSV"
        ) from None


@dataclass
class Row:
    """One data row: its cells by column, where it starts, and what was wrong with it."""

    file: str
    line: int
    cells: dict[str, str]
    unescape: bool = False
    problems: list[Problem] = field(default_factory=list)
    #: Known to hold no control character but tabs and newlines (its whole file holds none).
    clean: bool = False

    def has(self, column: str) -> bool:
        return column in self.cells

    def raw(self, column: str) -> str | None:
        """The stripped cell without control characters (lines kept), None when empty or absent."""
        value = self.cells.get(column)
        if value is None:
            return None
        value = clean_text(value, multiline=True).strip()
        return value or None

    def bad(self, column: str | None, reason: str) -> None:
        self.problems.append(Problem(self.file, self.line, column, reason))

    def _get(self, column: str, required: bool) -> str | None:
        value = self.raw(column)
        if value is None and required:
            self.bad(column, "is required")
        return value

    def text(self, column: str, required: bool = False, max_len: int | None = None, multiline: bool | None = None) -> str | None:
        """A text cell. A capped one (a name, a subject) is one line; an uncapped one (notes) keeps its lines."""
        value = self._get(column, required)
        if value is None:
            return None
        value = clean_text(value, multiline=max_len is None if multiline is None else multiline)
        if self.unescape and ESCAPED_FORMULA.match(value):
            value = value[1:]
        if max_len is not None and len(value) > max_len:
            self.bad(column, f"is {len(value)} characters long; at most {max_len} fit")
            return None
        return value

    def parse(self, column: str, parser, required: bool = False):
        """Run `parser` on the cell; its ValueError becomes a problem for this column."""
        value = self._get(column, required)
        if value is None:
            return None
        try:
            return parser(value)
        except ValueError as exc:
            self.bad(column, str(exc))
            return None


def read_cells(path: Path, required: Sequence[str] = ()) -> tuple[list[str], list[int], list[list[str]], bool]:
    """The header, each data row's first line and its cells, and whether the file holds no control
    character but tabs and newlines (most files hold none). Blank rows are left out.

    `UsageError` (exit 2) when the file cannot be read as CSV or lacks a
    required column: the whole file is unusable, so no row is worth checking.
    """
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc.strerror}") from None
    text = decode(data, name)
    # One search over the file instead of one per row: most files hold no control character at all.
    clean = not has_control_but_lines(text)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise UsageError(f"{name}: empty file, expected a header line")
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            raise UsageError(f"{name}: missing column(s) {', '.join(missing)} (found: {', '.join(header[:8])})")
        lines: list[int] = []
        rows: list[list[str]] = []
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not cells or (not cells[0].strip() and not "".join(cells).strip()):  # a blank row
                continue
            lines.append(line)
            rows.append(cells)
    except csv.Error as exc:
        raise UsageError(f"{name}: not valid CSV near line {reader.line_num}: {exc}") from None
    return header, lines, rows, clean


def as_row(name: str, header: Sequence[str], line: int, cells: list[str], unescape: bool, clean: bool) -> Row:
    """One row of `read_cells` as a `Row`; more cells than the header has columns is its problem."""
    row = Row(name, line, dict(zip(header, cells)), unescape, [], clean)
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
        row.bad(None, f"{len(cells)} cells but the header has {len(header)} columns")
    return row


def read_csv(path: Path, required: Sequence[str] = (), unescape: bool = False) -> tuple[list[str], list[Row]]:
    """The header and the rows of a CSV file (`read_cells`' errors)."""
    header, lines, rows, clean = read_cells(path, required)
    return header, [as_row(path.name, header, line, cells, unescape, clean) for line, cells in zip(lines, rows)]


def unknown_columns(name: str, header: Sequence[str], known: Iterable[str]) -> str | None:
    """A note listing the columns an importer does not use, or None."""
    known = set(known)
    extra = [h for h in header if h and h not in known]
    return f"{name}: ignored unknown column(s) {', '.join(extra)}" if extra else None


# -- cell parsers (ValueError with a reason a person can act on) --------------


def boolean(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{text!r} is not a yes/no value (true/false, yes/no, 1/0)")


def date(text: str) -> dt.date:
    """`YYYY-MM-DD`; a full timestamp is accepted and cut to its (local) day."""
    text = text.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return moment(text).date()
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def moment(text: str) -> dt.datetime:
    """ISO 8601 as naive local time, fractions of a second kept (`clock.parse_moment`)."""
    return clock.parse_moment(text, whole_seconds=False)


@lru_cache(maxsize=4096)
def month(text: str) -> dt.date:
    """`YYYY-MM` as the first day of that month. Remembered: a file of metrics names the same
    few months on every other line (a bad one raises, which is never remembered)."""
    found = _MONTH.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month (YYYY-MM)")
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


def decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    return value


def positive_decimal(text: str) -> Decimal:
    value = decimal(text)
    if value <= 0:
        raise ValueError(f"{text.strip()!r} is not more than 0")
    return value


def number(text: str) -> float:
    """A float, as `decimal` reads it (thousands commas, nothing infinite) then rounded to the nearest float.

    `float()` reads a plain number to that same nearest float, a fraction of the time
    `Decimal` takes (an import reads a metric per cell); anything else takes the long way."""
    try:
        value = float(text)
    except ValueError:
        return float(decimal(text))
    return value if math.isfinite(value) else float(decimal(text))


def integer(low: int | None = None, high: int | None = None):
    """A parser for whole numbers within [low, high]."""

    def parse(text: str) -> int:
        try:
            value = decimal(text)
        except ValueError:
            value = None
        if value is None or value != value.to_integral_value():
            raise ValueError(f"{text!r} is not a whole number")
        value = int(value)
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise ValueError(f"{value} is out of range ({bounds})")
        return value

    return parse


def choice(choices: Sequence[str], aliases: dict[str, str] | None = None):
    """A parser for a closed vocabulary, case-insensitive, with optional synonyms."""

    synonyms, known = aliases or {}, frozenset(choices)

    def parse(text: str) -> str:
        word = text.strip().lower()
        word = synonyms.get(word, word)
        if word not in known:
            raise ValueError(f"{text.strip()!r} is not one of {', '.join(choices)}")
        return word

    return parse
