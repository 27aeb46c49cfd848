"""`acct-tui edit` and `acct-tui delete`: what the database holds afterwards, the errors, the
rescan, and on PostgreSQL the same under row-level security as the person's own role."""

import datetime as dt
import io
import json


from acct_tui import db as dbmod
from acct_tui.cli import main
from acct_tui.db import database
from acct_tui.models import ActionItem, Activity, Alert, AuditLog, HealthSnapshot, Milestone, PlannedVisit, User
from acct_tui.services import access, undo
from tests import factories as f
from tests.test_cli_rescan import org, run  # noqa: F401 - the fixture (accounts touched lately) and the runner
from tests.test_rls import pg, role_url, roles_made, team  # noqa: F401 - fixtures

AT = dt.datetime(2026, 11, 18, 9, 30)


def test_edit_prints_each_change_and_the_database_holds_it(db_url, org, capsys):
    touch = f.activity(org["a1"], "call", AT, subject="Pricng", sentiment=0)
    code, out, err = run(capsys, "edit", "touch", touch.id, "--db", db_url, "--user", "minh.pham", "--purpose", "Pricing\x1b call",
                         "--sentiment", "-1", "--confidential", "-f", "json")
    assert (code, err) == (0, "")
    assert json.loads(out[:out.rindex("]") + 1]) == [
        {"field": "subject", "old": "Pricng", "new": "Pricing call"}, {"field": "sentiment", "old": 0, "new": -1},
        {"field": "confidential", "old": False, "new": True}]
    row = Activity.get_by_id(touch.id)
    assert (row.subject, row.sentiment, row.confidential, row.occurred_at) == ("Pricing call", -1, True, AT)
    assert AuditLog.get(AuditLog.action == "edit").changes["old"] == {
        "subject": "Pricng", "sentiment": 0, "confidential": False, "edited_at": None}
    # A sour call is seen by the next scan at once: the account was rescanned.
    assert {s.account_id for s in HealthSnapshot.select()} == {org["a1"].id}

    item = f.action_item(org["a1"], "Send deck", dt.date(2026, 11, 30), owner=org["am1"])
    code, out, _ = run(capsys, "edit", "commitment", item.id, "--db", db_url, "--user", "minh.pham", "--due", "2026-12-04", "-f", "csv")
    assert code == 0 and out.startswith("field,old,new\ndue_on,2026-11-30,2026-12-04\n")
    milestone = f.milestone(org["a1"], "Go-live")
    assert run(capsys, "edit", "milestone", milestone.id, "--db", db_url, "--kind", "deadline")[0] == 0  # the operator
    plan = f.planned_visit(org["a1"], dt.date(2026, 11, 25), owner=org["am1"])
    assert run(capsys, "edit", "plan", plan.id, "--db", db_url, "--user", "minh.pham", "--purpose", "QBR")[0] == 0
    assert (ActionItem.get_by_id(item.id).due_on, Milestone.get_by_id(milestone.id).kind, PlannedVisit.get_by_id(plan.id).purpose) == (
        dt.date(2026, 12, 4), "deadline", "QBR")


def test_bad_input_exits_2_naming_it_and_writes_nothing(db_url, org, capsys):
    touch = f.activity(org["a1"], "call", AT, subject="Call")
    item = f.action_item(org["a1"], "Send deck", dt.date(2026, 11, 30), owner=org["am1"])
    changes = AuditLog.action.in_(("edit", "delete"))
    code, out, err = run(capsys, "edit", "touch", touch.id, "--db", db_url, "--user", "minh.pham", "--date", "tomorrow",
                         "--purpose", "ok", "--duration", "forever")
    assert (code, out) == (2, "")
    assert "date: 2026-11-21 is in the future" in err and "duration" in err
    code, _, err = run(capsys, "edit", "commitment", item.id, "--db", db_url, "--user", "minh.pham", "--owner", "nobody.here")
    assert code == 2 and "owner: no active user with login 'nobody.here'" in err
    code, _, err = run(capsys, "edit", "commitment", item.id, "--db", db_url, "--user", "minh.pham")
    assert code == 2 and "nothing to change: give at least one of --title, --due, --owner" in err
    assert (Activity.get_by_id(touch.id).subject, ActionItem.get_by_id(item.id).owner_id) == ("Call", org["am1"].id)
    assert AuditLog.select().where(changes).count() == 0


def test_someone_elses_record_is_refused_and_an_unseen_one_is_not_there(db_url, org, capsys):
    item = f.action_item(org["a1"], "The lead's promise", owner=org["lead"])
    touch = f.activity(org["a1"], "call", AT, subject="Call")
    code, _, err = run(capsys, "edit", "commitment", item.id, "--db", db_url, "--user", "minh.pham", "--title", "mine")
    assert code == 1 and err == (f"acct-tui: error: commitment {item.id} is lena.lead's: only they, the people who lead them, "
                                 "or an admin may change it\n")
    code, _, err = run(capsys, "delete", "touch", touch.id, "--db", db_url, "--user", "an.nguyen", "--yes")
    assert code == 1 and err == f"acct-tui: error: no touch {touch.id} that an.nguyen may see\n"
    assert ActionItem.get_by_id(item.id).title == "The lead's promise" and Activity.get_or_none(Activity.id == touch.id)


def test_delete_asks_unless_yes_and_is_audited(db_url, backend, org, capsys, monkeypatch):
    touch = f.activity(org["a1"], "call", AT, subject="Wrong account", intent_to_leave=True)
    run(capsys, "scan", "--db", db_url)
    assert Alert.get(Alert.rule == "departure_intent").status == "open"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "delete", "touch", touch.id, "--db", db_url, "--user", "minh.pham")
    assert code == 2 and "add --yes" in err and Activity.get_or_none(Activity.id == touch.id)
    code, out, _ = run(capsys, "delete", "touch", touch.id, "--db", db_url, "--user", "minh.pham", "--yes", "-f", "json")
    assert code == 0 and json.loads(out[:out.rindex("]") + 1]) == [
        {"kind": "touch", "id": touch.id, "account_id": org["a1"].id, "deleted": "the call of 2026-11-18 “Wrong account”"}]
    assert Activity.get_or_none(Activity.id == touch.id) is None
    entry = AuditLog.get((AuditLog.action == "delete") & (AuditLog.table == "activity"))
    # On PostgreSQL the operator sees as minh.pham, and the trail names who was at the keyboard.
    actor = "operator" if backend == "postgres" else "minh.pham"
    assert (entry.actor, entry.row_id, entry.changes["old"]["row"]["subject"]) == (actor, touch.id, "Wrong account")
    # The departure intent went with the record it was read from: the rescan resolved it.
    assert Alert.get(Alert.rule == "departure_intent").status == "resolved"


def test_an_am_edits_deletes_and_undoes_under_row_level_security(team, capsys):  # noqa: F811
    org, people = team
    with database.connection_context():
        am1 = User.get(User.login == people["am1"])
        mine = f.activity(org["a1"], "visit", AT, subject="Mine", author=am1)
        theirs = Activity.get((Activity.account == org["b1"].id) & (Activity.confidential == False))  # noqa: E712
    url = role_url(people["am1"])
    code, _, err = run(capsys, "edit", "touch", mine.id, "--db", url, "--purpose", "Mine, corrected")
    assert code == 0, err
    code, _, err = run(capsys, "edit", "touch", theirs.id, "--db", url, "--purpose", "not mine")
    assert code == 1 and f"no touch {theirs.id} that {people['am1']} may see" in err
    code, _, err = run(capsys, "delete", "touch", mine.id, "--db", url, "--yes")
    assert code == 0, err
    dbmod.open_database(url)  # as the role: undo reads and writes under its policies too
    with database.connection_context():
        me = access.session_viewer(None)
        assert undo.undo_last(me, 0).startswith("Undone: delete of the touch “Mine, corrected”")
        assert Activity.get_by_id(mine.id).subject == "Mine, corrected"
        assert [(e.actor, e.action) for e in AuditLog.select().where(AuditLog.row_id == mine.id).order_by(AuditLog.id)] == [
            (people["am1"], "edit"), (people["am1"], "delete"), (people["am1"], "undo")]
