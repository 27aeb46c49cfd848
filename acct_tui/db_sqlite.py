"""SQLite specifics: one person's private file, other programs' files left alone, writers taking turns.

- A new database file is created 0600 (and the default data folder 0700);
  a path whose folder does not exist is an error, never a new folder.
- An existing file that is not an acct-tui database is refused read-only,
  before a byte is written (even switching the journal to WAL writes).
- `SafeSqliteDatabase` lets a writer wait for another's lock, saying so,
  and lets a full disk's error reach the person unmasked.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import peewee

from acct_tui.core.search_text import fold_parts
from acct_tui.errors import DatabaseBusy, DatabaseUnavailable

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
    "cache_size": -64_000,
}


def open_sqlite(path: str) -> peewee.SqliteDatabase:
    """The database at `path` (from a `sqlite:///` URL), checked before a byte is written."""
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
    db = SafeSqliteDatabase(
        str(file),
        pragmas=SQLITE_PRAGMAS,
        timeout=10,
        # A deferred read-then-write transaction fails at once when another
        # connection committed first; IMMEDIATE takes the write lock up front.
        lock_type="IMMEDIATE",
    )
    # The search index's triggers fold text with it (migration 0009): every connection has it.
    db.register_function(fold_parts, "acct_search_fold", -1, deterministic=True)
    return db


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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


#: A C function that gives None for None (any key of an empty dict): the NULL adapter below.
_NOTHING: dict = {}


@contextmanager
def plain_values_adapted():
    """SQLite: None and bools bound through an adapter of their own while the block runs.

    The `sqlite3` module binds int, float and str as they are; any other value
    (None, a bool) goes through its adapter table and, finding nothing there,
    two failed attribute lookups, about 200 ns a value: a bulk write holds many
    empty cells (measured: the demo's writes at 10,000 accounts 3.27 s -> 2.99 s).
    Each adapter gives what SQLite stored without it, NULL and the integers 1
    and 0, so not a stored byte changes; the module's table is as it was after.
    """
    added = {(type(None), sqlite3.PrepareProtocol): _NOTHING.get, (bool, sqlite3.PrepareProtocol): int}
    before = {key: sqlite3.adapters[key] for key in added if key in sqlite3.adapters}
    sqlite3.adapters.update(added)
    try:
        yield
    finally:
        for key in added:
            sqlite3.adapters.pop(key, None)
        sqlite3.adapters.update(before)
