"""services/portfolio over a reload: `shed` and a partial `warm` change nothing a view shows.

A reload (after every scan and save) lets the old portfolio shed its caches but the
sort in force, and computes the new one's other orders only once it is shown; every
view, summary and position must be what a fully warmed portfolio gives.
"""

from __future__ import annotations

from acct_tui.services.portfolio import SORT_COLUMNS, Filters
from tests.test_portfolio_totals import figures, plain_summary, plain_view, synthetic

FILTERS = (Filters(), Filters(text="an"), Filters(tiers=frozenset({"key"}), bands=frozenset({"none", "red"})), Filters(owner="an"))


def everything(p):
    return [
        (p.view(sort, reverse, filters), figures(p.totals(filters)))
        for sort in SORT_COLUMNS for reverse in (False, True) for filters in FILTERS
    ]


def test_a_shed_portfolio_shows_what_it_showed_before():
    p = synthetic().warm()
    before = everything(p)
    p.shed("health")
    kept = [key for key in p._cache if isinstance(key, tuple) and key[0] == "order"]
    assert kept == [("order", "health")] and "names" not in p._cache and "totals" not in p._cache
    assert everything(p) == before
    assert [p.position_of(i) for i in p.ids] == list(range(len(p)))


def test_warming_only_the_view_shown_computes_that_view_and_nothing_else_differs():
    cold = synthetic().warm("renewal", Filters(text="an"))
    orders = [key for key in cold._cache if isinstance(key, tuple) and key[0] == "order"]
    assert orders == [("order", "renewal")]
    warm = synthetic().warm()
    assert everything(cold) == everything(warm)
    for sort in SORT_COLUMNS:
        for filters in FILTERS:
            rows = cold.view(sort, False, filters)
            assert rows == plain_view(cold, sort, False, filters)
            assert figures(cold.totals(filters)) == plain_summary(cold, rows, filters)
