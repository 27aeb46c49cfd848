"""The `acct-tui` command: listings, formats, scoping, arguments."""

import csv
import io
import json
import subprocess
import sys

import pytest

from acct_tui.cli import main
from tests import factories as f


@pytest.fixture
def org(db):
    return f.org()


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_lists_role_team_and_manager(db_url, org, capsys):
    code, out, _ = run(capsys, "users", "--db", db_url, "-f", "json")
    assert code == 0
    rows = {r["login"]: r for r in json.loads(out)}
    assert rows["minh.pham"] == {
        "login": "minh.pham", "name": "Minh Pham", "role": "am", "team": "North", "manager": "lena.lead", "active": True,
    }
    assert rows["ada.admin"]["team"] is None


@pytest.mark.parametrize(
    "login, expected",
    [
        ("minh.pham", {"Acme Corp", "Beta Ltd"}),
        ("lena.lead", {"Acme Corp", "Beta Ltd", "Gamma Inc", "Delta Co", "Theta"}),
        ("sara.senior", {"Epsilon", "Zeta"}),
        ("olga.other", {"Eta Group"}),
        ("ada.admin", {"Acme Corp", "Beta Ltd", "Gamma Inc", "Delta Co", "Epsilon", "Zeta", "Eta Group", "Theta"}),
        (None, {"Acme Corp", "Beta Ltd", "Gamma Inc", "Delta Co", "Epsilon", "Zeta", "Eta Group", "Theta"}),
    ],
)
def test_accounts_are_scoped_to_what_the_user_may_see(db_url, org, capsys, login, expected):
    argv = ["accounts", "--db", db_url, "-f", "json"] + (["--user", login] if login else [])
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert {r["name"] for r in json.loads(out)} == expected


def test_accounts_json_uses_field_names_logins_and_iso_dates(db_url, org, capsys):
    f.activity(org["a1"], kind="visit", at=__import__("datetime").datetime(2026, 11, 3, 14, 30))
    f.activity(org["a1"], kind="note", at=__import__("datetime").datetime(2026, 11, 10, 9, 0))
    code, out, _ = run(capsys, "accounts", "--db", db_url, "--user", "minh.pham", "-f", "json")
    acme = next(r for r in json.loads(out) if r["name"] == "Acme Corp")
    assert acme["owner"] == "minh.pham"
    assert acme["tier"] == "strategic"
    assert acme["annual_value"] == 10000
    assert acme["last_touch"] == "2026-11-03T14:30:00"  # a note is not a touch


def test_accounts_csv_and_table(db_url, org, capsys):
    code, out, _ = run(capsys, "accounts", "--db", db_url, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 8 and rows[0]["name"] == "Acme Corp"
    code, out, _ = run(capsys, "accounts", "--db", db_url, "--user", "minh.pham")
    assert code == 0 and "Acme Corp" in out and "Gamma Inc" not in out


def test_unknown_user_is_a_clear_error(db_url, org, capsys):
    code, _, err = run(capsys, "accounts", "--db", db_url, "--user", "nobody")
    assert code == 1 and "no user with login 'nobody'" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["accounts", "-f", "xml"], "invalid choice: 'xml'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["--now", "yesterday-ish", "users"], "--now"),
        (["demo", "--accounts", "0"], "must be at least 1"),
    ],
)
def test_wrong_arguments_give_usage_and_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and message in err


def test_python_dash_m_and_help_work():
    result = subprocess.run([sys.executable, "-m", "acct_tui", "--help"], capture_output=True, text=True, check=True)
    for command in ("demo", "db", "users", "accounts"):
        assert command in result.stdout


def test_now_pins_the_clock_for_a_command(db_url, capsys):
    from acct_tui import clock

    clock.pin(None)
    main(["db", "upgrade", "--db", db_url, "--now", "2025-01-02T03:04:05"])
    assert clock.now().isoformat() == "2025-01-02T03:04:05"


def test_bad_config_file_names_the_problem(db_url, tmp_path, capsys):
    bad = tmp_path / "config.toml"
    bad.write_text('databse = "x"\n')
    code, _, err = run(capsys, "users", "--db", db_url, "--config", str(bad))
    assert code == 2 and "unknown setting 'databse'" in err
    code, _, err = run(capsys, "users", "--db", db_url, "--config", str(tmp_path / "missing.toml"))
    assert code == 2 and "does not exist" in err


def test_accounts_and_export_show_the_portfolios_health(db_url, org, capsys, tmp_path):
    """Score, band and trend in `accounts` and `export accounts` are the Portfolio's (the newest scan's)."""
    import datetime as dt

    from acct_tui.core.policy import Policy
    from acct_tui.services import access, money, portfolio

    now = ("--now", "2026-11-20T10:00")
    code, out, _ = run(capsys, "accounts", "--db", db_url, "-f", "json", *now)
    assert {r["health_score"] for r in json.loads(out)} == {None}  # no scan yet: nothing to show
    code, _, _ = run(capsys, "scan", "--db", db_url, "--now", "2026-11-13T09:00")
    code, _, _ = run(capsys, "scan", "--db", db_url, *now)
    code, out, _ = run(capsys, "accounts", "--db", db_url, "-f", "json", *now)
    listed = {r["name"]: (r["health_score"], r["health_band"], r["health_trend"]) for r in json.loads(out)}
    run(capsys, "export", "accounts", "--db", db_url, "-f", "json", "-o", str(tmp_path / "a.json"), *now)
    exported = {r["name"]: (r["health_score"], r["health_band"], r["health_trend"])
                for r in json.loads((tmp_path / "a.json").read_text())}
    book = portfolio.load(access.OPERATOR, Policy(), dt.date(2026, 11, 20), money.rate_book("USD"))
    shown = {}
    for i in range(len(book)):
        row = book.row(i)
        shown[row.name] = (row.health, row.band, row.trend)
    assert listed == exported == {name: shown.get(name, (None, None, None)) for name in listed}
    assert any(score is not None for score, _, _ in listed.values())
    assert any(trend is not None for _, _, trend in listed.values())


def test_each_command_is_found_in_the_module_that_registers_it():
    """`COMMANDS` (which module a command line needs) is what the modules register, all of it."""
    import argparse
    import importlib

    from acct_tui.cli import COMMAND_MODULES, COMMANDS, _common_options

    registered = {}
    for name in COMMAND_MODULES:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(name).register(sub, _common_options(True))
        registered |= {command: name.rsplit(".", 1)[1] for command in sub.choices}
    assert registered == COMMANDS


@pytest.mark.parametrize("argv, modules", [
    (["--db", "x.db", "--now", "2026-01-01", "app", "--open", "portfolio"], ["app_cmd"]),
    (["--db=x.db"], ["app_cmd"]),
    (["--user", "users", "accounts", "-f", "json"], ["listing"]),
    (["frobnicate"], "all"),
    (["--help"], "all"),
])
def test_a_command_line_imports_its_command_s_module_alone(argv, modules):
    from acct_tui.cli import COMMAND_MODULES, _modules_for

    found = [name.rsplit(".", 1)[1] for name in _modules_for(argv)]
    assert found == ([name.rsplit(".", 1)[1] for name in COMMAND_MODULES] if modules == "all" else modules)
