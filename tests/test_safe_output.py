"""Control characters in data never reach a terminal or a calendar.

Names like the ones an attacker would plant in a CRM: `ESC ] 0` retitles the
window, `ESC ] 52` writes the clipboard, `ESC [ 2 J` clears the screen, and a
C1 `CSI` does the same in one byte. They are stripped when data comes in, and
whatever is still in the database (written before, or straight into it) is
shown as visible stand-ins in every listing the CLI prints: the test reads
the bytes written to the file descriptors.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from hypothesis import given, strategies as st

from acct_tui import config as config_mod
from acct_tui.cli import main
from acct_tui.core.capture import parse_capture
from acct_tui.core.text import clean_text, has_control, terminal_safe
from acct_tui.models import Account, Activity, Alert, Contact, User
from acct_tui.services import visit_form
from acct_tui.services.access import from_user
from tests import factories as f
from tests.io_helpers import write

EVIL = "Evil\x1b[2J\x1b]0;pwned\x07Co"
CLIP = "Clip\x1b]52;c;ZWNobyBw\x1b\\Co"
CSI = "Csi\x9b31mCo\x7f"
#: Bytes that must never come out: each would act on the terminal.
INJECTED = (b"\x1b]0;", b"\x1b]52;", b"\x1b[2J", b"\x1b\\", b"\x07", b"\xc2\x9b", b"\x9b31m", b"\x7f")


def assert_inert(data: bytes, where: str) -> None:
    for sequence in INJECTED:
        assert sequence not in data, f"{where}: {sequence!r} reached the output"
    # Not a terminal: nothing styles the output, so no ESC at all may appear.
    assert b"\x1b" not in data, f"{where}: an ESC reached the output"


# -- the two functions ------------------------------------------------------------------


def test_clean_text_drops_controls_and_keeps_lines_where_allowed():
    assert clean_text(EVIL) == "Evil[2J]0;pwnedCo"
    assert clean_text(CLIP) == "Clip]52;c;ZWNobyBw\\Co"
    assert clean_text(CSI) == "Csi31mCo"
    assert clean_text("a\tb\r\nc") == "a b c"
    assert clean_text("a\tb\r\nc\x1b", multiline=True) == "a\tb\nc"
    assert clean_text("Nguyễn Văn Ánh ★") == "Nguyễn Văn Ánh ★"


def test_terminal_safe_shows_every_control_one_for_one():
    assert terminal_safe(EVIL) == "Evil␛[2J␛]0;pwned␇Co"
    assert terminal_safe("a\nb\tc") == "a␊b␉c"
    assert terminal_safe("a\nb\tc", multiline=True) == "a\nb\tc"
    assert terminal_safe(CSI) == "Csi\ufffd31mCo␡"


@given(st.text())
def test_the_output_of_either_holds_no_terminal_control(text):
    assert not has_control(clean_text(text))
    assert not has_control(terminal_safe(text))
    assert len(terminal_safe(text)) == len(text)
    assert not has_control(clean_text(text, multiline=True).replace("\n", "").replace("\t", ""))


# -- at input ------------------------------------------------------------------------------


def test_every_entry_point_strips_controls(sqlite_db, tmp_path, capsys):
    org = f.org()
    write(tmp_path / "in", "accounts.csv", f"external_id,name,owner,industry\nE-1,{EVIL},minh.pham,Bank\x1b[5m\nE-2,\"{CLIP}\",an.nguyen,\n")
    write(tmp_path / "in", "activities.csv",
          f"external_id,account,kind,occurred_at,summary\nA-1,E-1,call,2026-11-01T10:00,\"line one\x1b]0;x\x07\nline two\"\n")
    assert main(["import", "dir", str(tmp_path / "in"), "--db", sqlite_db, "--commit"]) == 0
    capsys.readouterr()
    assert Account.get(Account.external_id == "E-1").name == "Evil[2J]0;pwnedCo"
    assert Account.get(Account.external_id == "E-1").industry == "Bank[5m"
    assert Account.get(Account.external_id == "E-2").name == "Clip]52;c;ZWNobyBw\\Co"
    assert Activity.get(Activity.external_id == "A-1").summary == "line one]0;x\nline two"
    # Quick capture and the visit form.
    capture = parse_capture("acme\x1b[2J call went \x1b]0;x\x07fine next: send it\x9b by fri", dt.date(2026, 11, 20))
    assert (capture.account_text, capture.summary, capture.next_steps[0].title) == ("acme[2J", "went ]0;xfine", "send it")
    form = visit_form.FormValues(account="Acme", date="today", purpose="Review\x1b[2J", summary="ok\x1b]52;c;x\x07\nthen more",
                                 next_steps="call back\x1b by fri")
    check = visit_form.read_form(from_user(org["am1"]), form)
    assert check.draft.subject == "Review[2J" and check.draft.summary == "ok]52;c;x\nthen more"
    assert check.draft.next_steps[0][0] == "call back"
    # Config strings.
    path = tmp_path / "c.toml"
    path.write_text('user = "minh\\u001b]0;x\\u0007.pham"\n[keys]\n"portfolio.sort" = "o\\u001b"\n')
    config = config_mod.load(path)
    assert config.user == "minh]0;x.pham" and config.keys == {"portfolio.sort": "o"}


# -- at output: every CLI listing that prints names -----------------------------------------


@pytest.fixture
def planted(db):
    """Names with escape sequences written straight into the database, past every input check."""
    org = f.org()
    Account.update(name=EVIL).where(Account.id == org["a1"].id).execute()
    Account.update(name=CLIP, external_id=CSI).where(Account.id == org["a2"].id).execute()
    User.update(name=CLIP).where(User.id == org["am1"].id).execute()
    contact = f.contact(org["a1"], name=EVIL)
    Contact.update(title=CSI).where(Contact.id == contact.id).execute()
    f.activity(org["a1"], kind="visit", subject=EVIL, summary=f"{CLIP}\nsecond line", attendees=CSI, at=dt.datetime(2026, 11, 19, 9))
    f.case(org["a1"], dt.datetime(2026, 11, 1), subject=CLIP)
    f.action_item(org["a1"], title=EVIL, due_on=dt.date(2026, 12, 1))
    f.planned_visit(org["a1"], dt.date(2026, 12, 3), purpose=CLIP)
    f.milestone(org["a1"], title=CSI, due_on=dt.date(2026, 12, 5))
    f.alert(org["a1"], rule="complaint_open", severity="red", reason=f"{EVIL} is unhappy", evidence={"case": CLIP})
    f.alert(org["a2"], rule="overdue_update", reason=CSI, escalated_to=org["lead"])
    return org


LISTINGS = [
    ["users"], ["users", "-f", "json"], ["users", "-f", "csv"],
    ["accounts", "--user", "minh.pham"], ["accounts", "-f", "json"], ["accounts", "-f", "csv"],
    ["alerts"], ["alerts", "-f", "json"], ["alerts", "-f", "csv"], ["alerts", "--user", "lena.lead", "--escalated-to-me"],
    ["explain", "1"], ["explain", "1", "-f", "json"],
    ["export", "accounts"], ["export", "activities", "-f", "json"], ["export", "alerts"], ["export", "cases", "-f", "json"],
    ["ics", "--user", "minh.pham"],
    ["backtest", "--from", "2026-11-01", "--to", "2026-11-20"],
    ["reassign", "--user", "lena.lead", "--from", "minh.pham", "--to", "an.nguyen"],
    ["scan", "-f", "json"],
    ["explain", "Evil"],  # an error naming what was typed
    ["accounts", "--user", EVIL],  # an error naming an unknown login
]


def test_no_listing_writes_a_control_sequence_from_data(planted, db_url, capfdbinary):
    for argv in LISTINGS:
        code = main([*argv, "--db", db_url])
        out, err = capfdbinary.readouterr()
        where = " ".join(argv).replace("\x1b", "ESC")
        assert code in (0, 1), (where, err)
        assert_inert(out, f"{where}: stdout")
        assert_inert(err, f"{where}: stderr")
        if code == 0 and argv[0] not in ("ics", "scan", "backtest", "reassign"):
            assert b"Evil" in out or b"Clip" in out or b"Csi" in out or b"Minh" in out or b"lena" in out, where


def test_the_stand_ins_show_where_the_controls_were(planted, db_url, capfdbinary):
    assert main(["accounts", "--db", db_url, "-f", "csv"]) == 0
    out = capfdbinary.readouterr().out.decode()
    assert "Evil␛[2J␛]0;pwned␇Co" in out and "Clip␛]52;c;ZWNobyBw␛\\Co" in out
    assert main(["accounts", "--db", db_url, "-f", "json"]) == 0
    rows = json.loads(capfdbinary.readouterr().out)
    assert {r["name"] for r in rows} >= {EVIL, CLIP}  # JSON keeps the data, escaped as \u001b


def test_the_log_command_shows_the_parse_safely(planted, db_url, capfdbinary, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code = main(["log", "--db", db_url, "--user", "minh.pham", "--yes", "clip call fine"])
    out, err = capfdbinary.readouterr()
    assert code == 0, err
    assert b"Clip" in out
    assert_inert(out, "stdout")
    Account.update(name="Evil\x1b]0;two\x07 Two").where(Account.id == planted["b2"].id).execute()
    code = main(["log", "--db", db_url, "--user", "lena.lead", "--yes", "evil call"])  # ambiguous: lists both names
    out, err = capfdbinary.readouterr()
    assert code == 1 and err.count(b"Evil") >= 2
    assert_inert(err, "stderr")


def test_an_import_report_is_safe_too(sqlite_db, tmp_path, capfdbinary):
    f.org()
    write(tmp_path / "in", "accounts.csv", f"external_id,name,owner\nE-1,Fine,{EVIL}\n")
    assert main(["import", "dir", str(tmp_path / "in"), "--db", sqlite_db]) == 1
    out, err = capfdbinary.readouterr()
    assert b"no user with login" in out
    assert_inert(out, "stdout")
    assert_inert(err, "stderr")


def test_alert_text_reaches_a_calendar_without_controls(planted, db_url, capfdbinary):
    assert main(["ics", "--db", db_url]) == 0
    feed = capfdbinary.readouterr().out
    assert b"Evil" in feed and not any(0 < b < 32 and b not in (9, 10, 13) for b in feed)
    assert Alert.select().count() == 2
