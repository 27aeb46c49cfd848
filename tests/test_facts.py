"""Gathering facts in bulk, now and as of a past day, on both backends."""

from __future__ import annotations

import datetime as dt

from acct_tui.models import PlannedVisit
from acct_tui.services.facts import gather
from tests import factories as f

NOW = dt.datetime(2026, 11, 20, 10, 0)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_facts_for_a_busy_account(db):
    owner = f.user("minh")
    acc = f.account(owner, "Acme", "key", renewal_date=d("2027-01-15"), contract_start=d("2024-01-01"))
    quiet = f.account(owner, "Quiet")
    f.activity(acc, "call", t("2026-11-10 09:00"), sentiment=-1)
    f.activity(acc, "visit", t("2026-11-02 09:00"), sentiment=-2, intent_to_leave=True)
    f.activity(acc, "email", t("2026-10-01 09:00"), sentiment=1)
    f.activity(acc, "meeting", t("2026-09-01 09:00"), sentiment=2)
    f.activity(acc, "note", t("2026-11-19 09:00"), sentiment=2)  # a note is not a touch
    f.activity(acc, "call", t("2026-11-25 09:00"))  # the future is not known yet
    f.planned_visit(acc, d("2026-11-05"))  # a visit on 11-02 came before it: missed
    f.planned_visit(acc, d("2026-10-20"))
    f.planned_visit(acc, d("2026-11-25"))
    f.planned_visit(acc, d("2026-10-01"), status="cancelled")
    f.action_item(acc, due_on=d("2026-11-01"))
    f.action_item(acc, due_on=d("2026-11-15"))
    f.action_item(acc, due_on=d("2026-10-01"), status="done", done_on=d("2026-09-30"))
    f.action_item(acc, due_on=d("2026-10-05"), status="done", done_on=d("2026-10-09"))
    f.action_item(acc, due_on=d("2026-10-05"), status="cancelled")
    f.milestone(acc, kind="qbr", due_on=d("2026-11-01"))
    f.milestone(acc, kind="qbr", due_on=d("2026-10-01"))
    f.milestone(acc, kind="deliverable", due_on=d("2026-11-19"), status="done", completed_on=d("2026-11-19"))
    for i, month in enumerate(["2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01"]):
        f.metric(acc, d(month), "usage", [100, 110, 120, 60, 70, 80, 999][i])
    f.metric(acc, d("2026-10-01"), "revenue", 5)  # too few months: no revenue trend
    f.case(acc, t("2026-10-01 08:00"), "low")
    f.case(acc, t("2026-11-15 08:00"), "critical", escalated=True)
    f.case(acc, t("2026-11-01 08:00"), closed_at=t("2026-11-03 08:00"))
    f.case(acc, t("2026-09-01 08:00"), closed_at=t("2026-09-03 08:00"))
    f.contact(acc, "Old Champ", "champion", added_on=d("2025-01-01"), left_on=d("2026-10-30"))
    f.contact(acc, "User", "user", added_on=d("2026-11-01"))
    f.receivable(acc, 100, d("2026-09-01"))
    f.receivable(acc, 100, d("2026-10-01"), paid_on=d("2026-10-02"))
    f.receivable(acc, 100, d("2026-11-19"))

    facts = gather(NOW)
    a = facts[acc.id]
    assert (a.as_of, a.tier, a.status, a.since, a.renewal_date) == (NOW.date(), "key", "active", d("2024-01-01"), d("2027-01-15"))
    assert a.last_touch == t("2026-11-10 09:00") and a.last_visit == t("2026-11-02 09:00")
    assert a.last_intent == t("2026-11-02 09:00")
    assert a.recent_sentiments == (-1, -2, 1)  # the newest 3 (sentiment_touches)
    assert a.missed_visit_on == d("2026-11-05")
    assert (a.overdue_commitments, a.oldest_overdue_commitment, a.commitments_due, a.commitments_kept) == (2, d("2026-11-01"), 4, 1)
    assert a.overdue_milestones == (("qbr", d("2026-10-01")),)
    assert (a.usage_recent, a.usage_prior) == (70.0, 110.0)
    assert a.revenue_recent is None and a.revenue_prior is None
    assert (a.open_cases, a.oldest_open_case, a.oldest_open_severe_case, a.open_escalated_cases, a.cases_recent) == (
        2, t("2026-10-01 08:00"), t("2026-11-15 08:00"), 1, 2)
    assert (a.champion_left_on, a.champion_added_on) == (d("2026-10-30"), d("2025-01-01"))
    assert (a.active_champions, a.champions_on_record) == (0, 1)
    assert a.usage_months == (80.0, 70.0, 60.0, 120.0, 110.0, 100.0)  # last month first; November is not complete
    assert a.revenue_months == (5.0,)
    assert (a.touches_year, a.first_touch_year) == (4, t("2026-09-01 09:00"))
    assert (a.oldest_unpaid_due, a.unpaid_overdue, a.receivables_recent) == (d("2026-09-01"), 2, 3)

    q = facts[quiet.id]
    assert q.last_touch is None and q.recent_sentiments == () and q.open_cases == 0 and q.since == NOW.date()
    assert set(gather(NOW, [quiet.id])) == {quiet.id}


def test_facts_as_of_a_past_day(db):
    acc = f.account(f.user("minh"), status="churned", churned_on=d("2026-10-01"), contract_start=d("2024-01-01"))
    f.activity(acc, "call", t("2026-08-01 09:00"))
    f.activity(acc, "call", t("2026-09-20 09:00"))
    f.action_item(acc, due_on=d("2026-08-10"), status="done", done_on=d("2026-09-15"))
    visit = f.activity(acc, "visit", t("2026-09-10 09:00"))
    f.planned_visit(acc, d("2026-09-01"), status="done", activity=visit)
    f.case(acc, t("2026-08-20 08:00"), closed_at=t("2026-09-25 08:00"))
    f.receivable(acc, 100, d("2026-07-01"), paid_on=d("2026-09-30"))

    now = gather(NOW)[acc.id]
    assert now.status == "churned" and now.open_cases == 0 and now.overdue_commitments == 0

    past = gather(dt.datetime(2026, 9, 5, 12, 0))[acc.id]
    assert past.status == "active"  # not churned yet on that day
    assert past.last_touch == t("2026-08-01 09:00") and past.last_visit is None
    assert past.missed_visit_on == d("2026-09-01")  # the plan was done only later
    assert (past.overdue_commitments, past.oldest_overdue_commitment) == (1, d("2026-08-10"))
    assert (past.open_cases, past.oldest_open_case) == (1, t("2026-08-20 08:00"))
    assert past.oldest_unpaid_due == d("2026-07-01")
    assert PlannedVisit.select().count() == 1


def test_champions_present_as_of_a_day_and_a_successor_either_side_of_a_departure(db):
    owner = f.user("minh")
    handover = f.account(owner, "Orderly", "key")
    f.contact(handover, "Old", "champion", added_on=d("2024-01-01"), left_on=d("2026-11-01"))
    f.contact(handover, "New", "sponsor", added_on=d("2026-10-15"))  # arrived before the departure
    late = f.account(owner, "Late", "key")
    f.contact(late, "Old", "champion", added_on=d("2024-01-01"), left_on=d("2026-10-01"))
    f.contact(late, "New", "champion", added_on=d("2026-11-10"))  # arrived after it
    unknown = f.account(owner, "Unknown")
    f.contact(unknown, "Always", "champion")  # no added_on: there all along, not "added today"
    f.contact(unknown, "User", "user")
    found = gather(NOW)
    assert (found[handover.id].active_champions, found[handover.id].champion_left_on) == (1, d("2026-11-01"))
    assert found[late.id].active_champions == 1
    assert (found[unknown.id].active_champions, found[unknown.id].champion_added_on) == (1, None)
    before = gather(dt.datetime(2026, 10, 20, 12, 0))
    assert before[late.id].active_champions == 0  # between the departure and the successor
    assert before[handover.id].active_champions == 2


#: Reals JSON's 15 digits would round (SQLite packs the scan's rows as JSON: `facts._packed`).
AWKWARD = [0.1 + 0.2, 1234.5678901234567, 1 / 3, 123456789.12345678, -2.5e-300, 1.5675973482765102e308, 7.0, 0.0]


def test_the_whole_books_facts_are_each_accounts_own_to_the_last_digit(db):
    owner = f.user("minh")
    accounts = [f.account(owner, f"Acct {i}", "key" if i % 2 else "standard") for i in range(3)]
    for i, acc in enumerate(accounts):
        for back in range(1, 9):
            month = dt.date(2026, 11 - back, 1)
            f.metric(acc, month, "usage", AWKWARD[(back + i) % len(AWKWARD)])
            f.metric(acc, month, "revenue", AWKWARD[(back * 3 + i) % len(AWKWARD)] * 10)
        f.activity(acc, "call", t("2026-11-10 09:00"), sentiment=-1)
        f.milestone(acc, kind="qbr", due_on=d("2026-11-01"))
        f.planned_visit(acc, d("2026-11-05"))
        f.case(acc, t("2026-11-15 08:00"), "critical", escalated=True)
    book = gather(NOW)
    one_by_one = {acc.id: gather(NOW, [acc.id])[acc.id] for acc in accounts}
    assert book == one_by_one
    first = book[accounts[0].id]
    assert first.usage_months[:8] == tuple(AWKWARD[back % len(AWKWARD)] for back in range(1, 9))
    assert all(type(v) is float for v in first.usage_months + first.revenue_months)
