"""Undo (`u`): my last change of this session taken back, audited, on SQLite and PostgreSQL."""

import datetime as dt

import pytest

from acct_tui.core.capture import parse_capture
from acct_tui.errors import UsageError
from acct_tui.models import ActionItem, Activity, Alert, AuditLog, PlannedVisit
from acct_tui.services import access, alerts, undo, visits
from tests import factories as f


@pytest.fixture
def org(db):
    return f.org()


def minh():
    return access.viewer_for("minh.pham")


def test_each_change_is_taken_back_newest_first_and_audited(org):
    me, a1 = minh(), org["a1"]
    since = undo.session_start()
    plan = f.planned_visit(a1, dt.date(2026, 11, 19))
    capture = parse_capture("acme visit agreed a pilot next: send deck by fri", dt.date(2026, 11, 20))
    activity_id = visits.log_activity(me, visits.draft_from_capture(capture, a1.id))
    assert PlannedVisit.get_by_id(plan.id).status == "done"
    item_id = visits.add_commitment(me, a1.id, "Call back", dt.date(2026, 11, 30))
    visits.complete_commitment(me, item_id)
    alert = f.alert(a1, "champion_left", "red")
    alerts.snooze(me, alert.id, dt.date(2026, 12, 1), "waiting")

    assert undo.undo_last(me, since) == "Undone: snooze of the champion_left alert (open again)"
    alert = Alert.get_by_id(alert.id)
    assert (alert.status, alert.snoozed_until, alert.snooze_reason) == ("open", None, None)
    assert undo.undo_last(me, since) == "Undone: commitment “Call back” done (open again)"
    assert (ActionItem.get_by_id(item_id).status, ActionItem.get_by_id(item_id).done_on) == ("open", None)
    assert undo.undo_last(me, since) == "Undone: new commitment “Call back”"
    assert ActionItem.get_or_none(ActionItem.id == item_id) is None
    said = undo.undo_last(me, since)
    assert said.startswith("Undone: visit of 2026-11-20 logged")
    assert Activity.get_or_none(Activity.id == activity_id) is None
    assert ActionItem.select().where(ActionItem.title == "send deck").count() == 0
    plan = PlannedVisit.get_by_id(plan.id)
    assert (plan.status, plan.activity_id) == ("planned", None)
    with pytest.raises(UsageError, match="nothing to undo in this session"):
        undo.undo_last(me, since)
    undos = list(AuditLog.select().where(AuditLog.action == "undo").order_by(AuditLog.id))
    assert [(u.table, u.changes["action"]) for u in undos] == [
        ("alert", "snooze"), ("action_item", "complete"), ("action_item", "create"), ("activity", "log")]
    assert undos[0].changes["old"]["snooze_reason"] == "waiting"  # the values it removed
    assert undos[3].changes["old"]["summary"] == "agreed a pilot"


def test_only_my_changes_of_this_session(org):
    me, a1 = minh(), org["a1"]
    before = visits.add_commitment(me, a1.id, "Before the session", None)
    since = undo.session_start()
    visits.add_commitment(access.viewer_for("lena.lead"), a1.id, "The lead's", None)
    with pytest.raises(UsageError, match="nothing to undo"):
        undo.undo_last(me, since)
    assert ActionItem.get_or_none(ActionItem.id == before) is not None


def test_a_change_overtaken_since_is_refused_and_nothing_is_written(org):
    me, a1 = minh(), org["a1"]
    since = undo.session_start()
    alert = f.alert(a1, "overdue_update", "yellow")
    alerts.acknowledge(me, alert.id)
    Alert.update(status="resolved", resolved_by="system").where(Alert.id == alert.id).execute()  # the scan cleared it
    count = AuditLog.select().count()
    with pytest.raises(UsageError, match="the alert is resolved since; nothing was changed"):
        undo.undo_last(me, since)
    assert Alert.get_by_id(alert.id).status == "resolved" and AuditLog.select().count() == count
