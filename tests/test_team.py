"""The Team pane's numbers on hand-made data, and the unowned row."""

import datetime as dt
from decimal import Decimal

import pytest

from acct_tui.core.policy import Policy, policy_from_config
from acct_tui.models import User
from acct_tui.services import access, handover, team
from tests import factories as f
from tests.test_handover import make_alert


@pytest.fixture
def org(db):
    o = f.org()
    a1, a2, b1, b2 = o["a1"], o["a2"], o["b1"], o["b2"]
    # Acme (strategic, target 14 days): touched 6 days ago -> covered.
    f.activity(a1, kind="call", at=dt.datetime(2026, 11, 14, 9, 0))
    # Beta (standard, target 45): touched 50 days ago -> not covered.
    f.activity(a2, kind="email", at=dt.datetime(2026, 10, 1, 9, 0))
    # Gamma (key, target 21) touched 21 days ago (on the boundary) -> covered.
    f.activity(b1, kind="visit", at=dt.datetime(2026, 10, 30, 9, 0), author=o["am2"])
    # Delta: own cadence of 7 days, touched 10 days ago -> not covered; only a note since.
    b2.contact_days = 7
    b2.annual_value = 5_000
    b2.save()
    f.activity(b2, kind="meeting", at=dt.datetime(2026, 11, 10, 9, 0))
    f.activity(b2, kind="note", at=dt.datetime(2026, 11, 19, 9, 0))
    make_alert(a1, "champion_left", "red")
    make_alert(a1, "overdue_update", "yellow", status="acknowledged", escalated_to=o["lead"])
    make_alert(a2, "usage_drop", "red", status="snoozed")  # snoozed: not counted as red
    make_alert(a2, "late_payment", "red", status="resolved", escalated_to=o["lead"])  # resolved: nothing waits
    make_alert(b1, "overdue_update", "yellow")
    f.action_item(a1, "late one", due_on=dt.date(2026, 11, 19))
    f.action_item(a1, "due today", due_on=dt.date(2026, 11, 20))
    f.action_item(a2, "done late", due_on=dt.date(2026, 11, 1), status="done")
    f.action_item(b1, "am2 is late", due_on=dt.date(2026, 11, 1))
    return o


def rows_by_login(login):
    return {r.login: r for r in team.team_rows(access.viewer_for(login))}


def test_lead_sees_one_row_per_person_with_their_numbers(org):
    rows = rows_by_login("lena.lead")
    assert set(rows) == {"minh.pham", "an.nguyen", "lena.lead"}
    minh = rows["minh.pham"]
    assert (minh.accounts, minh.total_value) == (2, Decimal(20_000))
    assert (minh.red, minh.yellow) == (1, 1)
    assert (minh.covered, minh.coverage) == (1, 0.5)
    assert minh.late_commitments == 1
    assert minh.escalations_waiting == 1
    assert (minh.last_touch, minh.days_since_touch) == (dt.datetime(2026, 11, 14, 9, 0), 6)
    an = rows["an.nguyen"]
    assert (an.accounts, an.total_value, an.red, an.yellow) == (2, Decimal(15_000), 0, 1)
    assert (an.covered, an.late_commitments, an.escalations_waiting) == (1, 1, 0)
    # an.nguyen logged the Gamma visit; the Delta meeting was logged by its owner (an) too.
    assert an.days_since_touch == 10
    lead = rows["lena.lead"]
    assert (lead.accounts, lead.coverage, lead.days_since_touch) == (1, 0.0, None)


def test_cadence_comes_from_the_policy(org):
    generous = policy_from_config({"standard": {"contact_target": 60, "contact_max": 90}})
    rows = {r.login: r for r in team.team_rows(access.viewer_for("lena.lead"), generous)}
    assert rows["minh.pham"].covered == 2
    assert {r.login: r.covered for r in team.team_rows(access.viewer_for("lena.lead"), Policy())}["minh.pham"] == 1


def test_an_am_sees_only_themselves_and_admin_sees_everyone(org):
    assert set(rows_by_login("minh.pham")) == {"minh.pham"}
    admin = rows_by_login("ada.admin")
    assert {"minh.pham", "an.nguyen", "lena.lead", "sara.senior", "jo.junior", "olga.other"} == set(admin)
    assert sum(r.accounts for r in admin.values()) == 8


def test_deactivated_owner_shows_as_unowned_until_reassigned(org):
    lead = access.viewer_for("lena.lead")
    handover.deactivate(lead, "minh.pham")
    rows = team.team_rows(lead)
    assert rows[-1].is_unowned and rows[-1].name == "(unowned)"
    unowned = rows[-1]
    assert (unowned.accounts, unowned.red, unowned.late_commitments, unowned.escalations_waiting) == (2, 1, 1, 1)
    assert "minh.pham" not in {r.login for r in rows}
    assert [a.name for a in team.member_accounts(lead, None)] == ["Acme Corp", "Beta Ltd"]
    handover.apply(lead, None, "an.nguyen")
    rows = {r.login: r for r in team.team_rows(lead)}
    assert None not in rows and rows["an.nguyen"].accounts == 4


def test_accounts_with_no_owner_are_unowned_for_admins_only(org):
    f.account(None, "Orphan Ltd")
    assert rows_by_login("ada.admin")[None].accounts == 1
    assert None not in rows_by_login("lena.lead")


def test_member_accounts_are_scoped(org):
    lead = access.viewer_for("lena.lead")
    assert [a.name for a in team.member_accounts(lead, "an.nguyen")] == ["Delta Co", "Gamma Inc"]
    assert team.member_accounts(lead, "olga.other") == []
    assert User.select().count() == 7


def test_values_are_in_the_base_currency_and_an_unrated_account_is_counted_not_added(org):
    from acct_tui.models import Rate
    from acct_tui.services import briefs, money

    b1, b2 = org["b1"], org["b2"]  # Gamma (10,000) and Delta (5,000), an.nguyen's
    b1.currency = "EUR"
    b1.save()
    b2.currency, b2.annual_value = "XAF", 5_000_000
    b2.save()
    Rate.create(currency="EUR", quote="USD", as_of=dt.date(2026, 11, 1), rate="1.10")
    Rate.create(currency="EUR", quote="USD", as_of=dt.date(2026, 12, 1), rate="2.00")  # not yet
    an = rows_by_login("lena.lead")["an.nguyen"]
    assert (an.accounts, an.total_value, an.unrated) == (2, Decimal(11_000), (("XAF", 1),))

    lead = access.viewer_for("lena.lead")
    members = {m.name: m for m in team.member_accounts(lead, "an.nguyen")}
    assert (members["Gamma Inc"].base_value, members["Gamma Inc"].annual_value) == (Decimal(11_000), Decimal(10_000))
    assert members["Delta Co"].base_value is None

    plan = handover.preview(lead, "an.nguyen", "minh.pham", book=money.rate_book("USD"))
    text = briefs.markdown(plan.briefs, "handover")
    assert "11,000 USD (10,000 EUR)" in text
    assert "XAF (no rate)" in text and "5,000,000 USD" not in text
