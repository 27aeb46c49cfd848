"""`acct-tui log`: parse, show, confirm, save; ambiguity and bad lines exit with one line."""

import datetime as dt
import io

import pytest

from acct_tui.cli import main
from acct_tui.models import ActionItem, Activity
from tests import factories as f


@pytest.fixture
def org(db):
    return f.org()


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_logs_with_yes_and_shows_the_parse(db_url, org, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "--yes",
                         "acme visit 45m w/ Lan, Minh +pricing :) agreed pilot next: send proposal by fri; call Lan by 2026-12-01")
    assert (code, err) == (0, "")
    assert "account     Acme Corp (strategic, owner minh.pham)" in out
    assert "date        Fri 2026-11-20 10:00" in out
    assert "attendees   Lan, Minh" in out and "sentiment   :) good" in out
    assert "commitment  send proposal (by Fri 2026-11-20)" in out
    assert "commitment  call Lan (by Tue 2026-12-01)" in out
    assert "with 2 commitments" in out
    saved = Activity.get()
    assert (saved.account_id, saved.kind, saved.duration_min, saved.summary, saved.sentiment) == (org["a1"].id, "visit", 45, "agreed pilot", 1)
    assert ActionItem.select().where(ActionItem.source_activity == saved.id).count() == 2


def test_the_summary_is_saved_as_typed(db_url, org, capsys, monkeypatch):
    typed = 'prices: 1,200 vs 1,500 "quoted,text" =HYPERLINK("http://x","click")  done'
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "--yes", f"acme call {typed} :)")
    assert (code, err) == (0, "")
    assert f"summary     {typed}\n" in out
    assert Activity.get().summary == typed


def test_without_a_terminal_it_needs_yes(db_url, org, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "acme call")
    assert code == 2 and "add --yes" in err and err.count("\n") == 1
    assert Activity.select().count() == 0


def test_on_a_terminal_it_asks(db_url, org, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", FakeTTY("n\n"))
    code, out, _ = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "acme call @yesterday")
    assert code == 1 and "not saved" in out and "Thu 2026-11-19 12:00" in out
    assert Activity.select().count() == 0
    monkeypatch.setattr("sys.stdin", FakeTTY("\n"))
    code, out, _ = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "acme call @yesterday")
    assert code == 0 and Activity.select().count() == 1


def test_an_ambiguous_account_lists_candidates_and_exits_1(db_url, org, capsys, monkeypatch):
    f.account(org["am1"], "Acme Holdings")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "--yes", "acme call")
    assert code == 1
    assert "1. Acme Corp" in err and "2. Acme Holdings" in err and "is ambiguous" in err
    assert Activity.select().count() == 0


def test_an_ambiguous_account_is_asked_on_a_terminal(db_url, org, capsys, monkeypatch):
    holdings = f.account(org["am1"], "Acme Holdings")
    monkeypatch.setattr("sys.stdin", FakeTTY("2\ny\n"))
    code, out, _ = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "acme call")
    assert code == 0 and Activity.get().account_id == holdings.id


def test_which_one_asks_again_on_an_answer_out_of_range(db_url, org, capsys, monkeypatch):
    holdings = f.account(org["am1"], "Acme Holdings")
    monkeypatch.setattr("sys.stdin", FakeTTY("3\nzero\n2\ny\n"))
    code, out, _ = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "acme call")
    assert code == 0 and Activity.get().account_id == holdings.id
    assert "'3' is not one of 1 to 2" in out and "'zero' is not one of 1 to 2" in out


def test_which_one_gives_up_on_an_empty_answer(db_url, org, capsys, monkeypatch):
    f.account(org["am1"], "Acme Holdings")
    monkeypatch.setattr("sys.stdin", FakeTTY("9\n\n"))
    code, out, err = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "acme call")
    assert code == 1 and "no account chosen" in err and Activity.select().count() == 0


@pytest.mark.parametrize(
    "line, code, message",
    [
        ("acme", 2, "cannot read the line: no kind after the account"),
        ("acme visit @31/02", 2, "day 31 does not exist"),
        ("gamma call", 1, "no account you may see matches 'gamma'"),  # another AM's account
    ],
)
def test_bad_lines_exit_with_one_line(db_url, org, capsys, monkeypatch, line, code, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    got, out, err = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "--yes", line)
    assert got == code and message in err and err.count("\n") == 1
    assert Activity.select().count() == 0


def test_a_future_date_is_refused_by_validation(db_url, org, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "--yes", "acme visit @in 2d")
    assert code == 2 and "error: date: 2026-11-22 is in the future; plan a visit instead" in err
