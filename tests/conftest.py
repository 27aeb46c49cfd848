"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, a pinned clock.

PostgreSQL comes from ACCT_TUI_TEST_PG_URL. Without it the PostgreSQL half of
each test is skipped locally, and fails on CI (CI=true): CI must prove both.
Under pytest-xdist (pyproject's addopts run the suite on every core) each
worker gets a database of its own next to that one, `<db>_gw0`, `<db>_gw1`...,
created fresh when the worker first needs it and dropped when it is done, so
that two workers never empty each other's tables.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from acct_tui import clock, db as dbmod
from acct_tui.core import settings as risk_settings

BASE_PG_URL = os.environ.get("ACCT_TUI_TEST_PG_URL")
#: The xdist worker this process is ("gw0", "gw1"...), or None outside xdist.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

#: The moment every test lives in unless it pins another.
NOW = dt.datetime(2026, 11, 20, 10, 0)


@pytest.fixture(autouse=True)
def pinned_clock():
    """Pin the clock for every test; tests that need another moment pin again."""
    clock.pin(NOW)
    yield NOW
    clock.pin(None)


@pytest.fixture(autouse=True)
def default_risk_settings():
    """Every test starts with the default risk settings; one that loads a config installs its own."""
    risk_settings.use(None)
    yield
    risk_settings.use(None)


def _truncate_postgres() -> None:
    """Empty every table but the migration record, and restart every id sequence.

    A test leaves a handful of rows, and DELETE of a handful takes milliseconds
    where TRUNCATE (new files for every table) takes most of a second. The
    replica role skips foreign-key and other triggers, so the order of the
    tables does not matter.
    """
    database = dbmod.database
    tables = [row[0] for row in database.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migration'")]
    sequences = [row[0] for row in database.execute_sql(
        "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relkind = 'S' "
        "AND c.relnamespace = current_schema()::regnamespace AND left(c.relname, 16) <> 'schema_migration'")]
    statements = ["SET session_replication_role = replica"]
    statements += [f'DELETE FROM "{table}"' for table in tables]
    statements += [f"SELECT setval('{sequence}', 1, false)" for sequence in sequences]
    statements.append("SET session_replication_role = DEFAULT")
    database.execute_sql("; ".join(statements))


def _worker_url(base: str, worker: str) -> str:
    """`base` with the database name suffixed by the worker: .../acct_ci -> .../acct_ci_gw0."""
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{worker}"))


def _dbname(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _admin(sql_text: str, *names: str) -> None:
    """Run one statement naming databases (CREATE/DROP DATABASE), connected to the base database."""
    import psycopg
    from psycopg import sql

    statement = sql.SQL(sql_text).format(*(sql.Identifier(n) for n in names))
    for attempt in range(5):
        try:
            with psycopg.connect(BASE_PG_URL, autocommit=True) as conn:
                conn.execute(statement)
            return
        except psycopg.errors.ObjectInUse:  # another worker copying template1 at the same moment
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def _share_parsed_css() -> None:
    """Parse each piece of Textual CSS once per test process, not several times per app.

    Textual re-parses every stylesheet source from scratch whenever a screen with CSS of its own
    is pushed and whenever the theme's variables change (`Stylesheet.reparse` starts from an
    empty cache), and again in every new app: a tenth of each UI test. Parsing is a pure function
    of the CSS text, where it came from and the variables, so rules parsed once serve every later
    app (parse errors are still raised: `Stylesheet.parse` checks the rules it gets). Skipped if a
    Textual release renames the method: the tests only get slower.
    """
    from textual.css.stylesheet import Stylesheet

    parse_rules = getattr(Stylesheet, "_parse_rules", None)
    if parse_rules is None or getattr(parse_rules, "shared", False):
        return
    parsed: dict[tuple, list] = {}

    def shared_parse_rules(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        rules = parsed.get(key)
        if rules is None:
            rules = parsed[key] = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        return rules

    shared_parse_rules.shared = True
    Stylesheet._parse_rules = shared_parse_rules


_share_parsed_css()


_pg: dict[str, str] = {}


def _pg_url() -> str:
    """The PostgreSQL URL of this test process: the given one, or under xdist a fresh database of the worker's own."""
    if "url" not in _pg:
        if WORKER is None:
            _pg["url"] = BASE_PG_URL
        else:
            url = _worker_url(BASE_PG_URL, WORKER)
            _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", _dbname(url))
            _admin("CREATE DATABASE {}", _dbname(url))
            _pg["url"] = _pg["made"] = url
    return _pg["url"]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto`: one worker more than there are cores.

    A UI test spends part of its time asleep, Textual's pilot waiting in 20 ms slices for the
    app to go idle after each key; a third worker on two cores fills those gaps (three UI
    modules: 12% less time than with two workers, measured back to back in both orders).
    """
    return (os.cpu_count() or 1) + 1


def pytest_sessionfinish(session):
    """Drop the worker's own database (the one CI made is CI's to drop)."""
    made = _pg.pop("made", None)
    if made:
        if not dbmod.database.is_closed():
            dbmod.database.close()
        _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", _dbname(made))


def require_postgres() -> str:
    if not BASE_PG_URL:
        if ON_CI:
            pytest.fail("ACCT_TUI_TEST_PG_URL is not set: on CI the PostgreSQL tests must run")
        pytest.skip("PostgreSQL tests need ACCT_TUI_TEST_PG_URL")
    try:
        return _pg_url()
    except Exception as exc:  # an unreachable server must fail loudly, never skip
        pytest.fail(f"PostgreSQL at ACCT_TUI_TEST_PG_URL is unusable: {exc}")


_template: dict[str, bytes] = {}


def _sqlite_template() -> bytes:
    """A migrated, empty SQLite database, built once per test process.

    Running every migration takes about a third of a second; copying its result
    takes a millisecond.
    """
    if "bytes" not in _template:
        folder = Path(tempfile.mkdtemp(prefix="acct-tui-template-"))
        dbmod.open_database(f"sqlite:///{folder / 'template.db'}")
        dbmod.database.close()
        _template["bytes"] = (folder / "template.db").read_bytes()
        shutil.rmtree(folder)
    return _template["bytes"]


def _copy_private(data: bytes, file: Path) -> None:
    """Write `data` to a new file only its owner may read, as acct-tui creates its own."""
    fd = os.open(file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def open_backend(backend: str, tmp_path) -> str:
    """Connect the proxy to an empty, migrated database of `backend`; return its URL."""
    if backend == "sqlite":
        file = tmp_path / "test.db"
        _copy_private(_sqlite_template(), file)
        url = f"sqlite:///{file}"
        dbmod.open_database(url)  # nothing left to migrate: this checks, as every command does
        return url
    url = require_postgres()
    try:
        dbmod.open_database(url)
    except Exception as exc:  # an unreachable server must fail loudly, never skip, on CI
        pytest.fail(f"PostgreSQL at ACCT_TUI_TEST_PG_URL is unusable: {exc}")
    with dbmod.database.connection_context():
        _truncate_postgres()
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend, tmp_path) -> str:
    """The URL of an empty, migrated database; the model proxy points at it."""
    url = open_backend(backend, tmp_path)
    yield url
    if not dbmod.database.is_closed():
        dbmod.database.close()


@pytest.fixture
def db(db_url):
    """An open connection to the empty, migrated test database."""
    with dbmod.database.connection_context():
        yield dbmod.database


@pytest.fixture
def sqlite_db(tmp_path):
    """SQLite only: for tests that are about the UI or pure flows, not the backend."""
    url = open_backend("sqlite", tmp_path)
    with dbmod.database.connection_context():
        yield url
