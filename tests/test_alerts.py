"""The alert actions: visibility, each change, and its audit entry."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.errors import NotFound, UsageError
from acct_tui.models import Alert, AuditLog
from acct_tui.services import alerts
from acct_tui.services.access import OPERATOR, from_user
from tests import factories as f


@pytest.fixture
def org(db):
    return f.org()


def audit_entries(alert_id):
    return [(a.actor, a.action, a.changes) for a in AuditLog.select().where((AuditLog.table == "alert") & (AuditLog.row_id == alert_id)).order_by(AuditLog.id)]


def test_list_is_scoped_and_sorted_red_first_then_oldest(org):
    old_yellow = f.alert(org["a1"], "overdue_update", "yellow", first_seen=dt.datetime(2026, 10, 1))
    new_red = f.alert(org["a2"], "payment_overdue", "red", first_seen=dt.datetime(2026, 11, 19))
    old_red = f.alert(org["a1"], "complaint_open", "red", first_seen=dt.datetime(2026, 11, 1))
    f.alert(org["b1"], "overdue_update", "red")
    f.alert(org["a1"], "usage_drop", "red", status="resolved")
    rows = alerts.list_alerts(from_user(org["am1"]))
    assert [r.id for r in rows] == [old_red.id, new_red.id, old_yellow.id]
    assert rows[0].owner == "minh.pham" and rows[0].account_name == "Acme Corp"
    lead_rows = alerts.list_alerts(from_user(org["lead"]), owner="an.nguyen")
    assert [r.account_name for r in lead_rows] == ["Gamma Inc"]
    assert len(alerts.list_alerts(OPERATOR, statuses=("resolved",))) == 1
    assert [r.rule for r in alerts.list_alerts(OPERATOR, severity="yellow")] == ["overdue_update"]
    assert [r.rule for r in alerts.list_alerts(OPERATOR, rule="payment_overdue")] == ["payment_overdue"]


def test_counts_leave_out_resolved_and_say_snoozed_red_apart(org):
    f.alert(org["a1"], "overdue_update", "red")
    f.alert(org["a1"], "complaint_open", "red", status="acknowledged")
    f.alert(org["a2"], "usage_drop", "yellow")
    f.alert(org["a2"], "payment_overdue", "red", status="snoozed", snoozed_until=dt.datetime(2026, 12, 1))
    f.alert(org["a2"], "revenue_drop", "red", status="resolved")
    f.alert(org["b1"], "overdue_update", "red")
    f.alert(org["a2"], "complaint_spike", "yellow", status="snoozed", snoozed_until=dt.datetime(2026, 12, 1))
    assert alerts.alert_counts(from_user(org["am1"])) == {"red": 2, "yellow": 1, "snoozed": 1}
    assert alerts.alert_counts(from_user(org["other"])) == {"red": 0, "yellow": 0, "snoozed": 0}
    assert alerts.alert_counts(OPERATOR) == {"red": 3, "yellow": 1, "snoozed": 1}


def test_bad_filters_are_usage_errors(org):
    with pytest.raises(UsageError, match="unknown alert status 'closed'"):
        alerts.list_alerts(OPERATOR, statuses=("closed",))
    with pytest.raises(UsageError, match="unknown severity"):
        alerts.list_alerts(OPERATOR, severity="amber")


def test_acknowledge_records_who_and_audits(org):
    alert = f.alert(org["a1"])
    row = alerts.acknowledge(from_user(org["am1"]), alert.id)
    assert row.status == "acknowledged" and row.acknowledged_by == "minh.pham"
    assert audit_entries(alert.id) == [("minh.pham", "acknowledge", {"status": ["open", "acknowledged"]})]


def test_snooze_needs_a_future_date_and_a_reason(org):
    alert = f.alert(org["a1"])
    viewer = from_user(org["am1"])
    with pytest.raises(UsageError, match="reason for the snooze is required"):
        alerts.snooze(viewer, alert.id, dt.date(2026, 12, 1), "  ")
    with pytest.raises(UsageError, match="not in the future"):
        alerts.snooze(viewer, alert.id, dt.date(2026, 11, 20), "waiting")
    with pytest.raises(UsageError, match="date to snooze until is required"):
        alerts.snooze(viewer, alert.id, None, "waiting")
    assert Alert.get_by_id(alert.id).status == "open" and audit_entries(alert.id) == []
    row = alerts.snooze(viewer, alert.id, dt.date(2026, 12, 1), "client on holiday")
    assert (row.status, row.snoozed_until, row.snooze_reason) == ("snoozed", dt.datetime(2026, 12, 1), "client on holiday")
    assert audit_entries(alert.id) == [
        ("minh.pham", "snooze", {"status": ["open", "snoozed"], "snoozed_until": "2026-12-01", "snooze_reason": "client on holiday"})
    ]


def test_resolve_needs_a_note_and_closes(org):
    alert = f.alert(org["a1"])
    viewer = from_user(org["am1"])
    with pytest.raises(UsageError, match="resolution note is required"):
        alerts.resolve(viewer, alert.id, "")
    row = alerts.resolve(viewer, alert.id, "Called the CFO, invoice paid")
    assert (row.status, row.resolved_by, row.resolution_note) == ("resolved", "minh.pham", "Called the CFO, invoice paid")
    assert audit_entries(alert.id)[-1][:2] == ("minh.pham", "resolve")
    with pytest.raises(UsageError, match="is resolved"):
        alerts.acknowledge(viewer, alert.id)


def test_escalate_defaults_to_the_owners_manager(org):
    alert = f.alert(org["a1"], severity="red")
    row = alerts.escalate(from_user(org["am1"]), alert.id)
    assert row.escalated_to == "lena.lead" and row.escalated_at == dt.datetime(2026, 11, 20, 10, 0)
    assert audit_entries(alert.id) == [("minh.pham", "escalate", {"escalated_to": "lena.lead"})]
    assert [r.id for r in alerts.list_alerts(from_user(org["lead"]), escalated_to_me=True)] == [alert.id]
    assert alerts.list_alerts(from_user(org["am1"]), escalated_to_me=True) == []


def test_escalate_to_someone_named_or_fail_clearly(org):
    no_manager = f.alert(org["o1"])
    with pytest.raises(UsageError, match="has no manager"):
        alerts.escalate(from_user(org["other"]), no_manager.id)
    with pytest.raises(NotFound, match="no active user with login 'ghost'"):
        alerts.escalate(from_user(org["other"]), no_manager.id, "ghost")
    with pytest.raises(NotFound, match=r"no active user with login 'ada.admn': did you mean ada.admin\?"):
        alerts.escalate(from_user(org["other"]), no_manager.id, "ada.admn")
    row = alerts.escalate(from_user(org["other"]), no_manager.id, "Ada.Admin")  # any case
    assert row.escalated_to == "ada.admin"


def test_an_escalation_keeps_its_note_and_every_one_is_listed(org):
    alert = f.alert(org["a1"], severity="red")
    alerts.escalate(from_user(org["am1"]), alert.id, note="  customer threatens to leave\x1b[2J ")
    clock_later = dt.datetime(2026, 11, 21, 9)
    from acct_tui import clock

    clock.pin(clock_later)
    alerts.escalate(from_user(org["lead"]), alert.id, "ada.admin")
    got = alerts.escalations(from_user(org["lead"]), [alert.id])
    assert [(e.by, e.to, e.note, e.at.date()) for e in got[alert.id]] == [
        ("minh.pham", "lena.lead", "customer threatens to leave[2J", dt.date(2026, 11, 20)),
        ("lena.lead", "ada.admin", None, dt.date(2026, 11, 21)),
    ]
    assert alerts.escalations(from_user(org["am2"]), [alert.id]) == {}  # not theirs to see


def test_problems_are_found_before_anything_is_written(org):
    intent = f.alert(org["a1"], "departure_intent", "red")
    f.activity(org["a1"], "call", dt.datetime(2026, 11, 18, 9), intent_to_leave=True)
    other = f.alert(org["a2"])
    me = from_user(org["am1"])
    assert alerts.resolve_problem(me, [other.id, intent.id]) == (
        "Acme Corp: a departure intent is resolved by a visit logged after it (must-visit); log the visit first")
    assert alerts.resolve_problem(me, [other.id]) is None
    assert alerts.escalate_problem(me, [other.id], "lena.led") == "no active user with login 'lena.led': did you mean lena.lead?"
    assert alerts.escalate_problem(me, [other.id], "LENA.LEAD") is None
    assert alerts.escalate_problem(me, [other.id], None) is None
    assert alerts.escalate_problem(from_user(org["other"]), [f.alert(org["o1"]).id], None) == (
        "Eta Group: the account owner has no manager; name someone to escalate to")


@pytest.mark.parametrize(
    "action, args",
    [
        (alerts.acknowledge, ()),
        (alerts.snooze, (dt.date(2026, 12, 1), "later")),
        (alerts.resolve, ("done",)),
        (alerts.escalate, ()),
        (lambda viewer, alert_id: alerts.get_alert(viewer, alert_id), ()),
    ],
)
def test_an_am_cannot_touch_another_ams_alert(org, action, args):
    theirs = f.alert(org["b1"], severity="red")
    with pytest.raises(NotFound, match=f"no alert #{theirs.id}"):
        action(from_user(org["am1"]), theirs.id, *args)
    unchanged = Alert.get_by_id(theirs.id)
    assert unchanged.status == "open" and unchanged.escalated_to is None
    assert audit_entries(theirs.id) == []


def test_lead_acts_on_team_alerts(org):
    theirs = f.alert(org["b1"])
    assert alerts.acknowledge(from_user(org["lead"]), theirs.id).acknowledged_by == "lena.lead"


def test_departure_intent_cannot_be_resolved_without_a_later_visit(org):
    intent_at = dt.datetime(2026, 11, 10, 9, 0)
    f.activity(org["a1"], "call", intent_at, intent_to_leave=True)
    alert = f.alert(org["a1"], "departure_intent", "red", evidence={"intent_at": intent_at.isoformat(), "last_visit": None})
    viewer = from_user(org["am1"])
    with pytest.raises(UsageError, match="must-visit"):
        alerts.resolve(viewer, alert.id, "they will stay")
    f.activity(org["a1"], "visit", dt.datetime(2026, 11, 12, 9, 0))
    assert alerts.resolve(viewer, alert.id, "visited, they stay").status == "resolved"
