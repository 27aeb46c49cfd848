"""services/portfolio_totals and the filter path: the fast masks and bit counts agree with the plain definitions.

A synthetic `Portfolio` (no database): the figures here are checked against
straightforward loops over the same columns, for arbitrary subsets and for
a typed filter narrowed key by key and widened again by backspace.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from acct_tui.core.currency import merge_unrated
from acct_tui.enums import TIERS
from acct_tui.services.portfolio import SORT_COLUMNS, Filters, Portfolio

SIZE = 400


def synthetic(seed: int = 7) -> Portfolio:
    rnd = random.Random(seed)
    syllables = ("an", "ta", "co", "ré", "Zu", "ACME", "be", "ö", "n", "x")

    def maybe(value, none_share=0.2):
        return None if rnd.random() < none_share else value

    values = [maybe(round(rnd.uniform(0, 1e6), 2), 0.05) for _ in range(SIZE)]
    currencies = ["USD" if v is not None else "XAF" for v in values]
    return Portfolio(
        today=dt.date(2026, 11, 20),
        ids=tuple(range(1000, 1000 + SIZE)),
        names=tuple("".join(rnd.choice(syllables) for _ in range(rnd.randint(1, 4))) for _ in range(SIZE)),
        tiers=tuple(rnd.choice(TIERS) for _ in range(SIZE)),
        owners=tuple(maybe(rnd.choice(("an", "minh", "lena"))) for _ in range(SIZE)),
        values=tuple(values),
        own_values=tuple(v or 1.0 for v in values),
        currencies=tuple(currencies),
        pipelines=tuple(maybe(round(rnd.uniform(0, 5e4), 2), 0.5) for _ in range(SIZE)),
        health=tuple(maybe(rnd.randint(0, 100)) for _ in range(SIZE)),
        bands=tuple(maybe(rnd.choice(("red", "yellow", "green"))) for _ in range(SIZE)),
        trends=tuple(maybe(rnd.randint(-9, 9)) for _ in range(SIZE)),
        touch_days=tuple(maybe(rnd.randint(0, 400)) for _ in range(SIZE)),
        touch_status=tuple(rnd.choice(("green", "yellow", "red")) for _ in range(SIZE)),
        next_visits=tuple(maybe(739000 + rnd.randint(0, 90)) for _ in range(SIZE)),
        renewals=tuple(maybe(739000 + rnd.randint(-30, 300)) for _ in range(SIZE)),
        alerts=tuple(rnd.choice((0, 0, 1, 3)) for _ in range(SIZE)),
        customers=tuple(rnd.random() < 0.7 for _ in range(SIZE)),
        total_value=sum(v for v in values if v is not None),
        unrated=frozenset(i for i, v in enumerate(values) if v is None),
    )


def plain_summary(p: Portfolio, positions, filters: Filters):
    """The figures by their definitions (`Summary`), one account at a time, in position order."""
    shown = sorted(positions)
    judged = [i for i in shown if p.customers[i]]
    return (
        len(shown),
        sum(p.values[i] or 0.0 for i in shown),
        merge_unrated((p.currencies[i], 1) for i in shown if p.values[i] is None),
        sum(p.pipelines[i] or 0.0 for i in shown),
        sum(p.touch_status[i] == "green" for i in judged) / len(judged) if judged else None,
        sum(p.bands[i] == "red" for i in shown),
        sum(p.bands[i] == "yellow" for i in shown),
        sum(p.alerts[i] for i in shown),
        filters.describe(),
    )


def figures(summary):
    return (summary.accounts, summary.total_value, summary.unrated, summary.pipeline, summary.coverage,
            summary.red, summary.yellow, summary.alerts, summary.filters)


def plain_view(p: Portfolio, sort: str, reverse: bool, filters: Filters) -> list[int]:
    order = list(p.order(sort))
    order = order[::-1] if reverse else order
    return [
        i for i in order
        if filters.text.lower() in p.names[i].lower()
        and (not filters.tiers or p.tiers[i] in filters.tiers)
        and (not filters.bands or (p.bands[i] or "none") in filters.bands)
        and (not filters.owner or p.owners[i] == filters.owner)
    ]


@pytest.mark.parametrize("share", [0.0, 0.01, 0.3, 0.9, 1.0])
def test_summary_of_any_subset_is_its_figures_by_definition(share):
    p = synthetic()
    rnd = random.Random(share)
    positions = [i for i in range(SIZE) if rnd.random() < share]
    rnd.shuffle(positions)  # the shown order (a sort) changes no figure
    assert figures(p.summary(positions)) == plain_summary(p, positions, Filters())
    assert p.summary(positions).unrated == p.summary(sorted(positions)).unrated


def test_typing_narrows_and_backspace_widens_to_the_same_rows_and_totals():
    p = synthetic().warm()
    others = (Filters(), Filters(tiers=frozenset({"key", "standard"})), Filters(bands=frozenset({"none", "red"}), owner="an"))
    typed = ["", "a", "an", "ANA", "anaz", "ana", "an", "a", "", "ö", "ÖN", "ö", "", "zu", "z", ""]
    seen: dict = {}
    for other in others:
        for sort in SORT_COLUMNS:
            for reverse in (False, True):
                for text in typed:
                    filters = Filters(text=text, tiers=other.tiers, bands=other.bands, owner=other.owner)
                    rows = p.view(sort, reverse, filters)
                    assert rows == plain_view(p, sort, reverse, filters), (sort, reverse, filters)
                    assert figures(p.totals(filters)) == plain_summary(p, rows, filters)
                    assert p.totals(filters) == p.summary(rows, filters)
                    # Coming back to a text shows exactly what it showed before.
                    assert seen.setdefault((sort, reverse, filters), rows) == rows
    assert 0 < len(p.view("name", False, Filters(text="an"))) < len(p.view("name", False, Filters(text="a"))) < SIZE


def test_a_text_nothing_matches_shows_nothing_and_zero_totals():
    p = synthetic()
    empty = p.totals(Filters(text="qqq"))
    assert (p.view(filters=Filters(text="qqq")), figures(empty)) == ([], (0, 0.0, (), 0.0, None, 0, 0, 0, '"qqq"'))
    assert figures(p.totals()) == plain_summary(p, range(SIZE), Filters())
