"""services/portfolio: derived columns, scoping, sort, filters, summary (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from acct_tui.core.policy import Policy
from acct_tui.models import Alert, HealthSnapshot
from acct_tui.models import Opportunity, Rate
from acct_tui.services import access, account_lookup, money, portfolio
from acct_tui.services.portfolio import Filters
from tests import factories

TODAY = dt.date(2026, 11, 20)


def load(login, base="USD", first=None):
    return portfolio.load(access.viewer_for(login), Policy(), TODAY, money.rate_book(base), first=first)


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
    first = load("lena.lead", first=2)
    assert not first.complete
    assert (len(first), first.total_accounts, first.total_value) == (2, 5, 130_000.0)
    top = first.row(first.view("value")[0])
    assert (top.name, top.health, top.trend, top.share) == ("Delta Co", 33, -7, pytest.approx(90 / 130))
    assert load("minh.pham", first=10).total_accounts == 2


def rate(currency, value, as_of=dt.date(2026, 11, 1), quote="USD"):
    Rate.create(currency=currency, quote=quote, as_of=as_of, rate=value)


def test_values_shares_stars_and_sort_are_in_the_base_currency_and_never_mix(db):
    am = factories.user("am.x")
    # 10,500 VND is about 40 cents: it must not outrank or star against dollars.
    factories.account(am, "Dong", annual_value=10_500, currency="VND")
    factories.account(am, "Euro", annual_value=20_000, currency="EUR")
    factories.account(am, "Dollar", annual_value=25_000)
    factories.account(am, "Franc", annual_value=1_000_000, currency="XAF")  # no rate
    rate("EUR", "1.10")
    rate("EUR", "1.50", as_of=dt.date(2026, 12, 1))  # not yet: the newest rate on or before today counts
    rate("VND", "0.00004")
    p = load("am.x")
    rows = rows_by_name(p)
    assert (rows["Euro"].annual_value, rows["Euro"].own_value, rows["Euro"].currency) == (22_000.0, 20_000.0, "EUR")
    assert rows["Dong"].annual_value == pytest.approx(0.42)
    assert rows["Franc"].annual_value is None and rows["Franc"].share is None and not rows["Franc"].top
    assert p.total_value == pytest.approx(47_000.42)
    assert rows["Dollar"].share == pytest.approx(25_000 / 47_000.42)
    assert [rows[n].top for n in ("Dollar", "Euro", "Dong")] == [True, True, False]
    assert [p.names[i] for i in p.view("value")] == ["Dollar", "Euro", "Dong", "Franc"]
    s = p.summary(p.view("value"))
    assert (s.accounts, s.total_value, s.unrated) == (4, pytest.approx(47_000.42), (("XAF", 1),))
    assert s.unrated_note == "1 account without a rate for XAF"
    filtered = p.summary(p.view("value", filters=Filters(text="o")))  # Dong, Euro, Dollar
    assert (filtered.unrated, filtered.total_value) == ((), pytest.approx(47_000.42))


def test_another_base_currency_converts_across_the_rates_quote(db):
    am = factories.user("am.x")
    factories.account(am, "Dollar", annual_value=11_000)
    factories.account(am, "Euro", annual_value=1_000, currency="EUR")
    rate("EUR", "1.10")  # quoted in USD; the base is EUR
    rows = rows_by_name(load("am.x", base="EUR"))
    assert (rows["Dollar"].annual_value, rows["Euro"].annual_value) == (10_000.0, 1_000.0)


def test_the_quick_first_screen_ranks_by_base_value_and_counts_accounts_without_a_rate(db):
    am = factories.user("am.x")
    factories.account(am, "Dong", annual_value=5_000_000, currency="VND")
    factories.account(am, "Dollar", annual_value=1_000)
    factories.account(am, "Franc", annual_value=9_000_000, currency="XAF")
    rate("VND", "0.00004")
    first = load("am.x", first=2)
    assert [first.names[i] for i in first.view("value")] == ["Dollar", "Dong"]
    assert (first.total_value, first.total_unrated, first.total_accounts) == (1_200.0, (("XAF", 1),), 3)


def test_pipeline_weights_open_opportunities_by_probability_in_the_base_currency(db):
    am = factories.user("am.x")
    acme = factories.account(am, "Acme")
    factories.account(am, "Beta")
    for amount, currency, probability, status in (
        (10_000, "USD", 50, "open"), (2_000, "EUR", 100, "open"), (99_000, "USD", 90, "won"), (5_000, "XAF", 60, "open"),
    ):
        Opportunity.create(account=acme, kind="expansion", name="x", amount=amount, currency=currency,
                           probability=probability, close_date=dt.date(2026, 12, 31), status=status)
    # Only deals without a rate: a pipeline of nothing counted, not no pipeline.
    gamma = factories.account(am, "Gamma")
    Opportunity.create(account=gamma, kind="expansion", name="x", amount=1_000, currency="XAF",
                       probability=50, close_date=dt.date(2026, 12, 31), status="open")
    rate("EUR", "1.25")
    p = load("am.x")
    rows = rows_by_name(p)
    assert (rows["Acme"].pipeline, rows["Beta"].pipeline, rows["Gamma"].pipeline) == (7_500.0, None, 0.0)
    assert p.unrated_pipeline == (("XAF", 2),)
    assert p.summary(p.view("pipeline")).pipeline == 7_500.0
    assert [p.names[i] for i in p.view("pipeline")] == ["Acme", "Gamma", "Beta"]


def test_the_load_reads_with_a_small_page_cache_on_sqlite_and_puts_it_back(db, monkeypatch):
    from acct_tui.services import portfolio_facts
    from acct_tui.services.query import is_postgres

    factories.org()
    if is_postgres():  # no such setting there: the load runs as ever
        assert len(load("ada.admin")) == 8
        return

    def cache_size():
        return db.execute_sql("PRAGMA cache_size").fetchone()[0]

    seen = []
    real = portfolio_facts.health_rows
    monkeypatch.setattr(portfolio_facts, "health_rows", lambda *a: (seen.append(cache_size()), real(*a))[1])
    before = cache_size()
    assert len(load("ada.admin")) == 8 and len(load("ada.admin", first=2)) == 2
    assert before == -64_000 and seen == [-portfolio.PAGE_CACHE_KIB] * 2 and cache_size() == before


def test_repeated_values_are_one_object_each_and_positions_index_the_ids(db):
    """The load's memory at 100k accounts: a tier, owner, currency, band or day is one object per distinct value."""
    org = factories.org()
    for account in (org["a1"], org["a2"]):
        account.renewal_date = TODAY + dt.timedelta(days=30)
        account.save()
        snapshot(account, 0, 40, "red")
    p = load("ada.admin")
    a1, a2 = p.position_of(org["a1"].id), p.position_of(org["a2"].id)
    assert (p.ids[a1], p.ids[a2]) == (org["a1"].id, org["a2"].id)
    assert [p.position_of(account_id) for account_id in p.ids] == list(range(len(p))) and p.position_of(-1) is None
    assert p.owners[a1] == p.owners[a2] and p.owners[a1] is p.owners[a2]
    assert p.currencies[a1] is p.currencies[a2] and p.bands[a1] is p.bands[a2] == "red"
    assert p.renewals[a1] is p.renewals[a2] == (TODAY + dt.timedelta(days=30)).toordinal()
    same_tier = [i for i in range(len(p)) if p.tiers[i] == p.tiers[a1]]
    assert len(same_tier) > 1 and all(p.tiers[i] is p.tiers[a1] for i in same_tier)


def test_positions_index_dense_ids_in_an_array_and_sparse_ones_in_a_dict():
    from acct_tui.services.portfolio_columns import Positions

    ids = [7, 3, 12, 5]
    mapping = {account_id: i for i, account_id in enumerate(ids)}
    dense = Positions.of(ids)
    assert isinstance(dense, Positions)
    assert [dense.get(n) for n in range(-2, 15)] == [mapping.get(n) for n in range(-2, 15)]
    assert dense.get(99, "none") == "none"
    assert Positions.of([1, 10**12]) == {1: 0, 10**12: 1} and Positions.of([-1, 2]) == {-1: 0, 2: 1}
    assert Positions.of([]).get(0) is None
