"""The portfolio: every account a viewer may see, with its derived columns.

`load(viewer, policy)` runs one grouped query per fact (last touch, newest
health and the one a week older, next planned visit, open alerts) over the
viewer's accounts and keeps the result in columns (plain tuples), not one
object per account: at 100,000 accounts that is the difference between
about a second and several. `Portfolio.view(...)` then sorts and filters in
memory (cached sort orders, a mask per filter) and `Portfolio.row(i)` builds
the `PortfolioRow` (`portfolio_rows`) for the few rows on screen.

The per-fact queries live in `portfolio_facts`.

Money: values, shares, the 80% stars, the value sort and the totals are in
the base currency, converted once per load through a `RateBook` (today's
rates). An account whose currency has no rate keeps its own amount, is
never added in or starred, sorts after every valued account, and is counted
in the summary line ("2 accounts without a rate for XAF").

Why in memory rather than ORDER BY ... LIMIT per keystroke: sorting by a
derived column in SQL means recomputing every aggregate per query (hundreds
of ms at 100k); here a refresh pays once and each sort or filter costs tens
of milliseconds at most (see scripts/bench_ui.py).
"""

from __future__ import annotations

import datetime as dt
from array import array
from dataclasses import dataclass, field
from itertools import repeat
from operator import contains
from typing import Sequence

from peewee import JOIN, Case, fn

from acct_tui.core.currency import RateBook, merge_unrated
from acct_tui.core.policy import Policy
from acct_tui.models import Account, User
from acct_tui.services import kpi_facts, portfolio_columns, portfolio_totals
from acct_tui.services.money import in_base_sql
from acct_tui.services.portfolio_shown import Shown
from acct_tui.services.portfolio_rows import TIER_RANK, Filters, PortfolioRow, Summary
from acct_tui.services.query import iter_rows, page_cache_at_most, raw_rows
from acct_tui.services.access import Viewer, scope_accounts, visible_account_ids

BAND_RANK = {"red": 0, "yellow": 1, "green": 2}
#: Sort keys: column key -> how it sorts (None sorts last).
SORT_COLUMNS = (
    "tier",
    "name",
    "owner",
    "value",
    "share",
    "pipeline",
    "health",
    "last_touch",
    "next_visit",
    "renewal",
    "alerts",
)
#: Rows kept built (`Portfolio.row`): a few screens' worth, for the rows a new filter shows again.
ROWS_KEPT = 512
#: Typed filter texts whose masks (100 KB each at 100k accounts) and filters whose totals are kept:
#: a backspace goes back to one of them.
TEXT_MASKS = 8


@dataclass(frozen=True)
class Portfolio:
    """The viewer's accounts in columns, by position; build with `load()`.

    Holds no ORM rows. Sort orders are computed once and cached inside.
    """

    today: dt.date
    ids: Sequence[int]
    names: tuple[str, ...]
    tiers: tuple[str, ...]
    owners: tuple[str | None, ...]
    #: Base-currency values; None where the currency has no rate.
    values: tuple[float | None, ...]
    own_values: Sequence[float]
    currencies: tuple[str, ...]
    pipelines: tuple[float | None, ...]
    health: tuple[int | None, ...]
    bands: tuple[str | None, ...]
    trends: tuple[int | None, ...]
    touch_days: tuple[int | None, ...]
    touch_status: tuple[str, ...]
    next_visits: tuple[int | None, ...]  # date ordinals
    renewals: tuple[int | None, ...]  # date ordinals
    alerts: tuple[int, ...]
    #: True for a customer today (`kpi_facts.active_at`): the accounts coverage judges.
    customers: tuple[bool, ...] = ()
    top: frozenset[int] = frozenset()  # positions
    base: str = "USD"
    total_value: float = 0.0
    #: Positions of the accounts without a rate (few; usually none).
    unrated: frozenset[int] = frozenset()
    #: Open opportunities left out of the pipeline for want of a rate: (currency, count).
    unrated_pipeline: tuple[tuple[str, int], ...] = ()
    #: Whole-book accounts without a rate (the quick first screen's note).
    total_unrated: tuple[tuple[str, int], ...] = ()
    #: Accounts in the whole portfolio (more than `len()` when not `complete`).
    total_accounts: int = 0
    #: False for the quick first screen (`load(first=N)`): only the top accounts by value.
    complete: bool = True
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def owner_logins(self) -> list[str]:
        return sorted({o for o in self.owners if o})

    def warm(self, sort: str | None = None, filters: Filters | None = None) -> "Portfolio":
        """Compute every sort order and index now (in the loading thread), so each sort is instant later.

        With `sort` and `filters`: only what showing that view and its summary needs; the
        rest is computed when first asked for (`warm()` again, in a thread, does it early)."""
        if sort is not None:
            self.order(sort)
            self.totals(filters or Filters())
            return self
        self._lowered()
        self._totals()  # the summary's columns
        self.position_of(-1)  # builds the id -> position index the screen keeps the cursor with
        for column in SORT_COLUMNS:
            self.order(column)
        return self

    def shed(self, keep: str) -> None:
        """Let go of the sort orders but `keep`'s, the lowered names and the summary's columns
        (computed again when asked for), from the thread that reads this portfolio: a reload then
        holds the new portfolio beside this one's columns, not beside two sets of caches (15 MB at 100k)."""
        for key in list(self._cache):
            if key in ("names", "totals") or (isinstance(key, tuple) and key[0] == "order" and key[1] != keep):
                self._cache.pop(key, None)

    def position_of(self, account_id: int) -> int | None:
        """The position of an account, or None when it is not in this portfolio."""
        if "positions" not in self._cache:
            self._cache["positions"] = {account_id: i for i, account_id in enumerate(self.ids)}
        return self._cache["positions"].get(account_id)

    def row(self, i: int) -> PortfolioRow:
        """The row at position `i` (a position from `view`): the same object each time while the
        last `ROWS_KEPT` built are kept, so a table can tell the row it drew before."""
        kept = self._cache.setdefault("rows", {})
        row = kept.get(i)
        if row is None:
            if len(kept) >= ROWS_KEPT:
                kept.pop(next(iter(kept)))
            row = kept[i] = self._build_row(i)
        return row

    def _build_row(self, i: int) -> PortfolioRow:
        today = self.today.toordinal()
        value = self.values[i]
        nv, rn = self.next_visits[i], self.renewals[i]
        share = None if value is None else (value / self.total_value if self.total_value else 0.0)
        return PortfolioRow(
            id=self.ids[i],
            name=self.names[i],
            tier=self.tiers[i],
            owner=self.owners[i],
            annual_value=value,
            own_value=self.own_values[i],
            currency=self.currencies[i],
            share=share,
            top=i in self.top,
            pipeline=self.pipelines[i],
            health=self.health[i],
            band=self.bands[i],
            trend=self.trends[i],
            days_since_touch=self.touch_days[i],
            touch_status=self.touch_status[i],
            next_visit=dt.date.fromordinal(nv) if nv is not None else None,
            days_to_renewal=rn - today if rn is not None else None,
            open_alerts=self.alerts[i],
        )

    # -- sorting and filtering --------------------------------------------

    def _sort_key(self, column: str):
        big = 1 << 40
        values = self.values
        if column == "tier":
            return lambda i: (-TIER_RANK[self.tiers[i]], -(values[i] if values[i] is not None else -1.0))
        if column == "name":
            names = self._lowered()
            return names.__getitem__
        if column == "owner":
            return lambda i: self.owners[i] or "\uffff"
        if column in ("value", "share"):
            # Accounts without a rate cannot be ranked against the others: after them all.
            return lambda i: -values[i] if values[i] is not None else 1.0
        if column == "pipeline":
            return lambda i: -self.pipelines[i] if self.pipelines[i] is not None else 1.0
        if column == "health":
            return lambda i: (self.health[i] if self.health[i] is not None else big)
        if column == "last_touch":
            # Longest untouched first; never touched before everything.
            return lambda i: -(self.touch_days[i] if self.touch_days[i] is not None else big)
        if column == "next_visit":
            return lambda i: self.next_visits[i] if self.next_visits[i] is not None else big
        if column == "renewal":
            return lambda i: self.renewals[i] if self.renewals[i] is not None else big
        if column == "alerts":
            return lambda i: -self.alerts[i]
        raise ValueError(f"cannot sort by {column!r}; use one of {', '.join(SORT_COLUMNS)}")

    def _lowered(self) -> tuple[str, ...]:
        names = self._cache.get("names")
        if names is None:
            names = self._cache["names"] = tuple(n.lower() for n in self.names)
        return names

    def order(self, column: str) -> Sequence[int]:
        """Positions in the natural order of `column` (cached: a re-sort is free).

        Kept as a C array of 4-byte ints: ten cached orders as lists of Python ints were 40 MB at 100k."""
        key = ("order", column)
        order = self._cache.get(key)
        if order is None:
            order = self._cache[key] = array("i", sorted(range(len(self.ids)), key=self._sort_key(column)))
        return order

    def view(self, sort: str = "value", reverse: bool = False, filters: Filters = Filters()) -> list[int]:
        """Positions to show, sorted by `sort` (its natural direction, or `reverse`), filtered: all of `shown`."""
        return list(self.shown(sort, reverse, filters))

    def shown(self, sort: str = "value", reverse: bool = False, filters: Filters = Filters()) -> Shown:
        """`view` as a sequence found only as far as it is read (`portfolio_shown`): its length and
        first screenful at once, for the keystroke that changed the filters; the rest when read.

        The filters make one mask of a byte per position (`_shown_mask`); the shown rows are the
        cached sort order with C-level `compress` by it.
        """
        positions = self.order(sort)
        if reverse:
            positions = positions[::-1]
        return Shown(positions, self._shown_mask(filters))

    def _shown_mask(self, filters: Filters) -> bytes | None:
        """A byte per position, 1 where the filters show it (None: no filter); the last one is kept for `totals`.

        The tier, band and owner masks are cached; the typed text changes with every key, so
        its mask is a scan of the names in position order (laid out in memory in that order:
        3 ms at 100k, where the same scan in a sort order was 10), the last few texts' kept
        (a backspace goes back to one of them). Bytes, not lists of booleans: a mask is a
        tenth of the memory, counts with `bytes.count`, and several combine as one integer AND.
        """
        if filters == Filters():
            return None
        last = self._cache.get("shown")
        if last is not None and last[0] == filters:
            return last[1]
        masks = []
        if filters.tiers:
            masks.append(self._cached_mask(("tiers", filters.tiers), lambda: bytes(t in filters.tiers for t in self.tiers)))
        if filters.bands:
            masks.append(self._cached_mask(("bands", filters.bands),
                                           lambda: bytes((b or "none") in filters.bands for b in self.bands)))
        if filters.owner:
            masks.append(self._cached_mask(("owner", filters.owner), lambda: bytes(o == filters.owner for o in self.owners)))
        if filters.text:
            masks.append(self._text_mask(filters.text.lower()))
        mask = masks[0]
        if len(masks) > 1:
            bits = int.from_bytes(mask, "little")
            for other in masks[1:]:
                bits &= int.from_bytes(other, "little")
            mask = bits.to_bytes(len(mask), "little")
        self._cache["shown"] = (filters, mask)
        return mask

    def _text_mask(self, needle: str) -> bytes:
        recent = self._cache.setdefault("texts", {})
        mask = recent.pop(needle, None)
        if mask is None:
            mask = bytes(map(contains, self._lowered(), repeat(needle)))
            if len(recent) >= TEXT_MASKS:
                recent.pop(next(iter(recent)))
        recent[needle] = mask  # the newest last
        return mask

    def _cached_mask(self, key, build) -> bytes:
        key = ("mask", key)
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def summary(self, positions: Sequence[int], filters: Filters = Filters()) -> Summary:
        """Totals over `positions` (what is shown), a few ms at 100k (`portfolio_totals`)."""
        return self._totals().summary(positions, filters)

    def totals(self, filters: Filters = Filters()) -> Summary:
        """`summary` of what `view(..., filters)` shows (any sort), reusing the view's mask; the last
        few filters' kept, as their masks are (a backspace shows the figures it showed before)."""
        recent = self._cache.setdefault("summaries", {})
        summary = recent.pop(filters, None)
        if summary is None:
            summary = self._totals().of_mask(self._shown_mask(filters), filters)
            if len(recent) >= TEXT_MASKS:
                recent.pop(next(iter(recent)))
        recent[filters] = summary  # the newest last
        return summary

    def _totals(self) -> portfolio_totals.Totals:
        totals = self._cache.get("totals")
        if totals is None:
            totals = self._cache["totals"] = portfolio_totals.Totals(self)
        return totals


def load(viewer: Viewer, policy: Policy, today: dt.date, book: RateBook, *, first: int | None = None) -> Portfolio:
    """The viewer's active and prospect accounts with every derived column (one query per fact).

    Values are converted to `book.base` at today's rates, once, here.
    `first=N` loads only the N most valuable accounts (in the base currency),
    with the derived columns for just those (a few ms at any size): a first
    screen to show while the whole portfolio loads. Its `total_value` and
    `total_accounts` still cover everything; `complete` is False.
    """
    with page_cache_at_most(PAGE_CACHE_KIB):
        return _load(viewer, policy, today, book, first)


#: SQLite page cache for the load: it reads each page of the book's indexes about once, so the
#: connection's 64 MB cache only filled up and stayed resident (100k accounts: the app's peak
#: 315 -> 256 MB with 8 MB; 2 MB took 7 MB more off the load's peak and no CPU time, measured).
PAGE_CACHE_KIB = 2_000


def _load(viewer: Viewer, policy: Policy, today: dt.date, book: RateBook, first: int | None) -> Portfolio:
    book_total = None
    if first is None:
        accounts, visible = _all_accounts(viewer, today)
    else:
        book_total, total_accounts, rates = _book_totals(viewer, book, today)
        accounts, visible = _most_valuable(viewer, first, rates, today)
    whole_book = first is None and viewer.sees_everything
    columns, unrated, unrated_pipeline, positions = portfolio_columns.columns(accounts, visible, policy, today, book, whole_book)
    values = columns["values"]
    if book_total is None:
        total, total_unrated = sum(v for v in values if v is not None), merge_unrated((columns["currencies"][i], 1) for i in unrated)
        total_accounts = len(values)
    else:
        total, total_unrated = float(book_total.amount), book_total.unrated
    top = portfolio_columns.top_share(values, total)
    # Each column a tuple as its list is let go: never two copies of them all. The ids and own
    # values (never None) as C arrays: no int or float object per account (5 MB at 100k).
    fields = {name: tuple(columns.pop(name)) for name in list(columns)}
    fields["ids"], fields["own_values"] = array("q", fields["ids"]), array("d", fields["own_values"])
    return Portfolio(
        today=today,
        **fields,
        top=top,
        base=book.base,
        total_value=total,
        unrated=frozenset(unrated),
        unrated_pipeline=merge_unrated(unrated_pipeline),
        total_unrated=total_unrated,
        total_accounts=total_accounts,
        complete=first is None,
        _cache={"positions": positions},
    )


_IN_BOOK = kpi_facts.in_book()


def _account_query(today: dt.date):
    customer = Case(None, [(kpi_facts.active_at(today), 1)], 0)
    return (
        Account.select(
            Account.id, Account.name, Account.tier, User.login, Account.annual_value, Account.currency,
            Account.renewal_date, Account.contact_days, customer,
        )
        .join(User, JOIN.LEFT_OUTER, on=(Account.owner == User.id))
        .where(_IN_BOOK)
    )


def _all_accounts(viewer: Viewer, today: dt.date):
    """(the account rows, streamed; the ids the facts cover) for the whole book."""
    # No ORDER BY: sorting 100k names in SQL costs more than the cached sort orders.
    return iter_rows(scope_accounts(_account_query(today), viewer)), visible_account_ids(viewer).where(_IN_BOOK)


def _book_totals(viewer: Viewer, book: RateBook, today: dt.date):
    """(the book's value converted, its accounts, today's rate of each of its currencies)."""
    per_currency = scope_accounts(
        Account.select(Account.currency, fn.COUNT(Account.id), fn.SUM(Account.annual_value)).where(_IN_BOOK), viewer
    ).group_by(Account.currency)
    parts = raw_rows(per_currency)
    return book.total(parts, today), sum(count for _, count, _ in parts), book.rates_on(today, [c for c, _, _ in parts])


def _most_valuable(viewer: Viewer, first: int, rates: dict, today: dt.date):
    """(the `first` most valuable accounts in the base currency, their ids)."""
    worth = in_base_sql(Account.annual_value, Account.currency, rates)
    ranked = _account_query(today).order_by(worth.desc(nulls="LAST"), Account.name, Account.id).limit(first)
    accounts = raw_rows(scope_accounts(ranked, viewer))
    # A literal id list: with a subquery here SQLite prefers the status
    # indexes and scans every planned visit (0.7 s for 100 accounts).
    return accounts, [row[0] for row in accounts] or [0]
