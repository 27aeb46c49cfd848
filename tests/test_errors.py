"""Errors, never tracebacks: each case gives one clear line, the right exit code, and leaves the data as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import sqlite3
import stat

import pytest

from acct_tui import clock, db as dbmod, db_sqlite
from acct_tui.cli import main
from acct_tui.core.capture import CaptureError, parse_capture
from acct_tui.core.dates import parse_human_date
from acct_tui.io import plan
from acct_tui.models import ALL_MODELS, Account, Activity
from tests import factories as f
from tests.io_helpers import write


def run(capsys, *argv):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse: a usage line and exit 2
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and "Traceback" not in err


def row_counts() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in ALL_MODELS}


@pytest.fixture
def org(sqlite_db):
    return f.org()


# -- a writer meets another writer's lock (SQLite) -------------------------------


@pytest.fixture
def blocker(sqlite_db, monkeypatch):
    """A second connection holding the write lock, and short waits for the test."""
    path = dbmod._sqlite_path(sqlite_db)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(db_sqlite, "LOCK_FIRST_TRY_MS", 20)
    monkeypatch.setattr(db_sqlite, "LOCK_RETRY_MS", 20)
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def test_a_writer_waits_for_the_lock_with_a_message_then_saves(org, blocker, capsys, monkeypatch):
    heard = []

    def release():  # the other writer finishes while we wait
        heard.append(True)
        db_sqlite._tell_waiting()
        blocker.execute("COMMIT")

    monkeypatch.setattr(db_sqlite, "on_lock_wait", release)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "log", "--db", dbmod.database.obj.acct_url, "--user", "minh.pham", "--yes", "acme call went fine")
    assert code == 0, err
    assert heard == [True] and "waiting for another writer" in err
    assert Activity.select().count() == 1


def test_a_lock_held_too_long_is_one_line_and_nothing_is_saved(org, blocker, capsys, monkeypatch):
    monkeypatch.setattr(db_sqlite, "LOCK_WAIT_SECONDS", 0.1)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "log", "--db", dbmod.database.obj.acct_url, "--user", "minh.pham", "--yes", "acme call")
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0] == "acct-tui: waiting for another writer…"
    assert "nothing was saved" in lines[1] and len(lines) == 2 and "Traceback" not in err
    assert Activity.select().count() == 0


def test_an_import_reads_and_checks_before_it_takes_the_write_lock(org, tmp_path, capsys, monkeypatch):
    """While the import parses, matches and compares, another writer can still write."""
    write(tmp_path / "in", "accounts.csv", "external_id,name,owner\nN-1,New One,minh.pham\nN-2,New Two,an.nguyen\n")
    path = dbmod._sqlite_path(dbmod.database.obj.acct_url)
    other_wrote = []
    original = plan._Run.plan

    def plan_then_someone_writes(self):
        original(self)
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # fails at once if the import held the lock
        other.execute("INSERT INTO team (name) VALUES ('Written meanwhile')")
        other.execute("COMMIT")
        other.close()
        other_wrote.append(True)

    monkeypatch.setattr(plan._Run, "plan", plan_then_someone_writes)
    code, out, err = run(capsys, "import", "dir", tmp_path / "in", "--db", dbmod.database.obj.acct_url, "--commit")
    assert code == 0, err + out
    assert other_wrote == [True]
    assert Account.select().where(Account.external_id.in_(["N-1", "N-2"])).count() == 2


# -- a full disk ---------------------------------------------------------------------


def test_a_full_disk_says_so_and_saves_nothing(org, tmp_path, capsys):
    rows = "".join(f"F-{i},Filler account number {i} with a long enough name to take room,minh.pham\n" for i in range(3000))
    write(tmp_path / "in", "accounts.csv", "external_id,name,owner\n" + rows)
    before = row_counts()
    page_count = dbmod.database.execute_sql("PRAGMA page_count").fetchone()[0]
    # SQLite's size limit is how a full disk looks to it: the same SQLITE_FULL.
    dbmod.database.execute_sql(f"PRAGMA max_page_count = {page_count + 4}")
    try:
        code, out, err = run(capsys, "import", "dir", tmp_path / "in", "--db", dbmod.database.obj.acct_url, "--commit")
    finally:
        dbmod.database.execute_sql("PRAGMA max_page_count = 1073741823")
    assert code == 1
    assert err == "acct-tui: error: the disk is full: nothing was saved\n"
    assert row_counts() == before


# -- bad values in an import ---------------------------------------------------------


def test_a_salesforce_currency_that_is_not_a_code_is_a_rejected_row(org, tmp_path, capsys):
    write(tmp_path / "sf", "Account.csv", "Id,Name,CurrencyIsoCode,OwnerId\n001A,Acme EU,EURO,\n001B,Beta EU,eur,\n")
    before = row_counts()
    code, out, err = run(capsys, "import", "salesforce", tmp_path / "sf", "--db", dbmod.database.obj.acct_url, "--commit")
    assert code == 1 and "Traceback" not in err
    assert "rejected: Account.csv:2: CurrencyIsoCode: 'EURO' is not a currency code" in out
    assert "Account.csv:3" not in out  # lower case is fine
    assert row_counts() == before


# -- dates at the calendar's edges ---------------------------------------------------


@pytest.mark.parametrize(
    "now, line",
    [("0001-01-01", "acme call @yesterday"), ("9999-12-31", "acme call next: send it by tomorrow")],
)
def test_a_clock_at_the_calendars_edge_is_a_clear_error(org, capsys, monkeypatch, now, line):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "log", "--db", dbmod.database.obj.acct_url, "--now", now, "--user", "minh.pham", "--yes", line)
    assert code == 2 and "outside the years 1000 to 9000" in err and "Traceback" not in err
    assert Activity.select().count() == 0


def test_acct_tui_now_out_of_range_is_one_line(org, capsys, monkeypatch):
    monkeypatch.setenv("ACCT_TUI_NOW", "0001-01-01")
    clock.pin(None)  # the environment counts only when nothing pinned the clock
    code, _, err = run(capsys, "users", "--db", dbmod.database.obj.acct_url)
    assert code == 2 and one_line(err) and "ACCT_TUI_NOW" in err


@pytest.mark.parametrize(
    "today, text, direction",
    [(dt.date.min, "yesterday", "past"), (dt.date.max, "tomorrow", "future"), (dt.date.max, "next mon", "future"),
     (dt.date.min, "last fri", "past"), (dt.date.max, "in 3w", "future")],
)
def test_the_date_parser_says_a_date_is_outside_the_calendar(today, text, direction):
    with pytest.raises(ValueError, match="outside the calendar"):
        parse_human_date(text, today, direction)


def test_quick_capture_at_the_edges_is_a_capture_error():
    with pytest.raises(CaptureError):
        parse_capture("acme call @yesterday", dt.date.min)
    with pytest.raises(CaptureError):
        parse_capture("acme call next: x by tomorrow", dt.date.max)


# -- files that are not ours, folders that are not there -----------------------------


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_another_programs_sqlite_file_is_refused_without_writing(tmp_path, capsys):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('mine')")
    con.commit()
    con.close()
    before, listing = _digest(path), sorted(p.name for p in tmp_path.iterdir())
    code, _, err = run(capsys, "users", "--db", f"sqlite:///{path}")
    assert code == 2 and one_line(err)
    assert "is not an acct-tui database" in err and "notes" in err
    assert _digest(path) == before and sorted(p.name for p in tmp_path.iterdir()) == listing


def test_a_file_that_is_not_sqlite_is_refused(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("just some notes, not a database\n" * 10)
    code, _, err = run(capsys, "users", "--db", f"sqlite:///{path}")
    assert code == 2 and one_line(err) and "is not an acct-tui database" in err
    assert path.read_text().startswith("just some notes")


def test_a_path_in_a_missing_folder_is_an_error_and_creates_nothing(tmp_path, capsys):
    code, _, err = run(capsys, "users", "--db", f"sqlite:///{tmp_path / 'typo' / 'x.db'}")
    assert code == 2 and one_line(err) and "typo does not exist" in err
    assert not (tmp_path / "typo").exists()


def test_the_default_database_folder_and_file_are_created_private(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("ACCT_TUI_DB", raising=False)
    monkeypatch.setenv("ACCT_TUI_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    code, _, err = run(capsys, "users")
    assert code == 0, err
    folder = dbmod.default_folder()
    assert folder.is_relative_to(tmp_path)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "acct-tui.db").stat().st_mode) == 0o600


def test_a_new_file_in_an_existing_folder_is_private(tmp_path, capsys):
    code, _, err = run(capsys, "users", "--db", f"sqlite:///{tmp_path / 'mine.db'}")
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "mine.db").stat().st_mode) == 0o600
