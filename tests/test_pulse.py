"""`account_pulse` (migration 0011) agrees with the activities and snapshots after every kind of write,
on SQLite and PostgreSQL: the database keeps it, whatever writes the rows."""

import datetime as dt
from importlib import import_module

from acct_tui.enums import TOUCH_KINDS
from acct_tui.models import Account, AccountPulse, Activity, HealthSnapshot
from acct_tui.services.health import TREND_DAYS
from acct_tui.services.query import as_date, as_datetime
from tests import factories as f

pulse = import_module("acct_tui.migrations.0011_pulse")


def expected() -> dict[int, tuple]:
    """Each account's pulse worked out from the rows in Python: (last touch, last visit, health, drop)."""
    found: dict[int, list] = {}
    for account_id, kind, at in Activity.select(Activity.account, Activity.kind, Activity.occurred_at).tuples():
        if kind in TOUCH_KINDS:
            row = found.setdefault(account_id, [None, None, None, None])
            at = as_datetime(at)
            row[0] = at if row[0] is None else max(row[0], at)
            if kind == "visit":
                row[1] = at if row[1] is None else max(row[1], at)
    snapshots: dict[int, list] = {}
    for account_id, day, score in HealthSnapshot.select(HealthSnapshot.account, HealthSnapshot.taken_on, HealthSnapshot.score).tuples():
        snapshots.setdefault(account_id, []).append((as_date(day), score))
    for account_id, taken in snapshots.items():
        taken.sort()
        newest_day, newest = taken[-1]
        before = [score for day, score in taken if day <= newest_day - dt.timedelta(days=TREND_DAYS)]
        row = found.setdefault(account_id, [None, None, None, None])
        row[2], row[3] = newest, max(0, before[-1] - newest) if before else 0
    return {account_id: tuple(row) for account_id, row in found.items()}


def stored() -> dict[int, tuple]:
    rows = AccountPulse.select(AccountPulse.account, AccountPulse.last_touch_at, AccountPulse.last_visit_at,
                               AccountPulse.health_score, AccountPulse.health_drop).tuples()
    return {account_id: (as_datetime(touch), as_datetime(visit), score, drop)
            for account_id, touch, visit, score, drop in rows
            if (touch, visit, score) != (None, None, None)}


def test_the_migration_knows_the_touch_kinds_and_the_trend():
    assert pulse.TOUCH_KINDS == TOUCH_KINDS and pulse.TREND_DAYS == TREND_DAYS


def test_every_write_keeps_the_pulse(db):
    o = f.org()
    a1, a2, b1 = o["a1"], o["a2"], o["b1"]
    day = dt.datetime(2026, 11, 1, 10, 0)
    call = f.activity(a1, kind="call", at=day)
    visit = f.activity(a1, kind="visit", at=day - dt.timedelta(days=3))
    f.activity(a1, kind="note", at=day + dt.timedelta(days=5))  # a note is not a touch
    later = f.activity(a2, kind="email", at=day + dt.timedelta(days=40))  # dated after now: still the newest
    f.activity(b1, kind="meeting", at=day)
    assert stored() == expected() and stored()[a1.id][:2] == (day, day - dt.timedelta(days=3))

    Activity.update(occurred_at=day - dt.timedelta(days=30)).where(Activity.id == call.id).execute()  # newest moves back
    assert stored() == expected() and stored()[a1.id][0] == day - dt.timedelta(days=3)
    Activity.update(kind="note").where(Activity.id == visit.id).execute()  # no longer a visit
    assert stored() == expected() and stored()[a1.id][1] is None
    Activity.update(account=b1).where(Activity.id == later.id).execute()  # moved to another account
    assert stored() == expected()
    Activity.delete().where(Activity.id == call.id).execute()  # the last touch gone
    assert stored() == expected() and a1.id not in stored()

    for taken, score in ((dt.date(2026, 11, 1), 90), (dt.date(2026, 11, 5), 85), (dt.date(2026, 11, 12), 60)):
        HealthSnapshot.create(account=a2, taken_on=taken, score=score, band="green")
    assert stored()[a2.id][2:] == (60, 25) == expected()[a2.id][2:]  # 60 against 85, a week before
    HealthSnapshot.update(score=95).where((HealthSnapshot.account == a2) & (HealthSnapshot.taken_on == dt.date(2026, 11, 12))).execute()
    assert stored()[a2.id][2:] == (95, 0) == expected()[a2.id][2:]
    HealthSnapshot.delete().where((HealthSnapshot.account == a2) & (HealthSnapshot.taken_on == dt.date(2026, 11, 12))).execute()
    assert stored()[a2.id][2:] == (85, 0) == expected()[a2.id][2:]
    assert stored() == expected()

    assert AccountPulse.select().count() == Account.select().count()  # a row for every account (0013)
    Account.delete().where(Account.id == b1.id).execute()  # its activities go with it, and its pulse
    assert stored() == expected() and not AccountPulse.select().where(AccountPulse.account == b1.id).exists()


def test_a_bulk_load_rebuilds_it_once(db):
    from acct_tui.demo.writer import pulse_deferred

    o = f.org()
    f.activity(o["a1"], kind="visit", at=dt.datetime(2026, 10, 1, 9, 0))
    with pulse_deferred(db.obj):
        f.activity(o["a1"], kind="call", at=dt.datetime(2026, 11, 2, 9, 0))
        f.activity(o["b1"], kind="visit", at=dt.datetime(2026, 11, 3, 9, 0))
        HealthSnapshot.create(account=o["a2"], taken_on=dt.date(2026, 11, 1), score=70, band="yellow")
    assert stored() == expected() and len(stored()) == 3
    assert AccountPulse.select().count() == Account.select().count()
    f.activity(o["a2"], kind="call", at=dt.datetime(2026, 11, 4, 9, 0))  # the triggers are back
    assert stored() == expected()


def test_an_import_folds_its_activities_in_per_transaction(db, tmp_path, monkeypatch):
    from acct_tui.io import importer, plan

    o = f.org()
    f.activity(o["a1"], kind="visit", at=dt.datetime(2026, 10, 1, 9, 0))  # newer than some imported ones
    (tmp_path / "accounts.csv").write_text("external_id,name\nP-1,Pulse One\nP-2,Pulse Two\n", encoding="utf-8")
    a1 = o["a1"].external_id or f"acct-{o['a1'].id}"
    rows = [("T-1", a1, "call", "2026-09-01T10:00:00"), ("T-2", "P-1", "note", "2026-11-01T10:00:00"),
            ("T-3", "P-1", "visit", "2026-08-01T10:00:00"), ("T-4", "P-1", "call", "2026-08-02T10:00:00"),
            ("T-5", a1, "visit", "2026-10-02T10:00:00"), ("T-6", "P-2", "email", "2026-07-01T10:00:00")]
    (tmp_path / "activities.csv").write_text(
        "external_id,account,kind,occurred_at\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(plan, "ROWS_PER_TRANSACTION", 2)  # three transactions of activities
    report = importer.run("dir", tmp_path, commit=True)
    assert report.committed, report.render()
    assert stored() == expected() and len(stored()) == 3
    assert AccountPulse.select().count() == Account.select().count()
    f.activity(o["a2"], kind="call", at=dt.datetime(2026, 11, 4, 9, 0))  # the trigger is back
    assert stored() == expected()
