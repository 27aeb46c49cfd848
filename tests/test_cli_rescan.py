"""Every write from the shell rescans what it touched before it returns, as the app does after a save."""

import datetime as dt
import io

import pytest

from acct_tui.cli import main
from acct_tui.models import Account, Alert, HealthSnapshot
from acct_tui.services.scan import scan_all
from tests import factories as f
from tests.io_helpers import write


@pytest.fixture
def org(db):
    o = f.org()
    for name in ("a1", "a2", "b1", "b2"):  # touched lately: no overdue_update to muddle the counts
        f.activity(o[name], "visit", dt.datetime(2026, 11, 16, 10))
    return o


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_log_with_leave_then_alerts_shows_departure_intent(db_url, org, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "--yes", "acme call unhappy !leave")
    assert (code, err) == (0, "")
    assert "risk scan: 1 alert opened\n" in out
    code, out, _ = run(capsys, "alerts", "--db", db_url, "--user", "minh.pham", "-f", "csv")
    assert code == 0 and "departure_intent" in out and "Acme Corp" in out


def test_a_visit_logged_from_the_shell_resolves_departure_intent_at_once(db_url, org, capsys, monkeypatch):
    f.activity(org["a1"], "call", dt.datetime(2026, 11, 18, 9), intent_to_leave=True)
    scan_all()
    assert Alert.get(Alert.rule == "departure_intent").status == "open"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, _ = run(capsys, "log", "--db", db_url, "--user", "minh.pham", "--yes", "acme visit talked it through")
    assert code == 0 and "risk scan: 1 alert resolved\n" in out
    assert Alert.get(Alert.rule == "departure_intent").status == "resolved"


def test_the_log_rescans_only_the_account_it_touched(db_url, org, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert run(capsys, "log", "--db", db_url, "--user", "minh.pham", "--yes", "acme call fine")[0] == 0
    assert {s.account_id for s in HealthSnapshot.select()} == {org["a1"].id}


def test_reassign_apply_rescans_the_accounts_handed_over(db_url, org, capsys):
    code, out, _ = run(capsys, "reassign", "--db", db_url, "--user", "lena.lead", "--from", "minh.pham", "--to", "an.nguyen",
                       "--account", org["a2"].id, "--apply")
    assert code == 0, out
    assert {s.account_id for s in HealthSnapshot.select()} == {org["a2"].id}
    code, out, _ = run(capsys, "reassign", "--db", db_url, "--user", "lena.lead", "--from", "an.nguyen", "--to", "minh.pham",
                       "--account", org["b1"].id)
    assert code == 0 and {s.account_id for s in HealthSnapshot.select()} == {org["a2"].id}  # a preview writes nothing


def test_a_committed_import_rescans_and_a_dry_run_does_not(db_url, org, capsys, tmp_path):
    write(tmp_path, "accounts.csv", "external_id,name,tier,owner,annual_value\nN-1,Newco,strategic,minh.pham,100\n")
    code, out, _ = run(capsys, "import", "dir", tmp_path, "--db", db_url)
    assert code == 0 and HealthSnapshot.select().count() == 0
    code, out, err = run(capsys, "import", "dir", tmp_path, "--db", db_url, "--commit")
    assert code == 0, out + err
    newco = Account.get(Account.name == "Newco")
    assert HealthSnapshot.select().where(HealthSnapshot.account == newco.id).count() == 1
