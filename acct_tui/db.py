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
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable
from pathlib import Path
from urllib.parse import urlparse

import peewee
from peewee import DatabaseProxy
from playhouse.db_url import connect as url_connect
from playhouse.migrations import Runner

from acct_tui.errors import AcctError, DatabaseBusy, DatabaseUnavailable, Forbidden, SchemaTooNew, StorageFull

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
    return f"sqlite:///{default_folder() / 'acct-tui.db'}"


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
    file = Path(path).expanduser()
    folder = file.resolve().parent
    if folder.exists() and not folder.is_dir():
        raise DatabaseUnavailable(f"{folder} is not a folder: check the path in --db")
    if not folder.is_dir():
        if folder != default_folder():
            # A typo in a path must not leave a new folder and an empty database behind.
            raise DatabaseUnavailable(f"folder {folder} does not exist: create it first, or check the path in --db")
        try:
            folder.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot create folder {folder}: {exc.strerror}") from None
    if not os.access(folder, os.W_OK) or (file.exists() and not os.access(file, os.W_OK)):
        raise DatabaseUnavailable(f"cannot write the database file {path}: permission denied")
    if file.exists():
        _refuse_foreign_file(file)
    else:
        _create_private_file(file)
    return SafeSqliteDatabase(
        str(file),
        pragmas=SQLITE_PRAGMAS,
        timeout=10,
        # A deferred read-then-write transaction fails at once when another
        # connection committed first; IMMEDIATE takes the write lock up front.
        lock_type="IMMEDIATE",
    )


def default_folder() -> Path:
    """Where the default (and the demo's) SQLite file lives; created on first use."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("acct-tui")).resolve()


def _create_private_file(file: Path) -> None:
    """An empty file only its owner may read: a database of clients is confidential.

    SQLite gives its -wal and -shm files the same permissions as this one.
    """
    try:
        os.close(os.open(file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot create the database file {file}: {exc.strerror}") from None


def _refuse_foreign_file(file: Path) -> None:
    """Refuse, before writing a byte, a file that is not an acct-tui database.

    An empty file is fine (it becomes one); so is a SQLite file with no tables.
    A SQLite file with tables but without our migration record belongs to
    another program; anything else is not a SQLite database at all. Read-only
    here: even switching the journal to WAL would write to the file.
    """
    if file.stat().st_size == 0:
        return
    try:
        con = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            ours = "schema_migration" in tables and con.execute(
                "SELECT 1 FROM schema_migration WHERE name = '0001_initial'"
            ).fetchone() is not None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnavailable(f"{file} is not an acct-tui database ({_first_line(exc)}); nothing was changed") from None
    if tables and not ours:
        raise DatabaseUnavailable(
            f"{file} is not an acct-tui database: it holds other tables ({', '.join(sorted(tables)[:3])}) "
            "and no acct-tui schema record; nothing was changed"
        )


class SafeSqliteDatabase(peewee.SqliteDatabase):
    """SQLite with two repairs: a writer waits its turn, and a failed write fails once.

    - `begin` (BEGIN IMMEDIATE, where a writer meets another's lock) retries
      for up to `LOCK_WAIT_SECONDS`, calling `on_lock_wait` once so the person
      knows why nothing happens, instead of failing after the busy timeout.
    - `rollback` when SQLite already rolled the transaction back itself (it
      does on a full disk) is a no-op, so the real error reaches the person
      instead of "cannot rollback - no transaction is active".
    """

    def begin(self, lock_type=None):
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        # A short first try, so the person hears why nothing happens within a second.
        wait_ms = LOCK_FIRST_TRY_MS
        told = False
        try:
            while True:
                self.execute_sql(f"PRAGMA busy_timeout = {int(wait_ms)}")
                try:
                    return super().begin(lock_type)
                except peewee.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                if time.monotonic() >= deadline:
                    raise DatabaseBusy(
                        f"another program has been writing to the database for over {LOCK_WAIT_SECONDS:.0f} s; "
                        "nothing was saved: try again"
                    )
                if not told:
                    told = True
                    on_lock_wait()
                wait_ms = min(LOCK_RETRY_MS, max(1.0, (deadline - time.monotonic()) * 1000))
        finally:
            self.execute_sql(f"PRAGMA busy_timeout = {SQLITE_PRAGMAS['busy_timeout']}")

    def rollback(self):
        if not self.is_closed() and not self.connection().in_transaction:
            return
        super().rollback()


#: How long a writer waits, in all, for another writer's lock before giving up.
LOCK_WAIT_SECONDS = 120.0
#: The first try for the write lock, then each retry (milliseconds of SQLite's busy wait).
LOCK_FIRST_TRY_MS = 1000
LOCK_RETRY_MS = 5000


def _tell_waiting() -> None:
    print("acct-tui: waiting for another writer…", file=sys.stderr, flush=True)


#: Called once when a write has to wait for another writer; the app replaces it with a notification.
on_lock_wait: Callable[[], None] = _tell_waiting


def set_lock_wait_hook(hook: Callable[[], None] | None) -> None:
    """Who hears "waiting for another writer" (None: stderr, as the CLI wants)."""
    global on_lock_wait
    on_lock_wait = hook or _tell_waiting


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
