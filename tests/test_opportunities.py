"""Opportunities: the form's reading, adding and editing with an audit trail, access, the timeline. Both backends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from acct_tui.errors import NotFound
from acct_tui.models import AuditLog, Opportunity, Rate
from acct_tui.services import money, opportunities
from acct_tui.services.access import from_user
from acct_tui.services.opportunity_form import read_opportunity
from acct_tui.services.timeline import build_timeline
from acct_tui.services.visits import DraftInvalid
from tests import factories as f

TODAY = dt.date(2026, 11, 20)
FORM = {
    "name": "More seats", "kind": "expansion", "amount": "12,000.50", "currency": "eur", "stage": "Proposal",
    "probability": "40", "close_date": "2026-12-31", "status": "open", "owner": "",
}


def form(**changes):
    return read_opportunity({**FORM, **changes}, TODAY)


def test_the_form_reads_every_field():
    draft = form()
    assert (draft.name, draft.kind, draft.amount, draft.currency, draft.stage, draft.probability) == (
        "More seats", "expansion", Decimal("12000.50"), "EUR", "Proposal", 40,
    )
    assert (draft.close_date, draft.status, draft.owner) == (dt.date(2026, 12, 31), "open", None)
    assert form(close_date="fri").close_date == dt.date(2026, 11, 20)  # the coming Friday: today is one
    assert form(kind="cross-sell", probability="75%").kind == "cross_sell"
    assert form(name="Add\x1b[31m-on\x07").name == "Add[31m-on"  # control characters never reach the table


@pytest.mark.parametrize(
    "changes, field, reason",
    [
        ({"name": "  "}, "name", "needs a name"),
        ({"amount": "12k"}, "amount", "not an amount"),
        ({"amount": "-5"}, "amount", "0 or more"),
        ({"currency": "XYZ"}, "currency", "not a currency code (ISO 4217"),
        ({"currency": "US$"}, "currency", "ISO 4217"),
        ({"probability": "101"}, "probability", "from 0 to 100"),
        ({"probability": "12.5"}, "probability", "whole percentage"),
        ({"close_date": ""}, "close_date", "expected to close"),
        ({"close_date": "someday"}, "close_date", ""),
        ({"kind": "upsell"}, "kind", "not one of renewal, expansion, cross_sell"),
        ({"status": "pending"}, "status", "not one of open, won, lost"),
        ({"stage": "x" * 81}, "stage", "at most 80"),
    ],
)
def test_the_form_names_each_bad_field(changes, field, reason):
    with pytest.raises(DraftInvalid) as caught:
        form(**changes)
    assert field in caught.value.problems and reason in caught.value.problems[field]


def test_a_closed_opportunity_gets_its_stage_and_probability_by_default():
    won = form(status="won", stage="", probability="")
    lost = form(status="lost", stage="", probability="")
    assert (won.stage, won.probability, lost.stage, lost.probability) == ("Closed Won", 100, "Closed Lost", 0)


def test_add_then_edit_is_audited_and_closing_stamps_the_day(db):
    org = f.org()
    me = from_user(org["am1"])
    opp_id = opportunities.add_opportunity(me, org["a1"].id, form())
    opp = Opportunity.get_by_id(opp_id)
    assert (opp.owner_id, opp.created_on, opp.closed_on, opp.currency) == (org["am1"].id, TODAY, None, "EUR")
    changes = opportunities.update_opportunity(me, opp_id, form(stage="Negotiation", probability="70", owner="an.nguyen"))
    assert changes == {"stage": ["Proposal", "Negotiation"], "probability": [40, 70], "owner": ["minh.pham", "an.nguyen"]}
    assert opportunities.update_opportunity(me, opp_id, form(stage="Negotiation", probability="70", owner="an.nguyen")) == {}
    opportunities.update_opportunity(me, opp_id, form(status="won", stage="", probability=""))
    opp = Opportunity.get_by_id(opp_id)
    assert (opp.status, opp.stage, opp.probability, opp.closed_on) == ("won", "Closed Won", 100, TODAY)
    opportunities.update_opportunity(me, opp_id, form())  # reopened
    assert Opportunity.get_by_id(opp_id).closed_on is None
    actions = [a for (a,) in AuditLog.select(AuditLog.action).where(AuditLog.table == "opportunity").order_by(AuditLog.id).tuples()]
    assert actions == ["create", "update", "update", "update"]
    with pytest.raises(DraftInvalid) as caught:
        opportunities.update_opportunity(me, opp_id, form(owner="nobody.here"))
    assert "owner" in caught.value.problems


def test_only_what_the_viewer_may_see(db):
    org = f.org()
    other = from_user(org["am2"])
    opp_id = opportunities.add_opportunity(from_user(org["am1"]), org["a1"].id, form())
    with pytest.raises(NotFound):
        opportunities.add_opportunity(other, org["a1"].id, form())
    with pytest.raises(NotFound):
        opportunities.update_opportunity(other, opp_id, form(stage="Lost it"))
    with pytest.raises(NotFound):
        opportunities.get_opportunity(other, opp_id, money.rate_book("USD"))
    assert opportunities.list_opportunities(other, money.rate_book("USD")) == []
    lead = from_user(org["lead"])
    assert [o.name for o in opportunities.list_opportunities(lead, money.rate_book("USD"))] == ["More seats"]


def test_listing_converts_each_amount_on_its_own_day(db):
    org = f.org()
    me = from_user(org["am1"])
    Rate.create(currency="EUR", quote="USD", as_of=dt.date(2026, 1, 1), rate="1.10")
    Rate.create(currency="EUR", quote="USD", as_of=dt.date(2026, 11, 1), rate="1.20")
    opportunities.add_opportunity(me, org["a1"].id, form(name="Open"))
    Opportunity.create(account=org["a1"], kind="renewal", name="Won", amount=1_000, currency="EUR", probability=100,
                       close_date=dt.date(2026, 3, 1), status="won", closed_on=dt.date(2026, 3, 2), created_on=dt.date(2026, 1, 5))
    Opportunity.create(account=org["a1"], kind="renewal", name="Franc", amount=1_000, currency="XAF",
                       close_date=dt.date(2027, 3, 1), created_on=TODAY)
    rows = {o.name: o for o in opportunities.list_opportunities(me, money.rate_book("USD"))}
    assert rows["Won"].base_amount == Decimal("1100.00")  # the rate on the day it closed
    assert rows["Open"].base_amount == Decimal("14400.60") and rows["Open"].weighted == Decimal("5760.24")
    assert rows["Franc"].base_amount is None and rows["Franc"].weighted is None


def test_the_timeline_shows_opened_stage_changes_closing_and_verdicts(db):
    org = f.org()
    me = from_user(org["am1"])
    a1 = org["a1"].id
    soon = opportunities.add_opportunity(me, a1, form(name="Seats", close_date="2026-12-15"))
    opportunities.update_opportunity(me, soon, form(name="Seats", close_date="2026-12-15", stage="Negotiation"))
    Opportunity.create(account=a1, kind="renewal", name="Late one", amount=5, currency="USD", close_date=dt.date(2026, 11, 1),
                       created_on=dt.date(2026, 9, 1), stage="Proposal", probability=50)
    Opportunity.create(account=a1, kind="cross_sell", name="Lost one", amount=5, currency="USD", close_date=dt.date(2026, 10, 1),
                       created_on=dt.date(2026, 8, 1), status="lost", closed_on=dt.date(2026, 10, 3))
    events = {e.title: e for e in build_timeline(me, a1, kinds=("opportunity",)).events}
    assert set(events) == {
        "opportunity opened, expansion: Seats", "opportunity stage Proposal → Negotiation: Seats",
        "opportunity closes, expansion: Seats", "opportunity opened, renewal: Late one",
        "opportunity past its close date, renewal: Late one", "opportunity opened, cross-sell: Lost one",
        "opportunity lost, cross-sell: Lost one",
    }
    closes = events["opportunity closes, expansion: Seats"]
    assert closes.upcoming and closes.when == dt.datetime(2026, 12, 15) and "12,000 EUR · owner minh.pham · Negotiation 40%" == closes.detail
    assert events["opportunity lost, cross-sell: Lost one"].when == dt.datetime(2026, 10, 3)
    assert events["opportunity past its close date, renewal: Late one"].state == "late"
