"""`acct-tui reassign` and `acct-tui deactivate` from the shell."""

import datetime as dt

import pytest

from acct_tui.cli import main
from acct_tui.models import Account, ActionItem, AuditLog, User
from tests import factories as f


@pytest.fixture
def org(db):
    o = f.org()
    o["item"] = f.action_item(o["a1"], "Send proposal", due_on=dt.date(2026, 11, 18))
    f.contact(o["a1"], "Lan Tran", "champion", left_on=dt.date(2026, 11, 2))
    return o


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_preview_by_default_changes_nothing(db_url, org, capsys):
    code, out, _ = run(capsys, "reassign", "--db", db_url, "--user", "lena.lead", "--from", "minh.pham", "--to", "an.nguyen")
    assert code == 0
    assert "Preview: hand over 2 accounts from minh.pham to an.nguyen" in out
    assert "Send proposal (due 2026-11-18, LATE; minh.pham)" in out
    assert "Lan Tran (champion), left 2026-11-02" in out
    assert "add --apply" in out
    assert Account.get_by_id(org["a1"].id).owner_id == org["am1"].id
    assert AuditLog.select().where(AuditLog.action != "act_as").count() == 0  # the operator seeing as a lead is audited


def test_apply_writes_the_briefs_as_markdown(db_url, org, capsys, tmp_path):
    target = tmp_path / "brief.md"
    code, out, _ = run(capsys, "reassign", "--db", db_url, "--user", "lena.lead", "--from", "minh.pham",
                       "--to", "an.nguyen", "--account", str(org["a1"].id), "--apply", "-o", str(target))
    assert code == 0, out
    assert "Handed over 1 account from" in out and f"briefs written to {target}" in out
    text = target.read_text()
    assert text.startswith("# Handover from minh.pham to an.nguyen, 2026-11-20\n")
    assert "## Acme Corp" in text and "Beta Ltd" not in text
    assert "  - Send proposal (due 2026-11-18, LATE; minh.pham)" in text
    assert Account.get_by_id(org["a1"].id).owner_id == org["am2"].id
    assert Account.get_by_id(org["a2"].id).owner_id == org["am1"].id
    assert ActionItem.get_by_id(org["item"].id).owner_id == org["am2"].id


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (["--user", "minh.pham", "--from", "minh.pham", "--to", "an.nguyen"], 1, "only a lead or an admin"),
        (["--user", "lena.lead", "--from", "olga.other", "--to", "an.nguyen"], 1, "not in your team"),
        (["--user", "lena.lead", "--from", "ghost", "--to", "an.nguyen"], 1, "--from: no user with login 'ghost'"),
        (["--user", "lena.lead", "--from", "minh.pham", "--to", "an.nguyen", "--account", "999"], 1, "#999"),
        (["--user", "lena.lead", "--unowned", "--to", "an.nguyen"], 2, "no unowned accounts"),
    ],
)
def test_errors_are_one_line_and_change_nothing(db_url, org, capsys, argv, code, message):
    got, out, err = run(capsys, "reassign", "--db", db_url, "--apply", *argv)
    assert got == code
    assert message in err and err.count("\n") == 1
    assert AuditLog.select().where(AuditLog.action != "act_as").count() == 0  # the operator seeing as a lead is audited


def test_from_or_unowned_is_required(db_url, org, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["reassign", "--db", db_url, "--to", "an.nguyen"])
    assert exit_.value.code == 2


def test_deactivate_then_hand_over_the_unowned(db_url, org, capsys):
    code, out, _ = run(capsys, "deactivate", "minh.pham", "--db", db_url, "--user", "lena.lead")
    assert code == 0 and "unowned" in out
    assert User.get_by_id(org["am1"].id).active is False
    code, out, _ = run(capsys, "reassign", "--db", db_url, "--user", "lena.lead", "--unowned", "--to", "an.nguyen", "--apply")
    assert code == 0 and "from unowned to an.nguyen" in out
    assert Account.select().where(Account.owner == org["am2"].id).count() == 4
    code, _, err = run(capsys, "deactivate", "an.nguyen", "--db", db_url, "--user", "minh.pham")
    assert code == 2 and "deactivated" in err  # a deactivated user cannot act at all
