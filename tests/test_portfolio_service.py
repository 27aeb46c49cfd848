"""services/portfolio: derived columns, scoping, sort, filters, summary (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.core.policy import Policy
from acct_tui.models import Alert, HealthSnapshot
from acct_tui.services import access, account_lookup, portfolio
from acct_tui.services.portfolio import Filters
from tests import factories

TODAY = dt.date(2026, 11, 20)


def load(login):
    return portfolio.load(access.viewer_for(login), Policy(), TODAY)


def rows_by_name(p):
    return {p.row(i).name: p.row(i) for i in range(len(p))}


def snapshot(account, days_ago, score, band):
    HealthSnapshot.create(account=account, taken_on=TODAY - dt.timedelta(days=days_ago), score=score, band=band)


def alert(account, severity="red", status="open", rule="overdue_update"):
    Alert.create(account=account, rule=rule, severity=severity, reason="r", status=status,
                 first_seen=dt.datetime(2026, 11, 1), last_seen=dt.datetime(2026, 11, 20))


@pytest.mark.parametrize(
    "login, expected",
    [
        ("minh.pham", {"Acme Corp", "Beta Ltd"}),
        ("lena.lead", {"Acme Corp", "Beta Ltd", "Gamma Inc", "Delta Co", "Theta"}),
        ("sara.senior", {"Epsilon", "Zeta"}),
        ("ada.admin", {"Acme Corp", "Beta Ltd", "Gamma Inc", "Delta Co", "Epsilon", "Zeta", "Eta Group", "Theta"}),
    ],
)
def test_scoped_to_what_the_viewer_may_see(db, login, expected):
    factories.org()
    assert set(rows_by_name(load(login))) == expected


def test_churned_accounts_are_left_out(db):
    org = factories.org()
    org["a2"].status = "churned"
    org["a2"].save()
    assert set(rows_by_name(load("minh.pham"))) == {"Acme Corp"}


def test_last_touch_counts_touches_not_notes_against_the_cadence(db):
    org = factories.org()
    a1, a2, b1 = org["a1"], org["a2"], org["b1"]  # strategic (14/21), standard (45/60), key (21/30)
    factories.activity(a1, "call", dt.datetime(2026, 11, 3, 9))  # 17 days: past target 14 -> yellow
    factories.activity(a1, "note", dt.datetime(2026, 11, 19, 9))  # a note is not a touch
    factories.activity(a2, "visit", dt.datetime(2026, 11, 10, 9))  # 10 days: green
    factories.activity(b1, "email", dt.datetime(2026, 10, 1, 9))  # 50 days: past max 30 -> red
    rows = rows_by_name(load("lena.lead"))
    assert (rows["Acme Corp"].days_since_touch, rows["Acme Corp"].touch_status) == (17, "yellow")
    assert (rows["Beta Ltd"].days_since_touch, rows["Beta Ltd"].touch_status) == (10, "green")
    assert (rows["Gamma Inc"].days_since_touch, rows["Gamma Inc"].touch_status) == (50, "red")
    assert (rows["Delta Co"].days_since_touch, rows["Delta Co"].touch_status) == (None, "red")


def test_the_accounts_own_cadence_wins_over_its_tier(db):
    org = factories.org()
    a2 = org["a2"]  # standard: 45/60 by tier
    a2.contact_days = 7  # now 7 target, 22 max
    a2.save()
    factories.activity(a2, "call", dt.datetime(2026, 11, 10, 9))  # 10 days
    assert rows_by_name(load("minh.pham"))["Beta Ltd"].touch_status == "yellow"


def test_health_is_the_newest_snapshot_and_trend_compares_with_one_a_week_older(db):
    org = factories.org()
    a1, a2, b1 = org["a1"], org["a2"], org["b1"]
    snapshot(a1, 0, 55, "yellow")
    snapshot(a1, 3, 90, "green")  # too recent to compare with
    snapshot(a1, 7, 70, "green")  # exactly a week older: the one to compare with
    snapshot(a1, 20, 10, "red")
    snapshot(a2, 2, 80, "green")  # newest is 2 days old; compare with >= 9 days
    snapshot(a2, 8, 50, "yellow")
    snapshot(a2, 9, 60, "yellow")
    snapshot(b1, 0, 30, "red")  # nothing older
    rows = rows_by_name(load("lena.lead"))
    assert (rows["Acme Corp"].health, rows["Acme Corp"].band, rows["Acme Corp"].trend) == (55, "yellow", -15)
    assert (rows["Beta Ltd"].health, rows["Beta Ltd"].trend) == (80, 20)
    assert (rows["Gamma Inc"].health, rows["Gamma Inc"].trend) == (30, None)
    assert (rows["Delta Co"].health, rows["Delta Co"].band) == (None, None)


def test_next_visit_renewal_and_open_alerts(db):
    org = factories.org()
    a1 = org["a1"]
    a1.renewal_date = dt.date(2027, 1, 19)
    a1.save()
    factories.planned_visit(a1, dt.date(2026, 12, 5))
    factories.planned_visit(a1, dt.date(2026, 11, 25))
    factories.planned_visit(a1, dt.date(2026, 11, 21), status="cancelled")
    alert(a1, "red", "open", "overdue_update")
    alert(a1, "yellow", "acknowledged", "late_commitment")
    alert(a1, "red", "snoozed", "usage_drop")
    alert(a1, "red", "resolved", "departure_intent")
    row = rows_by_name(load("minh.pham"))["Acme Corp"]
    assert row.next_visit == dt.date(2026, 11, 25)
    assert row.days_to_renewal == 60
    assert row.open_alerts == 2
    other = rows_by_name(load("minh.pham"))["Beta Ltd"]
    assert (other.next_visit, other.days_to_renewal, other.open_alerts) == (None, None, 0)


def test_share_and_the_accounts_making_up_the_top_80_percent(db):
    am = factories.user("am.x")
    for name, value in (("A", 50_000), ("B", 25_000), ("C", 15_000), ("D", 10_000)):
        factories.account(am, name, annual_value=value)
    rows = rows_by_name(load("am.x"))
    assert rows["A"].share == pytest.approx(0.5)
    # A and B reach 75%: C is needed to pass 80%; D is not.
    assert [rows[n].top for n in "ABCD"] == [True, True, True, False]


def test_sort_by_each_column_and_reverse(db):
    org = factories.org()
    snapshot(org["a1"], 0, 20, "red")
    snapshot(org["b1"], 0, 90, "green")
    org["b2"].annual_value = 99_000
    org["b2"].save()
    p = load("lena.lead")
    names = lambda positions: [p.names[i] for i in positions]  # noqa: E731
    assert names(p.view("value"))[0] == "Delta Co"
    assert names(p.view("health"))[:2] == ["Acme Corp", "Gamma Inc"]
    assert names(p.view("name")) == sorted(names(p.view("name")))
    assert names(p.view("name", reverse=True)) == sorted(names(p.view("name")), reverse=True)
    assert names(p.view("tier"))[0] == "Acme Corp"
    for column in portfolio.SORT_COLUMNS:
        assert sorted(p.view(column)) == list(range(len(p)))
    with pytest.raises(ValueError):
        p.view("colour")


def test_filters_combine_and_describe_themselves(db):
    org = factories.org()
    snapshot(org["a1"], 0, 20, "red")
    snapshot(org["b1"], 0, 30, "red")
    p = load("lena.lead")
    names = lambda f: sorted(p.names[i] for i in p.view("name", filters=f))  # noqa: E731
    assert names(Filters(bands=frozenset({"red"}))) == ["Acme Corp", "Gamma Inc"]
    assert names(Filters(bands=frozenset({"red"}), tiers=frozenset({"key"}))) == ["Gamma Inc"]
    assert names(Filters(text="A", owner="minh.pham")) == ["Acme Corp", "Beta Ltd"]
    assert names(Filters(text="acme", owner="an.nguyen")) == []
    assert names(Filters(bands=frozenset({"none"}))) == ["Beta Ltd", "Delta Co", "Theta"]
    assert Filters(text="acme", tiers=frozenset({"key"}), owner="x").describe() == '"acme", tier key, owner x'


def test_summary_counts_value_coverage_and_bands_of_what_is_shown(db):
    org = factories.org()
    factories.activity(org["a1"], "call", dt.datetime(2026, 11, 18, 9))
    snapshot(org["a1"], 0, 20, "red")
    snapshot(org["a2"], 0, 50, "yellow")
    p = load("minh.pham")
    s = p.summary(p.view("value"))
    assert (s.accounts, s.total_value, s.coverage, s.red, s.yellow) == (2, 20_000.0, 0.5, 1, 1)
    empty = p.summary([], Filters(text="zzz"))
    assert (empty.accounts, empty.coverage, empty.filters) == (0, None, '"zzz"')


def test_account_search_is_scoped_and_treats_wildcards_literally(db):
    org = factories.org()
    factories.account(org["am1"], "100% Fresh Foods")
    minh = access.viewer_for("minh.pham")
    assert [h.name for h in account_lookup.search_accounts(minh, "a")] == ["Acme Corp", "Beta Ltd"]
    assert [h.name for h in account_lookup.search_accounts(minh, "gamma")] == []
    assert [h.name for h in account_lookup.search_accounts(minh, "%")] == ["100% Fresh Foods"]
    assert [h.name for h in account_lookup.search_accounts(minh, "h_f")] == []
    assert [h.name for h in account_lookup.search_accounts(minh, "beta")] == ["Beta Ltd"]
    lead = access.viewer_for("lena.lead")
    # Names starting with the text come first.
    assert [h.name for h in account_lookup.search_accounts(lead, "t")] == ["Theta", "Beta Ltd", "Delta Co"]
    assert account_lookup.account_hit(minh, org["b1"].id) is None
    assert account_lookup.account_hit(minh, org["a1"].id).name == "Acme Corp"


def test_the_quick_first_screen_has_the_most_valuable_accounts_and_whole_totals(db):
    org = factories.org()
    org["b2"].annual_value = 90_000
    org["b2"].save()
    snapshot(org["b2"], 0, 33, "red")
    snapshot(org["b2"], 7, 40, "yellow")
    first = portfolio.load(access.viewer_for("lena.lead"), Policy(), TODAY, first=2)
    assert not first.complete
    assert (len(first), first.total_accounts, first.total_value) == (2, 5, 130_000.0)
    top = first.row(first.view("value")[0])
    assert (top.name, top.health, top.trend, top.share) == ("Delta Co", 33, -7, pytest.approx(90 / 130))
    assert portfolio.load(access.viewer_for("minh.pham"), Policy(), TODAY, first=10).total_accounts == 2
