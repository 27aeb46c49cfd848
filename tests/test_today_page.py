"""Today's first page (`services.today_page`) is exactly the whole queue's first rows.

A noisy book of 160 accounts, drawn from a seeded generator: touches at any
day (some dated after now), alerts of every status, escalations, late and
upcoming commitments, visits and milestones, courtesy dates, renewals,
health with drops, three currencies, churned accounts and prospects, own
cadence targets. For every kind of viewer and for coefficients that make
each term decide the rank, the first `n` rows found without ranking the book
equal `build_today()`'s first `n`, items and scores included, on SQLite and
PostgreSQL.
"""

import dataclasses
import datetime as dt
import random

import pytest

from acct_tui import clock
from acct_tui.core.policy import Cadence, Policy, TierPolicy
from acct_tui.core.settings import RiskSettings
from acct_tui.core.urgency import Courtesy, Urgency
from acct_tui.models import (Account, AccountPulse, ActionItem, Activity, Alert, Contact, HealthSnapshot, Milestone,
                             PlannedVisit, Rate)
from acct_tui.services import access, today, today_page
from tests import factories as f

RULES = ("overdue_update", "visit_overdue", "renewal_risk", "champion_left", "usage_drop")


def noisy_book(seed: int) -> dict:
    """The org of `factories.org` and 160 more accounts spread over its people, drawn from `seed`."""
    o = f.org()
    rng = random.Random(seed)
    now = clock.now()
    today_ = now.date()
    people = [o[k] for k in ("am1", "am2", "lead", "senior", "junior", "other")]
    escalated_to = [None, None, None, o["lead"].id, o["admin"].id, o["am1"].id]
    Rate.insert_many([dict(currency="EUR", quote="USD", as_of=dt.date(2026, 1, 1), rate=1.1)]).execute()

    def day(low: int, high: int) -> dt.date:
        return today_ + dt.timedelta(days=rng.randint(low, high))

    accounts, activities, alerts, items, visits, milestones, contacts, snapshots = [], [], [], [], [], [], [], []
    for n in range(160):
        accounts.append(dict(
            name=f"{rng.choice(['Acme', 'Beta', 'Công ty', 'Delta', 'Zeta'])} {n}", owner=rng.choice(people).id,
            tier=rng.choice(("standard", "key", "strategic")),
            annual_value=rng.choice((0, 5_000, 20_000, 30_000, 50_000, 80_000) * 5 + (1_000_000,)),
            currency=rng.choice(("USD", "USD", "EUR", "VND")),  # VND has no rate: no share
            status=rng.choices(("active", "churned", "prospect"), (90, 5, 5))[0],
            churned_on=day(-100, -1) if rng.random() < 0.05 else None,
            renewal_date=day(-20, 150) if rng.random() < 0.6 else None,
            contract_start=day(-1500, 30) if rng.random() < 0.8 else None,
            contact_days=rng.choice((None, None, None, 0, 7, 60)), visit_days=rng.choice((None, None, None, 20)),
            created_at=now - dt.timedelta(days=rng.randint(0, 900)),
        ))
    Account.insert_many(accounts).execute()
    ids = [a.id for a in Account.select(Account.id).where(Account.name.contains(" ")).order_by(Account.id)][-160:]
    for aid in ids:
        # Most are touched every few days; some lapsed weeks or months ago; a few never, or only later on.
        kind_of_care = rng.choices(("kept", "lapsed", "none", "later"), (70, 20, 5, 5))[0]
        back = {"kept": rng.randint(0, 20), "lapsed": rng.randint(20, 160), "none": 999, "later": -rng.randint(1, 9)}[kind_of_care]
        while back < 200:
            activities.append(dict(account=aid, kind=rng.choice(("visit", "call", "call", "email", "meeting", "update", "note")),
                                   occurred_at=now - dt.timedelta(days=back, hours=rng.randint(0, 23)), subject="touch"))
            back += rng.randint(3, 40) if kind_of_care != "later" else 999
        for rule in rng.sample(RULES, rng.choice((0, 0, 1, 2))):
            alerts.append(dict(account=aid, rule=rule, severity=rng.choice(("red", "yellow")),
                               status=rng.choice(("open", "open", "acknowledged", "snoozed", "resolved")), reason="fired",
                               evidence={}, first_seen=now, last_seen=now, escalated_to=rng.choice(escalated_to),
                               escalated_at=now - dt.timedelta(days=1)))
        for _ in range(rng.choice((0, 1, 2))):
            items.append(dict(account=aid, title="promise", due_on=day(-50, 12), status=rng.choice(("open", "open", "done"))))
        if rng.random() < 0.3:
            visits.append(dict(account=aid, scheduled_for=day(-12, 10), status=rng.choice(("planned", "planned", "cancelled"))))
        for _ in range(rng.choice((0, 1))):
            milestones.append(dict(account=aid, title="go-live", kind="deliverable", due_on=day(-45, 20),
                                   status=rng.choice(("planned", "planned", "done"))))
        if rng.random() < 0.3:
            contacts.append(dict(account=aid, name="Lan", role="champion", birthday=dt.date(1980, 1, 1) + dt.timedelta(
                days=(today_ - dt.date(today_.year, 1, 1)).days + rng.randint(-2, 9))))
        for back in rng.sample(range(0, 40), rng.choice((0, 1, 3))):
            snapshots.append(dict(account=aid, taken_on=today_ - dt.timedelta(days=back),
                                  score=rng.randint(70, 100) if rng.random() < 0.9 else rng.randint(5, 70),
                                  band="green", components={}))
    for model, rows in ((Activity, activities), (Alert, alerts), (ActionItem, items), (PlannedVisit, visits),
                        (Milestone, milestones), (Contact, contacts), (HealthSnapshot, snapshots)):
        if rows:
            model.insert_many(rows).execute()
    return o


SETTINGS = {
    "default": RiskSettings(),
    "health decides": RiskSettings(urgency=Urgency(health=2.0, health_trend=3.0, value_share=4.0)),
    "no severity, no lateness": RiskSettings(urgency=Urgency(red=0, yellow=0, days_late=0, over_target=0, due_soon=0),
                                             courtesy=Courtesy(birthdays=True, anniversaries=False)),
    "cadence decides": RiskSettings(urgency=Urgency(over_target=90, cadence=50, renewal=70)),
    # Two tiers share the shortest contact target, and the biggest tier has the shortest visit one.
    "tiers tie": RiskSettings(urgency=Urgency(over_target=90, cadence=50), policy=Policy(tiers={
        "strategic": TierPolicy(contact=Cadence(10, 15), visit=Cadence(40, 60)),
        "key": TierPolicy(contact=Cadence(10, 15), visit=Cadence(50, 70)),
        "standard": TierPolicy(contact=Cadence(30, 40), visit=Cadence(25, 40)),
    })),
}


@pytest.mark.parametrize("seed", [1, 2])
def test_the_first_page_is_the_queues_first_rows(db, monkeypatch, seed):
    monkeypatch.setattr(today_page, "SMALL_BOOK", 0)  # the steps, not the small book's whole ranking
    o = noisy_book(seed)
    assert AccountPulse.select().count() > 100
    checked = 0
    narrowed = 0
    original = today_page._Sources.accounts_reaching

    def reaching(sources, cutoff):
        found = original(sources, cutoff)
        nonlocal narrowed
        narrowed += len(found) < 0.5 * len(ids)
        return found

    monkeypatch.setattr(today_page._Sources, "accounts_reaching", reaching)
    ids = list(Account.select(Account.id))
    for login in ("ada.admin", "lena.lead", "minh.pham", "sara.senior"):
        viewer = access.viewer_for(login)
        for name, settings in SETTINGS.items():
            whole = today.build_today(viewer, settings=settings)
            assert whole.complete and len(whole.rows) > 3, (login, name)
            for n in (1, 4, 15, len(whole.rows) + 5):
                page = today.build_today(viewer, settings=settings, first=n)
                assert not page.complete
                assert page.rows == whole.rows[:n], (login, name, n)
                assert page.items == tuple(i for row in whole.rows[:n] for i in row.items)
                checked += 1
    assert checked == 4 * len(SETTINGS) * 4
    assert narrowed > 20  # the steps did narrow the book down, most of the time


def test_too_many_candidates_ranks_the_whole_book(db, monkeypatch):
    monkeypatch.setattr(today_page, "SMALL_BOOK", 0)
    monkeypatch.setattr(today_page, "MAX_CANDIDATES", 2)
    noisy_book(3)
    viewer = access.viewer_for("ada.admin")
    calls = []
    build = today.build
    monkeypatch.setattr(today, "build", lambda *a, **kw: calls.append(a[3]) or build(*a, **kw))
    whole = build(viewer, RiskSettings(), today.rate_book("USD"))
    assert today.build_today(viewer, first=10).rows == whole.rows[:10]
    assert calls == [None]  # the candidates were too many: one whole ranking


def test_a_touch_dated_after_now_keeps_the_account_a_candidate(db, monkeypatch):
    """The pulse's newest touch is after now: the last touch at or before now is not in it, so
    the account stays a candidate, and its cadence item still ranks where the whole queue puts it."""
    monkeypatch.setattr(today_page, "SMALL_BOOK", 0)
    o = f.org()
    a1 = o["a1"]
    now = clock.now()
    f.activity(a1, kind="call", at=now - dt.timedelta(days=200))
    f.activity(a1, kind="call", at=now + dt.timedelta(days=3))
    for account in (o["a2"], o["b1"]):
        f.activity(account, kind="call", at=now - dt.timedelta(days=1))
    viewer = access.viewer_for("ada.admin")
    whole = today.build_today(viewer)
    assert whole.rows[0].account_id == a1.id and whole.rows[0].top.kind == "cadence"
    assert today.build_today(viewer, first=1).rows == whole.rows[:1]


def test_every_setting_the_bound_reads_is_in_the_settings():
    """`today_page` bounds the terms `core.urgency` has: a new term needs a bound there."""
    assert {field.name for field in dataclasses.fields(Urgency)} == {
        "red", "yellow", "escalated", "cadence", "commitment", "visit", "milestone", "renewal", "courtesy",
        "over_target", "days_late", "due_soon", "value_share", "health", "health_trend"}


@pytest.mark.parametrize("override", [None, 10])
def test_a_cadence_counts_from_the_day_it_reaches_the_cutoff(db, override):
    """Own terms 20 + 30 x (days - target) / target reach 50 at twice the target, not a day before:
    by the tier's target (the pulse's touch compared as stored) and by an account's own."""
    o = f.org()
    settings = RiskSettings()
    target = override or settings.policy.contact("standard").target
    now = clock.now()
    at_cutoff, day_short = o["a2"], o["b2"]  # both standard
    for account, days in ((at_cutoff, 2 * target), (day_short, 2 * target - 1)):
        Account.update(contact_days=override, visit_days=1000).where(Account.id == account.id).execute()
        f.activity(account, kind="call", at=now.replace(hour=0, minute=1) - dt.timedelta(days=days))
    sources = today_page._Sources(access.viewer_for("ada.admin"), settings, now.date())
    assert sources.own((("cadence", 1), ("over_target", 1.0))) == 50
    reaching = sources._cadence(50)
    assert at_cutoff.id in reaching and day_short.id not in reaching


def _plan(sql: str, params=()) -> str:
    from acct_tui.db import database

    return " | ".join(row[-1] for row in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())


def test_the_ceiling_is_two_index_seeks(sqlite_db):
    """The lowest health and the largest drop, each by its index: one SELECT of both aggregates
    scanned the whole pulse (SQLite's min/max shortcut is for a lone aggregate)."""
    plan = _plan(today_page.CEILING_SQL)
    assert "SCAN account_pulse" not in plan
    assert "COVERING INDEX account_pulse_health_score" in plan and "COVERING INDEX account_pulse_health_drop" in plan


def test_the_ceiling_is_the_pulses_lowest_health_and_largest_drop(db):
    o = f.org()
    AccountPulse.update(health_score=None, health_drop=None).execute()
    assert db.execute_sql(today_page.CEILING_SQL).fetchone() == (None, None)
    for account, score, drop in ((o["a1"], 80, 5), (o["a2"], 35, 0), (o["b1"], None, 12)):
        AccountPulse.update(health_score=score, health_drop=drop).where(AccountPulse.account == account.id).execute()
    assert db.execute_sql(today_page.CEILING_SQL).fetchone() == (35, 12)


def test_a_pages_alerts_are_sought_by_account(sqlite_db, monkeypatch):
    """A page's few accounts: their alerts by the account's index, not every active alert by status."""
    from acct_tui.services import today_facts

    o = f.org()
    captured = []
    original = today_facts.raw_rows
    monkeypatch.setattr(today_facts, "raw_rows", lambda query: captured.append(query.sql()) or original(query))
    today_facts.active_alerts(access.viewer_for("ada.admin"), [o["a1"].id, o["a2"].id])
    plan = _plan(*captured[-1])
    assert "alert_account_id" in plan and "alert_status" not in plan


def test_the_cadence_source_reads_where_the_pulses_indexes_point(sqlite_db, monkeypatch):
    """The accounts `_cadence` looks at come from index ranges and seeks (`_near`): the pulse is
    never scanned (at 100k accounts a scan and 25,000 account look-ups were 30 ms)."""
    f.org()
    captured = []
    original = today_page.raw_rows
    monkeypatch.setattr(today_page, "raw_rows", lambda query: captured.append(query.sql()) or original(query))
    today_page._Sources(access.viewer_for("ada.admin"), RiskSettings(), clock.now().date())._cadence(60)
    plan = _plan(*captured[-1])
    assert "SCAN" not in plan, plan
    assert "account_pulse_last_touch_at" in plan and "account_pulse_last_visit_at" in plan and "account_tier" in plan
