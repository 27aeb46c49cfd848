"""Connecting, migrating and refusing: on SQLite and PostgreSQL."""

import pytest

from acct_tui import db as dbmod
from acct_tui.cli import main
from acct_tui.errors import SchemaTooNew
from acct_tui.models import ALL_MODELS

#: The newest migration of this release.
NEWEST = max(p.stem for p in dbmod.MIGRATIONS_DIR.glob("[0-9]*.py"))


def test_fresh_database_gets_every_table(db):
    tables = set(db.get_tables())
    assert {m._meta.table_name for m in ALL_MODELS} <= tables
    assert dbmod.schema_version() == NEWEST


def test_migrations_build_every_index_the_models_declare(db):
    for model in ALL_MODELS:
        built = {tuple(index.columns) for index in db.get_indexes(model._meta.table_name)}
        for fields, _unique in model._meta.indexes:
            columns = tuple(model._meta.fields[name].column_name for name in fields)
            assert columns in built, f"{model._meta.table_name}{columns} has no index: add a migration"


def test_upgrade_twice_is_a_no_op(db_url, capsys):
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert f"already up to date ({NEWEST})" in capsys.readouterr().out
    assert dbmod.upgrade() == []


def test_database_from_a_newer_version_is_refused(db_url, capsys):
    with dbmod.database.connection_context():
        dbmod.database.execute_sql("INSERT INTO schema_migration (name, applied) VALUES ('0999_future', '2030-01-01 00:00:00')")
    with pytest.raises(SchemaTooNew, match="newer acct-tui"):
        dbmod.upgrade()
    assert main(["users", "--db", db_url]) == 2
    assert "0999_future" in capsys.readouterr().err
    with dbmod.database.connection_context():
        dbmod.database.execute_sql("DELETE FROM schema_migration WHERE name = '0999_future'")


def test_sqlite_pragmas(tmp_path):
    dbmod.open_database(f"sqlite:///{tmp_path / 'p.db'}")
    with dbmod.database.connection_context():
        assert dbmod.database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert dbmod.database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert dbmod.database.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


@pytest.mark.parametrize(
    "url, message",
    [
        ("mysql://root@localhost/x", "unsupported database URL"),
        ("postgresql://postgres@127.0.0.1:1/nowhere", "cannot open database server 127.0.0.1/nowhere"),
        ("sqlite:////proc/acct/nope.db", "folder /proc/acct does not exist"),
    ],
)
def test_bad_database_is_one_line_and_exit_2(url, message, capsys):
    assert main(["users", "--db", url]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unwritable_sqlite_path_is_refused(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert main(["users", "--db", f"sqlite:///{blocker / 'x.db'}"]) == 2
    err = capsys.readouterr().err
    assert "not-a-folder is not a folder" in err and "Traceback" not in err


def test_db_url_precedence(monkeypatch):
    monkeypatch.delenv("ACCT_TUI_DB", raising=False)
    assert dbmod.resolve_url("sqlite:///a.db", "sqlite:///c.db") == "sqlite:///a.db"
    assert dbmod.resolve_url(None, "sqlite:///c.db") == "sqlite:///c.db"
    monkeypatch.setenv("ACCT_TUI_DB", "sqlite:///b.db")
    assert dbmod.resolve_url(None, "sqlite:///c.db") == "sqlite:///b.db"
    monkeypatch.delenv("ACCT_TUI_DB")
    assert dbmod.resolve_url(None, None).endswith("acct-tui.db")
