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
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

# peewee imports psycopg, PostgreSQL's driver, when it is itself imported: a tenth of a second
# of every start, which a session on a SQLite file never needs. It is kept out of that import
# and handed to peewee when a PostgreSQL database is opened (`_give_peewee_psycopg`).
_PSYCOPG_LATER = "peewee" not in sys.modules and "psycopg" not in sys.modules
if _PSYCOPG_LATER:
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` fails, for now
try:
    import peewee
    from peewee import DatabaseProxy
    from playhouse.db_url import connect as url_connect
    from playhouse.migrations import Runner
finally:
    if _PSYCOPG_LATER:
        del sys.modules["psycopg"]

from acct_tui.db_sqlite import default_folder, open_sqlite
from acct_tui.errors import AcctError, DatabaseBusy, DatabaseUnavailable, Forbidden, SchemaTooNew, StorageFull

database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
POSTGRES_SCHEMES = ("postgres", "postgresql")
#: Held by the one process applying migrations to a PostgreSQL database.
MIGRATION_LOCK_KEY = 0x41435431


def default_url() -> str:
    """A SQLite file in the user data directory: works with no setup at all."""
    return f"sqlite:///{default_folder() / 'acct-tui.db'}"


def resolve_url(cli_url: str | None, config_url: str | None) -> str:
    """`--db`, else `ACCT_TUI_DB`, else the config file, else the default file."""
    return as_url(cli_url or os.environ.get("ACCT_TUI_DB") or config_url or default_url())


def as_url(text: str) -> str:
    """A database URL; a plain file path (`/tmp/x.db`, `~/x.db`) is a SQLite file."""
    if "://" in text or not text.strip():
        return text
    return f"sqlite:///{Path(text).expanduser().absolute()}"


def is_postgres(url: str) -> bool:
    return urlparse(url).scheme.split("+")[0] in POSTGRES_SCHEMES


def describe(url: str) -> str:
    """A short, password-free name for the header: `file x.db` or `server host/db`."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        return f"file {Path(_sqlite_path(url)).name}"
    return f"server {parsed.hostname or 'localhost'}{parsed.path}"


def location(url: str) -> str:
    """Where the database is, in full and without a password: the file's absolute path, or the server URL."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        return str(Path(_sqlite_path(url)).expanduser().resolve())
    netloc = parsed.hostname or "localhost"
    if parsed.port:
        netloc = f"{netloc}:{parsed.port}"
    if parsed.username:
        netloc = f"{parsed.username}@{netloc}"
    return parsed._replace(netloc=netloc, query="", fragment="").geturl()


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
        db = open_sqlite(_sqlite_path(url))
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


def translate_error(exc: BaseException) -> AcctError | None:
    """A database failure a person can act on, as one line; None for anything else.

    A full disk and a lock held too long are said plainly; the transaction that
    met them was rolled back, so nothing of it was saved.
    """
    if isinstance(exc, AcctError):
        return exc
    text = str(exc).lower()
    if "disk is full" in text or "no space left" in text or "disk full" in text:
        return StorageFull("the disk is full: nothing was saved")
    if "database is locked" in text:
        return DatabaseBusy("another program is writing to the database: nothing was saved; try again")
    if "row-level security" in text or "permission denied" in text:
        return Forbidden(f"the database refused it: {_first_line(exc)}")
    if isinstance(exc, (peewee.DatabaseError, sqlite3.DatabaseError)) or _is_psycopg_error(exc):
        return DatabaseUnavailable(f"database error: {_first_line(exc)}")
    return None


def _is_psycopg_error(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("psycopg")


def _open_postgres(url: str) -> peewee.Database:
    try:
        _give_peewee_psycopg()
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


def _give_peewee_psycopg() -> None:
    """What peewee's own import would have taken from psycopg, had it not been kept out (above)."""
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    if peewee.psycopg is None:
        peewee.psycopg, peewee.TransactionStatus, peewee.Json_pg3, peewee.Jsonb_pg3 = psycopg, TransactionStatus, Json, Jsonb
        adapter = peewee.Psycopg3Adapter
        adapter.txn_idle, adapter.txn_inerror, adapter.txn_unknown = (
            TransactionStatus.IDLE, TransactionStatus.INERROR, TransactionStatus.UNKNOWN)


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
    On PostgreSQL only the operator (the role owning the schema) upgrades;
    afterwards every table holding account data is secured again
    (`acct_secure`, from migration 0003), so a new one is never left open.
    """
    db = database.obj
    with database.connection_context(), _migration_lock(db):
        runner = Runner(db, str(MIGRATIONS_DIR))
        known = {m.name for m in runner.migrations()}
        newest_known = max((_number(name) for name in known), default=0)
        applied = runner.applied()
        unknown = sorted(name for name in applied if name not in known)
        if unknown and max(_number(name) for name in unknown) > newest_known:
            raise SchemaTooNew(
                f"this database was upgraded by a newer acct-tui (migration {unknown[-1]}); "
                "upgrade acct-tui to open it"
            )
        pending = sorted(known - set(applied), key=_number)
        if not pending:
            return []
        postgres = isinstance(db, peewee.PostgresqlDatabase)
        if postgres and not _session_role(db).operator:
            raise DatabaseUnavailable(
                f"this database needs a schema upgrade ({pending[-1]}): the operator, "
                "the role that owns it, runs `acct-tui db upgrade`"
            )
        done = runner.up()
        if postgres and db.execute_sql("SELECT to_regproc('acct_secure') IS NOT NULL").fetchone()[0]:
            db.execute_sql("SELECT acct_secure()")
        return done


@dataclass(frozen=True)
class SessionRole:
    """Who a PostgreSQL connection is: its role, and whether that role is the operator."""

    name: str
    #: Owns the schema (or is a superuser): not subject to row-level security.
    operator: bool


_SESSION_SQL = """
SELECT current_user::text,
       r.rolsuper OR r.rolbypassrls OR coalesce(pg_has_role(current_user, c.relowner, 'USAGE'), true)
FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('account')
WHERE r.rolname = current_user
"""


def _session_role(db: peewee.Database) -> SessionRole:
    name, operator = db.execute_sql(_SESSION_SQL).fetchone()
    return SessionRole(name, bool(operator))


def session_role() -> SessionRole | None:
    """The PostgreSQL role this session connects as; None on SQLite (a file has no roles).

    A database with no schema yet belongs to whoever creates it: its operator.
    """
    db = database.obj
    if not isinstance(db, peewee.PostgresqlDatabase):
        return None
    with database.connection_context():
        return _session_role(db)


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
