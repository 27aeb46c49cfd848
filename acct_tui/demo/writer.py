"""Bulk writing for the demo: rows as tuples, explicit ids, chunked inserts.

The generator hands out ids itself (so a commitment can point at the visit it
came from without a round trip) and appends plain tuples here; `flush()`
writes them table by table in dependency order. SQLite gets the DB-API's
`executemany` (one prepared statement, a C loop, per table and flush); PostgreSQL gets `COPY`.
Values are Python dates, datetimes, Decimals and bools, stored exactly as the
ORM stores them (peewee registers the same SQLite adapters).
"""

from __future__ import annotations

from contextlib import contextmanager
from importlib import import_module

import peewee

from acct_tui.db_sqlite import plain_values_adapted
from acct_tui.models import (
    ALL_MODELS,
    RECORD_MODELS,
    Account,
    ActionItem,
    Activity,
    CustomerCase,
    Contact,
    MetricSample,
    Milestone,
    Opportunity,
    PlannedVisit,
    Rate,
    Receivable,
    Team,
    User,
)

#: The fields each generated tuple holds, in order; names are model field names.
FIELDS: dict[type[peewee.Model], tuple[str, ...]] = {
    Team: ("id", "name"),
    User: ("id", "login", "name", "email", "role", "team", "manager", "active", "created_at"),
    Account: (
        "id", "external_id", "name", "tier", "owner", "industry", "annual_value", "currency", "status",
        "churned_on", "renewal_date", "contract_start", "contact_days", "visit_days", "created_at", "updated_at",
    ),
    Contact: ("id", "account", "name", "title", "email", "phone", "role", "birthday", "added_on", "left_on"),
    Activity: (
        "id", "account", "contact", "author", "kind", "occurred_at", "duration_min", "subject", "summary",
        "outcome", "sentiment", "attendees", "tags", "confirmed_by", "confirmed_at", "intent_to_leave",
        "confidential", "created_at",
    ),
    ActionItem: ("id", "account", "source_activity", "title", "owner", "due_on", "status", "done_on", "created_at"),
    Milestone: ("id", "account", "title", "kind", "due_on", "status", "completed_on", "created_at"),
    PlannedVisit: ("id", "account", "owner", "scheduled_for", "purpose", "status", "activity", "created_at"),
    CustomerCase: ("id", "account", "contact", "subject", "severity", "opened_at", "closed_at", "escalated"),
    MetricSample: ("id", "account", "period", "metric", "value"),
    Receivable: ("id", "account", "amount", "due_on", "paid_on"),
    Rate: ("id", "currency", "quote", "as_of", "rate"),
    Opportunity: (
        "id", "external_id", "account", "kind", "name", "amount", "currency", "stage", "probability", "close_date",
        "status", "owner", "created_on", "closed_on",
    ),
}
ORDER = RECORD_MODELS
assert tuple(FIELDS) == ORDER, "a field list for every table of record, in its order"


def _quote(name: str) -> str:
    return f'"{name}"'


class Sink:
    """Buffers rows per table, hands out ids, and writes them in bulk."""

    def __init__(self, db: peewee.Database) -> None:
        self.db = db
        self.postgres = isinstance(db, peewee.PostgresqlDatabase)
        self.rows: dict[type, list[tuple]] = {m: [] for m in ORDER}
        self.counts: dict[type, int] = {m: 0 for m in ORDER}
        self._next = {m: 1 for m in ORDER}
        self._sql = {m: self._statement(m) for m in ORDER}

    def _statement(self, model) -> str:
        columns = ", ".join(_quote(model._meta.fields[f].column_name) for f in FIELDS[model])
        table = _quote(model._meta.table_name)
        if self.postgres:
            return f"COPY {table} ({columns}) FROM STDIN"
        marks = ", ".join("?" for _ in FIELDS[model])
        return f"INSERT INTO {table} ({columns}) VALUES ({marks})"

    def new_id(self, model) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value

    def add(self, model, row: tuple) -> None:
        self.rows[model].append(row)

    def reserve(self, model, count: int) -> int:
        """The first of `count` consecutive new ids of `model`: for a writer that appends
        to `rows[model]` itself, many rows at a time (metrics, touches), a call per row saved."""
        first = self._next[model]
        self._next[model] = first + count
        return first

    def pending(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def flush(self) -> None:
        """Write every buffered row, parents before children."""
        cursor = self.db.cursor()
        for model in ORDER:
            rows = self.rows[model]
            if not rows:
                continue
            sql = self._sql[model]
            if self.postgres:
                with cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                with plain_values_adapted():
                    cursor.executemany(sql, rows)  # one statement, bound as often as there are rows
            self.counts[model] += len(rows)
            rows.clear()

    def reset_sequences(self) -> None:
        """PostgreSQL: move each id sequence past the ids written explicitly."""
        if not self.postgres:
            return
        for model in ORDER:
            table = _quote(model._meta.table_name)
            self.db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )


def empty_all(db: peewee.Database) -> None:
    """Delete every row of every table (the schema and its version stay)."""
    if isinstance(db, peewee.PostgresqlDatabase):
        tables = ", ".join(_quote(m._meta.table_name) for m in ALL_MODELS)
        db.execute_sql(f"TRUNCATE TABLE {tables} RESTART IDENTITY CASCADE")
    else:
        for model in reversed(ALL_MODELS):
            db.execute_sql(f"DELETE FROM {_quote(model._meta.table_name)}")


@contextmanager
def indexes_deferred(db: peewee.Database, models=ORDER):
    """Drop the indexes of `models` for a bulk load and build them again after it.

    Building an index once over the loaded rows costs a fraction of keeping it
    sorted through millions of inserts (measured: the 3,000-account demo in 9 s
    instead of 12, the indexes rebuilt in under 1 s). On SQLite the unique
    indexes go too (the writes of a 10,000-account demo took 3.3 s instead of
    3.9, their rebuild 0.1 s): a unique index built over the rows still guards
    the data, as building it fails on a duplicate, and so does the load. On
    PostgreSQL they stay. Every index comes back even when the load fails
    (one that cannot is raised after the others are built). PostgreSQL then
    gathers the tables' statistics at once rather than when autovacuum comes
    by: until it does, the planner takes a word in a quarter of the touches
    for a rare one (a search walked all its matches: 170 ms instead of 2 at
    20,000 accounts).
    """
    postgres = isinstance(db, peewee.PostgresqlDatabase)
    saved = [index for model in models for index in db.get_indexes(model._meta.table_name)
             if not (index.unique and postgres)]
    for index in saved:
        db.execute_sql(f"DROP INDEX {_quote(index.name)}")
    try:
        with search_deferred(db), pulse_deferred(db):
            yield
    finally:
        failed = None
        for index in saved:
            try:
                db.execute_sql(index.sql)
            except peewee.DatabaseError as exc:  # a duplicate: the rest are still built
                failed = failed or exc
        if failed is not None:
            raise failed
        if postgres:
            db.execute_sql("ANALYZE " + ", ".join(_quote(model._meta.table_name) for model in models))


def _drop_triggers(db: peewee.Database, which: str) -> list[tuple[str, str]]:
    """SQLite: drop the triggers whose `sqlite_master` row matches `which`; their (name, SQL) to create them again."""
    triggers = db.execute_sql(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND {which}").fetchall()
    for name, _ in triggers:
        db.execute_sql(f"DROP TRIGGER {_quote(name)}")
    return triggers


@contextmanager
def pulse_deferred(db: peewee.Database):
    """Rebuild `account_pulse` (migration 0011) once after a bulk load, not row by row through its triggers.

    The triggers come back, and the pulse is rebuilt from the activities and snapshots,
    even when the load fails."""
    pulse = import_module("acct_tui.migrations.0011_pulse")
    every = import_module("acct_tui.migrations.0013_pulse_for_every_account")
    pg_triggers = (*pulse.PG_TRIGGERS, every.PG_TRIGGER)
    postgres = isinstance(db, peewee.PostgresqlDatabase)
    if postgres:
        for name, table in pg_triggers:
            db.execute_sql(f"ALTER TABLE {_quote(table)} DISABLE TRIGGER {name}")
        triggers = []
    else:
        names = ", ".join(f"'{name}'" for name in (*pulse.SQLITE_TRIGGERS, every.SQLITE_TRIGGER[0]))
        triggers = _drop_triggers(db, f"name IN ({names})")
    try:
        yield
    finally:
        with db.atomic():
            for statement in (*pulse.rebuild_sql(postgres), every.MISSING_ROWS):
                db.execute_sql(statement)
            for name, sql in triggers:
                db.execute_sql(sql)
            if postgres:
                for name, table in pg_triggers:
                    db.execute_sql(f"ALTER TABLE {_quote(table)} ENABLE TRIGGER {name}")


@contextmanager
def search_deferred(db: peewee.Database):
    """SQLite: fill the search index (migration 0009) once after a bulk load, not row by row through its triggers.

    The triggers come back, and the index is refilled from its recipe views
    (`search_<table>_source`), even when the load fails. PostgreSQL's index
    is a generated column and a GIN index: `indexes_deferred` rebuilds the
    GIN index with the others.
    """
    if isinstance(db, peewee.PostgresqlDatabase):
        yield
        return
    triggers = _drop_triggers(db, r"name LIKE 'acct\_search\_%' ESCAPE '\'")
    indexes = [name for (name,) in db.execute_sql(
        r"SELECT name FROM sqlite_master WHERE type = 'view' AND name LIKE 'search\_%\_source' ESCAPE '\'")]
    try:
        yield
    finally:
        with db.atomic():
            for view in indexes:
                fts = view[: -len("_source")]
                db.execute_sql(f"DELETE FROM {_quote(fts)}")
                db.execute_sql(f"INSERT INTO {_quote(fts)} (rowid, body) SELECT id, body FROM {_quote(view)}")
            for _, sql in triggers:
                db.execute_sql(sql)
