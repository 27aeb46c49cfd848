"""The first five minutes: the demo goes where --db or ACCT_TUI_DB say and says how to reopen it;
an empty database says how to get data; a path in a missing folder is refused."""

from __future__ import annotations

import shlex

import pytest

from acct_tui import db as dbmod
from acct_tui.cli import main

DEMO = ["demo", "--no-open", "--accounts", "12", "--seed", "1", "--today", "2026-11-20"]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A user data folder of our own, so the default demo file is not the developer's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("ACCT_TUI_DB", raising=False)
    return tmp_path


def test_demo_builds_where_db_says_and_prints_the_path_and_how_to_reopen(home, capsys, monkeypatch):
    target = home / "my demo.db"
    code, out, err = run(capsys, *DEMO, "--db", f"sqlite:///{target}")
    assert (code, err) == (0, "")
    assert f"demo database {target}: " in out and "12 accounts" in out
    reopen = out.split("open it again with: ", 1)[1].strip()
    assert shlex.split(reopen)[:3] == ["acct-tui", "--db", f"sqlite:///{target}"]
    assert "--user" in reopen and not (home / "data").exists()  # the default demo file was never made

    # the printed command opens that very file, as that lead
    opened = {}
    monkeypatch.setattr("acct_tui.ui.app.run", lambda ctx, viewer: opened.update(url=ctx.url, login=viewer.login) or 0)
    assert main(shlex.split(reopen)[1:]) == 0
    assert opened["url"] == f"sqlite:///{target}" and opened["login"] == shlex.split(reopen)[4]


def test_demo_honours_acct_tui_db(home, capsys, monkeypatch):
    target = home / "from-env.db"
    monkeypatch.setenv("ACCT_TUI_DB", f"sqlite:///{target}")
    code, out, _ = run(capsys, *DEMO)
    assert code == 0 and target.exists() and f"demo database {target}" in out
    code, out, _ = run(capsys, *DEMO)
    assert code == 0 and f"reusing demo database {target}" in out and "open it again with: acct-tui --db" in out


def test_demo_in_a_missing_folder_is_exit_2_and_creates_nothing(home, capsys):
    code, out, err = run(capsys, *DEMO, "--db", f"sqlite:///{home / 'typo' / 'demo.db'}")
    assert code == 2 and "typo does not exist" in err and err.count("\n") == 1
    assert not (home / "typo").exists()


def test_the_app_on_an_empty_database_says_how_to_get_data(home, capsys, monkeypatch):
    monkeypatch.setattr("acct_tui.ui.app.run", lambda ctx, viewer: pytest.fail("opened an empty dashboard"))
    code, out, err = run(capsys, "--db", f"sqlite:///{home / 'empty.db'}")
    assert code == 1
    assert "holds no accounts yet" in err and "acct-tui demo" in err and "acct-tui import dir DIR --commit" in err


def test_the_default_database_when_empty_says_the_same(home, capsys, monkeypatch):
    monkeypatch.setattr("acct_tui.ui.app.run", lambda ctx, viewer: pytest.fail("opened an empty dashboard"))
    code, _, err = run(capsys, "app")
    assert code == 1 and f"{home / 'data'}" in err and "acct-tui demo" in err


def test_the_app_opens_once_there_are_accounts(db_url, capsys, monkeypatch):
    from tests import factories as f

    with dbmod.database.connection_context():
        f.org()
    opened = []
    monkeypatch.setattr("acct_tui.ui.app.run", lambda ctx, viewer: opened.append(viewer.login) or 0)
    assert run(capsys, "--db", db_url, "--user", "minh.pham")[0] == 0 and opened == ["minh.pham"]


def test_a_plain_path_is_a_sqlite_file(home, capsys):
    target = home / "plain.db"
    code, out, _ = run(capsys, *DEMO, "--db", target)
    assert code == 0 and target.exists() and f"open it again with: acct-tui --db sqlite:///{target}" in out
    code, out, _ = run(capsys, "accounts", "--db", target, "-f", "csv")
    assert code == 0 and out.startswith("id,external_id,name,") and out.count("\n") > 1  # the demo's accounts
    code, _, err = run(capsys, "users", "--db", home / "nope" / "x.db")
    assert code == 2 and "nope does not exist" in err


def test_the_reopen_command_never_shows_a_password():
    from acct_tui.cli.demo_cmd import reopen_command

    got = reopen_command("postgresql://acct:s3cret@db.internal:5433/acct", "lena.lead")
    assert "s3cret" not in got and got == "acct-tui --db postgresql://acct@db.internal:5433/acct --user lena.lead"


def test_the_app_opens_on_the_area_asked_for(db_url, capsys, monkeypatch):
    from acct_tui.ui.app import AcctApp
    from tests import factories as f

    with dbmod.database.connection_context():
        f.org()
    opened = []
    monkeypatch.setattr(AcctApp, "run", lambda self: opened.append(self.DEFAULT_MODE))
    assert run(capsys, "--db", db_url, "--user", "minh.pham", "app", "--open", "portfolio")[0] == 0
    assert run(capsys, "--db", db_url, "--user", "minh.pham", "app")[0] == 0
    assert opened == ["portfolio", "today"]
    code, _, err = run(capsys, "--db", db_url, "--user", "minh.pham", "app", "--open", "nowhere")
    assert code == 2 and "no such area 'nowhere'" in err and opened == ["portfolio", "today"]
