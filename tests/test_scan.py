"""The scan: alert lifecycle, snapshots, idempotency, concurrency, the lock."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from acct_tui import db as dbmod
from acct_tui.models import Activity, Alert, AuditLog, HealthSnapshot
from acct_tui.services import alerts
from acct_tui.services.access import OPERATOR, from_user
from acct_tui.services.health import explain
from acct_tui.services.scan import SCAN_LOCK_KEY, scan_all
from tests import factories as f

NOW = dt.datetime(2026, 11, 20, 10, 0)


def days(n: float) -> dt.datetime:
    return NOW + dt.timedelta(days=n)


@pytest.fixture
def org(db):
    return f.org()


def state(account):
    return [(a.rule, a.severity, a.status) for a in Alert.select().where(Alert.account == account.id).order_by(Alert.id)]


def only(account, rule):
    found = list(Alert.select().where((Alert.account == account.id) & (Alert.rule == rule)).order_by(Alert.id))
    assert len(found) == 1, found
    return found[0]


def test_one_alert_per_account_and_rule_updated_on_repeat(org):
    acme = org["a1"]  # strategic: contact 14 / 21
    f.activity(acme, "call", days(-16))
    first = scan_all(NOW)
    assert (first.opened, first.updated, first.resolved) == (1, 0, 0)
    alert = only(acme, "overdue_update")
    assert (alert.severity, alert.status, alert.first_seen) == ("yellow", "open", NOW)
    assert alert.reason == "No touch for 16 days; strategic accounts expect one every 14, at most 21"
    assert first.new_red == ()

    second = scan_all(days(1))
    assert (second.opened, second.updated) == (0, 1)
    alert = only(acme, "overdue_update")
    assert alert.reason.startswith("No touch for 17 days") and alert.last_seen == days(1) and alert.first_seen == NOW

    third = scan_all(days(6))  # 22 days: past the max
    alert = only(acme, "overdue_update")
    assert alert.severity == "red" and third.new_red == (alert.id,)
    actions = [a.action for a in AuditLog.select().where(AuditLog.row_id == alert.id).order_by(AuditLog.id)]
    assert actions == ["open", "severity"]


def test_a_touch_resets_the_clock_and_the_alert_resolves_itself_but_a_note_does_not(org):
    acme = org["a1"]
    f.activity(acme, "call", days(-16))
    scan_all(NOW)
    f.activity(acme, "note", days(-0.1))
    assert scan_all(NOW).resolved == 0
    assert state(acme) == [("overdue_update", "yellow", "open")]
    f.activity(acme, "email", days(-0.1))
    summary = scan_all(NOW)
    assert summary.resolved == 1
    alert = only(acme, "overdue_update")
    assert (alert.status, alert.resolved_by, alert.resolution_note) == ("resolved", "system", "Condition cleared")
    # firing again later opens a new alert beside the resolved one
    scan_all(days(20))
    assert state(acme) == [("overdue_update", "yellow", "resolved"), ("overdue_update", "yellow", "open")]


def test_snooze_silences_until_its_date_then_reopens(org):
    acme = org["a1"]
    f.activity(acme, "call", days(-16))
    scan_all(NOW)
    alert = only(acme, "overdue_update")
    alerts.snooze(from_user(org["am1"]), alert.id, dt.date(2026, 11, 25), "client on holiday")
    quiet = scan_all(days(3))  # 19 days: still yellow, still snoozed
    assert (quiet.opened, quiet.updated) == (0, 0)
    assert only(acme, "overdue_update").status == "snoozed"
    assert only(acme, "overdue_update").reason.startswith("No touch for 16 days")
    back = scan_all(days(5))  # the snooze ended on the 25th at midnight; 21 days: yellow
    alert = only(acme, "overdue_update")
    assert back.opened == 1 and alert.status == "open" and alert.snoozed_until is None
    assert alert.reason.startswith("No touch for 21 days")


def test_snoozed_alert_whose_condition_clears_resolves(org):
    acme = org["a1"]
    f.activity(acme, "call", days(-16))
    scan_all(NOW)
    alert = only(acme, "overdue_update")
    alerts.snooze(from_user(org["am1"]), alert.id, dt.date(2026, 12, 25), "later")
    f.activity(acme, "visit", days(-0.5))
    assert scan_all(NOW).resolved == 1 and only(acme, "overdue_update").status == "resolved"


def test_red_alert_left_open_three_days_goes_to_the_managers(org):
    acme, eta, beta = org["a1"], org["o1"], org["a2"]  # eta's owner has no manager
    for account in (acme, eta, beta):
        f.receivable(account, 100, dt.date(2026, 8, 1))  # 111 days late: red
    scan_all(NOW)
    alerts.acknowledge(from_user(org["am1"]), only(beta, "payment_overdue").id)
    assert scan_all(days(2.9)).escalated == 0
    summary = scan_all(days(3))
    assert summary.escalated == 1
    alert = only(acme, "payment_overdue")
    assert (alert.escalated_to.login, alert.escalated_at, alert.escalated_by) == ("lena.lead", days(3), "system")
    assert only(beta, "payment_overdue").escalated_to is None  # acknowledged: someone is on it
    assert only(eta, "payment_overdue").escalated_to is None  # nobody to escalate to
    assert scan_all(days(4)).escalated == 0  # once only
    entry = AuditLog.select().where((AuditLog.row_id == alert.id) & (AuditLog.action == "escalate")).get()
    assert entry.actor == "system" and entry.changes == {"escalated_to": "lena.lead", "auto": True}


def test_departure_intent_resolves_only_after_a_later_visit(org):
    acme = org["a1"]
    f.activity(acme, "visit", days(-2), intent_to_leave=True)
    scan_all(NOW)
    assert only(acme, "departure_intent").severity == "red"
    f.activity(acme, "call", days(-1))
    f.activity(acme, "meeting", days(-0.5))
    assert scan_all(NOW).resolved == 0 and only(acme, "departure_intent").status == "open"
    f.activity(acme, "visit", days(-0.1))
    scan_all(NOW)
    alert = only(acme, "departure_intent")
    assert alert.status == "resolved" and alert.resolution_note == "Visited on 2026-11-20, after the intent to leave"


def test_churned_accounts_have_their_alerts_resolved_and_raise_nothing(org):
    acme = org["a1"]
    f.activity(acme, "call", days(-40))
    scan_all(NOW)
    assert state(acme) == [("overdue_update", "red", "open")]
    acme.status, acme.churned_on = "churned", NOW.date()
    acme.save()
    scan_all(NOW)
    assert state(acme) == [("overdue_update", "red", "resolved")]
    assert only(acme, "overdue_update").resolution_note == "Account is churned; no longer watched"
    assert HealthSnapshot.select().where(HealthSnapshot.account == acme.id).count() == 1  # from before


def everything(db_rows=(Alert, HealthSnapshot, AuditLog)):
    return {m.__name__: [tuple(r.values()) for r in m.select().order_by(m.id).dicts()] for m in db_rows}


def test_second_scan_at_the_same_moment_changes_nothing(org):
    f.activity(org["a1"], "call", days(-30), sentiment=-2)
    f.activity(org["a1"], "call", days(-31), sentiment=-2)
    f.activity(org["a1"], "call", days(-32), sentiment=-1)
    f.case(org["b1"], days(-20), "critical")
    f.receivable(org["a2"], 100, dt.date(2026, 9, 1))
    f.milestone(org["j1"], kind="qbr", due_on=dt.date(2026, 11, 1))
    f.activity(org["s1"], "visit", days(-3), intent_to_leave=True)
    f.activity(org["o1"], "call", days(-20))
    first = scan_all(NOW)
    assert first.opened >= 7 and first.accounts == 8 and first.snapshots == 8
    before = everything()
    second = scan_all(NOW)
    assert (second.opened, second.updated, second.resolved, second.escalated, second.new_red, second.snapshots) == (0, 0, 0, 0, (), 0)
    assert everything() == before
    # and a later scan escalates, then a repeat of that is quiet again
    assert scan_all(days(3)).escalated > 0
    before = everything()
    assert scan_all(days(3)).escalated == 0 and everything() == before


def test_one_snapshot_per_day_and_the_trend_in_explain(org):
    acme = org["a1"]
    f.activity(acme, "call", days(-1), sentiment=2)
    scan_all(days(-8))
    scan_all(days(-8) + dt.timedelta(hours=3))
    assert HealthSnapshot.select().where(HealthSnapshot.account == acme.id).count() == 1
    f.activity(acme, "call", days(-0.5), sentiment=-2)
    f.activity(acme, "call", days(-0.4), sentiment=-2)
    scan_all(NOW)
    snaps = list(HealthSnapshot.select().where(HealthSnapshot.account == acme.id).order_by(HealthSnapshot.taken_on))
    assert [s.taken_on for s in snaps] == [dt.date(2026, 11, 12), dt.date(2026, 11, 20)]
    result = explain(OPERATOR, acme.id, NOW)
    assert result.score == snaps[-1].score and result.band == snaps[-1].band
    assert result.trend == snaps[-1].score - snaps[0].score and result.trend < 0
    assert {c.name for c in result.components} >= {"engagement", "sentiment", "cases"}
    assert [s.rule for s in result.signals] == ["sentiment_decline"]


def test_scan_beside_a_writer_loses_nothing(db_url, org):
    owner = org["am1"]
    accounts = [f.account(owner, f"Bulk {i}") for i in range(120)]
    for account in accounts:
        f.activity(account, "call", days(-50))
    errors, written = [], []

    def writer():
        try:
            with dbmod.database.connection_context():
                for i, account in enumerate(accounts):
                    with dbmod.database.atomic():
                        written.append(Activity.create(account=account, kind="call", occurred_at=days(-0.01 * (i + 1)), author=owner, subject="x").id)
        except Exception as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    results = [scan_all(NOW) for _ in range(3)]
    thread.join()
    assert errors == [] and len(written) == len(accounts)
    assert Activity.select().where(Activity.id.in_(written)).count() == len(accounts)
    assert all(not r.skipped for r in results)
    final = scan_all(NOW)
    open_alerts = Alert.select().where((Alert.rule == "overdue_update") & (Alert.status != "resolved") & Alert.account.in_([a.id for a in accounts]))
    assert open_alerts.count() == 0 and final.opened == 0
    # never two non-resolved alerts for the same account and rule
    pairs = [(a.account_id, a.rule) for a in Alert.select().where(Alert.status != "resolved")]
    assert len(pairs) == len(set(pairs))


def test_a_second_scanner_skips_while_the_lock_is_held(db_url, backend, org):
    f.activity(org["a1"], "call", days(-40))
    if backend == "sqlite":
        # no advisory locks on SQLite: each chunk is an IMMEDIATE transaction instead
        assert not scan_all(NOW).skipped
        assert not scan_all(NOW).skipped
        assert Alert.select().where(Alert.status != "resolved").count() == 1
        return
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (SCAN_LOCK_KEY,))
        summary = scan_all(NOW)
        assert summary.skipped and summary.opened == 0
        assert Alert.select().count() == 0
        other.execute("SELECT pg_advisory_unlock(%s)", (SCAN_LOCK_KEY,))
    summary = scan_all(NOW)
    assert not summary.skipped and summary.opened == 1


def test_an_unchanged_alert_is_only_marked_seen(org):
    for n in range(3):
        f.case(org["a2"], days(-2 - n), closed_at=days(-1))
    scan_all(NOW)
    later = NOW + dt.timedelta(hours=1)
    summary = scan_all(later)
    alert = only(org["a2"], "complaint_spike")
    assert (summary.opened, summary.updated) == (0, 0)
    assert (alert.first_seen, alert.last_seen, alert.reason) == (NOW, later, "3 cases opened in the last 30 days")


# -- a person's resolve is respected -----------------------------------------------


def test_a_resolved_alert_stays_resolved_while_the_condition_holds_no_worse(org):
    acme = org["a1"]  # strategic: contact 14 / 21
    f.activity(acme, "call", days(-16))
    scan_all(NOW)
    alert = only(acme, "overdue_update")
    alerts.resolve(from_user(org["am1"]), alert.id, "Client asked for quiet until the audit ends")
    for later in (1, 2, 3):  # 17..19 days: still yellow, still resolved, no new alert
        summary = scan_all(days(later))
        assert summary.opened == 0 and summary.new_red == ()
        assert state(acme) == [("overdue_update", "yellow", "resolved")]
    worse = scan_all(days(6))  # 22 days: red, worse than when resolved
    alert = only(acme, "overdue_update")
    assert (alert.status, alert.severity) == ("open", "red") and worse.new_red == (alert.id,)
    assert alert.reopen_note == "Reopened on 2026-11-26: worse than when minh.pham resolved it on 2026-11-20 (yellow → red)"
    assert alert.resolved_by is None and alert.resolved_severity is None
    shown = alerts.get_alert(OPERATOR, alert.id)
    assert shown.reopen_note == alert.reopen_note
    entry = AuditLog.select().where((AuditLog.row_id == alert.id) & (AuditLog.action == "reopen")).get()
    assert entry.changes["note"] == alert.reopen_note and entry.actor == "system"


def test_a_resolved_alert_that_clears_and_returns_reopens_with_a_note(org):
    acme = org["a1"]
    f.activity(acme, "call", days(-16))
    scan_all(NOW)
    alert = only(acme, "overdue_update")
    alerts.resolve(from_user(org["am1"]), alert.id, "Called them")
    f.activity(acme, "call", days(0.5))  # the condition clears ...
    assert scan_all(days(1)).opened == 0
    assert only(acme, "overdue_update").cleared_at == days(1)
    assert scan_all(days(2)).opened == 0  # ... and stays clear
    back = scan_all(days(16))  # 15.5 days quiet again: yellow, the same severity, but it had cleared
    alert = only(acme, "overdue_update")
    assert back.opened >= 1 and alert.status == "open" and alert.severity == "yellow"
    assert alert.reopen_note == ("Reopened on 2026-12-06: the condition cleared on 2026-11-21 after minh.pham "
                                 "resolved it on 2026-11-20, and has come back")


def test_a_system_resolved_alert_is_not_held(org):
    """Only a person's resolve is remembered: a condition that cleared by itself and returns is a new alert."""
    acme = org["a1"]
    f.activity(acme, "call", days(-16))
    scan_all(NOW)
    f.activity(acme, "call", days(0.5))
    scan_all(days(1))
    scan_all(days(16))
    assert state(acme) == [("overdue_update", "yellow", "resolved"), ("overdue_update", "yellow", "open")]


def test_a_snooze_longer_than_the_maximum_is_refused_naming_the_limit(org):
    from acct_tui.core.settings import RiskSettings, Thresholds, use
    from acct_tui.errors import UsageError

    acme = org["a1"]
    f.activity(acme, "call", days(-16))
    scan_all(NOW)
    alert = only(acme, "overdue_update")
    viewer = from_user(org["am1"])
    with pytest.raises(UsageError, match=r"a snooze lasts at most 90 days \(until 2027-02-18 at the latest"):
        alerts.snooze(viewer, alert.id, dt.date(2027, 2, 19), "budget season")
    assert only(acme, "overdue_update").status == "open"
    assert alerts.snooze(viewer, alert.id, dt.date(2027, 2, 18), "budget season").status == "snoozed"
    use(RiskSettings(thresholds=Thresholds(snooze_max_days=30)))
    try:
        with pytest.raises(UsageError, match="at most 30 days"):
            alerts.snooze(viewer, alert.id, dt.date(2026, 12, 21), "later")
    finally:
        use(None)


def test_snoozed_red_alerts_still_count_for_the_lead(org):
    from acct_tui.services import team

    f.alert(org["a1"], "overdue_update", "red", status="snoozed", snoozed_until=dt.datetime(2026, 12, 1))
    f.alert(org["a2"], "usage_drop", "red", status="snoozed", snoozed_until=dt.datetime(2026, 12, 1))
    f.alert(org["a2"], "complaint_open", "red")
    rows = {r.login: r for r in team.team_rows(from_user(org["lead"]))}
    assert (rows["minh.pham"].red, rows["minh.pham"].snoozed_red) == (1, 2)
    assert rows["an.nguyen"].snoozed_red == 0
    assert alerts.alert_counts(from_user(org["lead"]))["snoozed"] == 2


def _scan_history(monkeypatch, span: int) -> tuple[list, list, list, list]:
    """A demo book scanned weekly, some alerts snoozed and resolved by hand, then scanned on:
    the summaries and every row the scans wrote (alerts, snapshots, the audit trail)."""
    from acct_tui import demo
    from acct_tui.errors import UsageError
    from acct_tui.services import scan

    monkeypatch.setattr(scan, "ACCOUNTS_PER_TRANSACTION", 2)
    monkeypatch.setattr(scan, "ACCOUNTS_PER_SPAN", span)
    today = NOW.date()
    demo.build(accounts=30, seed=3, today=today, fresh=True)  # the same rows and ids each time
    moments = [NOW - dt.timedelta(weeks=w) for w in (4, 3, 2, 1, 0)]
    summaries = [scan_all(moment) for moment in moments]
    for i, alert in enumerate(Alert.select().where(Alert.status == "open").order_by(Alert.id)):
        try:
            if i % 3 == 0:
                alerts.snooze(OPERATOR, alert.id, today + dt.timedelta(days=10), "waiting on them")
            elif i % 4 == 0:
                alerts.resolve(OPERATOR, alert.id, "handled")
        except UsageError:
            pass  # a departure intent is resolved by a visit only
    summaries += [scan_all(days(n)) for n in (1, 12, 30, 45)]
    columns = [c for c in Alert._meta.sorted_fields]
    return (
        summaries,
        list(Alert.select(*columns).order_by(Alert.id).tuples()),
        list(HealthSnapshot.select().order_by(HealthSnapshot.account, HealthSnapshot.taken_on).tuples()),
        list(AuditLog.select(AuditLog.actor, AuditLog.action, AuditLog.table, AuditLog.row_id, AuditLog.changes, AuditLog.at)
             .order_by(AuditLog.id).tuples()),
    )


def test_a_scan_span_by_span_writes_what_a_scan_of_the_whole_book_writes(db, monkeypatch):
    whole = _scan_history(monkeypatch, span=1000)
    spans = _scan_history(monkeypatch, span=4)  # 8 spans of 4 accounts, 2 per transaction
    summaries, alert_rows, snapshot_rows, audit_rows = whole
    # the history has every kind of write in it
    assert all(sum(getattr(s, what) for s in summaries) for what in ("opened", "updated", "resolved", "escalated"))
    assert {"open", "reopen", "resolve", "severity"} <= {action for _, action, *_ in audit_rows} and snapshot_rows
    assert spans == whole
