"""services/portfolio_shown: a view read piecemeal is the whole view, and a first page walks only that far."""

from __future__ import annotations

import random

import pytest

from acct_tui.services.portfolio import SORT_COLUMNS, Filters
from acct_tui.services.portfolio_shown import Shown
from tests.test_portfolio_totals import SIZE, plain_view, synthetic

FILTERS = (
    Filters(),
    Filters(text="a"),
    Filters(text="AN"),
    Filters(text="qqq"),
    Filters(text="a", tiers=frozenset({"key", "standard"})),
    Filters(bands=frozenset({"none", "red"}), owner="an"),
)


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f.describe() or "none")
def test_reads_in_any_order_agree_with_the_whole_view(filters):
    p = synthetic().warm()
    rnd = random.Random(filters.describe())
    for sort in SORT_COLUMNS:
        for reverse in (False, True):
            expected = plain_view(p, sort, reverse, filters)
            shown = p.shown(sort, reverse, filters)
            assert len(shown) == len(expected)
            for _ in range(12):
                start = rnd.randint(-5, SIZE)
                read = rnd.choice(("page", "item", "index", "missing", "step"))
                if read == "page":
                    size = rnd.randint(0, 60)
                    assert shown[start : start + size] == expected[start : start + size]
                elif read == "item" and expected:
                    k = rnd.randrange(-len(expected), len(expected))
                    assert shown[k] == expected[k]
                elif read == "index" and expected:
                    k = rnd.randrange(len(expected))
                    assert shown.index(expected[k]) == k
                elif read == "missing":
                    gone = [i for i in range(SIZE) if i not in set(expected)]
                    if gone:
                        with pytest.raises(ValueError):
                            shown.index(rnd.choice(gone))
                elif read == "step":
                    assert shown[::-3] == expected[::-3]
            assert list(shown) == expected == p.view(sort, reverse, filters)
            with pytest.raises(IndexError):
                shown[len(expected)]


def test_slices_match_a_list_at_every_bound():
    p = synthetic()
    expected = plain_view(p, "name", False, Filters(text="a"))
    n = len(expected)
    for start in (-n - 3, -5, 0, 3, n - 1, n, n + 4, None):
        for stop in (-n - 3, -2, 0, 5, n, n + 9, None):
            shown = p.shown("name", False, Filters(text="a"))  # fresh: nothing found yet
            assert shown[start:stop] == expected[start:stop], (start, stop)


class CountingOrder(list):
    """A sort order that counts how far it was walked."""

    walked = 0

    def __iter__(self):
        for k, position in enumerate(list.__iter__(self)):
            self.walked = max(self.walked, k + 1)
            yield position


def test_a_first_page_walks_the_order_only_to_its_last_row():
    mask = bytes(i % 2 for i in range(10_000))  # every odd position shown
    order = CountingOrder(range(10_000))
    shown = Shown(order, mask)
    assert len(shown) == 5_000 and order.walked == 0  # the count needs no walk
    assert shown[:50] == list(range(1, 100, 2)) and order.walked <= 100
    with pytest.raises(ValueError):
        shown.index(9_998)  # left out by the mask: known without walking
    assert order.walked <= 100
    assert shown.index(301) == 150 and order.walked < 10_000
    assert list(shown) == list(range(1, 10_000, 2)) and order.walked == 10_000


def test_a_row_is_the_same_object_while_kept_and_equal_to_a_fresh_one_after(monkeypatch):
    from acct_tui.services import portfolio

    monkeypatch.setattr(portfolio, "ROWS_KEPT", 8)
    p = synthetic()
    first = p.row(3)
    assert p.row(3) is first and first == p._build_row(3)
    for i in range(10, 20):  # more than are kept: the oldest goes
        p.row(i)
    again = p.row(3)
    assert again is not first and again == first
