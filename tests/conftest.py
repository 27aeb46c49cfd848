"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, a pinned clock.

PostgreSQL comes from ACCT_TUI_TEST_PG_URL. Without it the PostgreSQL half of
each test is skipped locally, and fails on CI (CI=true): CI must prove both.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from acct_tui import clock, db as dbmod
from acct_tui.core import settings as risk_settings
from acct_tui.models import ALL_MODELS

PG_URL = os.environ.get("ACCT_TUI_TEST_PG_URL")
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
    tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
    dbmod.database.execute_sql(f"TRUNCATE TABLE {tables} RESTART IDENTITY CASCADE")


def require_postgres() -> str:
    if not PG_URL:
        if ON_CI:
            pytest.fail("ACCT_TUI_TEST_PG_URL is not set: on CI the PostgreSQL tests must run")
        pytest.skip("PostgreSQL tests need ACCT_TUI_TEST_PG_URL")
    return PG_URL


def open_backend(backend: str, tmp_path) -> str:
    """Connect the proxy to an empty, migrated database of `backend`; return its URL."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        dbmod.open_database(url)
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
