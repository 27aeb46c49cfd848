"""How services run set-based queries: raw rows, the values in them, and id chunks.

The one home for:

- `raw_rows(query)`: a peewee query's rows as plain tuples, skipping
  peewee's per-row model work (several times faster on 100k-row results);
  `iter_rows(query)` streams them;
- `as_date` / `as_datetime`: a raw value back to a date or datetime
  (SQLite hands aggregates back as ISO text, PostgreSQL typed);
- `chunks(values)`: `peewee.chunked` with the one chunk size of the
  database in use, for `IN (...)` lists and bulk writes;
- `days_before_sql`, `name_like` and `month_day`: the SQL snippets that
  differ between SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterable, Iterator, TypeVar

import peewee
from peewee import SQL, NodeList, fn

from acct_tui.db import database

T = TypeVar("T")

#: Values bound in one statement, per database. SQLite accepts 32,766
#: parameters per statement (3.32 and later), PostgreSQL 65,535; 5,000 ids
#: leave room for the rest of any query and measured as fast as longer lists.
CHUNK_SIZE = {"sqlite": 5000, "postgresql": 5000}


def raw_rows(query) -> list[tuple]:
    """Run a peewee query and fetch plain tuples (no per-row model conversion)."""
    return database.execute_sql(*query.sql()).fetchall()


def iter_rows(query) -> Iterator[tuple]:
    """`raw_rows`, one row at a time, for a result too big to hold as a list: a whole book's
    accounts and per-account facts at 100k accounts were tens of MB of tuples alive at once."""
    return iter(database.execute_sql(*query.sql()))


def is_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def chunk_size(columns: int = 1) -> int:
    """Rows per statement when each row binds `columns` values."""
    return max(1, CHUNK_SIZE["postgresql" if is_postgres() else "sqlite"] // columns)


def chunks(values: Iterable[T], columns: int = 1) -> Iterator[list[T]]:
    """`values` in lists small enough for one statement (`columns` bound values per item).

    Sliced, not `peewee.chunked`: that pads every group to the chunk size and
    pops the padding one item at a time, a millisecond for three ids at 5,000.
    """
    items = values if isinstance(values, (list, tuple)) else list(values)
    size = chunk_size(columns)
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def ids_in(column, ids: list[int]):
    """`column IN (ids)` with the ids bound as one list: peewee's `in_` builds a node per value,
    milliseconds per thousand ids (a third of a second for an admin's Today at 100k accounts)."""
    if not ids:
        return SQL("1 = 0")
    return NodeList((column, _BoundIds([int(i) for i in ids])))


class _BoundIds(peewee.ColumnBase):
    """`IN (?, ?, ...)` binding whole ints as they are. `SQL(text, params)` hands each one to
    `Context.value` (type checks, the converter's state), about a microsecond apiece: 5 ms of a
    Today page's 9 queries of 575 ids each."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __sql__(self, ctx):
        if ctx.state.value_literals:  # `peewee.query_to_string`: the values written out (whole ints)
            return ctx.literal(f"IN ({', '.join(map(str, self.ids))})")
        ctx.literal(f"IN ({', '.join([ctx.state.param or '?'] * len(self.ids))})")
        ctx._values.extend(self.ids)  # what `Context.value` appends, once per value
        return ctx


def unindexed(column):
    """`column` as SQLite's planner will not look it up by an index (`+column`), for a query
    restricted to a few accounts: without statistics it would rather range over a
    (status, day) index than seek each account (a Today page's milestones: 120 ms against 12)."""
    return column if is_postgres() else NodeList((SQL("+"), column), glue="")


@contextmanager
def page_cache_at_most(kib: int) -> Iterator[None]:
    """SQLite: this connection's page cache at most `kib` KiB for the block, as it was after.

    For a pass that reads each page of a big table once (an admin's Today at
    100k accounts): a 64 MB cache (`db_sqlite.SQLITE_PRAGMAS`) only fills up
    and raises the process's peak (by 57 MB there, measured), and the
    connection closes after the build anyway. PostgreSQL: nothing to do."""
    if is_postgres():
        yield
        return
    (before,) = database.execute_sql("PRAGMA cache_size").fetchone()
    (page,) = database.execute_sql("PRAGMA page_size").fetchone()
    current = -before if before < 0 else before * page // 1024
    if current <= kib:
        yield
        return
    database.execute_sql(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA cache_size = {int(before)}")


def as_datetime(value) -> dt.datetime | None:
    """A raw time value (ISO text from SQLite, typed from PostgreSQL) as a datetime."""
    if type(value) is str:
        return dt.datetime.fromisoformat(value)
    if value is None or isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value))


def as_date(value) -> dt.date | None:
    """A raw date or time value as a date (the day of a datetime)."""
    if type(value) is str:  # SQLite: the common case first
        return _parse_date(value[:10])
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _parse_date(str(value)[:10])


@lru_cache(maxsize=8192)
def _parse_date(text: str) -> dt.date:
    # A portfolio has a few thousand distinct days and a million date cells.
    return dt.date.fromisoformat(text)


def days_before_sql(column: str, days: int) -> str:
    """SQL for `column - days` on a date column, on SQLite (ISO text) and PostgreSQL."""
    if is_postgres():
        return f"({column} - {int(days)})"
    return f"date({column}, '-{int(days)} days')"


def like_pattern(text: str) -> str:
    """`%text%` for LIKE with `\\` escaping, so `%` and `_` in the text match themselves."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def name_like(column, text: str, *, prefix: bool = False):
    """A case-insensitive "`column` contains (or starts with) `text`", the same on SQLite and PostgreSQL."""
    pattern = like_pattern(text)[1:] if prefix else like_pattern(text)
    return NodeList((fn.LOWER(column), SQL("LIKE"), pattern, SQL("ESCAPE '\\'")))


def month_day(column):
    """SQL for a date column's `MM-DD` (a birthday or an anniversary in any year)."""
    if is_postgres():
        return fn.TO_CHAR(column, "MM-DD")
    # Dates are ISO text on SQLite: the 6th to 10th characters, a third of `strftime`'s time.
    return fn.substr(column, 6, 5)
