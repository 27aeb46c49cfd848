"""Connecting to SQLite or PostgreSQL, and keeping the schema current.

One `DatabaseProxy` (`database`) that every model binds to; `connect(url)`
initialises it through `playhouse.db_url`. Schema changes are numbered
migration scripts in `acct_tui/migrations/`, applied by `upgrade()` and
recorded in the `schema_migration` table.
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import peewee
from peewee import DatabaseProxy
from playhouse.db_url import connect as url_connect
from playhouse.migrations import Runner

from acct_tui.errors import DatabaseUnavailable, SchemaTooNew

database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
    "cache_size": -64_000,
}
POSTGRES_SCHEMES = ("postgres", "postgresql")
#: Held by the one process applying migrations to a PostgreSQL database.
MIGRATION_LOCK_KEY = 0x41435431


def default_url() -> str:
    """A SQLite file in the user data directory: works with no setup at all."""
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('acct-tui')) / 'acct-tui.db'}"


def resolve_url(cli_url: str | None, config_url: str | None) -> str:
    """`--db`, else `ACCT_TUI_DB`, else the config file, else the default file."""
    return cli_url or os.environ.get("ACCT_TUI_DB") or config_url or default_url()


def is_postgres(url: str) -> bool:
    return urlparse(url).scheme.split("+")[0] in POSTGRES_SCHEMES


def describe(url: str) -> str:
    """A short, password-free name for the header: `file x.db` or `server host/db`."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        return f"file {Path(_sqlite_path(url)).name}"
    return f"server {parsed.hostname or 'localhost'}{parsed.path}"


def _sqlite_path(url: str) -> str:
    # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy spells them.
    path = url.split("://", 1)[1]
    return path[1:] if path.startswith("/") else path


def connect(url: str) -> peewee.Database:
    """Point `database` at `url` and check it answers.

    Connecting again to the URL already in use keeps the same database
    object (and any connection this thread holds open on it).
    Raises `DatabaseUnavailable` with one line a person can act on.
    """
    current = database.obj
    if current is not None and getattr(current, "acct_url", None) == url:
        return current
    scheme = urlparse(url).scheme
    if scheme.startswith("sqlite"):
        db = _open_sqlite(url)
    elif scheme.split("+")[0] in POSTGRES_SCHEMES:
        db = _open_postgres(url)
    else:
        raise DatabaseUnavailable(
            f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://USER@HOST/DB"
        )
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1")
    except (peewee.OperationalError, peewee.DatabaseError, sqlite3.Error) as exc:
        raise DatabaseUnavailable(f"cannot open database {describe(url)}: {_first_line(exc)}") from None
    finally:
        if not db.is_closed():
            db.close()
    db.acct_url = url
    database.initialize(db)
    return db


def _open_sqlite(url: str) -> peewee.SqliteDatabase:
    path = _sqlite_path(url)
    if path in ("", ":memory:"):
        raise DatabaseUnavailable("an in-memory SQLite database cannot be shared; give a file path")
    folder = Path(path).expanduser().resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot create folder {folder}: {exc.strerror}") from None
    if not os.access(folder, os.W_OK) or (Path(path).exists() and not os.access(path, os.W_OK)):
        raise DatabaseUnavailable(f"cannot write the database file {path}: permission denied")
    return peewee.SqliteDatabase(
        str(Path(path).expanduser()),
        pragmas=SQLITE_PRAGMAS,
        timeout=10,
        # A deferred read-then-write transaction fails at once when another
        # connection committed first; IMMEDIATE takes the write lock up front.
        lock_type="IMMEDIATE",
    )


def _open_postgres(url: str) -> peewee.Database:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseUnavailable(
            "PostgreSQL support is not installed: pip install 'acct-tui[postgres]'"
        ) from None
    parsed = urlparse(url)
    url = url.replace(parsed.scheme + "://", "postgresql://", 1)
    try:
        return url_connect(url, connect_timeout=5)
    except Exception as exc:  # a malformed URL surfaces as many error types
        raise DatabaseUnavailable(f"bad database URL: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


@contextmanager
def _migration_lock(db: peewee.Database):
    if isinstance(db, peewee.PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        try:
            yield
        finally:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
    else:
        yield


def _number(name: str) -> int:
    """A migration's number (`0003_visit_plans` -> 3), -1 for a name without one."""
    match = re.match(r"\d+", name)
    return int(match.group()) if match else -1


def upgrade() -> list[str]:
    """Apply every pending migration; returns their names (empty when current).

    Refuses, with `SchemaTooNew`, a database that a newer version upgraded.
    """
    db = database.obj
    with database.connection_context(), _migration_lock(db):
        runner = Runner(db, str(MIGRATIONS_DIR))
        known = {m.name for m in runner.migrations()}
        newest_known = max((_number(name) for name in known), default=0)
        unknown = sorted(name for name in runner.applied() if name not in known)
        if unknown and max(_number(name) for name in unknown) > newest_known:
            raise SchemaTooNew(
                f"this database was upgraded by a newer acct-tui (migration {unknown[-1]}); "
                "upgrade acct-tui to open it"
            )
        return runner.up()


def schema_version() -> str | None:
    """The name of the newest applied migration, or None for an empty database."""
    db = database.obj
    with database.connection_context():
        runner = Runner(db, str(MIGRATIONS_DIR))
        applied = sorted(runner.applied(), key=_number)
    return applied[-1] if applied else None


def open_database(url: str) -> peewee.Database:
    """Connect and upgrade: what every command and the app do first."""
    db = connect(url)
    upgrade()
    return db
